"""Citizens' items: submit (no account), confirm by the signed link, moderate, answer.

Keyword-only operations that validate, ask ``voice.policy`` and only flush; the request commits. Confirmation
links are signed as follows' are (``core.signed_links``), mail goes through the outbox (``core.mail``), and
the rate limits are the engagement's database-counted ones, per client address and per author's address.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.audit import findings as audit_findings
from tracker.audit.findings import FindingCreate
from tracker.audit.models import Finding
from tracker.core import mail, signed_links
from tracker.core.columns import utcnow
from tracker.core.email_address import InvalidEmail, normalise
from tracker.core.errors import NotFound, ServiceError, StateConflict
from tracker.core.fields import check_values, validated
from tracker.core.i18n import format_datetime
from tracker.core.i18n import gettext as _
from tracker.core.labels import label
from tracker.core.locking import lock_for_decision
from tracker.core.models import Authority
from tracker.core.vocab import (
    KINDS_WITH_DUE_DATE,
    ComplaintCategory,
    FindingSeverity,
    HideReason,
    PhotoPhase,
    VoiceKind,
    VoiceState,
)
from tracker.engagement import rate_limits
from tracker.planning.documents import store_with_transaction
from tracker.projects.models import Project
from tracker.voice import notifications, photos, policy
from tracker.voice.models import CitizenItem, CitizenItemBase, CitizenPhoto

_SALT = "vidnova.citizen-item"
PHOTO_FOLDER = "voice"


@dataclass(frozen=True)
class Submission:
    kind: str
    email: str
    body: str | None = None
    category: str | None = None
    author_name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    observed_on: date | None = None
    phase: str | None = None
    share_place: bool = False
    locale: str = "uk"


@dataclass(frozen=True)
class Limits:
    per_client: int
    per_address: int
    photo_max_bytes: int
    photo_max_pixels: int


def _checked(data: Submission, has_photo: bool) -> CitizenItemBase:
    values = validated(CitizenItemBase, {
        "kind": data.kind, "category": data.category or None, "body": (data.body or "").strip() or None,
        "latitude": data.latitude, "longitude": data.longitude, "observed_on": data.observed_on,
        "author_name": (data.author_name or "").strip() or None})
    if values.kind == VoiceKind.COMPLAINT and values.category is None:
        raise ServiceError(_("Choose what the complaint is about."), field="category")
    if values.kind != VoiceKind.COMPLAINT and values.category is not None:
        values.category = None
    if values.kind == VoiceKind.PHOTO and not has_photo:
        raise ServiceError(_("Choose a photo to upload."), field="photo")
    if values.kind != VoiceKind.PHOTO and not values.body:
        raise ServiceError(_("Write your question, comment or complaint."), field="body")
    if (values.latitude is None) != (values.longitude is None):
        raise ServiceError(_("Give both the latitude and the longitude, or neither."), field="latitude")
    if values.observed_on is not None and values.observed_on > date.today():
        raise ServiceError(_("The date cannot be in the future."), field="observed_on")
    return values


def submit(*, session: Session, project: Project, data: Submission, photo: bytes | None, secret_key: str,
           rate_key: str, limits: Limits, upload_folder: str) -> CitizenItem:
    """Record an unconfirmed item (and its photo) and mail the author a confirmation link."""
    if not policy.can_submit(project):
        raise NotFound(_("no such project"))
    try:
        email = normalise(data.email)
    except InvalidEmail as error:
        raise ServiceError(str(error), field="email") from None
    values = _checked(data, bool(photo))
    phase = None
    if photo:
        try:
            phase = PhotoPhase(data.phase or PhotoPhase.DURING)
        except ValueError as error:
            raise ServiceError(_("Choose before, during or after the works."), field="phase") from error
    rate_limits.hit(session=session, action="citizen_item", key=rate_key, limit=limits.per_client)
    rate_limits.hit(session=session, action="citizen_item_address", key=email, limit=limits.per_address,
                    window=timedelta(days=1))
    processed = (photos.process(photo, max_bytes=limits.photo_max_bytes, max_pixels=limits.photo_max_pixels,
                                keep_place=data.share_place and values.latitude is not None)
                 if photo else None)
    item = CitizenItem.model_validate(values.model_dump(), update={
        "project_id": project.id, "author_email": email,
        "locale": data.locale if data.locale in ("uk", "en") else "uk"})
    session.add(item)
    session.flush()
    if processed is not None and phase is not None:
        _store_photo(session, item, phase, processed, Path(upload_folder) / PHOTO_FOLDER)
    token = signed_links.sign(secret_key=secret_key, salt=_SALT, payload={"i": item.id, "e": email})
    notifications.confirm_item(session=session, item=item, project=project,
                               confirm_url=mail.site_url(f"/voice/confirm/{token}"))
    return item


def _store_photo(session: Session, item: CitizenItem, phase: PhotoPhase, processed: photos.ProcessedPhoto,
                 folder: Path) -> CitizenPhoto:
    name = uuid.uuid4().hex
    store_with_transaction(session=session, folder=folder, storage_name=f"{name}.jpg", data=processed.image)
    store_with_transaction(session=session, folder=folder, storage_name=f"{name}-thumb.jpg", data=processed.thumb)
    row = CitizenPhoto(item_id=item.id, phase=phase, storage_name=f"{name}.jpg", thumb_name=f"{name}-thumb.jpg",
                       width=processed.width, height=processed.height, size=len(processed.image))
    session.add(row)
    session.flush()
    return row


def confirm(*, session: Session, token: str, secret_key: str, answer_days: int,
            max_age: int = signed_links.DEFAULT_MAX_AGE) -> CitizenItem:
    """The author's link: the item goes to the moderators' queue; a question or complaint's clock starts."""
    data = signed_links.unsign(secret_key=secret_key, salt=_SALT, token=token, max_age=max_age)
    item = session.get(CitizenItem, data.get("i"))
    if item is None or item.author_email != data.get("e"):
        raise ServiceError(_("this confirmation link is not valid"), field="token")
    item = lock_for_decision(session, item)
    if item.state == VoiceState.UNCONFIRMED:
        now = utcnow()
        item.state, item.confirmed_at = VoiceState.AWAITING_MODERATION, now
        if item.kind in KINDS_WITH_DUE_DATE:
            item.due_on = now.date() + timedelta(days=answer_days)
        session.add(item)
        session.flush()
    return item


def moderation_queue(*, session: Session, limit: int = 100) -> list[CitizenItem]:
    """Confirmed items waiting for a moderator, oldest first."""
    return list(session.exec(select(CitizenItem).where(CitizenItem.state == VoiceState.AWAITING_MODERATION)
                             .order_by(CitizenItem.created_at, CitizenItem.id).limit(limit)))


def _decide(session: Session, item: CitizenItem, moderator: User) -> CitizenItem:
    if not policy.can_moderate(moderator):
        raise ServiceError(_("Only moderators decide on citizens' items."), field="moderator")
    item = lock_for_decision(session, item)
    if item.state != VoiceState.AWAITING_MODERATION:
        raise StateConflict(_("Someone decided on this item first: %(state)s.", state=label("voice_state", item.state)))
    item.decided_by_id, item.decided_at = moderator.id, utcnow()
    return item


def publish(*, session: Session, item: CitizenItem, moderator: User) -> CitizenItem:
    item = _decide(session, item, moderator)
    item.state = VoiceState.PUBLISHED
    session.add(item)
    session.flush()
    return item


def hide(*, session: Session, item: CitizenItem, moderator: User, reason: str) -> CitizenItem:
    """Hide with a reason shown publicly in its place; the item itself is kept."""
    try:
        why = HideReason(reason)
    except ValueError as error:
        raise ServiceError(_("Choose why the item is hidden."), field="reason") from error
    item = _decide(session, item, moderator)
    item.state, item.hidden_reason = VoiceState.HIDDEN, why
    session.add(item)
    session.flush()
    return item


def hide_published(*, session: Session, item: CitizenItem, moderator: User, reason: str) -> CitizenItem:
    """Take down an item already published, with a reason shown publicly in its place; its photos leave the
    gallery and the report, its figures the counts and the rules' facts. The item itself is kept."""
    try:
        why = HideReason(reason)
    except ValueError as error:
        raise ServiceError(_("Choose why the item is hidden."), field="reason") from error
    if not policy.can_moderate(moderator):
        raise ServiceError(_("Only moderators decide on citizens' items."), field="moderator")
    item = lock_for_decision(session, item)
    if not policy.can_hide_published(moderator, item):
        raise StateConflict(_("This item is not published (any more): %(state)s.",
                              state=label("voice_state", item.state)))
    item.state, item.hidden_reason = VoiceState.HIDDEN, why
    item.decided_by_id, item.decided_at = moderator.id, utcnow()
    session.add(item)
    session.flush()
    return item


def answer(*, session: Session, item: CitizenItem, project: Project, authority: Authority, user: User,
           scope_paths: Sequence[str], text: str) -> CitizenItem:
    """The planner's public answer; the author and the project's followers are told."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the answer."), field="answer")
    check_values(CitizenItem, {"answer": text})
    item = lock_for_decision(session, item)
    if not policy.can_answer(user, item, authority, scope_paths):
        raise ServiceError(_("You may not answer this item."), field="answer")
    if item.answered_at is not None:
        raise StateConflict(_("This item was already answered on %(day)s.",
                              day=format_datetime(item.answered_at)))
    item.answer, item.answered_by_id, item.answered_at = text, user.id, utcnow()
    session.add(item)
    session.flush()
    notifications.answered(session=session, item=item, project=project)
    return item


def get_item(*, session: Session, item_id: int) -> CitizenItem:
    item = session.get(CitizenItem, item_id)
    if item is None:
        raise NotFound(_("no such item"))
    return item


def raise_finding(*, session: Session, item: CitizenItem, project: Project, auditor: User) -> Finding:
    """An audit finding from a citizen's complaint: its text and a link back in the description, due when the
    complaint is (a month on at the least), the project's authority responsible; the complaint keeps the link."""
    item = lock_for_decision(session, item)
    if item.finding_id is not None:
        raise StateConflict(_("An auditor already raised a finding from this complaint."))
    if not policy.can_raise_finding(auditor, item):
        raise ServiceError(_("Only an auditor raises a finding from a confirmed complaint."), field="finding")
    corruption = item.category == ComplaintCategory.SUSPECTED_CORRUPTION
    category = str(label("complaint_category", item.category))
    link = mail.site_url(f"/projects/{project.reference}#voice-{item.id}")
    due = max(item.due_on or date.today(), date.today() + timedelta(days=30))
    finding = audit_findings.raise_finding(session=session, project=project, user=auditor, data=FindingCreate(
        stage=project.stage, severity=FindingSeverity.HIGH if corruption else FindingSeverity.MEDIUM,
        principle="P5", title=_("Citizen's complaint: %(category)s", category=category)[:300],
        description=_("From citizen's complaint no. %(id)s (%(link)s):\n\n%(body)s", id=item.id, link=link,
                      body=item.body or "")[:20000],
        recommendation=_("Look into the complaint and answer the citizen in public."),
        due_date=due, responsible_authority_id=project.authority_id, is_public=False))
    item.finding_id = finding.id
    session.add(item)
    session.flush()
    return finding
