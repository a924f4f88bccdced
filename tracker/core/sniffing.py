"""What a file really is, from its first bytes (and, for zip-based office files, its member names).

Written by hand rather than with libmagic or a PyPI sniffer: the accepted set is small and closed,
office formats need a look inside the zip that generic sniffers only guess at, and a hand-written
check has no native dependency and says exactly why a file was refused.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of evidence file: its canonical extension, media type and the names it may carry."""

    extension: str
    media_type: str
    extensions: frozenset[str]
    is_image: bool = False


PDF = FileKind("pdf", "application/pdf", frozenset({"pdf"}))
PNG = FileKind("png", "image/png", frozenset({"png"}), True)
JPEG = FileKind("jpg", "image/jpeg", frozenset({"jpg", "jpeg"}), True)
GIF = FileKind("gif", "image/gif", frozenset({"gif"}), True)
WEBP = FileKind("webp", "image/webp", frozenset({"webp"}), True)
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                frozenset({"docx"}))
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"}))
PPTX = FileKind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                frozenset({"pptx"}))
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", frozenset({"odt"}))
ODS = FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", frozenset({"ods"}))
#: Legacy Word and Excel share the OLE2 container; telling them apart needs a full parse, so the
#: container is accepted under either name and stored as a generic OLE2 document.
OLE2 = FileKind("doc", "application/x-ole-storage", frozenset({"doc", "xls"}))

ACCEPTED = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, ODS, OLE2)
ACCEPTED_EXTENSIONS = frozenset(ext for kind in ACCEPTED for ext in kind.extensions)

_OOXML_MEMBERS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
_ODF_MIMETYPES = {ODT.media_type: ODT, ODS.media_type: ODS}


def sniff(data: bytes) -> FileKind | None:
    """The kind of ``data`` judged by its content alone, or None when it is none of the accepted kinds."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE2
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return None


def _sniff_zip(data: bytes) -> FileKind | None:
    """Office Open XML or OpenDocument, from member names only: nothing is decompressed but ODF's tiny
    ``mimetype`` member, so a zip bomb costs nothing here."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return next((kind for member, kind in _OOXML_MEMBERS if member in names), None)
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                return _ODF_MIMETYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    return None
