"""Uploads: content sniffed, size limited, names never trusted; restricted files stay restricted."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from tests.factories import build_world
from tracker.core.errors import ServiceError
from tracker.core.sniffing import DOCX, JPEG, ODT, PDF, PNG, sniff
from tracker.planning import documents

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_sniffing_knows_the_accepted_kinds():
    assert sniff(PDF_BYTES) is PDF and sniff(PNG_BYTES) is PNG and sniff(b"\xff\xd8\xff\xe0rest") is JPEG
    assert sniff(_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})) is DOCX
    assert sniff(_zip({"mimetype": b"application/vnd.oasis.opendocument.text"})) is ODT
    assert sniff(_zip({"evil.exe": b"MZ"})) is None
    assert sniff(b"MZ\x90\x00 windows executable") is None
    assert sniff(b"<html><script>alert(1)</script>") is None


@pytest.fixture
def world(session):
    return build_world(session)


def _store(session, project, tmp_path, data, name, **kwargs):
    options = {"document_type": "minutes", "title": "Minutes", "is_public": True}
    options.update(kwargs)
    return documents.store_document(session=session, project=project, data=data, filename=name,
                                    upload_folder=str(tmp_path / "uploads"), expected_version=project.version,
                                    **options)


def test_a_pdf_is_stored_under_a_generated_name_with_its_hash(session, world, tmp_path):
    document = _store(session, world.school, tmp_path, PDF_BYTES, "Протокол слухань.pdf")
    assert document.storage_name != "Протокол слухань.pdf" and document.storage_name.endswith(".pdf")
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert (tmp_path / "uploads" / document.storage_name).read_bytes() == PDF_BYTES
    assert document.original_name == "Протокол слухань.pdf" and world.school.version == 2


@pytest.mark.parametrize(("data", "name", "why"), [
    (b"MZ\x90\x00 an executable", "report.pdf", "does not match"),
    (PNG_BYTES, "report.pdf", "does not match"),
    (b"<html>hi</html>", "page.html", "not accepted"),
    (PDF_BYTES, "../../etc/passwd.pdf", "plain name"),
    (PDF_BYTES, "..\\windows\\evil.pdf", "plain name"),
    (PDF_BYTES, "/etc/evil.pdf", "plain name"),
    (b"", "empty.pdf", "empty"),
])
def test_refused_uploads_leave_nothing(session, world, tmp_path, data, name, why):
    with pytest.raises(ServiceError) as refused:
        _store(session, world.school, tmp_path, data, name)
    assert why in refused.value.message and refused.value.field == "file"
    assert not (tmp_path / "uploads").exists() or list((tmp_path / "uploads").iterdir()) == []
    assert world.school.version == 1


def test_oversize_is_refused(session, world, tmp_path):
    with pytest.raises(ServiceError) as refused:
        documents.store_document(session=session, project=world.school, data=PDF_BYTES + b"x" * 2048,
                                 filename="big.pdf", document_type="minutes", title="", is_public=True,
                                 upload_folder=str(tmp_path), expected_version=1, max_bytes=1024)
    assert "larger than" in refused.value.message


def test_restricted_documents_are_filtered_in_the_service(session, world, tmp_path):
    public = _store(session, world.school, tmp_path, PDF_BYTES, "public.pdf")
    restricted = _store(session, world.school, tmp_path, PNG_BYTES, "ids.png", is_public=False,
                        document_type="illustrationDamaged")
    visible = documents.visible_documents(session=session, project_ids=[world.school.id], include_restricted=False)
    assert [d.id for d in visible[world.school.id]] == [public.id]
    with pytest.raises(documents.NotFound):
        documents.get_document(session=session, project=world.school, document_id=restricted.id,
                               include_restricted=False)
    everything = documents.visible_documents(session=session, project_ids=[world.school.id],
                                             include_restricted=True)
    assert len(everything[world.school.id]) == 2
