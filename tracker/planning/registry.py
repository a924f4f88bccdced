"""The one registry of a project's data tables: which tables hold a project's data, what each is called, which
column names one of its rows, whether the public may read its change history, and whether it feeds the rules.

Everything that asks "is this row a project's data?" reads this list: the change history (``planning.history``),
the re-evaluation of changed projects (``governance.reevaluation``), the public change history
(``publishing.read_models``) and the record labels (``core.labels``). A table that is not here — followers,
needs, partnerships, rate-limit events, evaluations, the audit trail — is not project data: writing it records
no history and re-evaluates nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import SQLModel

from tracker.core import labels
from tracker.core.i18n import lazy_gettext as _l
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
from tracker.projects.models import FundingLine, Project, ProjectParty


@dataclass(frozen=True)
class ProjectTable:
    """One table of a project's data."""

    model: type[SQLModel]
    #: What a change-history entry about one of its rows is about.
    label: object
    #: The column that names a created or deleted row in the history (None: one row per project, no name).
    summary_field: str | None
    #: Whether its change records may be shown to the public (minus the private fields).
    public: bool
    #: Whether a change to it can change a rule's outcome, so the project is re-evaluated.
    affects_rules: bool = True

    @property
    def name(self) -> str:
        return self.model.__tablename__


PROJECT_TABLES: tuple[ProjectTable, ...] = (
    ProjectTable(Project, _l("Project"), "title_uk", public=True),
    ProjectTable(FundingLine, _l("Funding line"), "source", public=True),
    ProjectTable(ProjectParty, _l("Partner or party"), "role", public=False),
    ProjectTable(NeedsAssessment, _l("Needs assessment"), None, public=False),
    ProjectTable(ProjectPlan, _l("Plan"), None, public=False),
    ProjectTable(ProjectImplementation, _l("Implementation"), None, public=False),
    ProjectTable(ProjectCompletion, _l("Completion"), None, public=True),
    ProjectTable(Permit, _l("Permit"), "ref", public=True),
    ProjectTable(Indicator, _l("Indicator"), "name", public=True),
    ProjectTable(Contract, _l("Contract"), "title", public=True),
    ProjectTable(ContractVariation, _l("Contract variation"), "reason", public=True),
    ProjectTable(Disbursement, _l("Disbursement"), "amount", public=False),
    ProjectTable(ProgressObservation, _l("Progress observation"), "physical_percent", public=True),
    ProjectTable(Milestone, _l("Milestone"), "name", public=True),
    # Documents have a visibility of their own; their history is filtered row by row (``project_history``).
    ProjectTable(Document, _l("Document"), "title", public=False),
)

BY_NAME: dict[str, ProjectTable] = {table.name: table for table in PROJECT_TABLES}
#: The models whose rows are a project's data, for ``isinstance`` checks in the session listeners.
PROJECT_MODELS: tuple[type[SQLModel], ...] = tuple(table.model for table in PROJECT_TABLES)
#: Tables whose change records the public may read.
PUBLIC_TABLES: frozenset[str] = frozenset(table.name for table in PROJECT_TABLES if table.public)
#: Tables whose changes re-evaluate the project.
RULE_INPUT_MODELS: tuple[type[SQLModel], ...] = tuple(t.model for t in PROJECT_TABLES if t.affects_rules)


def table_of(row: object) -> ProjectTable | None:
    """The registry entry of ``row``'s table, or None when the row is not a project's data."""
    return BY_NAME.get(getattr(row, "__tablename__", ""))


# The record labels and the naming columns are declared here, once; core.labels shows them.
labels.register_records({t.name: t.label for t in PROJECT_TABLES},
                        {t.name: t.summary_field for t in PROJECT_TABLES if t.summary_field})
