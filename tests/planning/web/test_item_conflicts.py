"""A list item edited by two planners: the second resolves each differing field, as for the general data."""
from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from tests.planner_factories import add
from tests.projects.web.test_conflict_resolution import _page_choices, _two_planners
from tracker.core.db import session_scope
from tracker.planning.models import Milestone
from tracker.projects.models import Project


def test_a_list_item_is_resolved_per_field_too(app, world):
    with app.app_context(), session_scope(app) as session:
        project = session.get(Project, world.clinic.id)
        milestone = add(session, project, "milestone", {"name": "Roof closed", "planned_date": date(2025, 5, 1)})
        url = f"/manage/projects/{project.reference}/items/milestone/{milestone.id}"
        version = str(project.version)
    colleague, me = _two_planners(app, world)
    form = {"name": "Roof closed", "planned_date": "2025-05-01", "actual_date": "", "version": version}
    assert colleague.post(url, data={**form, "name": "Roof closed and sealed"}).status_code == 302
    conflict = me.post(url, data={**form, "actual_date": "2025-04-28"})
    assert conflict.status_code == 409
    carried = _page_choices(conflict.get_data(as_text=True))
    assert [value for name, value in carried if name == "field"] == ["name", "actual_date"]
    choices = [*carried, ("choice-name", "saved"), ("choice-actual_date", "mine"),
               ("version", str(int(version) + 1)), ("resolution", "1")]
    assert me.post(url, data=MultiDict(choices)).status_code == 302
    with app.app_context(), session_scope(app) as session:
        stored = session.get(Milestone, milestone.id)
        assert (stored.name, stored.actual_date) == ("Roof closed and sealed", date(2025, 4, 28))
