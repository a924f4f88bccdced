"""Auditors' marks on manual checklist items, and the verdicts the rules engine reads from them.

Every mark is kept; the newest for a rule counts. A ``not_applicable`` mark gives the engine no
verdict (the rule stays ``pending`` in the evaluation) and is shown on the checklist instead, so an
auditor cannot turn a requirement into a pass by calling it not applicable.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.audit.models import ManualMark
from tracker.audit.policy import require_auditor
from tracker.core.errors import ServiceError
from tracker.core.i18n import gettext as _
from tracker.core.labels import label
from tracker.core.vocab import MarkVerdict, Stage
from tracker.governance import manual_verdicts, reevaluation
from tracker.governance.rule_context import RuleContext
from tracker.planning.document_models import Document
from tracker.projects.models import Project
from tracker.rules import Kind

MAX_COMMENT = 5000


# A new mark changes the verdict of a manual rule: the project is re-evaluated like after a data change.
reevaluation.register_input(ManualMark)


@manual_verdicts.register
def manual_marks(*, session: Session, project_ids: Sequence[int]) -> dict[int, dict[str, bool]]:
    """The verdicts (pass True, fail False) of every project's newest marks, in one query."""
    verdicts: dict[int, dict[str, bool]] = {}
    for mark in current_marks(session=session, project_ids=project_ids).values():
        if mark.verdict != MarkVerdict.NOT_APPLICABLE:
            verdicts.setdefault(mark.project_id, {})[mark.rule_id] = mark.verdict == MarkVerdict.PASS
    return verdicts


def current_marks(*, session: Session, project_ids: Sequence[int]) -> dict[tuple[int, str], ManualMark]:
    """The newest mark of each (project, rule), in one query."""
    if not project_ids:
        return {}
    marks: dict[tuple[int, str], ManualMark] = {}
    for mark in session.exec(select(ManualMark).where(ManualMark.project_id.in_(list(project_ids)))
                             .order_by(ManualMark.id)):
        marks[(mark.project_id, mark.rule_id)] = mark
    return marks


def mark_history(*, session: Session, project_id: int, rule_id: str) -> list[ManualMark]:
    return list(session.exec(select(ManualMark).where(ManualMark.project_id == project_id,
                                                      ManualMark.rule_id == rule_id)
                             .order_by(ManualMark.id.desc())))


def manual_rule(context: RuleContext, rule_id: str):
    """The manual rule ``rule_id`` of the rule sets in force, or None."""
    for rule_set in context.rule_sets.values():
        for rule in rule_set.rules:
            if rule.id == rule_id and rule.kind is Kind.MANUAL:
                return rule
    return None


def mark_item(*, session: Session, project: Project, rule_id: str, stage: str, verdict: str, user: User,
              context: RuleContext, comment: str | None = None,
              evidence_ids: Sequence[int] = ()) -> ManualMark:
    """Record an auditor's verdict on a manual item; the project is re-evaluated when the session commits."""
    require_auditor(user, "mark checklist items")
    rule = manual_rule(context, rule_id)
    if rule is None:
        raise ServiceError(_("%(rule_id)s is not a manual rule of the rule sets in force",
                             rule_id=rule_id), field="rule_id")
    if stage not in {s.value for s in Stage} or stage not in rule.stages:
        raise ServiceError(_("%(rule_id)s is not checked at the stage %(stage)s",
                             rule_id=rule_id, stage=label("stage", stage)), field="stage")
    if verdict not in {v.value for v in MarkVerdict}:
        raise ServiceError(_("unknown verdict “%(verdict)s”", verdict=verdict), field="verdict")
    comment = (comment or "").strip() or None
    if verdict != MarkVerdict.PASS and comment is None:
        raise ServiceError(_("say why: a failed or not applicable item needs a comment"), field="comment")
    if comment and len(comment) > MAX_COMMENT:
        raise ServiceError(_("the comment is longer than %(max_comment)s characters",
                             max_comment=MAX_COMMENT), field="comment")
    evidence = sorted(set(evidence_ids))
    if evidence:
        found = set(session.exec(select(Document.id).where(Document.id.in_(evidence),
                                                           Document.project_id == project.id)))
        if found != set(evidence):
            raise ServiceError(_("evidence must be documents of this project"), field="evidence")
    mark = ManualMark(project_id=project.id, rule_id=rule_id, stage=stage, verdict=verdict, comment=comment,
                      evidence_document_ids=evidence, auditor_id=user.id)
    session.add(mark)
    session.flush()
    return mark
