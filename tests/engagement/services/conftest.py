"""Engagement service fixtures: the test world plus EU partners, and a real local SMTP server."""
from __future__ import annotations

import pytest

from tests.engagement.services.smtp import running_smtp_server
from tests.factories import build_world
from tracker.engagement.needs import NeedCreate, create_need
from tracker.engagement.partners import Registration, confirm_partner, register_partner

PARTNER_PASSWORD = "partner-password-1"


def registration(email: str = "partner@lyon-test.eu", **overrides) -> Registration:
    values = dict(email=email, contact_name="Claire Martin", password=PARTNER_PASSWORD,
                  organisation_name="Ville de Lyon", organisation_name_en="City of Lyon", kind="eu_city",
                  country="FR", website="https://www.lyon.fr", languages=("fr", "en"),
                  sectors=("health", "education"), help_kinds=("funds", "expertise"))
    values.update(overrides)
    return Registration(**values)


def register(session, email: str = "partner@lyon-test.eu", confirm_by=None, **overrides):
    profile = register_partner(session=session, registration=registration(email, **overrides),
                               rate_key=f"test:{email}", rate_limit=100)
    if confirm_by is not None:
        confirm_partner(session=session, profile=profile, admin=confirm_by)
    return profile


def clinic_need(session, world, **overrides):
    values = dict(help_kind="funds", title_uk="Обладнання амбулаторії", title_en="Clinic equipment",
                  amount=None, languages=("uk", "en"))
    values.update(overrides)
    return create_need(session=session, authority=world.derhachi_hromada, project=world.clinic,
                       actor=world.derhachi_planner, data=NeedCreate(**values))


@pytest.fixture
def world(session):
    return build_world(session)


@pytest.fixture
def smtp():
    with running_smtp_server() as server:
        yield server
