"""A project's checklist at one stage: the stored automatic results with the facts they rest on,
joined with the manual items of the rule sets and the auditors' newest marks on them.

Nothing is recomputed: the automatic items come from the stored evaluation of that stage (the
project's latest one at its current stage, else the newest stored for the stage, e.g. its gate check).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from tracker.audit.marks import current_marks
from tracker.audit.models import ManualMark
from tracker.core.vocab import MarkVerdict
from tracker.governance.compliance import OUTCOME_ORDER
from tracker.governance.models import Evaluation
from tracker.governance.rule_context import RuleContext
from tracker.governance.stored import expand
from tracker.planning.document_models import Document
from tracker.projects.models import Project
from tracker.rules import Kind

AUTOMATIC = "automatic"
MANUAL = "manual"
#: The checklist's outcome filters (query string ``outcome``), each with the item outcomes it shows: "unknown"
#: is what could not be decided (data missing, an unmarked manual item).
OUTCOME_FILTERS: dict[str, tuple[str, ...]] = {
    "failed": ("fail",),
    "not_applicable": ("not_applicable",),
    "passed": ("pass",),
    "unknown": ("pending", "error"),
}


@dataclass
class ChecklistItem:
    kind: str
    result: dict
    mark: ManualMark | None = None
    #: The leaves of the stored condition tree: what was checked, expected, found.
    evidence: list[dict] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def rule_id(self) -> str:
        return self.result["rule_id"]

    @property
    def outcome(self) -> str:
        """The item's state on the checklist: a not-applicable mark shows as such, though the rule stays pending."""
        if self.mark is not None and self.mark.verdict == MarkVerdict.NOT_APPLICABLE:
            return "not_applicable"
        return self.result["outcome"]

    @property
    def is_pending(self) -> bool:
        return self.kind == MANUAL and self.mark is None


@dataclass
class Checklist:
    project: Project
    stage: str
    evaluation: Evaluation | None
    items: list[ChecklistItem]

    @property
    def automatic(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.kind == AUTOMATIC]

    @property
    def manual(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.kind == MANUAL]

    @property
    def pending(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.is_pending]

    def filtered(self, outcome: str | None, manual_only: bool = False) -> list[ChecklistItem]:
        """The items an outcome filter (``OUTCOME_FILTERS``; None: all) shows, the manual ones only if asked."""
        wanted = OUTCOME_FILTERS.get(outcome) if outcome else None
        return [item for item in self.items if (wanted is None or item.outcome in wanted)
                and (not manual_only or item.kind == MANUAL)]

    def counts(self, manual_only: bool = False) -> dict[str | None, int]:
        """How many items each outcome filter shows (None: every item), within the manual ones if asked."""
        return {name: len(self.filtered(name, manual_only)) for name in (None, *OUTCOME_FILTERS)}


def stage_evaluation(*, session: Session, project: Project, stage: str) -> Evaluation | None:
    """The evaluation a checklist of ``stage`` shows: the latest at the project's stage, else the newest
    stored for that stage."""
    return session.exec(select(Evaluation).where(Evaluation.project_id == project.id, Evaluation.stage == stage)
                        .order_by(Evaluation.is_latest.desc(), Evaluation.id.desc()).limit(1)).first()


def build_checklist(*, session: Session, project: Project, stage: str, context: RuleContext) -> Checklist:
    """The checklist of ``project`` at ``stage`` (three queries)."""
    evaluation = stage_evaluation(session=session, project=project, stage=stage)
    if evaluation is None:
        return Checklist(project, stage, None, [])
    kinds = {rule.id: rule.kind for rule_set in context.rule_sets.values() for rule in rule_set.rules}
    marks = {rule_id: mark for (_, rule_id), mark in
             current_marks(session=session, project_ids=[project.id]).items()}
    documents = _documents(session, marks.values())
    items = []
    for rule_set in expand(session, evaluation):
        for result in rule_set["results"]:
            manual = kinds.get(result["rule_id"]) is Kind.MANUAL
            if result["outcome"] == "not_applicable" and not (manual and result.get("reason") != "stage"):
                continue
            mark = marks.get(result["rule_id"]) if manual else None
            items.append(ChecklistItem(
                kind=MANUAL if manual else AUTOMATIC, result=result, mark=mark,
                evidence=list(leaves(result.get("condition"))),
                documents=[documents[i] for i in (mark.evidence_document_ids if mark else []) if i in documents]))
    items.sort(key=lambda item: (item.kind != MANUAL, OUTCOME_ORDER.get(item.result["outcome"], 9), item.rule_id))
    return Checklist(project, stage, evaluation, items)


def leaves(node: dict | None):
    """The leaf checks of a stored condition tree, in order."""
    if not node:
        return
    if node.get("kind") == "leaf":
        yield node
    for child in node.get("children", ()):
        yield from leaves(child)


def _documents(session: Session, marks) -> dict[int, Document]:
    wanted = {i for mark in marks for i in mark.evidence_document_ids}
    if not wanted:
        return {}
    return {d.id: d for d in session.exec(select(Document).where(Document.id.in_(wanted)))}
