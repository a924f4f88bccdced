"""Resolving an edit conflict field by field: for each field where the saved value and the person's entry
differ, they choose the colleague's saved value or their own; nothing stale is sent again unchosen.

The conflict page carries the person's entries (``mine-<field>``), a choice per differing field
(``choice-<field>``: ``saved`` or ``mine``, none preselected) and the version whose saved values it showed.
The resolved submission is built from the saved values, with the person's entry only where they chose it,
and goes through the same form and service as an ordinary save, so every check applies again.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, Form, SelectField

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


def raw_values(field: Field) -> list[str]:
    """What a browser would send for ``field`` as it stands (its submitted text, else its data)."""
    if isinstance(field, BooleanField):
        return ["y"] if field.data else []
    if field.raw_data:
        return [str(value) for value in field.raw_data]
    if isinstance(field, SelectField):
        return [] if field.data is None else [str(field.data)]
    return [field._value()]


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
    return [FieldConflict(field.name, str(field.label.text), shown(field.name, changes[field.name][0]),
                          shown(field.name, changes[field.name][1]), tuple(raw_values(field)))
            for field in form if field.name in changes]


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
    for field in saved_form:
        if field.name in ("version", "csrf_token"):
            continue
        values = (posted.getlist(f"mine-{field.name}")
                  if field.name in listed and posted.get(f"choice-{field.name}") == MINE else raw_values(field))
        for value in values:
            data.add(field.name, value)
    data["version"] = str(version)
    _keep_token(posted, data)
    return data, unchosen


def entries(saved_form: Form, posted: MultiDict) -> MultiDict:
    """The person's entries again (saved values elsewhere): to show the page once more when a choice is missing."""
    listed = set(posted.getlist("field"))
    data: MultiDict = MultiDict()
    for field in saved_form:
        if field.name in ("version", "csrf_token"):
            continue
        values = posted.getlist(f"mine-{field.name}") if field.name in listed else raw_values(field)
        for value in values:
            data.add(field.name, value)
    _keep_token(posted, data)
    return data


def _keep_token(posted: MultiDict, data: MultiDict) -> None:
    """The page's CSRF token goes on, so the resolved form is checked, and shown again, as any other."""
    if "csrf_token" in posted:
        data["csrf_token"] = posted["csrf_token"]
