"""Import of the official KATOTTG codifier (the Ministry's semicolon-separated CSV) into ``Authority``.

The whole file is read and checked before anything is written, so a bad file leaves the database as it
was. Writing is done in bulk (one read of what exists, one insert, one update) because the codifier has
over 30,000 units.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from sqlalchemy import select, update
from sqlmodel import Session, col

from tracker.core import bulk
from tracker.core.columns import utcnow
from tracker.core.errors import ServiceError
from tracker.core.fields import spec
from tracker.core.hierarchy import path_for
from tracker.core.models import Authority
from tracker.core.vocab import AuthorityLevel

HEADER = ("Перший рівень", "Другий рівень", "Третій рівень", "Четвертий рівень", "Додатковий рівень",
          "Категорія об’єкта", "Назва об’єкта")
LEVEL_COLUMNS = 5
CODE_PATTERN = re.compile(r"UA\d{17}")

#: Category letter → (authority level, the code column it sits in, 1-based).
CATEGORIES = {
    "O": (AuthorityLevel.OBLAST, 1),
    "K": (AuthorityLevel.OBLAST, 1),  # Kyiv and Sevastopol: cities with special status, oblast rank
    "P": (AuthorityLevel.RAION, 2),
    "H": (AuthorityLevel.HROMADA, 3),
    "M": (AuthorityLevel.SETTLEMENT, 4),
    "X": (AuthorityLevel.SETTLEMENT, 4),
    "C": (AuthorityLevel.SETTLEMENT, 4),
    "T": (AuthorityLevel.SETTLEMENT, 4),  # smt: retired in the 2025 edition, kept for older files
    "B": (AuthorityLevel.CITY_DISTRICT, 5),
}

#: The longest name an authority may have (its column's declared length).
NAME_MAX = spec(Authority, "name_uk").max_length or 255
ROOT_NAME_UK = "Україна"
ROOT_NAME_EN = "Ukraine"
_APOSTROPHES = str.maketrans({"'": "’", "\u02bc": "’"})


#: A codifier is a few megabytes (the 2025 edition: 4 MB); a file far larger is not one.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The longest cell worth reading: a code is 19 characters, the longest name a few dozen.
MAX_CELL_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class CodifierError(ServiceError):
    """The file is not a codifier we can trust; ``str()`` reads ``file:line: message`` (``file: message`` when
    the fault is the whole file's)."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        super().__init__(f"{path}:{line}: {message}" if line is not None else f"{path}: {message}", field="file")
        self.path = str(path)
        self.line = line
        self.problem = message


@dataclass(frozen=True)
class Unit:
    """One codifier row: the unit's own code, its parent's code (None for level 1), and where it was read."""

    code: str
    parent_code: str | None
    category: str
    name: str
    line: int

    @property
    def level(self) -> str:
        return CATEGORIES[self.category][0].value

    @property
    def depth(self) -> int:
        return CATEGORIES[self.category][1]


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_category: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def read_codifier(path: Path | str) -> list[Unit]:
    """Parse and check the whole file; raise ``CodifierError`` at the first fault.

    Whatever the file holds (another encoding, a spreadsheet's binary, a giant cell), the fault is a
    ``CodifierError`` naming the line, never an exception from the decoder or the csv module.
    """
    path = Path(path)
    units: list[Unit] = []
    seen: dict[str, int] = {}
    rows = csv.reader(io.StringIO(_text(path), newline=""), delimiter=";", strict=True)
    try:
        header = next(rows, None)
        if header is None or tuple(_clean_header(cell) for cell in header) != HEADER:
            shown = repr(header) if len(repr(header)) <= 300 else repr(header)[:300] + "…"
            raise CodifierError(path, 1, f"unexpected header {shown}; expected {';'.join(HEADER)!r}")
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            unit = _parse_row(path, line, row)
            if unit.code in seen:
                raise CodifierError(path, line, f"code {unit.code} already appears on line {seen[unit.code]}")
            seen[unit.code] = line
            units.append(unit)
    except csv.Error as error:  # an unclosed quote running to the end, a cell over the csv module's limit
        raise CodifierError(path, max(rows.line_num, 1), f"the line cannot be read as CSV: {error}") from None
    return units


def _text(path: Path) -> str:
    """The file as text: UTF-8 (a BOM dropped), or ``CodifierError`` saying what it is instead and where."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CodifierError(path, None, f"cannot be read: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise CodifierError(path, None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: not a codifier")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CodifierError(path, data.count(b"\n", 0, nul) + 1,
                            "a NUL byte: this is a binary file (a spreadsheet?), not the semicolon-separated CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        hint = (" (it reads as Windows-1251: save it as UTF-8, e.g. iconv -f cp1251 -t utf-8)"
                if _reads_as_cp1251(data) else "")
        raise CodifierError(path, line, f"not UTF-8 text: byte 0x{data[error.start]:02x} cannot be read{hint}"
                            ) from None


def _reads_as_cp1251(data: bytes) -> bool:
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return False
    return any("\u0400" <= char <= "\u04ff" for char in text[:10_000])


def _clean_header(cell: str) -> str:
    return cell.strip().translate(_APOSTROPHES)


def _parse_row(path: Path, line: int, row: list[str]) -> Unit:
    if len(row) != len(HEADER):
        raise CodifierError(path, line, f"expected {len(HEADER)} columns, found {len(row)}")
    for number, (name, cell) in enumerate(zip(HEADER, row, strict=True), start=1):
        if len(cell) > MAX_CELL_CHARS:
            raise CodifierError(path, line, f"column {number} ({name}) holds {len(cell)} characters; "
                                            f"no cell of the codifier is longer than {MAX_CELL_CHARS}")
        if _CONTROL.search(cell):
            raise CodifierError(path, line, f"column {number} ({name}) holds a control character, which is not "
                                            "text")
    codes = [cell.strip() for cell in row[:LEVEL_COLUMNS]]
    category, name = row[5].strip(), row[6].strip()
    if category not in CATEGORIES:
        raise CodifierError(path, line, f"unknown category {category!r}; expected one of "
                                        f"{', '.join(CATEGORIES)}")
    for code in filter(None, codes):
        if not CODE_PATTERN.fullmatch(code):
            raise CodifierError(path, line, f"malformed code {code!r}; expected UA followed by 17 digits")
    filled = [code for code in codes if code]
    depth = CATEGORIES[category][1]
    if len(filled) != depth or codes[depth - 1] == "":
        raise CodifierError(path, line, f"category {category} needs codes in levels 1 to {depth} only")
    if not name:
        raise CodifierError(path, line, "the name is empty")
    if len(name) > NAME_MAX:
        raise CodifierError(path, line, f"the name is longer than {NAME_MAX} characters")
    own = codes[depth - 1]
    # Kyiv's and Sevastopol's districts repeat the city's code in levels 1-4: the parent is the
    # deepest level above whose code differs from the unit's own.
    parents = [code for code in codes[:depth - 1] if code != own]
    return Unit(code=own, parent_code=parents[-1] if parents else None, category=category, name=name,
                line=line)


def find_or_create_root(*, session: Session) -> Authority:
    """The one national authority every oblast hangs under."""
    root = session.execute(
        select(Authority).where(col(Authority.level) == AuthorityLevel.NATIONAL, col(Authority.code).is_(None),
                                col(Authority.parent_id).is_(None)).order_by(col(Authority.id))
    ).scalars().first()
    if root is None:
        root = Authority(level=AuthorityLevel.NATIONAL, name_uk=ROOT_NAME_UK, name_en=ROOT_NAME_EN)
        session.add(root)
        session.flush()
        # The flush above made the database assign the id, so it is no longer None.
        root.path = path_for(None, cast(int, root.id))
        session.flush()
    return root


def import_codifier(*, session: Session, path: Path | str, batch_size: int = 5000,
                    progress: Callable[[int, int, str], None] | None = None) -> ImportSummary:
    """Create or update every unit of the codifier at ``path``; return what changed.

    ``progress(done, total, message)`` hears each batch written (the command's progress bar).
    """
    def step(done: int, total: int, message: str) -> None:
        if progress is not None:
            progress(done, total, message)

    step(0, 0, "reading")
    units = read_codifier(path)
    current = {row.id: row._asdict() for row in session.execute(select(*_COLUMNS))}
    ids = {row["code"]: authority_id for authority_id, row in current.items() if row["code"]}
    _check_parents(path, units, ids)  # before the first write, so a bad file writes nothing
    root = find_or_create_root(session=session)
    current.setdefault(root.id, {"code": None, "parent_id": None, "path": root.path})

    new = [unit for unit in units if unit.code not in ids]
    now = utcnow()
    for start in range(0, len(new), batch_size):
        step(start, len(new), "new units")
        # Through core.bulk, so the audit trail logs every unit created, as a flush would.
        bulk.insert_rows(session, Authority, [
            {"code": unit.code, "level": unit.level, "category": unit.category, "name_uk": unit.name,
             "path": "", "created_at": now} for unit in new[start:start + batch_size]])
    if new:
        query = select(col(Authority.code), col(Authority.id)).where(col(Authority.code).is_not(None))
        ids = dict(session.execute(query).all())

    wanted = {ids[unit.code]: {"parent_id": ids[unit.parent_code] if unit.parent_code else root.id,
                               "level": unit.level, "category": unit.category,
                               "name_uk": _kept_name(current.get(ids[unit.code]), unit.name)}
              for unit in units}
    parent_of = {authority_id: row["parent_id"] for authority_id, row in current.items()}
    parent_of.update({authority_id: values["parent_id"] for authority_id, values in wanted.items()})
    paths = _paths(parent_of)
    changes = []
    for authority_id, path_value in paths.items():
        values = {**wanted.get(authority_id, {}), "path": path_value}
        old = current.get(authority_id)
        if old is None or any(old[key] != value for key, value in values.items()):
            changes.append({"id": authority_id, **values})
    for start in range(0, len(changes), batch_size):
        step(start, len(changes), "names, levels and places")
        session.execute(update(Authority), changes[start:start + batch_size])
    step(len(changes), len(changes), "names, levels and places")
    # The bulk statements bypass the identity map; objects the caller holds must reload.
    session.expire_all()

    changed_ids = {change["id"] for change in changes}
    summary = ImportSummary(created=len(new), by_category=dict(Counter(unit.category for unit in units)))
    new_codes = {unit.code for unit in new}
    summary.updated = sum(1 for unit in units if unit.code not in new_codes and ids[unit.code] in changed_ids)
    summary.unchanged = len(units) - summary.created - summary.updated
    return summary


_COLUMNS = (col(Authority.id), col(Authority.code), col(Authority.parent_id), col(Authority.level),
            col(Authority.category), col(Authority.name_uk), col(Authority.path))


def _kept_name(existing: dict | None, codifier_name: str) -> str:
    """The codifier gives hromadas only their stem ("Ірпінська"); a fuller name that begins with
    that stem ("Ірпінська міська територіальна громада") is kept, any other difference is a rename."""
    if existing and existing["name_uk"].startswith(codifier_name + " "):
        return existing["name_uk"]
    return codifier_name


def _check_parents(path, units: list[Unit], known_codes: dict[str, int]) -> None:
    """Every parent must be in the file above its child, or already in the database."""
    depth = {unit.code: unit.depth for unit in units}
    for unit in units:
        if unit.parent_code is None:
            continue
        if unit.parent_code in depth:
            if depth[unit.parent_code] >= unit.depth:
                raise CodifierError(path, unit.line, f"parent {unit.parent_code} is not above {unit.code}")
        elif unit.parent_code not in known_codes:
            raise CodifierError(path, unit.line, f"parent {unit.parent_code} of {unit.code} is unknown")


def _paths(parent_of: dict[int, int | None]) -> dict[int, str]:
    """The materialised path of every unit, from the parent links (each chain is walked once)."""
    paths: dict[int, str] = {}
    for authority_id in parent_of:
        chain: list[int] = []
        cursor: int | None = authority_id
        while cursor is not None and cursor not in paths:
            if cursor in chain:
                raise ServiceError(f"authority {cursor} is its own ancestor", field="parent")
            chain.append(cursor)
            cursor = parent_of[cursor]
        prefix = paths[cursor] if cursor is not None else "/"
        for link in reversed(chain):
            prefix = paths[link] = f"{prefix}{link}/"
    return paths
