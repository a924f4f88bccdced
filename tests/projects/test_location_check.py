"""A project's point must lie in Ukraine and in the oblast of its KATOTTG code; imports are reported, not refused."""
from __future__ import annotations

import pytest

from tests.factories import build_world, project_data
from tracker.core.errors import ServiceError
from tracker.projects.operations import ProjectUpdate, create_project, update_project

KHARKIV_CODE = "UA63120270000096230"
LVIV = {"latitude": 49.8397, "longitude": 24.0297}
KHARKIV = {"latitude": 49.9935, "longitude": 36.2304}


def test_a_point_outside_the_codes_oblast_is_refused_naming_the_oblast_it_lies_in(session):
    world = build_world(session)
    with pytest.raises(ServiceError) as refused:
        create_project(session=session, authority=world.kharkiv_hromada,
                       data=project_data(location_code=KHARKIV_CODE, **LVIV))
    assert refused.value.field == "latitude"
    assert "Львівська область" in refused.value.message and "Харківська область" in refused.value.message


def test_an_edit_moving_the_point_out_of_the_oblast_is_refused_and_a_good_one_saved(session):
    world = build_world(session)
    with pytest.raises(ServiceError, match="Львівська"):
        update_project(session=session, project=world.school, expected_version=world.school.version,
                       changes=ProjectUpdate(location_code=KHARKIV_CODE, **LVIV))
    session.rollback()
    world = build_world_again(session)
    changed = update_project(session=session, project=world, expected_version=world.version,
                             changes=ProjectUpdate(location_code=KHARKIV_CODE, **KHARKIV))
    assert set(changed) == {"location_code", "latitude", "longitude"}


def test_a_point_outside_ukraine_is_refused(session):
    world = build_world(session)
    with pytest.raises(ServiceError, match="outside Ukraine|поза межами України"):
        create_project(session=session, authority=world.kharkiv_hromada,
                       data=project_data(latitude=52.2297, longitude=21.0122))


def test_an_import_keeps_its_rows_and_a_title_edit_is_not_blocked_by_an_old_bad_point(session):
    world = build_world(session)
    update_project(session=session, project=world.school, expected_version=world.school.version,
                   changes=ProjectUpdate(location_code=KHARKIV_CODE, **LVIV), locate=False)
    changed = update_project(session=session, project=world.school, expected_version=world.school.version,
                             changes=ProjectUpdate(title_en="School No. 1", location_code=KHARKIV_CODE, **LVIV))
    assert set(changed) == {"title_en"}


def build_world_again(session):
    from sqlmodel import select

    from tracker.projects.models import Project
    return session.exec(select(Project).where(Project.title_en == "Restoration of school No. 1")).first()
