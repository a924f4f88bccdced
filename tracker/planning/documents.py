"""Evidence files: checked, stored outside the web root under a generated name, listed by visibility.

Checks, in order: a plain file name (no path parts), an accepted extension, a size limit, content
sniffed from the bytes (``sniffing``) that must agree with the extension, then sha256. The client's
name and declared content type are never trusted: the name is only displayed, the type never used.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from tracker.core.errors import NotFound, ServiceError
from tracker.core.i18n import gettext as _
from tracker.core.sniffing import ACCEPTED_EXTENSIONS, sniff
from tracker.core.versioning import check_version, save_from_version
from tracker.core.vocab import DocumentType
from tracker.planning.document_models import Document
from tracker.planning.models import Contract, ProgressObservation
from tracker.projects.models import Project

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
log = logging.getLogger(__name__)


def clean_name(filename: str) -> str:
    """The uploader's file name if it is a plain name; refuse anything that could name a path."""
    name = (filename or "").strip()
    if (not name or "/" in name or "\\" in name or name.startswith(".") or ".." in name or "\x00" in name
            or len(name) > 255 or any(ord(ch) < 32 for ch in name)):
        raise ServiceError(_("the file name must be a plain name without folders"), field="file")
    return name


def check_upload(data: bytes, filename: str, max_bytes: int):
    """The sniffed kind of an upload; ``ServiceError`` (field ``file``) says why it is refused."""
    name = clean_name(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED_EXTENSIONS:
        raise ServiceError(_("this kind of file is not accepted: upload PDF, images (JPEG, PNG, WebP, GIF) or "
                             "office documents"), field="file")
    if len(data) > max_bytes:
        raise ServiceError(_("the file is larger than the limit of %(limit)d MB", limit=max_bytes // (1024 * 1024)),
                           field="file")
    if not data:
        raise ServiceError(_("the file is empty"), field="file")
    kind = sniff(data)
    if kind is None or extension not in kind.extensions:
        raise ServiceError(_("the file's content does not match its name: it is not a real .%(extension)s file",
                             extension=extension), field="file")
    return name, kind


def store_document(*, session: Session, project: Project, data: bytes, filename: str, document_type: str,
                   title: str, is_public: bool, upload_folder: str, expected_version: int,
                   max_bytes: int = DEFAULT_MAX_BYTES, actor_id: int | None = None,
                   observation_id: int | None = None, contract_id: int | None = None) -> Document:
    """Check and store one evidence file for the project."""
    if document_type not in set(DocumentType):
        raise ServiceError(_("unknown document type “%(type)s”", type=document_type), field="document_type")
    name, kind = check_upload(data, filename, max_bytes)
    _check_link(session, project, ProgressObservation, observation_id, "observation_id")
    _check_link(session, project, Contract, contract_id, "contract_id")
    check_version(project=project, expected_version=expected_version)
    storage_name = f"{uuid.uuid4().hex}.{kind.extension}"
    folder = Path(upload_folder)
    _store_file(folder, storage_name, data)
    # From here the file lives as long as the transaction that records it: removed if it rolls back.
    session.info.setdefault(_STORED_KEY, []).append(folder / storage_name)
    document = Document(project_id=project.id, document_type=document_type, title=(title or name).strip()[:300],
                        original_name=name, storage_name=storage_name, media_type=kind.media_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), is_public=is_public, uploaded_by_id=actor_id,
                        observation_id=observation_id, contract_id=contract_id)
    session.add(document)
    save_from_version(session=session, project=project, expected_version=expected_version)
    return document


def store_with_transaction(*, session: Session, folder: Path, storage_name: str, data: bytes) -> Path:
    """Write a file that lives as long as the transaction recording it (removed if it rolls back); for other
    features' uploads (citizens' photos), so every stored upload goes through the same temporary file."""
    _store_file(folder, storage_name, data)
    path = folder / storage_name
    session.info.setdefault(_STORED_KEY, []).append(path)
    return path


def remove_after_commit(*, session: Session, path: Path) -> None:
    """Remove a stored file once the transaction deleting its row commits; a rollback keeps the file (for other
    features' uploads too: citizens' photos never confirmed)."""
    session.info.setdefault(_REMOVED_KEY, []).append(path)


class StorageFailed(ServiceError):
    """The server could not store an upload (its disk full, its folder not writable): not the uploader's fault,
    nothing was recorded, and the message says so."""

    http_status = 503


def _store_file(folder: Path, storage_name: str, data: bytes) -> None:
    """Write ``data`` as ``folder/storage_name``: into a temporary file first, renamed once complete, so a
    half-written file never carries a stored name; on any failure the temporary file is removed and the
    failure becomes ``StorageFailed``."""
    temporary = folder / f".{storage_name}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write(temporary, data)
        os.replace(temporary, folder / storage_name)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        log.error("could not store an upload in %s: %s", folder, error)
        raise StorageFailed(_storage_message(error), field="file") from error
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file at ``path`` and make sure it reached the disk."""
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _storage_message(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("The file could not be stored: the server's disk is full. Nothing was saved; please tell "
                 "an administrator.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST):
        return _("The file could not be stored: the server's upload folder cannot be written to. Nothing was "
                 "saved; please tell an administrator.")
    return _("The file could not be stored because of a problem on the server (%(problem)s). Nothing was "
             "saved; try again later.", problem=error.strerror or type(error).__name__)


#: ``session.info`` keys: files stored in the session's transaction, and files to remove once it commits.
_STORED_KEY = "tracker.documents.stored"
_REMOVED_KEY = "tracker.documents.removed"


@event.listens_for(OrmSession, "after_commit")
def _keep_or_remove_after_commit(session: OrmSession) -> None:
    session.info.pop(_STORED_KEY, None)
    for path in session.info.pop(_REMOVED_KEY, ()):
        with contextlib.suppress(OSError):  # evidence already gone is no reason to fail a committed action
            path.unlink(missing_ok=True)


@event.listens_for(OrmSession, "after_rollback")
def _remove_after_rollback(session: OrmSession) -> None:
    """A rolled-back upload leaves no file behind; a rolled-back removal keeps the file."""
    session.info.pop(_REMOVED_KEY, None)
    for path in session.info.pop(_STORED_KEY, ()):
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove %s after its upload was rolled back: %s", path, error)


def _check_link(session: Session, project: Project, model, item_id: int | None, field: str) -> None:
    if item_id is not None:
        item = session.get(model, item_id)
        if item is None or item.project_id != project.id:
            raise ServiceError(_("not part of this project"), field=field)


def visible_documents(*, session: Session, project_ids: Sequence[int],
                      include_restricted: bool) -> dict[int, list[Document]]:
    """Documents of the projects, newest first; restricted ones only when ``include_restricted``.

    The filter lives here, not in templates, so no page can show a restricted file by forgetting it.
    """
    grouped: dict[int, list[Document]] = {pid: [] for pid in project_ids}
    if not project_ids:
        return grouped
    query = select(Document).where(Document.project_id.in_(project_ids))
    if not include_restricted:
        query = query.where(Document.is_public.is_(True))
    for document in session.exec(query.order_by(Document.uploaded_at.desc(), Document.id.desc())):
        grouped[document.project_id].append(document)
    return grouped


def get_document(*, session: Session, project: Project, document_id: int, include_restricted: bool) -> Document:
    """One document of the project; a restricted one is NotFound unless ``include_restricted``."""
    document = session.get(Document, document_id)
    if document is None or document.project_id != project.id or not (document.is_public or include_restricted):
        raise NotFound(f"no document {document_id}")
    return document


def document_path(*, document: Document, upload_folder: str) -> Path:
    """Where the stored file is; refuses a stored name that would leave the folder (defence in depth)."""
    folder = Path(upload_folder).resolve()
    path = (folder / document.storage_name).resolve()
    if path.parent != folder:
        raise NotFound("document outside the upload folder")
    return path


def delete_document(*, session: Session, project: Project, document_id: int, upload_folder: str,
                    expected_version: int) -> None:
    """Remove a document and its stored file (the history keeps its title and who removed it)."""
    document = get_document(session=session, project=project, document_id=document_id, include_restricted=True)
    check_version(project=project, expected_version=expected_version)
    path = document_path(document=document, upload_folder=upload_folder)
    session.delete(document)
    save_from_version(session=session, project=project, expected_version=expected_version)
    # The file goes once the row's removal is committed: a removal rolled back keeps both.
    remove_after_commit(session=session, path=path)
