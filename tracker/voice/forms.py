"""The citizen's form, the moderator's decision and the planner's answer; limits come from the model."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, FloatField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from tracker.core.email_address import EmailAddress
from tracker.core.forms import ModelForm
from tracker.core.i18n import lazy_gettext as _l
from tracker.projects.forms import select_choices
from tracker.voice.models import CitizenItem, CitizenItemBase


class VoiceForm(ModelForm):
    model = CitizenItemBase

    kind = SelectField(_l("What is it?"), choices=lambda: select_choices("voice_kind"), validators=[DataRequired()])
    category = SelectField(_l("What is the complaint about?"), validators=[Optional()],
                           choices=lambda: [SelectChoice("", "—"), *select_choices("complaint_category")])
    body = TextAreaField(_l("Your text"), validators=[Optional()])
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"))
    phase = SelectField(_l("When was the photo taken?"), choices=lambda: select_choices("photo_phase"),
                        default="during")
    latitude = FloatField(_l("Latitude"), validators=[Optional()])
    longitude = FloatField(_l("Longitude"), validators=[Optional()])
    share_place = BooleanField(_l("Keep the place in the photo's data"),
                               description=_l("Otherwise every piece of metadata, GPS included, is removed."))
    observed_on = DateField(_l("Date"), validators=[Optional()])
    author_name = StringField(_l("Name to publish (leave empty to stay anonymous)"), validators=[Optional()])
    email = EmailField(_l("Your e-mail (never shown)"), validators=[DataRequired(), EmailAddress()])
    #: A field people never see (hidden by CSS and from assistive technology); robots fill it in.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])


class DecisionForm(FlaskForm):
    reason = SelectField(_l("Reason for hiding"), validators=[Optional()],
                         choices=lambda: [SelectChoice("", "—"), *select_choices("hide_reason")])


class HidePublishedForm(FlaskForm):
    """Taking down a published item: the reason is required, it is shown publicly in the item's place."""

    reason = SelectField(_l("Reason for hiding"), validators=[DataRequired()],
                         choices=lambda: [SelectChoice("", "—"), *select_choices("hide_reason")])


class AnswerForm(ModelForm):
    model = CitizenItem

    answer = TextAreaField(_l("Public answer"), validators=[DataRequired()])
