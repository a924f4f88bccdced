"""WTForms of the planner workflow: one per stage and one per list item, validated on the server.

Each form knows how to hand its data to the services (``values()``: blank text becomes None) and
groups its fields in ``fieldsets`` so one template renders them all with labels and help.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional

from tracker.core.forms import AmountField, ModelForm
from tracker.core.forms import VersionedForm as BaseVersionedForm
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.labels import choices, register_field_labels
from tracker.core.vocab import Currency
from tracker.planning.document_models import Document
from tracker.planning.models import (
    Contract,
    ContractVariation,
    Disbursement,
    Indicator,
    Milestone,
    NeedsAssessment,
    Permit,
    ProgressObservation,
    ProjectCompletion,
    ProjectImplementation,
    ProjectPlan,
)
from tracker.projects.models import FundingLine


def options(vocabulary: str, blank: bool = True) -> list[SelectChoice]:
    """Choices of a vocabulary, led by an empty "not given" entry for optional fields."""
    items = [SelectChoice(value, label) for value, label in choices(vocabulary)]
    return ([SelectChoice("", _l("— not given —"))] if blank else []) + items


# The helpers below say only what kind of input a field is and whether the form requires it: limits, ranges and
# patterns come from the form's model (``ModelForm``), where they are declared once.

def money(label, description=None, required=False):
    return AmountField(label, places=2, description=description,
                        validators=[InputRequired() if required else Optional()])


def text(label, description=None, required=False):
    return StringField(label, description=description, validators=[DataRequired() if required else Optional()])


def long_text(label, description=None):
    return TextAreaField(label, description=description, validators=[Optional()])


def count(label, description=None, required=False):
    return IntegerField(label, description=description, validators=[InputRequired() if required else Optional()])


def day(label, description=None, required=False):
    return DateField(label, description=description, validators=[InputRequired() if required else Optional()])


class VersionedForm(ModelForm, BaseVersionedForm):
    """A stage or list-item form: the project version it was loaded from, and its values as a dict.

    Each subclass names its ``model``: the model's declared limits become the fields' validators.
    """

    fieldsets: tuple = ()
    #: Fields that are not data: left out of ``values()``.
    _skip = frozenset({"csrf_token", "version", "submit"})

    def values(self) -> dict:
        result = {}
        for field in self:
            if field.name in self._skip:
                continue
            value = field.data
            if isinstance(value, str):
                value = value.strip() or None
            result[field.name] = value
        return result

    def field_names(self) -> list[str]:
        return [field.name for field in self if field.name not in self._skip]


# --- the four stages ---------------------------------------------------------------------------------

class NeedsForm(VersionedForm):
    model = NeedsAssessment
    damage_register_ref = text(_l("Damage register reference"), _l(
        "The entry in the State Register of Damaged and Destroyed Property, e.g. DR-2023-000481"))
    assessment_date = day(_l("Assessment date"), _l("When the damage and the needs were assessed"))
    damage_description = long_text(_l("Damage description"), _l("What was damaged or is missing, and how badly"))
    rdna_sector = SelectField(_l("RDNA sector"), choices=options("rdna_sector"), validators=[Optional()],
                              description=_l("The sector of the Rapid Damage and Needs Assessment"))
    estimated_cost = money(_l("Estimated cost of the need (UAH)"))
    beneficiaries = count(_l("Beneficiaries"), _l("People who will use or benefit from the result"))
    idp_beneficiaries = count(_l("Of whom internally displaced"), _l("Cannot exceed the number of beneficiaries"))
    hromadas_served = count(_l("Hromadas served"), _l("More than one calls for an inter-municipal agreement"))
    urgency = SelectField(_l("Urgency"), choices=options("urgency"), validators=[Optional()])
    strategy_ref = text(_l("Strategy it serves"), _l(
        "The local or regional development strategy and the goal it implements"))

    fieldsets = (
        (_l("Damage"), ("damage_register_ref", "assessment_date", "damage_description", "rdna_sector")),
        (_l("Need"), ("estimated_cost", "beneficiaries", "idp_beneficiaries", "hromadas_served", "urgency",
                      "strategy_ref")),
    )


class PlanForm(VersionedForm):
    model = ProjectPlan
    scope_output = text(_l("Main output"), _l("What will be built or restored, e.g. school building"))
    scope_quantity = DecimalField(_l("Quantity"), places=4, validators=[Optional()])
    scope_unit = text(_l("Unit"), _l("e.g. m2, km, beds, places"))
    alternatives_considered = count(_l("Alternatives considered"))
    alternatives_description = long_text(_l("Alternatives and why this one"))
    budget_total = money(_l("Total budget (UAH)"))
    budget_capex = money(_l("Capital expenditure (UAH)"), _l("Cannot exceed the total budget"))
    budget_opex_annual = money(_l("Annual operating cost (UAH)"), _l("What running the result will cost each year"))
    budget_life_cycle_cost = money(_l("Life-cycle cost (UAH)"))
    council_decision_number = text(_l("Council budget decision number"))
    council_decision_date = day(_l("Council budget decision date"))
    cofinancing_agreement_ref = text(_l("Co-financing agreement"),
                                     _l("Needed when more than one level of government pays"))
    cofinancing_agreement_date = day(_l("Co-financing agreement date"))
    intermunicipal_agreement_ref = text(_l("Inter-municipal co-operation agreement"))
    consultation_start_date = day(_l("Consultation start"))
    consultation_end_date = day(_l("Consultation end"))
    consultation_participants = count(_l("Participants"))
    consultation_outcome = long_text(_l("Outcome of the consultation"))
    consultation_outcome_published_date = day(_l("Outcome published on"))
    consultation_url = URLField(_l("Link to the consultation"), validators=[Optional(), URL()])
    environmental_impact = long_text(_l("Environmental impact"))
    social_impact = long_text(_l("Social impact"))
    land_impact = long_text(_l("Land and resettlement impact"))
    risk_assessment = long_text(_l("Risk assessment"), _l("Main risks and how they are managed"))
    consequence_class = SelectField(_l("Consequence class"), choices=options("consequence_class"),
                                    validators=[Optional()],
                                    description=_l("CC2 and CC3 need a state expert review"))
    expert_review_ref = text(_l("Expert review report number"))
    expert_review_date = day(_l("Expert review date"))
    procurement_plan = long_text(_l("Procurement plan"), _l("What will be procured, how and when"))
    project_manager_name = text(_l("Project manager"))
    project_manager_certified = BooleanField(_l("The project manager is certified"))
    partners_involvement = long_text(_l("Partners' involvement"))
    schedule_start = day(_l("Planned start"))
    schedule_end = day(_l("Planned completion"))

    fieldsets = (
        (_l("Scope"), ("scope_output", "scope_quantity", "scope_unit", "alternatives_considered",
                       "alternatives_description")),
        (_l("Budget"), ("budget_total", "budget_capex", "budget_opex_annual", "budget_life_cycle_cost",
                        "council_decision_number", "council_decision_date", "cofinancing_agreement_ref",
                        "cofinancing_agreement_date", "intermunicipal_agreement_ref")),
        (_l("Public consultation"), ("consultation_start_date", "consultation_end_date",
                                     "consultation_participants", "consultation_outcome",
                                     "consultation_outcome_published_date", "consultation_url")),
        (_l("Impacts and risks"), ("environmental_impact", "social_impact", "land_impact", "risk_assessment")),
        (_l("Permits and expert review"), ("consequence_class", "expert_review_ref", "expert_review_date")),
        (_l("Delivery"), ("procurement_plan", "project_manager_name", "project_manager_certified",
                          "partners_involvement", "schedule_start", "schedule_end")),
    )


class ImplementationForm(VersionedForm):
    model = ProjectImplementation
    technical_supervision = text(_l("Technical supervision"), _l("Who supervises the works technically"))
    rollup_weight = DecimalField(_l("Weight in the programme"), places=4,
                                 validators=[Optional()],
                                 description=_l("Leave empty to weigh sub-projects by their budgets"))
    fieldsets = ((_l("Implementation"), ("technical_supervision", "rollup_weight")),)


class CompletionForm(VersionedForm):
    model = ProjectCompletion
    status = SelectField(_l("Project status (OC4IDS)"), choices=options("project_status", blank=False),
                         default="completion", validators=[DataRequired()])
    completion_date = day(_l("Completion date"))
    final_cost = money(_l("Final cost (UAH)"))
    final_scope = long_text(_l("Scope at completion"))
    change_reasons = long_text(_l("Reasons for changes"), _l("Why cost, scope or schedule changed"))
    acceptance_certificate = text(_l("Acceptance certificate"),
                                  _l("Number of the certificate of readiness for operation"))
    audit_report_ref = text(_l("Audit report"))
    evaluation_report_ref = text(_l("Evaluation report"))
    fieldsets = ((_l("Result"), ("status", "completion_date", "final_cost", "final_scope", "change_reasons")),
                 (_l("Acceptance and reports"), ("acceptance_certificate", "audit_report_ref",
                                                 "evaluation_report_ref")))


STAGE_FORMS = {"needs": NeedsForm, "planning": PlanForm, "implementation": ImplementationForm,
               "completion": CompletionForm}


# --- list items --------------------------------------------------------------------------------------

class PermitForm(VersionedForm):
    model = Permit
    kind = text(_l("Kind of permit"), _l("e.g. construction permit, land allocation"), required=True)
    ref = text(_l("Number"), required=True)
    issued_date = day(_l("Issued on"))


class IndicatorForm(VersionedForm):
    model = Indicator
    name = text(_l("Indicator"), required=True)
    unit = text(_l("Unit"), required=True)
    baseline = DecimalField(_l("Baseline"), places=4, validators=[Optional()])
    target = DecimalField(_l("Target"), places=4, validators=[Optional()])
    actual = DecimalField(_l("Actual value"), places=4, validators=[Optional()],
                          description=_l("Measured at completion"))


class ContractForm(VersionedForm):
    model = Contract
    pattern_messages = {
        "tender_id": _l("A Prozorro tender id looks like UA-2024-01-31-000123-a."),
        "supplier_edrpou": _l("An EDRPOU code has 8 digits (10 for a sole trader)."),
    }
    title = text(_l("Contract title"), required=True)
    subject = SelectField(_l("Subject"), choices=options("contract_subject", blank=False),
                          validators=[DataRequired()])
    procurement_method = SelectField(_l("Procurement method"), choices=options("procurement_method", blank=False),
                                     validators=[DataRequired()])
    tender_id = StringField(_l("Prozorro tender id"), description=_l("e.g. UA-2024-01-31-000123-a"),
                            validators=[Optional()])
    tenderers = count(_l("Number of tenderers"))
    supplier_name = text(_l("Supplier"), required=True)
    supplier_edrpou = StringField(_l("Supplier's EDRPOU code"),
                                  description=_l("8 digits for a company, 10 for a sole trader"),
                                  validators=[DataRequired()])
    signed_price = money(_l("Price at signature (UAH)"), required=True)
    cost_estimate = money(_l("Cost estimate (UAH)"))
    escalation = AmountField(_l("Price escalation (UAH)"), places=2, default=0,
                              validators=[Optional()])
    signed_date = day(_l("Signed on"))
    start_date = day(_l("Start date"))
    duration_days = IntegerField(_l("Duration (days)"), validators=[Optional()])
    status = SelectField(_l("Contract status"), choices=options("contract_status", blank=False), default="active")
    contract_type = SelectField(_l("Contract type"), choices=options("contract_type", blank=False),
                                default="lump_sum")
    procuring_entity = text(_l("Procuring entity"))
    procuring_entity_contact = text(_l("Procuring entity contact"))
    administrative_entity = text(_l("Contract administered by"))
    scope = long_text(_l("Scope of work"))

    def values(self) -> dict:
        result = super().values()
        result["escalation"] = result.get("escalation") or 0
        return result


class VariationForm(VersionedForm):
    model = ContractVariation
    contract_id = SelectField(_l("Contract"), coerce=int, validators=[DataRequired()])
    agreed_date = day(_l("Agreed on"), required=True)
    price_change = AmountField(_l("Change to the price (UAH)"), places=2, default=0,
                                description=_l("Negative when the price went down"),
                                validators=[Optional()])
    duration_change_days = IntegerField(_l("Change to the duration (days)"), default=0, validators=[Optional()])
    scope_changed = BooleanField(_l("The scope changed"))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired()])

    def values(self) -> dict:
        result = super().values()
        result["price_change"] = result.get("price_change") or 0
        result["duration_change_days"] = result.get("duration_change_days") or 0
        return result


class DisbursementForm(VersionedForm):
    model = Disbursement
    paid_on = day(_l("Paid on"), required=True)
    amount = AmountField(_l("Amount (UAH)"), places=2, validators=[InputRequired()])
    source = SelectField(_l("Source"), choices=options("funding_source", blank=False), validators=[DataRequired()])
    contract_id = SelectField(_l("For contract"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                              validators=[Optional()])


class ObservationForm(VersionedForm):
    model = ProgressObservation
    observed_on = day(_l("Observed on"), required=True)
    physical_percent = IntegerField(_l("Physical progress (%)"), description=_l("0 to 100"),
                                    validators=[InputRequired()])
    note = TextAreaField(_l("What was seen"), validators=[Optional()])


class MilestoneForm(VersionedForm):
    model = Milestone
    name = text(_l("Milestone"), required=True)
    planned_date = day(_l("Planned for"))
    actual_date = day(_l("Reached on"))


class FundingForm(VersionedForm):
    model = FundingLine
    source = SelectField(_l("Source"), choices=options("funding_source", blank=False), validators=[DataRequired()],
                         description=_l("The level of government follows from the source"))
    amount_committed = money(_l("Committed"), required=True)
    amount_disbursed = money(_l("Disbursed"), _l("Cannot exceed the committed amount"))
    currency = SelectField(_l("Currency"), choices=[SelectChoice(c.value, c.value) for c in Currency],
                           default="UAH")
    # Choices filled by the view from the organisations (the rules ask large projects to name every financier).
    financier_organisation_id = SelectField(
        _l("Financier"), coerce=lambda v: int(v) if v not in (None, "", "None") else None, validate_choice=False,
        description=_l("Who provides the money: a donor, a bank, a fund or a partner city"))
    note = text(_l("Note"), _l("e.g. the agreement"))

    def values(self) -> dict:
        result = super().values()
        result["amount_disbursed"] = result.get("amount_disbursed") or 0
        return result


ITEM_FORMS = {"permit": PermitForm, "indicator": IndicatorForm, "contract": ContractForm,
              "variation": VariationForm, "disbursement": DisbursementForm, "observation": ObservationForm,
              "milestone": MilestoneForm, "funding": FundingForm}


class DeleteForm(VersionedForm):
    """A delete button: CSRF and the version; the first press asks for confirmation (``confirmed`` is sent only by
    the confirmation page's button), so nothing is removed by one careless click."""

    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class DocumentForm(VersionedForm):
    model = Document
    file = FileField(_l("File"), validators=[FileRequired()],
                     description=_l("PDF, JPEG, PNG, WebP, GIF or office documents"))
    document_type = SelectField(_l("Document type"), choices=options("document_type", blank=False),
                                validators=[DataRequired()])
    title = text(_l("Title"))
    is_public = BooleanField(_l("Public: shown on the portal"), default=True,
                             description=_l("Leave unticked for documents with personal or sensitive data"))
    _skip = VersionedForm._skip | {"file"}


class ProgrammeForm(VersionedForm):
    parent_reference = StringField(_l("Part of programme"), description=_l("The programme's reference, e.g. "
                                                                           "VID-2025-000012; empty for none"),
                                   validators=[Optional(), Length(max=20)])


class CsvImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()],
                     description=_l("UTF-8, comma- or semicolon-separated, with the template's header row"))


def _field_labels() -> dict[tuple[str, str], object]:
    """(table, field) -> the label of the form field that edits it: the change history's words for a field."""
    from tracker.projects.forms import ProjectForm
    from tracker.projects.models import Project

    found: dict[tuple[str, str], object] = {}
    forms = [*STAGE_FORMS.values(), *ITEM_FORMS.values(), DocumentForm]
    for form, table in [(ProjectForm, Project.__tablename__),
                        *((form, form.model.__tablename__) for form in forms)]:
        for name, unbound in vars(form).items():
            text = unbound.args[0] if getattr(unbound, "args", None) else None
            if text is not None and hasattr(unbound, "field_class"):
                found[(table, name)] = text
    return found


register_field_labels(_field_labels())
