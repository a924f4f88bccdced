"""CSV import and export of projects and of progress updates: the planners' bulk tool.

* Import is all-or-nothing: every row is parsed and checked first, and the report lists each problem
  by row number (the header is row 1) and column. Only a file without problems is written.
* Export writes exactly the columns import reads, so an exported file imports back without changing
  anything: unchanged rows write nothing and do not raise the version. Cells a spreadsheet would run as a
  formula are written with a quote before them (``core.safe_csv``), which the import takes away again.
* An existing project's row carries the ``version`` it was exported at; a row for a project changed
  since is refused (optimistic locking, as on the forms).
* Stage moves are not made by import (they go through the stage gate): ``stage`` is exported for
  reading and must be left as it is.
"""
from __future__ import annotations

import csv
import io
import itertools
import os
import pickle  # noqa: S403 - only for rows this import kept in its own temporary file
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO, Union

from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from tracker.core import bulk, safe_csv
from tracker.core.errors import ServiceError
from tracker.core.fields import cell_parser, spec
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.models import Authority
from tracker.core.versioning import save_from_version
from tracker.planning.history import as_text
from tracker.planning.models import NeedsAssessment, ProgressObservation, ProjectPlan
from tracker.planning.stage_data import ID_CHUNK, one_per_project
from tracker.planning.stage_edit import check_needs, check_plan
from tracker.projects import operations as project_service
from tracker.projects.models import Project, ProjectBase

MAX_ROWS = 50_000


# --- cells: each column reads its cell the way its model field declares (``core.fields.cell_parser``) ----

def _version(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.strip().isdigit() or len(raw.strip()) > 9:
        raise ValueError(_("“%(value)s” is not a version number", value=raw))
    return int(raw)


@dataclass(frozen=True)
class Column:
    """One CSV column: where its value lives (``meta``, ``project``, ``needs``, ``planning``) and how to read it."""

    name: str
    section: str
    parse: Callable[[str], Any]
    attribute: str = ""
    required: bool = False
    help: str = ""

    @property
    def target(self) -> str:
        return self.attribute or self.name


#: The model each section's columns are declared on.
_DECLARED_ON = {"meta": Project, "project": ProjectBase, "needs": NeedsAssessment, "planning": ProjectPlan,
                "progress": ProgressObservation}


def _declared(name: str, section: str, *, required: bool | None = None, help: str = "",
              declared_as: str = "", pattern_message: str | None = None) -> Column:
    """A column read and checked as its model declares the field ``declared_as`` (by default its own name)."""
    model = _DECLARED_ON[section]
    field_name = declared_as or name
    return Column(name, section, cell_parser(model, field_name, pattern_message=pattern_message),
                  required=spec(model, field_name).required if required is None else required, help=help)


_KATOTTG_MESSAGE = _l("a KATOTTG code is UA followed by 17 digits")

PROJECT_COLUMNS: tuple[Column, ...] = (
    _declared("reference", "meta", required=False, help=_l("Empty for a new project; VID-… to update one")),
    Column("version", "meta", _version, help=_l("As exported; a project changed since is refused")),
    Column("authority_code", "meta", cell_parser(Authority, "code", pattern_message=_KATOTTG_MESSAGE),
           required=True, help=_l("KATOTTG code of the owning authority")),
    _declared("parent_reference", "meta", declared_as="reference", required=False,
              help=_l("Reference of the programme this project belongs to")),
    _declared("stage", "meta", required=False, help=_l("Read only: stage moves go through the stage gate")),
    _declared("title_uk", "project"),
    _declared("title_en", "project"),
    _declared("description_uk", "project"),
    _declared("description_en", "project"),
    _declared("sector", "project"),
    _declared("project_type", "project"),
    _declared("purpose", "project"),
    _declared("location_code", "project", pattern_message=_KATOTTG_MESSAGE),
    _declared("address", "project"),
    _declared("latitude", "project"),
    _declared("longitude", "project"),
    _declared("is_public", "project", required=False, help=_l("true or false")),
    _declared("damage_register_ref", "needs"),
    _declared("assessment_date", "needs"),
    _declared("rdna_sector", "needs"),
    _declared("estimated_cost", "needs", help=_l("UAH")),
    _declared("beneficiaries", "needs"),
    _declared("idp_beneficiaries", "needs"),
    _declared("urgency", "needs"),
    _declared("strategy_ref", "needs"),
    _declared("budget_total", "planning", help=_l("UAH")),
    _declared("budget_capex", "planning", help=_l("UAH")),
    _declared("budget_opex_annual", "planning", help=_l("UAH")),
    _declared("council_decision_number", "planning"),
    _declared("council_decision_date", "planning"),
    _declared("project_manager_name", "planning"),
)

PROGRESS_COLUMNS: tuple[Column, ...] = (
    _declared("reference", "meta", required=True),
    _declared("observed_on", "progress"),
    _declared("physical_percent", "progress", help=_l("0 to 100")),
    _declared("note", "progress"),
)

_SECTION_MODELS = {"needs": NeedsAssessment, "planning": ProjectPlan}
#: Columns whose blank cell keeps the current value (or the default) instead of clearing it.
_LEFT_AS_IS_WHEN_BLANK = frozenset({"is_public"})


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import found and did: problems (then nothing was written) or counts of rows written."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


# --- reading ---------------------------------------------------------------------------------------

#: Rows checked together (one set of lookups), and rows written together: one multi-row insert each and, in a
#: job, one transaction, short enough (about a tenth of a second) that other people's saves barely wait.
CHUNK = 500
#: Rows written per step (a job commits each): on PostgreSQL other writers go on beside a step, so bigger steps
#: cost only round trips saved; SQLite has one writer at a time, so its steps stay short for the others' sake.
WRITE_CHUNK = {"postgresql": 500, "sqlite": 100}
Source = Union[bytes, "os.PathLike[str]"]
#: Characters no cell holds: control characters but tab and the line breaks of multi-line text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _binary(source: Source) -> BinaryIO:
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source)
    return open(source, "rb")  # noqa: SIM115 - closed by the caller's with


def _lines(stream: BinaryIO) -> Iterator[str]:
    """The file's lines as text, decoded one by one, so that bad text is caught at its own row."""
    for number, raw in enumerate(stream):
        yield raw.decode("utf-8-sig" if number == 0 else "utf-8")


def iter_rows(source: Source, columns: Sequence[Column], report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows as (row number, {column: stripped text}), read as they come (a file of any length in
    little memory); header problems, and text that cannot be read, go to ``report``."""
    with _binary(source) as stream:
        row = 1  # the row being read, for a message when it cannot be
        header: list[str] = []
        try:
            lines = _lines(stream)
            first_line = next(lines, "")
            delimiter = _delimiter(first_line)
            last: list[str] = [first_line]  # the line the reader took last: where a cell too long for it is
            reader = csv.reader(_kept(itertools.chain([first_line], lines), last), delimiter=delimiter)
            header = [name.strip() for name in next(reader, [])]
            if not _header_ok(header, columns, report):
                return
            count, row = 0, 2
            for number, cells in enumerate(reader, start=2):
                row = number + 1
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    report.add(number, "", _("%(cells)d cells where the header has %(header)d", cells=len(cells),
                                                header=len(header)))
                    continue
                # A cell the export neutralised for spreadsheets ('=…, '-5) reads back as it was written.
                values = {name: safe_csv.restore(cell.strip()) for name, cell in zip(header, cells, strict=True)}
                faulty = next((name for name, value in values.items() if _CONTROL.search(value)), None)
                if faulty is not None:
                    character = _CONTROL.search(values[faulty]).group()  # type: ignore[union-attr]
                    report.add(number, faulty, _("the cell holds a NUL character, which is not text")
                               if character == "\x00" else
                               _("the cell holds the control character U+%(code)s, which is not text",
                                 code=f"{ord(character):04X}"))
                    continue
                count += 1
                if count > MAX_ROWS:
                    report.add(number, "", _("more than %(rows)d rows: split the file", rows=MAX_ROWS))
                    return
                yield number, values
        except UnicodeDecodeError:
            report.add(row, "", _("the file is not UTF-8 text: save it as CSV UTF-8"))
        except csv.Error as error:  # an unclosed quote, a cell over the csv module's limit
            if "field larger than field limit" in str(error):
                index = _overlong_cell(last[0], delimiter)
                report.add(row, header[index] if index < len(header) else "",
                           _("the cell holds more than %(limit)d characters, far more than any column takes",
                             limit=csv.field_size_limit()))
            else:
                report.add(row, "", _("the row cannot be read as CSV: %(error)s", error=error))


def _kept(lines: Iterator[str], last: list[str]) -> Iterator[str]:
    """``lines``, each kept in ``last[0]`` as it is handed on."""
    for line in lines:
        last[0] = line
        yield line


def _overlong_cell(line: str, delimiter: str) -> int:
    """The index of the first cell of ``line`` longer than the csv module reads (quotes followed)."""
    index = size = 0
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            index, size = index + 1, 0
        else:
            size += 1
            if size > csv.field_size_limit():
                return index
    return index


def _header_ok(header: list[str], columns: Sequence[Column], report: ImportReport) -> bool:
    errors_before = len(report.errors)
    known = {column.name for column in columns}
    for name in header:
        if name not in known:
            report.add(1, name, _("unknown column"))
    for column in columns:
        if column.required and column.name not in header:
            report.add(1, column.name, _("required column missing"))
    if len(set(header)) != len(header):
        report.add(1, "", _("a column appears twice"))
    return len(report.errors) == errors_before


def read_rows(data: Source, columns: Sequence[Column], report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    """Every row at once (small files; imports stream with ``iter_rows``)."""
    return list(iter_rows(data, columns, report))


def _chunks(rows: Iterable[tuple[int, dict[str, str]]], size: int) -> Iterator[list[tuple[int, dict[str, str]]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _parse(number: int, cells: dict[str, str], columns: Sequence[Column], report: ImportReport) -> dict:
    values: dict[str, dict[str, Any]] = {"meta": {}, "project": {}, "needs": {}, "planning": {}, "progress": {}}
    for column in columns:
        if column.name not in cells:
            continue
        raw = cells[column.name]
        if column.required and not raw:
            report.add(number, column.name, _("required"))
            continue
        try:
            value = column.parse(raw)
        except ValueError as error:
            report.add(number, column.name, str(error))
            continue
        if value is None and column.name in _LEFT_AS_IS_WHEN_BLANK:
            continue
        values[column.section][column.target] = value
    return values


# --- projects ----------------------------------------------------------------------------------------

@dataclass
class _Plan:
    """A checked row, ready to write."""

    number: int
    values: dict
    project: Project | None
    authority: Authority
    parent: Project | None
    parent_given: bool
    data: project_service.ProjectCreate | None


Progress = Callable[..., None]
#: A row as checked: its number, its values by section, and its project data as validated (None: not yet).
_Checked = tuple[int, dict, Union[project_service.ProjectCreate, None]]


def _no_progress(**_values: Any) -> None:
    return None


class _Checker:
    """Checks chunks of rows against the database: the same checks before writing and while writing."""

    def __init__(self, session: Session, may_edit: Callable[[Authority], bool], report: ImportReport) -> None:
        self.session, self.may_edit, self.report = session, may_edit, report
        self.authorities: dict[str, Authority] = {}  # by code: bounded by the authorities, not the rows
        self.seen: set[str] = set()

    def plans(self, chunk: list[tuple[int, dict[str, str]]]) -> list[_Plan]:
        """The chunk's rows parsed and checked whole: cells, domain rules and what the database holds."""
        return self._checked([(number, _parse(number, cells, PROJECT_COLUMNS, self.report), None)
                              for number, cells in chunk])

    def rechecked(self, checked: list[_Checked]) -> list[_Plan]:
        """Rows ``plans`` passed, checked again against the database only (their cells cannot have changed)."""
        return self._checked(checked)

    def _checked(self, parsed: list[_Checked]) -> list[_Plan]:
        report = self.report
        codes = {v["meta"].get("authority_code") for _n, v, _d in parsed} - set(self.authorities) - {None}
        self.authorities.update(_by_key(self.session, Authority, Authority.code, codes))
        references = ({v["meta"].get("reference") for _n, v, _d in parsed}
                      | {v["meta"].get("parent_reference") for _n, v, _d in parsed})
        projects = _by_key(self.session, Project, Project.reference, references)
        owners = {a.id: a for a in _by_key(self.session, Authority, Authority.id,
                                           {p.authority_id for p in projects.values()}).values()}
        projects = _seen_by(projects, owners, self.may_edit)
        plans = []
        for number, values, data in parsed:
            plan = _check_project_row(number, values, self.authorities, projects, owners, self.may_edit, self.seen,
                                      report, data)
            if plan is not None:
                plans.append(plan)
        return plans


#: ``step(payload)``: keep what a chunk wrote (commit it) with how to take it back (``undo_import_step``).
Step = Callable[[dict[str, Any]], None]


def import_projects(*, session: Session, data: Source, may_edit: Callable[[Authority], bool],
                    actor_id: int | None = None, progress: Progress = _no_progress,
                    step: Step | None = None) -> ImportReport:
    """Create and update projects from a CSV file (bytes, or the path of a file); all rows or none.

    The file is read three times as a stream, in chunks, so memory does not grow with its length: counted,
    checked whole (nothing written while any row has a problem), then written — new projects in multi-row
    inserts, changed ones through the same service as the forms. ``progress(done=, total=, message=)`` hears
    how far it got.

    Without ``step`` everything is one transaction: the projects to change are locked, in id order, before the
    first write, and when the report has problems the caller rolls back (a project changed meanwhile is found
    after rows were written). With ``step`` (a job) each chunk is kept by ``step(payload)`` as it is written,
    its projects locked and checked first, so other people's saves go on between chunks; when a later chunk
    finds a problem, the caller takes the kept chunks back with ``undo_import_step``.
    """
    report = ImportReport()
    progress(message=_("Reading the file…"))
    total = _count_rows(data)
    progress(done=0, total=total, message=_("Checking %(rows)d rows…", rows=total))
    checker, to_lock, done = _Checker(session, may_edit, report), {}, 0
    # The rows checked are kept in a temporary file, a chunk a record, for the writing pass: it reads them back
    # instead of parsing and validating every cell again (a third of the import's time), in the same little
    # memory. Only what the database decides is checked again as each chunk is written.
    with tempfile.TemporaryFile() as checked:
        for chunk in _chunks(iter_rows(data, PROJECT_COLUMNS, report), CHUNK):
            plans = checker.plans(chunk)
            for plan in plans:
                if plan.project is not None:
                    to_lock[plan.project.id] = (plan.number, plan.values["meta"]["version"])
            if report.ok:
                pickle.dump([(plan.number, plan.values, plan.data) for plan in plans], checked,
                            protocol=pickle.HIGHEST_PROTOCOL)
            done += len(chunk)
            progress(done=done)
        if not report.ok or (step is None and not _lock_versions(session, to_lock, report)):
            return report
        checked.seek(0)
        _write_checked(session, _chunks(_kept_rows(checked), WRITE_CHUNK.get(session.get_bind().dialect.name, 100)),
                       _Checker(session, may_edit, report), total, actor_id, progress, step)
    return report


def _write_checked(session: Session, chunks: Iterator[list[_Checked]], writer: _Checker, total: int,
                   actor_id: int | None, progress: Progress, step: Step | None) -> None:
    """Write the checked rows chunk by chunk (see ``import_projects``); stops at the first problem found."""
    report, done = writer.report, 0
    progress(done=0, total=total, message=_("Writing %(rows)d rows…", rows=total))
    for chunk in chunks:
        plans = writer.rechecked(chunk)
        updates = [plan for plan in plans if plan.project is not None]
        if step is not None and report.ok:
            _lock_versions(session, {plan.project.id: (plan.number, plan.values["meta"]["version"])
                                     for plan in updates}, report)
        if not report.ok:
            return
        created = _create_projects(session, [plan for plan in plans if plan.project is None], report, actor_id)
        records = {section: one_per_project(session, model, [plan.project.id for plan in updates])
                   for section, model in _SECTION_MODELS.items()}
        undo = [_write_project(session, plan, records, report) for plan in updates]
        session.flush()
        if step is not None:
            step({"created": created, "updated": [_settled(item) for item in undo if item is not None]})
        done += len(chunk)
        progress(done=done)
    session.flush()


def _kept_rows(stream: BinaryIO) -> Iterator[_Checked]:
    """The checked rows ``import_projects`` kept, in file order (our own temporary file: safe to unpickle)."""
    while True:
        try:
            chunk = pickle.load(stream)  # noqa: S301 - written by this process a moment ago
        except EOFError:
            return
        yield from chunk


def _count_rows(source: Source) -> int:
    """The number of rows after the header (blank ones left out), for progress; counted without checking a cell:
    text that cannot be read is reported by the checking pass, by row."""
    with _binary(source) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        first_line = text.readline()
        try:
            reader = csv.reader(itertools.chain([first_line], text), delimiter=_delimiter(first_line))
            return max(0, sum(1 for cells in reader if any(cells)) - 1)
        except csv.Error:
            return 0


def _delimiter(first_line: str) -> str:
    """The file's delimiter: a semicolon where the header has more of them than commas (Excel in Ukrainian)."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _lock_versions(session: Session, expected: dict[int, tuple[int, int]], report: ImportReport) -> bool:
    """Lock the projects to change (in id order: two imports never wait on each other in a circle) and check
    that none changed since the file was checked."""
    ids = sorted(expected)
    for start in range(0, len(ids), ID_CHUNK):
        for project_id, version in session.execute(
                select(Project.id, Project.version).where(Project.id.in_(ids[start:start + ID_CHUNK]))
                .order_by(Project.id).with_for_update()):
            number, checked = expected[project_id]
            if version != checked:
                report.add(number, "version", _("the project was changed while the file was imported (now version "
                                                "%(version)d); export it again", version=version))
    return report.ok


def _seen_by(projects: dict[str, Project], owners: dict[int, Authority],
             may_edit: Callable[[Authority], bool]) -> dict[str, Project]:
    """The projects the person importing may see: public ones and those they may edit. Any other (not public,
    outside their authorities) is unknown to them, as on its pages (404): "no project", not "someone else's"."""
    return {reference: project for reference, project in projects.items()
            if project.is_public or may_edit(owners[project.authority_id])}


def _by_key(session: Session, model, column, keys: Iterable) -> dict:
    wanted = sorted({key for key in keys if key is not None}, key=str)
    found = {}
    for start in range(0, len(wanted), ID_CHUNK):
        # populate_existing: a chunk written after others were kept must see the rows as they are now.
        for row in session.exec(select(model).where(column.in_(wanted[start:start + ID_CHUNK]))
                                .execution_options(populate_existing=True)):
            found[getattr(row, column.key)] = row
    return found


def _check_project_row(number, values, authorities, projects, project_authorities, may_edit, seen,
                       report, data: project_service.ProjectCreate | None = None) -> _Plan | None:
    errors_before = len(report.errors)
    meta = values["meta"]
    reference = meta.get("reference")
    project = None
    if reference:
        if reference in seen:
            report.add(number, "reference", _("this project appears twice in the file"))
        seen.add(reference)
        project = projects.get(reference)
        if project is None:
            report.add(number, "reference", _("no project %(reference)s", reference=reference))
        elif meta.get("version") is None:
            report.add(number, "version", _("required for an existing project"))
        elif meta["version"] != project.version:
            report.add(number, "version", _("the project was changed since this file was made (now version "
                                            "%(version)d); export it again", version=project.version))
        if project is not None and meta.get("stage") and meta["stage"] != project.stage:
            report.add(number, "stage", _("stage moves go through the stage gate, not the import"))
    authority = authorities.get(meta.get("authority_code"))
    if authority is None:
        if meta.get("authority_code"):
            report.add(number, "authority_code", _("no authority with this code"))
    elif not may_edit(authority):
        report.add(number, "authority_code", _("outside the authorities you work for"))
    elif project is not None and project_authorities.get(project.authority_id) is not authority:
        report.add(number, "authority_code", _("a project cannot move to another authority by import"))
    parent = _checked_parent(number, meta, project, projects, project_authorities, may_edit, report)
    if data is None:  # the cells' own rules: checked once, in the checking pass
        data = _domain_checks(number, values, report)
    if len(report.errors) > errors_before or authority is None:
        return None
    return _Plan(number, values, project, authority, parent, "parent_reference" in meta, data)


def _checked_parent(number, meta, project, projects, project_authorities, may_edit, report) -> Project | None:
    """The programme the row names (``parent_reference``), checked: it exists, is not the project itself, and
    the person importing may edit it when the project joins it."""
    parent = projects.get(meta.get("parent_reference")) if meta.get("parent_reference") else None
    if meta.get("parent_reference") and parent is None:
        report.add(number, "parent_reference", _("no project %(reference)s", reference=meta["parent_reference"]))
    if parent is not None and project is not None and parent.id == project.id:
        report.add(number, "parent_reference", _("a project cannot be its own programme"))
    elif (parent is not None and (project is None or project.parent_id != parent.id)
          and not may_edit(project_authorities[parent.authority_id])):
        # As on the programme form: a project joins only a programme its planner may edit.
        report.add(number, "parent_reference", _("the programme is outside the authorities you work for"))
    return parent


def _domain_checks(number: int, values: dict, report: ImportReport) -> project_service.ProjectCreate | None:
    data = None
    try:
        data = project_service.ProjectCreate.model_validate(values["project"])
    except ValueError as error:
        for detail in getattr(error, "errors", lambda: [])():
            column = str(detail["loc"][0]) if detail.get("loc") else ""
            report.add(number, column, str(detail.get("msg") or _("invalid value")).removeprefix("Value error, "))
    for section, check in (("needs", check_needs), ("planning", check_plan)):
        try:
            check(values[section])
        except ServiceError as error:
            report.add(number, error.field or "", error.message)
    return data


def _create_projects(session: Session, plans: list[_Plan], report: ImportReport, actor_id: int | None) -> list[int]:
    """New projects and their stage records, a few multi-row inserts for the whole chunk."""
    ids = project_service.create_projects(session=session, actor_id=actor_id, projects=[
        project_service.NewProject(plan.authority.id, plan.data, plan.parent.id if plan.parent else None)
        for plan in plans])
    for section, model in _SECTION_MODELS.items():
        bulk.insert_rows(session, model, [
            {**plan.values[section], "project_id": project_id} for project_id, plan in zip(ids, plans, strict=True)
            if any(value is not None for value in plan.values[section].values())])
    report.created += len(ids)
    return ids


def _write_project(session: Session, plan: _Plan, records: dict, report: ImportReport) -> dict | None:
    """Write one existing project's row; what it was before (to take it back), or None when nothing changed."""
    values = plan.values
    project = plan.project
    assert project is not None  # noqa: S101 - new projects are created in bulk
    submitted = {name: value for name, value in values["project"].items() if getattr(project, name) != value}
    undo: dict[str, Any] = {"project": project.id, "reference": project.reference,
                            "fields": {name: as_text(getattr(project, name)) for name in submitted}, "records": []}
    bumped = False
    if submitted:
        bumped = bool(project_service.update_project(
            session=session, project=project, changes=project_service.ProjectUpdate(**submitted),
            expected_version=project.version, locate=False))  # the data-quality rule reports a bad location
    new_parent = plan.parent.id if plan.parent else None
    stage_changes = []
    for section, model in _SECTION_MODELS.items():
        record = records[section].get(project.id)
        diff = {k: v for k, v in values[section].items() if (getattr(record, k) if record else None) != v}
        if diff:
            stage_changes.append((section, model, record, diff))
    parent_changed = plan.parent_given and project.parent_id != new_parent
    if not (bumped or stage_changes or parent_changed):
        report.unchanged += 1
        return None
    if parent_changed:
        undo["parent"] = project.parent_id
        project.parent_id = new_parent
    for section, model, record, diff in stage_changes:
        if record is None:
            record = model(project_id=project.id)
            session.add(record)
            undo["records"].append({"section": section, "record": record, "created": True})
        else:
            undo["records"].append({"section": section, "record": record, "created": False,
                                    "fields": {name: as_text(getattr(record, name)) for name in diff}})
        for name, value in diff.items():
            setattr(record, name, value)
    if not bumped or parent_changed:
        save_from_version(session=session, project=project, expected_version=project.version)
    undo["project_object"] = project
    report.updated += 1
    return undo


def _settled(undo: dict) -> dict:
    """An undo record as the journal keeps it (after the flush: ids of new records, the version written)."""
    project = undo.pop("project_object")
    return {**undo, "version": project.version,
            "records": [{key: value for key, value in record.items() if key != "record"} | {"id": record["record"].id}
                        for record in undo["records"]]}


def undo_import_step(session: Session, payload: dict[str, Any]) -> list[str]:
    """Take back one kept chunk of an import: restore the projects it changed, remove those it created.

    A project someone changed after the import wrote it is left as it is (their change is not lost), and said so.
    """
    notes = []
    for item in reversed(payload.get("updated", [])):
        project = session.scalars(sa_select(Project).where(Project.id == item["project"]).with_for_update()
                                  .execution_options(populate_existing=True)).first()
        if project is None or project.version != item["version"]:
            notes.append(_("%(reference)s was changed after the import wrote it and is left as it is.",
                           reference=item["reference"]))
            continue
        for name, text in item["fields"].items():
            setattr(project, name, _restored(ProjectBase, name, text))
        if "parent" in item:
            project.parent_id = item["parent"]
        for record in item["records"]:
            model = _SECTION_MODELS[record["section"]]
            row = session.get(model, record["id"])
            if row is None:
                continue
            if record["created"]:
                session.delete(row)
                continue
            for name, text in record["fields"].items():
                setattr(row, name, _restored(model, name, text))
        save_from_version(session=session, project=project, expected_version=project.version)
    if payload.get("created"):
        project_service.delete_projects(session=session, project_ids=payload["created"])
    session.flush()
    return notes


def _restored(model, name: str, text: str | None) -> Any:
    """A value kept as the export writes it, read back as the import reads it."""
    return None if text is None else cell_parser(model, name)(text)


def export_projects(*, session: Session, project_filter=None) -> str:
    """The projects (those ``project_filter`` lets through) as CSV text, in import's columns."""
    parent = aliased(Project)
    query = (select(Project, Authority.code, parent.reference)
             .join(Authority, Authority.id == Project.authority_id)
             .outerjoin(parent, parent.id == Project.parent_id).order_by(Project.id))
    if project_filter is not None:
        query = query.where(project_filter)
    rows = list(session.exec(query))
    ids = [project.id for project, _code, _parent in rows]
    records = {section: one_per_project(session, model, ids) for section, model in _SECTION_MODELS.items()}
    out = io.StringIO()
    writer = safe_csv.writer(out)
    writer.writerow([column.name for column in PROJECT_COLUMNS])
    for project, code, parent_reference in rows:
        meta = {"reference": project.reference, "version": project.version, "authority_code": code,
                "parent_reference": parent_reference, "stage": project.stage}
        line = []
        for column in PROJECT_COLUMNS:
            if column.section == "meta":
                value = meta[column.name]
            elif column.section == "project":
                value = getattr(project, column.target)
            else:
                record = records[column.section].get(project.id)
                value = getattr(record, column.target) if record is not None else None
            line.append(as_text(value) or "")
        writer.writerow(line)
    return out.getvalue()


def template(columns: Sequence[Column]) -> str:
    """An empty file with the header row, to fill in."""
    return safe_csv.to_text([column.name for column in columns], [])


# --- progress updates --------------------------------------------------------------------------------

def import_progress(*, session: Session, data: Source, may_edit: Callable[[Authority], bool],
                    progress: Progress = _no_progress) -> ImportReport:
    """Add dated progress observations; a row for an already recorded date replaces that day's entry.

    Progress rows only add to a project's log, so they need no version from the file; each project
    written still gets a new version, so open forms on it notice.
    """
    report = ImportReport()
    progress(message=_("Reading the file…"))
    rows = read_rows(data, PROGRESS_COLUMNS, report)
    if not report.ok:
        return report
    progress(done=0, total=len(rows), message=_("Checking %(rows)d rows…", rows=len(rows)))
    parsed = [(number, _parse(number, cells, PROGRESS_COLUMNS, report)) for number, cells in rows]
    projects = _by_key(session, Project, Project.reference, {v["meta"].get("reference") for _n, v in parsed})
    authorities = _by_key(session, Authority, Authority.id, {p.authority_id for p in projects.values()})
    projects = _seen_by(projects, authorities, may_edit)
    existing: dict[tuple[int, date], ProgressObservation] = {}
    for start in range(0, len(projects), ID_CHUNK):
        ids = [p.id for p in list(projects.values())[start:start + ID_CHUNK]]
        for observation in session.exec(select(ProgressObservation)
                                        .where(ProgressObservation.project_id.in_(ids))
                                        .order_by(ProgressObservation.id)):
            existing[(observation.project_id, observation.observed_on)] = observation
    checked, seen = [], set()
    for number, values in parsed:
        reference = values["meta"].get("reference")
        project = projects.get(reference)
        observed = values["progress"]
        if project is None:
            if reference:
                report.add(number, "reference", _("no project %(reference)s", reference=reference))
            continue
        if not may_edit(authorities[project.authority_id]):
            report.add(number, "reference", _("outside the authorities you work for"))
            continue
        observed_on = observed.get("observed_on")
        if observed_on is not None and observed_on > date.today():
            report.add(number, "observed_on", _("this date is in the future"))
        if (project.id, observed_on) in seen:
            report.add(number, "observed_on", _("this project has two rows for the same date"))
        seen.add((project.id, observed_on))
        checked.append((project, observed))
    if not report.ok:
        return report
    progress(message=_("Writing %(rows)d rows…", rows=len(checked)))
    touched: dict[int, Project] = {}
    for project, observed in checked:
        observation = existing.get((project.id, observed["observed_on"]))
        if observation is None:
            session.add(ProgressObservation(project_id=project.id, **observed))
            report.created += 1
        elif (observation.physical_percent, observation.note) != (observed["physical_percent"], observed.get("note")):
            observation.physical_percent = observed["physical_percent"]
            observation.note = observed.get("note")
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        touched[project.id] = project
    for project in touched.values():
        save_from_version(session=session, project=project, expected_version=project.version)
    session.flush()
    return report


def export_progress(*, session: Session, project_filter=None) -> str:
    """Every progress observation of the projects, oldest first, in import's columns."""
    query = (select(Project.reference, ProgressObservation)
             .join(ProgressObservation, ProgressObservation.project_id == Project.id)
             .order_by(Project.id, ProgressObservation.observed_on, ProgressObservation.id))
    if project_filter is not None:
        query = query.where(project_filter)
    out = io.StringIO()
    writer = safe_csv.writer(out)
    writer.writerow([column.name for column in PROGRESS_COLUMNS])
    for reference, observation in session.exec(query):
        writer.writerow([reference, observation.observed_on.isoformat(), observation.physical_percent,
                         observation.note or ""])
    return out.getvalue()
