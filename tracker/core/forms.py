"""What every edit form shares: the version it was loaded from, one answer to a malformed version, and one way
to put a service's refusal beside the field it names.

An edit form carries the project version it was loaded from, so a save over someone else's newer save is refused
(``core.versioning``). The version is written by the page, never typed: a missing or malformed one means a broken
or tampered page, and every versioned form answers it the same way, 400 with a message, before anything else is
looked at.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import DecimalField, HiddenField
from wtforms.widgets import TextInput

from tracker.core.errors import ServiceError
from tracker.core.fields import form_validators
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.money import amount_example, parse_amount

#: Versions are positive and far below this; anything longer is not a version (and would overflow the column).
_MAX_VERSION_DIGITS = 9


class MalformedVersion(BadRequest):
    """A versioned form came back with a version that is missing or not a positive whole number."""

    #: The error page shows this description to the person (it is translated, and says what to do).
    shown_to_user = True

    def __init__(self) -> None:
        super().__init__(description=str(_l("This form's version is missing or malformed: reload the page and "
                                             "enter your changes again.")))


def parse_version(raw: str | None) -> int:
    """The version a form was loaded from, or ``MalformedVersion``."""
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > _MAX_VERSION_DIGITS or int(text) < 1:
        raise MalformedVersion()
    return int(text)


class AmountField(DecimalField):
    """An amount of money typed the reader's way: "13 320 000,00" in Ukrainian (any space between the groups, a
    decimal comma), "13,320,000.00" in English, "13320000.00" in either. A text input (``inputmode=decimal``): a
    number input would let the browser refuse the grouping spaces of the Ukrainian form before we see them."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, places: int = 2, **kwargs) -> None:
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, places=places, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        language = current_language()
        try:
            self.data = parse_amount(valuelist[0], language)
        except ValueError:
            self.data = None
            raise ValueError(_("Write the amount in figures, as %(example)s.",
                               example=amount_example(language))) from None
        if self.places is not None and self.data.as_tuple().exponent < -self.places:
            self.data = None
            raise ValueError(_("At most %(places)d digits after the decimal separator.", places=self.places))


class ModelForm(FlaskForm):
    """A form over a model: each field named like a model field gets the limits the model declares.

    Subclasses set ``model``; a field's own validators (required or not, a message of its own) come first,
    then the model's ``Length``, ``NumberRange`` and ``Regexp``, so no number is written twice.
    """

    model: type | None = None
    #: What to say when a field breaks its declared pattern, by field (the regex itself says nothing to a person).
    pattern_messages: dict = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("model")
        if model is None:
            return
        for name, unbound in list(cls.__dict__.items()):
            if name in model.model_fields and hasattr(unbound, "field_class"):
                own = list(unbound.kwargs.get("validators") or ())
                derived = form_validators(model, name, pattern_message=cls.pattern_messages.get(name))
                unbound.kwargs["validators"] = [*own, *derived]


class VersionedForm(FlaskForm):
    """A form that carries the project version it was loaded from (no lost work)."""

    version = HiddenField()

    def arm(self, version: int) -> None:
        """Carry ``version``: on first display, and after a conflict, the one the person has now seen."""
        self.version.raw_data = [str(version)]
        self.version.data = str(version)

    def expected_version(self) -> int:
        """The version the submitted form was loaded from (``MalformedVersion`` when it is not one).

        Read from what was sent, never from the object the form was built over: a form posted without its
        version must not quietly take the stored one.
        """
        raw = self.version.raw_data[0] if self.version.raw_data else None
        return parse_version(raw if isinstance(raw, str) else None)

    def validate(self, extra_validators=None) -> bool:
        """Refuse a malformed version first (400), then validate the fields as usual."""
        self.expected_version()
        return super().validate(extra_validators=extra_validators)


class ConfirmForm(FlaskForm):
    """A button whose action cannot be undone (withdraw an offer, cancel a job): the first press shows what it
    does and asks again; ``confirmed`` is sent only by that page's button (``templates/confirm_action.html``)."""

    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


def attach_error(form: FlaskForm, error: ServiceError) -> None:
    """Show a service refusal beside its field when the form has that field, else above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and field.name not in ("version", "csrf_token"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
