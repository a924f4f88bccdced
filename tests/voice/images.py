"""Images for the photo tests: a real photo with GPS in its EXIF, a decompression bomb, a polyglot."""
from __future__ import annotations

import io
import zipfile

from PIL import Image

GPS_IFD = 0x8825
GPS = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 0.0)}


def photo_with_gps(size=(64, 48), fmt="JPEG") -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[GPS_IFD] = GPS
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def decompression_bomb() -> bytes:
    """A small PNG that declares 20,000 x 20,000 pixels (400 megapixels of one colour)."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def polyglot() -> bytes:
    """A real JPEG with a zip archive appended (a GIFAR-style file that is both)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("evil.html", "<script>alert(1)</script>")
    return photo_with_gps() + archive.getvalue()


def exif_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {**dict(exif), "gps": dict(exif.get_ifd(GPS_IFD))}
