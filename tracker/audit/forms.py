"""WTForms of the auditor's workspace; labels are translated, validation happens on the server."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from tracker.audit.models import ChecklistSignoff, Finding, FindingEvent, ManualMark
from tracker.core.fields import form_validators
from tracker.core.forms import ModelForm
from tracker.core.i18n import lazy_gettext as _l
from tracker.projects.forms import select_choices

MARK_VERDICTS = ("pass", "fail", "not_applicable")


class MarkForm(ModelForm):
    """An auditor's verdict on one manual item of a checklist."""

    model = ManualMark

    stage = HiddenField(validators=[DataRequired()])
    verdict = RadioField(_l("Verdict"), choices=[], validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional()],
                            description=_l("Required when the item fails or does not apply."))
    evidence = SelectMultipleField(_l("Evidence documents"), coerce=int, choices=[], validate_choice=True)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.verdict.choices = select_choices("mark_verdict")
        self.evidence.choices = [(document.id, document.title) for document in documents]


class SignoffForm(ModelForm):
    model = ChecklistSignoff

    stage = HiddenField(validators=[DataRequired()])
    statement = TextAreaField(
        _l("Statement"), validators=[DataRequired()],
        description=_l("What you reviewed and what you confirm, in your own words."))


class FindingForm(ModelForm):
    model = Finding

    title = StringField(_l("Title"), validators=[DataRequired()])
    severity = SelectField(_l("Severity"), choices=[], validators=[DataRequired()])
    stage = SelectField(_l("Stage"), choices=[], validators=[DataRequired()])
    principle = SelectField(_l("OECD principle"), choices=[], validators=[Optional()])
    rule_id = StringField(_l("Rule"), validators=[Optional()],
                          description=_l("The id of the rule concerned, if any, e.g. UA-PROC-04."))
    description = TextAreaField(_l("Description"), validators=[DataRequired()])
    recommendation = TextAreaField(_l("Recommendation"), validators=[DataRequired()])
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    responsible_authority_id = SelectField(_l("Responsible authority"), coerce=int, choices=[],
                                           validators=[DataRequired()])
    is_public = BooleanField(_l("Show in the public summary on the project page"))

    def __init__(self, *args, authorities=(), principles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.severity.choices = select_choices("finding_severity")
        self.stage.choices = select_choices("stage")
        self.principle.choices = [("", "—"), *principles]
        self.responsible_authority_id.choices = list(authorities)


class StepForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), *form_validators(FindingEvent, "note")])


class VisibilityForm(FlaskForm):
    is_public = BooleanField(_l("Show in the public summary on the project page"))
