"""Import of the KATOTTG codifier: the real 2025 edition, and small files for renames, moves and faults."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.core.katottg import CodifierError, import_codifier
from tracker.core.models import Authority

REAL_FILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "katottg" / "kodifikator-16-05-2025.csv"
HEADER = ("Перший рівень;Другий рівень;Третій рівень;Четвертий рівень;Додатковий рівень;"
          "Категорія об’єкта;Назва об’єкта")
OBLAST, RAION, RAION_2 = "UA32000000000030281", "UA32080000000084076", "UA32020000000061350"
HROMADA, TOWN = "UA32080150000035443", "UA32080150010043128"
KYIV, KYIV_DISTRICT = "UA80000000000093317", "UA80000000000126643"
SMALL_ROWS = [
    f"{OBLAST};;;;;O;Київська",
    f"{OBLAST};{RAION};;;;P;Бучанський",
    f"{OBLAST};{RAION_2};;;;P;Білоцерківський",
    f"{OBLAST};{RAION};{HROMADA};;;H;Ірпінська ",  # trailing space, as in the real file
    f"{OBLAST};{RAION};{HROMADA};{TOWN};;M;Ірпінь",
    f"{KYIV};;;;;K;Київ",
    f"{KYIV};{KYIV};{KYIV};{KYIV};{KYIV_DISTRICT};B;Голосіївський",
]


def write_codifier(path: Path, rows: list[str], *, header: str = HEADER) -> Path:
    """A codifier as the Ministry ships it: BOM, CRLF, semicolons."""
    path.write_bytes(("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    return path


def by_code(session, code: str) -> Authority:
    return session.execute(select(Authority).where(Authority.code == code)).scalar_one()


def count(session) -> int:
    return session.execute(select(func.count()).select_from(Authority)).scalar_one()


def assert_paths_consistent(session) -> None:
    rows = session.execute(select(Authority.id, Authority.parent_id, Authority.path)).all()
    paths = {row.id: row.path for row in rows}
    for row in rows:
        expected = (paths[row.parent_id] if row.parent_id else "/") + f"{row.id}/"
        assert row.path == expected, row


def test_real_codifier_imports_every_unit_once(session):
    if not REAL_FILE.exists():
        pytest.skip(f"the real codifier is not at {REAL_FILE} (it lives outside the repository)")
    started = time.perf_counter()
    summary = import_codifier(session=session, path=REAL_FILE)
    session.commit()
    elapsed = time.perf_counter() - started

    assert (summary.created, summary.updated, summary.unchanged) == (31_748, 0, 0)
    assert summary.by_category == {"O": 25, "K": 2, "P": 136, "H": 1_772, "M": 461, "X": 2_007,
                                   "C": 27_237, "B": 108}
    assert count(session) == 31_748 + 1  # and the national root
    assert by_code(session, HROMADA).parent_id == by_code(session, RAION).id
    assert by_code(session, HROMADA).name_uk == "Ірпінська"
    assert by_code(session, KYIV_DISTRICT).parent_id == by_code(session, KYIV).id
    root = session.get(Authority, by_code(session, OBLAST).parent_id)
    assert (root.level, root.code, root.name_uk, root.name_en) == ("national", None, "Україна", "Ukraine")
    assert by_code(session, KYIV).level == "oblast"
    assert_paths_consistent(session)
    assert elapsed < 30, f"import took {elapsed:.1f} s"

    again = import_codifier(session=session, path=REAL_FILE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 31_748)


def test_small_file_with_bom_crlf_and_kyiv_districts(session, tmp_path):
    heard = []
    summary = import_codifier(session=session, path=write_codifier(tmp_path / "k.csv", SMALL_ROWS),
                              progress=lambda done, total, message: heard.append(message))

    assert (summary.created, summary.updated) == (len(SMALL_ROWS), 0)
    assert heard[0] == "reading" and "new units" in heard
    # Every unit created is in the audit trail, as a unit created through a form would be (appended at commit).
    session.commit()
    from sqlmodel import func, select

    from tracker.audit.models import AuditEntry

    logged = session.exec(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.table_name == "authority", AuditEntry.action == "insert")).one()
    assert logged >= len(SMALL_ROWS)
    assert by_code(session, HROMADA).name_uk == "Ірпінська"
    assert by_code(session, KYIV_DISTRICT).parent_id == by_code(session, KYIV).id
    assert by_code(session, KYIV_DISTRICT).level == "city_district"
    assert by_code(session, TOWN).level == "settlement"
    assert_paths_consistent(session)


def test_reimport_renames_and_keeps_english_names(session, tmp_path):
    import_codifier(session=session, path=write_codifier(tmp_path / "a.csv", SMALL_ROWS))
    by_code(session, HROMADA).name_en = "Irpin urban hromada"
    session.flush()
    renamed = [row.replace("Ірпінь", "Ірпінь-Нове") for row in SMALL_ROWS]

    summary = import_codifier(session=session, path=write_codifier(tmp_path / "b.csv", renamed))

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, len(SMALL_ROWS) - 1)
    assert by_code(session, TOWN).name_uk == "Ірпінь-Нове"
    assert by_code(session, HROMADA).name_en == "Irpin urban hromada"


def test_reimport_keeps_a_full_hromada_name_that_extends_the_stem(session, tmp_path):
    import_codifier(session=session, path=write_codifier(tmp_path / "a.csv", SMALL_ROWS))
    by_code(session, HROMADA).name_uk = "Ірпінська міська територіальна громада"
    session.flush()

    summary = import_codifier(session=session, path=write_codifier(tmp_path / "b.csv", SMALL_ROWS))

    assert summary.updated == 0
    assert by_code(session, HROMADA).name_uk == "Ірпінська міська територіальна громада"
    renamed = [row.replace("Ірпінська ", "Ірпінсько-Бучанська") for row in SMALL_ROWS]
    import_codifier(session=session, path=write_codifier(tmp_path / "c.csv", renamed))
    assert by_code(session, HROMADA).name_uk == "Ірпінсько-Бучанська"


def test_reimport_moves_a_unit_and_its_subtree(session, tmp_path):
    import_codifier(session=session, path=write_codifier(tmp_path / "a.csv", SMALL_ROWS))
    moved = [row.replace(f"{RAION};{HROMADA}", f"{RAION_2};{HROMADA}") for row in SMALL_ROWS]

    summary = import_codifier(session=session, path=write_codifier(tmp_path / "b.csv", moved))

    assert summary.updated == 2  # the hromada (new parent) and its town (new path)
    new_raion = by_code(session, RAION_2)
    assert by_code(session, HROMADA).parent_id == new_raion.id
    assert by_code(session, TOWN).path.startswith(new_raion.path)
    assert_paths_consistent(session)


@pytest.mark.parametrize(("rows", "header", "line", "message"), [
    (SMALL_ROWS, "Level1;Level2;Level3;Level4;Level5;Category;Name", 1, "unexpected header"),
    (SMALL_ROWS[:2] + [f"{OBLAST};{RAION};;;P;Бучанський"], HEADER, 4, "expected 7 columns"),
    (SMALL_ROWS[:1] + [f"{OBLAST};UA3208000000008407;;;;P;Бучанський"], HEADER, 3, "malformed code"),
    (SMALL_ROWS[:1] + [f"{OBLAST};{RAION};;;;Z;Бучанський"], HEADER, 3, "unknown category"),
    (SMALL_ROWS[:1] + [f"{OBLAST};{RAION};;;;H;Бучанська"], HEADER, 3, "category H"),
    ([f"{OBLAST};{RAION};;;;P;Бучанський"], HEADER, 2, "unknown"),
])
def test_bad_file_names_the_line_and_writes_nothing(session, tmp_path, rows, header, line, message):
    path = write_codifier(tmp_path / "bad.csv", rows, header=header)

    with pytest.raises(CodifierError, match=message) as caught:
        import_codifier(session=session, path=path)

    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert count(session) == 0


# --- files that are not a codifier at all: a message naming file and line, never a traceback -------------------

def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, int | None, str]]:
    """name → (file, the line named, words of the message)."""
    cp1251 = tmp_path / "cp1251.csv"
    cp1251.write_bytes(("\r\n".join([HEADER, *SMALL_ROWS]) + "\r\n").encode("cp1251"))
    utf8_then_cp1251 = tmp_path / "mixed.csv"
    utf8_then_cp1251.write_bytes(("\r\n".join([HEADER, *SMALL_ROWS[:3]]) + "\r\n").encode("utf-8")
                                 + (SMALL_ROWS[3] + "\r\n").encode("cp1251"))
    binary = tmp_path / "codifier.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 40)
    giant = write_codifier(tmp_path / "giant.csv", [*SMALL_ROWS[:2], f"{OBLAST};{RAION_2};;;;P;{'Б' * 200_000}"])
    long_name = write_codifier(tmp_path / "long.csv", [*SMALL_ROWS[:2], f"{OBLAST};{RAION_2};;;;P;{'Б' * 300}"])
    long_cell = write_codifier(tmp_path / "cell.csv", [SMALL_ROWS[0], f"{OBLAST};{'U' * 5000};;;;P;Бучанський"])
    control = write_codifier(tmp_path / "control.csv", [SMALL_ROWS[0], f"{OBLAST};{RAION};;;;P;Буча\x1bнський"])
    quote = write_codifier(tmp_path / "quote.csv", [SMALL_ROWS[0], f'{OBLAST};{RAION};;;;P;"Бучанський'])
    return {
        "cp1251": (cp1251, 1, "not UTF-8 text: byte 0xcf cannot be read (it reads as Windows-1251"),
        "cp1251 below": (utf8_then_cp1251, 5, "not UTF-8 text"),
        "binary": (binary, 1, "a NUL byte: this is a binary file"),
        "giant field": (giant, 4, "cannot be read as CSV: field larger than field limit"),
        "long name": (long_name, 4, "the name is longer than 255 characters"),
        "long cell": (long_cell, 3, "column 2 (Другий рівень) holds 5000 characters"),
        "control character": (control, 3, "column 7 (Назва об’єкта) holds a control character"),
        "unclosed quote": (quote, 3, "cannot be read as CSV: unexpected end of data"),
        "empty": (write_codifier(tmp_path / "empty.csv", [], header=""), 1, "unexpected header"),
    }


BAD_FILES = ["cp1251", "cp1251 below", "binary", "giant field", "long name", "long cell", "control character",
             "unclosed quote", "empty"]


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_file_that_is_no_codifier_is_named_by_its_line(session, tmp_path, name):
    path, line, words = _bad_files(tmp_path)[name]
    with pytest.raises(CodifierError) as caught:
        import_codifier(session=session, path=path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)
    assert len(str(caught.value)) < 600  # the giant cell is not repeated back
    assert count(session) == 0


def test_a_file_larger_than_any_codifier_is_refused_before_it_is_read(session, tmp_path, monkeypatch):
    from tracker.core import katottg

    monkeypatch.setattr(katottg, "MAX_FILE_BYTES", 1000)
    path = write_codifier(tmp_path / "big.csv", SMALL_ROWS * 20)
    with pytest.raises(CodifierError, match=r"big\.csv: larger than 0 MB: not a codifier"):
        import_codifier(session=session, path=path)


@pytest.mark.parametrize("name", ["cp1251", "binary", "giant field"])
def test_the_command_prints_file_line_problem_and_exits_1(database_url, tmp_path, name):
    from click.testing import CliRunner

    from tracker.cli import main

    path, line, words = _bad_files(tmp_path)[name]
    result = CliRunner().invoke(main, ["import", "katottg", str(path)], env={"TRACKER_DATABASE_URL": database_url})
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert f"error: {path}:{line}: " in result.stderr and words in result.stderr
    assert "Traceback" not in result.output
