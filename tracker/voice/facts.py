"""Citizens' voice as facts for the governance rules: open and overdue complaints, the share of questions and
complaints answered on time, complaints of suspected corruption left unanswered.

Counted in one query for any number of projects, on the day of the evaluation. Only confirmed items count, and
not those a moderator hid (abuse, duplicates). Changes to items re-evaluate their project
(``reevaluation.register_input``); an item crossing its due date with no write re-evaluates with the next
evaluation of the project or of the portfolio (``vidnova rules eval --all``).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, and_, case, func, or_
from sqlmodel import Session, col, select

from tracker.core.vocab import ComplaintCategory, VoiceKind, VoiceState
from tracker.governance import reevaluation
from tracker.governance.facts import register_fact_source
from tracker.voice.models import CitizenItem

COUNTED = (VoiceState.AWAITING_MODERATION.value, VoiceState.PUBLISHED.value)

reevaluation.register_input(CitizenItem)


def _count(condition) -> object:
    return func.sum(case((condition, 1), else_=0)).cast(Integer)


@register_fact_source
def citizens_facts(session: Session, ids: list[int], today: date | None = None) -> dict[int, dict]:
    """{project id: {"citizens": {...}}} for every id, zeros where nobody wrote."""
    today = today or date.today()
    item = CitizenItem
    appeal = col(item.kind).in_([VoiceKind.QUESTION.value, VoiceKind.COMPLAINT.value])
    complaint = item.kind == VoiceKind.COMPLAINT.value
    corruption = and_(complaint, item.category == ComplaintCategory.SUSPECTED_CORRUPTION.value)
    unanswered = col(item.answered_at).is_(None)
    overdue = and_(unanswered, col(item.due_on).is_not(None), item.due_on < today)
    # Due by now (its date has passed) or answered: the items whose timeliness is known.
    due = and_(appeal, col(item.due_on).is_not(None), or_(item.due_on < today, col(item.answered_at).is_not(None)))
    on_time = and_(due, col(item.answered_at).is_not(None), func.date(item.answered_at) <= item.due_on)
    rows = session.exec(
        select(item.project_id, _count(and_(complaint, unanswered)), _count(and_(complaint, overdue)),
               _count(and_(appeal, overdue)), _count(due), _count(on_time), _count(and_(corruption, unanswered)),
               _count(and_(corruption, overdue)))
        .where(col(item.project_id).in_(ids), col(item.state).in_(COUNTED)).group_by(item.project_id))
    counted = {row[0]: row[1:] for row in rows}
    facts = {}
    for project_id in ids:
        open_, late, appeals_late, appeals_due, in_time, corrupt_open, corrupt_late = (
            int(value or 0) for value in counted.get(project_id, (0,) * 7))
        citizens = {"complaints_open": open_, "complaints_overdue": late, "appeals_overdue": appeals_late,
                    "appeals_due": appeals_due, "corruption_complaints_open": corrupt_open,
                    "corruption_complaints_overdue": corrupt_late}
        if appeals_due:
            citizens["answered_on_time_percent"] = round(100 * in_time / appeals_due, 1)
        facts[project_id] = {"citizens": citizens}
    return facts
