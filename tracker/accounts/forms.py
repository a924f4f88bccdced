"""The administrators' account forms (``/manage/users``); the checks themselves are the operations'."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.accounts.operations import MIN_PASSWORD_LENGTH
from tracker.core.email_address import EmailAddress
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.labels import label
from tracker.core.vocab import Role


def language_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("— choose —")), SelectChoice("uk", "Українська"), SelectChoice("en", "English")]


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label("role", role.value)) for role in Role]


class _AccountFields(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=255)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    # Explicitly chosen: an account's language decides the language of the e-mail it receives.
    locale = SelectField(_l("Language"), validators=[DataRequired()],
                         description=_l("The language of the pages and e-mail this person receives."))
    authority = SelectMultipleField(_l("Authorities (planners only)"), coerce=int, validators=[Optional()],
                                    description=_l("A planner works for these authorities and everything "
                                                   "beneath them. Hold Ctrl to choose several."))

    def __init__(self, *args, authorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
        self.locale.choices = language_choices()
        self.authority.choices = [SelectChoice(value, text) for value, text in authorities]


class NewUserForm(_AccountFields):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=255)])
    password = PasswordField(_l("Temporary password"), validators=[
        Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=_l("Leave empty to have one generated. It is shown once; the person chooses their own at "
                       "the first sign-in."))


class EditUserForm(_AccountFields):
    pass


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Temporary password"), validators=[
        Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=_l("Leave empty to have one generated. It is shown once; the person chooses their own at "
                       "their next sign-in."))


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the page itself is the confirmation."""


class UserFilterForm(FlaskForm):
    """The list's search (GET, no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice("", _l("Any role")), *role_choices()]
