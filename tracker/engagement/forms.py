"""WTForms of the engagement mechanism; validation happens on the server, labels are translated."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.core.email_address import EmailAddress
from tracker.core.fields import form_validators
from tracker.core.forms import AmountField, ModelForm, attach_error
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.labels import LABELS
from tracker.core.vocab import Currency
from tracker.engagement.models import (
    Need,
    Offer,
    OfferMessage,
    PartnerProfile,
    Partnership,
    PartnershipActivity,
    ProjectFollower,
)
from tracker.engagement.partners import PARTNER_COUNTRIES, PARTNER_KINDS
from tracker.projects.forms import select_choices


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


#: Partners mostly think in euros, so the euro leads.
CURRENCY_CHOICES = [SelectChoice(c.value, c.value) for c in (Currency.EUR, Currency.UAH, Currency.USD)]


def _none_first(vocabulary: str, none_label) -> list[SelectChoice]:
    return [SelectChoice("", none_label)] + select_choices(vocabulary)


class ActionForm(FlaskForm):
    """A button that changes something (confirm, hide, withdraw): only the CSRF token."""


class NeedForm(ModelForm):
    model = Need

    authority_id = SelectField(_l("Authority"), coerce=int, validators=[DataRequired()])
    project_id = SelectField(_l("Project"), coerce=int, default=0,
                             description=_l("A project in needs assessment or planning, or none for a capacity need."))
    capacity_area = SelectField(_l("Capacity to build"), choices=_none_first("capacity_area", _l("— none —")),
                                validators=[Optional()])
    sector = SelectField(_l("Sector"), choices=_none_first("sector", _l("— from the project —")),
                         validators=[Optional()])
    help_kind = SelectField(_l("Help sought"), choices=select_choices("help_kind"), validators=[DataRequired()])
    title_uk = StringField(_l("Title (Ukrainian)"), validators=[DataRequired()])
    title_en = StringField(_l("Title (English)"), validators=[Optional()])
    description_uk = TextAreaField(_l("Description (Ukrainian)"), validators=[Optional()])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional()])
    amount = AmountField(_l("Amount"), places=2, validators=[Optional()])
    currency = SelectField(_l("Currency"), choices=CURRENCY_CHOICES)
    effort_days = IntegerField(_l("Effort (person-days)"), validators=[Optional()])
    needed_by = DateField(_l("Needed by"), validators=[Optional()])
    languages = CheckboxesField(_l("Working languages"), choices=select_choices("language"))

    def validate_project_id(self, field):
        if not field.data and not self.capacity_area.data:
            raise ValidationError(_l("Choose a project or a capacity to build."))


class PartnerRegistrationForm(FlaskForm):
    organisation_name = StringField(_l("Organisation (name in its own language)"),
                                    validators=[DataRequired(), Length(max=255)])
    organisation_name_en = StringField(_l("Organisation (name in English)"), validators=[Optional(), Length(max=255)])
    kind = SelectField(_l("Kind of organisation"),
                       choices=[SelectChoice(k.value, LABELS["organisation_kind"][k.value]) for k in PARTNER_KINDS],
                       validators=[DataRequired()])
    country = SelectField(_l("Country"), choices=[SelectChoice(c, LABELS["country"][c]) for c in PARTNER_COUNTRIES],
                          validators=[DataRequired()])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=255)])
    contact_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=255)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)],
                             description=_l("At least 10 characters."))
    password_again = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords differ."))])
    languages = CheckboxesField(_l("Working languages"), choices=select_choices("language"),
                                validators=[DataRequired(message=_l("Choose at least one language."))])
    sectors = CheckboxesField(_l("Sectors of experience"), choices=select_choices("sector"))
    help_kinds = CheckboxesField(_l("Help you can give"), choices=select_choices("help_kind"),
                                 validators=[DataRequired(message=_l("Choose at least one kind of help."))])
    about = TextAreaField(_l("About your organisation"), validators=[Optional(), *form_validators(PartnerProfile,
                                                                                                   "about")])


class OfferForm(ModelForm):
    model = Offer

    kind = SelectField(_l("Kind of help"), choices=select_choices("help_kind"), validators=[DataRequired()])
    amount = AmountField(_l("Amount"), places=2, validators=[Optional()])
    currency = SelectField(_l("Currency"), choices=CURRENCY_CHOICES)
    effort_days = IntegerField(_l("Effort (person-days)"), validators=[Optional()])
    period_start = DateField(_l("From"), validators=[Optional()])
    period_end = DateField(_l("Until"), validators=[Optional()])
    message = TextAreaField(_l("Message"), validators=[DataRequired()])


class MessageForm(ModelForm):
    model = OfferMessage

    body = TextAreaField(_l("Your message"), validators=[DataRequired()])


class AcceptForm(FlaskForm):
    role = SelectField(_l("The partner's role"), choices=[
        SelectChoice(r, LABELS["party_role"][r]) for r in ("twinning_partner", "co_financer", "technical_assistance")])
    close_need = BooleanField(_l("This need is now met"), default=True)
    note = TextAreaField(_l("Note to the partner"), validators=[Optional(), Length(max=5000)])


class DeclineForm(FlaskForm):
    note = TextAreaField(_l("Reason (sent to the partner)"), validators=[Optional(), Length(max=5000)])


class ActivityForm(ModelForm):
    model = PartnershipActivity

    kind = SelectField(_l("Kind of activity"), choices=select_choices("activity_kind"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired()])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    participants = IntegerField(_l("Participants"), validators=[Optional()])
    outcome = TextAreaField(_l("Outcome"), validators=[Optional()])


class PartnershipForm(ModelForm):
    model = Partnership

    name = StringField(_l("Name"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=select_choices("partnership_kind"), validators=[DataRequired()])
    role = SelectField(_l("Role of the EU partners"), choices=[
        SelectChoice(r, LABELS["party_role"][r]) for r in ("twinning_partner", "co_financer", "technical_assistance")])
    organisation_ids = SelectMultipleField(_l("EU partners"), coerce=int, validators=[DataRequired()])
    authority_ids = SelectMultipleField(_l("Ukrainian authorities"), coerce=int, validators=[DataRequired()])
    started_on = DateField(_l("Started on"), validators=[Optional()])
    #: The project the partners join (its reference), when the form was opened from one.
    project = HiddenField()


class FollowForm(ModelForm):
    model = ProjectFollower

    email = EmailField(_l("Your e-mail"), validators=[DataRequired(), EmailAddress()])


#: Services' refusals go beside the field they name (one rule for every form).
add_error = attach_error
