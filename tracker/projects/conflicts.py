"""Resolving an edit conflict field by field: for each field where the saved value and the person's entry
differ, they choose the colleague's saved value or their own; nothing stale is sent again unchosen.

The conflict page carries the person's entries (``mine-<field>``), a choice per differing field
(``choice-<field>``: ``saved`` or ``mine``, none preselected), ``resolution=1`` and the version whose saved values
it showed: that version goes back only with the choices, never with the stale form.
The resolved submission is built from the saved values, with the person's entry only where they chose it,
and goes through the same form and service as an ordinary save, so every check applies again.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from flask import render_template
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, Form, SelectField

from tracker.core.errors import Conflict
from tracker.core.forms import parse_version
from tracker.core.i18n import gettext as _
from tracker.core.labels import label

SAVED, MINE = "saved", "mine"
#: Fields whose values are codes of a vocabulary, shown in words.
_VOCABULARIES = {"sector": "sector", "project_type": "project_type", "purpose": "purpose"}


@dataclass(frozen=True)
class FieldConflict:
    name: str
    label: str
    saved: str
    mine: str
    #: The person's entry as the form sent it, carried by the conflict page.
    mine_raw: tuple[str, ...]


def raw_values(control: Field) -> list[str]:
    """What a browser would send for ``control`` as it stands (its submitted text, else its data)."""
    if isinstance(control, BooleanField):
        return ["y"] if control.data else []
    if control.raw_data:
        return [str(value) for value in control.raw_data]
    if isinstance(control, SelectField):
        return [] if control.data is None else [str(control.data)]
    return [control._value()]


def shown(name: str, value) -> str:
    """A value as the conflict page shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in _VOCABULARIES:
        return label(_VOCABULARIES[name], str(value))
    return str(value)


def field_conflicts(form: Form, changes: Mapping[str, tuple]) -> list[FieldConflict]:
    """The differing fields of a refused save, in the form's order: saved now, and the person's entry."""
    return [FieldConflict(item.name, str(item.label.text), shown(item.name, changes[item.name][0]),
                          shown(item.name, changes[item.name][1]), tuple(raw_values(item)))
            for item in form if item.name in changes]


def resolved_formdata(saved_form: Form, posted: MultiDict, version: int) -> tuple[MultiDict, list[str]]:
    """The submission the person's choices make, and the differing fields they left without a choice.

    ``saved_form`` is the edit form over the project as saved now; fields the page did not list (they did not
    differ) and fields resolved as ``saved`` take the saved value; a field resolved as ``mine`` the entry the
    page carried.
    """
    listed = [name for name in posted.getlist("field") if name in saved_form and name not in ("version",
                                                                                               "csrf_token")]
    unchosen = [name for name in listed if posted.get(f"choice-{name}") not in (SAVED, MINE)]
    data: MultiDict = MultiDict()
    for item in saved_form:
        if item.name in ("version", "csrf_token"):
            continue
        values = (posted.getlist(f"mine-{item.name}")
                  if item.name in listed and posted.get(f"choice-{item.name}") == MINE else raw_values(item))
        for value in values:
            data.add(item.name, value)
    data["version"] = str(version)
    _keep_token(posted, data)
    return data, unchosen


def entries(saved_form: Form, posted: MultiDict) -> MultiDict:
    """The person's entries again (saved values elsewhere): to show the page once more when a choice is missing."""
    listed = set(posted.getlist("field"))
    data: MultiDict = MultiDict()
    for item in saved_form:
        if item.name in ("version", "csrf_token"):
            continue
        values = posted.getlist(f"mine-{item.name}") if item.name in listed else raw_values(item)
        for value in values:
            data.add(item.name, value)
    _keep_token(posted, data)
    return data


def _keep_token(posted: MultiDict, data: MultiDict) -> None:
    """The page's CSRF token goes on, so the resolved form is checked, and shown again, as any other."""
    if "csrf_token" in posted:
        data["csrf_token"] = posted["csrf_token"]


@dataclass
class Resolution:
    """The conflict page's answer read back: the resolved form to save, or the page again (a choice missing)."""

    version: int
    form: Form | None = None
    #: When a choice is missing: the person's entries, the differences to show again and the choices made.
    entries_form: Form | None = None
    conflict: Conflict | None = None
    chosen: dict[str, str | None] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def read_resolution(form_class: type[Form], obj, posted: MultiDict,
                    prepare: Callable[[Form], None] = lambda form: None) -> Resolution:
    """Read the conflict page's choices over ``obj`` (the saved record, None if there is none yet); ``prepare``
    completes a form as its page does (a select's choices)."""
    version = parse_version(posted.get("version"))
    saved = form_class(formdata=None, obj=obj)
    prepare(saved)
    formdata, unchosen = resolved_formdata(saved, posted, version)
    if not unchosen:
        resolved = form_class(formdata=formdata)
        prepare(resolved)
        return Resolution(version, form=resolved)
    mine = form_class(formdata=entries(saved, posted))
    prepare(mine)
    listed = [name for name in posted.getlist("field") if name in mine and name not in ("version", "csrf_token")]
    changes = {name: (getattr(obj, name, None), mine[name].data) for name in listed}
    return Resolution(version, entries_form=mine,
                      conflict=Conflict("a choice is missing", current_version=version, changes=changes),
                      chosen={name: posted.get(f"choice-{name}") for name in listed}, missing=unchosen)


def conflict_page(*, project, form: Form, conflict: Conflict, action: str, reload_url: str,
                  chosen: Mapping[str, str | None] | None = None, missing: Sequence[str] = (), status: int = 409):
    """Each differing field, saved now and the person's entry, with a choice to make (none made for them).

    The choices go to ``action`` with ``resolution=1``; ``reload_url`` drops the entries for the saved version.
    """
    return render_template("planner/conflict.html", project=project, conflict=conflict,
                           fields=field_conflicts(form, conflict.changes), version=conflict.current_version,
                           action=action, reload_url=reload_url, chosen=chosen or {}, missing=list(missing)), status


def is_resolution(posted: MultiDict) -> bool:
    """Whether a POST is the conflict page's choices rather than the edit form itself."""
    return posted.get("resolution") == "1"
