"""Citizens' photos, safely: real images only, refused before decoding when too large, re-encoded without
metadata, with a thumbnail.

Order of checks: size in bytes, the kind sniffed from the content (JPEG, PNG, WebP; never the name or the
declared type), no second file hidden in or after the picture (a polyglot: a zip or markup inside, bytes after
the image's end), the pixel count read from the header before any pixel is decoded (a decompression bomb is
refused unexpanded), then a full decode. What is stored is Pillow's re-encoding as JPEG: no EXIF, no comments,
no colour profile tricks, no GPS — except the GPS block when the author chose to share the place.
"""
from __future__ import annotations

import base64
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from tracker.core.errors import ServiceError
from tracker.core.i18n import gettext as _
from tracker.core.sniffing import JPEG, PNG, WEBP, sniff

_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
_GPS_IFD = 0x8825
#: The longest side kept: enough for a site photo, and it bounds the stored size.
LONGEST_SIDE = 2560
THUMB_SIDE = 360
#: A stored photo's name (``operations._store_photo``): nothing else is ever read from the photo folder.
STORED_NAME = re.compile(r"^[0-9a-f]{32}(-thumb)?\.jpg$")
#: A thumbnail embedded in a report: far larger than any THUMB_SIDE JPEG, so only a wrong file is refused.
EMBED_MAX_BYTES = 512 * 1024
_MARKUP = re.compile(rb"<\s*(script|html|body|svg|iframe|object|embed|\?php)", re.IGNORECASE)


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes
    thumb: bytes
    width: int
    height: int


def _refuse(message: str) -> ServiceError:
    return ServiceError(message, field="photo")


def process(data: bytes, *, max_bytes: int, max_pixels: int, keep_place: bool) -> ProcessedPhoto:
    """The photo re-encoded and its thumbnail; ``ServiceError`` on ``photo`` says why one is refused."""
    if not data:
        raise _refuse(_("The photo is empty."))
    if len(data) > max_bytes:
        raise _refuse(_("The photo is larger than %(mb)s MB.", mb=max(1, max_bytes // (1024 * 1024))))
    kind = sniff(data)
    if kind not in _PIL_FORMATS:
        raise _refuse(_("This is not a photo: upload a JPEG, PNG or WebP image."))
    if _hides_another_file(data, kind):
        raise _refuse(_("The photo contains something other than a picture and was refused."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]]) as source:
                width, height = source.size
                if width < 1 or height < 1 or width * height > max_pixels:
                    raise _refuse(_("The photo has too many pixels (at most %(mp)s megapixels).",
                                    mp=max_pixels // 1_000_000 or 1))
                source.load()
                gps = dict(source.getexif().get_ifd(_GPS_IFD)) if keep_place else {}
                picture = ImageOps.exif_transpose(source).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _refuse(_("The photo has too many pixels (at most %(mp)s megapixels).",
                        mp=max_pixels // 1_000_000 or 1)) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise _refuse(_("The photo could not be read as an image; it may be damaged.")) from error
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    exif = Image.Exif()
    if gps:
        exif[_GPS_IFD] = gps
    image = _jpeg(picture, exif.tobytes() if gps else None)
    thumb = picture.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return ProcessedPhoto(image=image, thumb=_jpeg(thumb, None), width=picture.width, height=picture.height)


def _jpeg(picture: Image.Image, exif: bytes | None) -> bytes:
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True}
    if exif:
        options["exif"] = exif
    picture.save(out, "JPEG", **options)
    return out.getvalue()


def _hides_another_file(data: bytes, kind) -> bool:
    """A second file in or after the picture: a zip (a GIFAR-style polyglot), markup a browser could run, or
    bytes past the image's own end."""
    if _MARKUP.search(data):
        return True
    try:
        if zipfile.is_zipfile(io.BytesIO(data)):
            return True
    except (OSError, ValueError):
        return True
    # Without its end marker the file is cut short: the decoder refuses it as damaged.
    if kind is PNG:
        end = data.rfind(b"IEND")
        return end >= 0 and len(data) != end + 8  # the IEND chunk type, then its CRC, then nothing
    if kind is JPEG:
        end = data.rfind(b"\xff\xd9")
        return end >= 0 and data[end + 2:].strip(b"\x00") != b""
    declared = int.from_bytes(data[4:8], "little") + 8  # WebP: the RIFF container says its own length
    return len(data) not in (declared, declared + 1)


def stored_data_uri(folder: Path, name: str) -> str | None:
    """A stored thumbnail as a ``data:image/jpeg;base64,`` URL, for reports (the PDF renderer fetches nothing):
    None for a name that is not a stored photo's, a missing file, or one that is not a small JPEG."""
    if not STORED_NAME.match(name):
        return None
    try:
        data = (folder / name).read_bytes()
    except OSError:
        return None
    if len(data) > EMBED_MAX_BYTES or sniff(data) is not JPEG:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
