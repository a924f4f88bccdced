"""Scope everywhere: every /manage route of ``app.url_map``, and every other route a signed-in planner uses on a
project's children (offers, partnerships, findings, jobs), walked by a planner with a project outside their
scope, then with their own project as the positive control, so the walk can fail.

The out-of-scope project is public (the school of Kharkiv, for the planner of Irpin): seeing it is everyone's
right, so only a route that asks the planner's scope, not "may view", refuses it. Its children are all there:
stage records, one item of every list, a restricted document, a need with an offer, a partnership, a finding and
a job of its own planner. A route added later without an entry here fails ``test_every_route_is_walked``.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import func, select

from tests.engagement.services.conftest import register
from tests.planner_factories import add, contract_values, needs_values, plan_values, save
from tracker.accounts.models import User
from tracker.audit.findings import FindingCreate, raise_finding
from tracker.audit.models import Finding
from tracker.core.db import session_scope
from tracker.core.models import Authority, Organisation
from tracker.engagement.models import Need, Offer, PartnerProfile, Partnership
from tracker.engagement.needs import NeedCreate, create_need
from tracker.engagement.offers import OfferCreate, make_offer
from tracker.engagement.partnerships import create_partnership
from tracker.jobs.models import Job, JobState
from tracker.planning import csv_io
from tracker.planning.document_models import Document
from tracker.planning.documents import store_document
from tracker.planning.forms import ITEM_FORMS, STAGE_FORMS
from tracker.planning.models import ProgressObservation
from tracker.planning.stage_edit import ITEM_KINDS
from tracker.projects.models import Project
from tracker.voice.models import CitizenItem

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ITEM_VALUES = {
    "permit": {"kind": "Construction permit", "ref": "KV-1234", "issued_date": date(2024, 5, 1)},
    "indicator": {"name": "Pupils", "unit": "persons", "baseline": Decimal("0"), "target": Decimal("640")},
    "milestone": {"name": "Roof closed", "planned_date": date(2024, 10, 1)},
    "observation": {"observed_on": date(2024, 8, 1), "physical_percent": 20},
    "disbursement": {"paid_on": date(2024, 7, 1), "amount": Decimal("300000.00"), "source": "local_budget"},
    "funding": {"source": "state_budget", "amount_committed": Decimal("1000"), "amount_disbursed": Decimal("0"),
                "currency": "UAH"},
}


@dataclass
class Target:
    """A project and the ids of its children."""

    name: str
    reference: str = ""
    project_id: int = 0
    authority_id: int = 0
    planner_id: int = 0
    items: dict[str, int] = field(default_factory=dict)
    document_id: int = 0  # restricted
    need_id: int = 0
    offer_id: int = 0
    partnership_id: int = 0
    finding_id: int = 0
    job_id: int = 0
    voice_id: int = 0  # a citizen's published complaint


@pytest.fixture
def targets(app, world):
    """The school (outside the Irpin planner's scope) and the bridge (inside it), each with every kind of child."""
    outside = Target("school", planner_id=world.kharkiv_planner.id)
    inside = Target("bridge", planner_id=world.irpin_planner.id)
    with app.app_context(), session_scope(app) as session:
        admin, auditor = session.get(User, world.admin.id), session.get(User, world.auditor.id)
        lyon = register(session, confirm_by=admin)
        for target in (outside, inside):
            _fill(app, session, session.get(Project, getattr(world, target.name).id), target, admin, auditor, lyon)
    return outside, inside


def _fill(app, session, project: Project, target: Target, admin: User, auditor: User, lyon: PartnerProfile) -> None:
    authority = session.get(Authority, project.authority_id)
    target.reference, target.project_id, target.authority_id = project.reference, project.id, authority.id
    save(session, project, "needs", needs_values())
    save(session, project, "planning", plan_values())
    contract = add(session, project, "contract", contract_values())
    target.items["contract"] = contract.id
    target.items["variation"] = add(session, project, "variation", {
        "contract_id": contract.id, "agreed_date": date(2024, 9, 1), "duration_change_days": 10, "reason": "Rain"}).id
    for kind, values in ITEM_VALUES.items():
        target.items[kind] = add(session, project, kind, values).id
    # Variations first: deleting a contract takes its variations with it.
    target.items = {"variation": target.items.pop("variation"), **target.items}
    assert set(target.items) == set(ITEM_FORMS)
    target.document_id = store_document(
        session=session, project=project, data=PDF_BYTES, filename="memo.pdf", document_type="minutes",
        title="Службова записка: конфіденційно", is_public=False, upload_folder=app.config["UPLOAD_FOLDER"],
        expected_version=project.version).id
    planner = session.get(User, target.planner_id)
    need = create_need(session=session, authority=authority, project=project, actor=planner, data=NeedCreate(
        help_kind="funds", title_uk="Обладнання", title_en="Equipment", amount=None, languages=("uk", "en")))
    target.need_id = need.id
    target.offer_id = make_offer(session=session, need=need, profile=lyon, user=session.get(User, lyon.user_id),
                                 data=OfferCreate(kind="funds", message="Offer", amount=Decimal("50000")),
                                 rate_limit=10).id
    target.partnership_id = create_partnership(
        session=session, name=f"Lyon – {authority.name_uk}", kind="one_to_one", role="twinning_partner",
        organisations=[session.get(Organisation, lyon.organisation_id)], authorities=[authority], actor=admin).id
    target.finding_id = raise_finding(session=session, project=project, user=auditor, data=FindingCreate(
        stage="needs_assessment", severity="high", title="Works differ", description="The roof differs.",
        recommendation="Amend the contract.", due_date=date.today() + timedelta(days=20),
        responsible_authority_id=authority.id)).id
    item = CitizenItem(project_id=project.id, kind="complaint", category="delay", body="Late",
                       author_email="citizen@example.org", state="published")
    session.add(item)
    session.flush()
    target.voice_id = item.id
    job = Job(kind="import.projects", state=JobState.DONE, started_by_id=target.planner_id, result_url="/projects")
    session.add(job)
    session.commit()
    target.job_id = job.id


# --- building each route's addresses ----------------------------------------------------------------------

_PARAMETER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
#: Public pages naming a child: anyone may read them (what they show is public; tests/engagement checks that).
PUBLIC_PAGES = {"/needs/<int:need_id>", "/partnerships/<int:partnership_id>"}
#: Routes a planner is refused by role, whatever the scope (admins', auditors' and partners' own).
ROLE_REFUSED = {"/manage/partners", "/manage/partners/<int:profile_id>/<any(confirm, hide, show):action>",
                "/manage/rules/", "/manage/rules/reevaluate", "/needs/<int:need_id>/hide", "/needs/<int:need_id>/show",
                "/needs/<int:need_id>/offer", "/offers/<int:offer_id>/withdraw", "/offers/<int:offer_id>/hide",
                "/offers/<int:offer_id>/show",
                "/audit/findings/<int:finding_id>/visibility", "/audit/projects/<reference>",
                "/audit/projects/<reference>/findings/new", "/audit/projects/<reference>/marks/<rule_id>",
                "/audit/projects/<reference>/signoff",
                "/manage/voice", "/manage/voice/<int:voice_id>/<any(publish, hide):decision>",
                "/manage/voice/<int:voice_id>/hide-published",
                "/voice/<int:voice_id>/finding",
                # The administrators' account and rule settings pages (tests/accounts/web, tests/governance/web).
                "/manage/users/", "/manage/users/new", "/manage/users/<int:user_id>/edit",
                "/manage/users/<int:user_id>/deactivate", "/manage/users/<int:user_id>/reactivate",
                "/manage/users/<int:user_id>/password", "/manage/rules/settings/",
                "/manage/rules/settings/<int:authority_id>/set", "/manage/rules/settings/<int:authority_id>/clear",
                "/manage/rules/settings/<int:authority_id>/reevaluate"}
#: The parameters naming a project or one of its children: every route using one is walked.
CHILD_PARAMETERS = {"reference", "item_id", "document_id", "need_id", "offer_id", "partnership_id", "finding_id",
                    "job_id", "voice_id"}


def _parameters(rule: str) -> set[str]:
    return set(_PARAMETER.findall(rule))


def _addresses(rule: str, target: Target, children: Target, profile_id: int) -> list[str]:
    """Every address of ``rule`` for ``target``'s reference and ``children``'s ids (all kinds and sections)."""
    names = _parameters(rule)
    values: dict[str, list] = {"reference": [target.reference], "document_id": [children.document_id],
                               "need_id": [children.need_id], "offer_id": [children.offer_id],
                               "partnership_id": [children.partnership_id], "finding_id": [children.finding_id],
                               "job_id": [children.job_id], "section": list(STAGE_FORMS), "profile_id": [profile_id],
                               "action": ["confirm"], "kind": list(ITEM_FORMS), "rule_id": ["A-VISIT"],
                               "voice_id": [children.voice_id], "decision": ["publish"],
                               # Refused by role before anything is loaded: any id asks the question (one per
                               # target, so that each target asks its own address).
                               "user_id": [target.project_id], "authority_id": [target.project_id]}
    if "item_id" in names:  # an item's kind and id go together
        pairs = [{"kind": kind, "item_id": item_id} for kind, item_id in children.items.items()]
    else:
        pairs = [{}]
    free = sorted(names - {"kind", "item_id"} if "item_id" in names else names)
    addresses = []
    for pair in pairs:
        for combination in itertools.product(*(values[name] for name in free)):
            given = {**dict(zip(free, combination, strict=True)), **pair}
            addresses.append(_PARAMETER.sub(lambda match, given=given: str(given[match.group(1)]), rule))
    return addresses


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _version(app, target: Target) -> int:
    with app.app_context(), session_scope(app) as session:
        return session.get(Project, target.project_id).version


def _walk(app, client, rules, target: Target, children: Target, profile_id: int) -> dict[str, int]:
    """Ask every address of every rule by every method; {"METHOD address": status}."""
    answers = {}
    # Deletions last, so that the control's own items are still there for the other routes.
    for rule in sorted(rules, key=lambda rule: ("delete" in rule.rule, rule.rule)):
        for address in _addresses(rule.rule, target, children, profile_id):
            for method in _methods(rule):
                # A version that is current, a removal confirmed: a route that forgot its check would go on and act.
                data = {"version": str(_version(app, target)), "confirmed": "yes"} if method == "POST" else None
                response = client.open(address, method=method, data=data)
                answers[f"{method} {address}"] = response.status_code
                response.close()
    return answers


def _walked_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if _parameters(rule.rule) & CHILD_PARAMETERS and rule.rule not in PUBLIC_PAGES | ROLE_REFUSED
            # The public pages, reports, open data and API: everyone's to read (tests/publishing).
            and not rule.rule.startswith(("/projects/", "/reports/", "/open-data/", "/api/"))]


def _profile_id(app) -> int:
    with app.app_context(), session_scope(app) as session:
        return session.exec(select(PartnerProfile.id)).first()


REFUSED = (403, 404)


def _children(app, target: Target) -> dict:
    """What the walk could have changed: the project's version and which of its children are still there."""
    with app.app_context(), session_scope(app) as session:
        items = {kind: session.get(ITEM_KINDS[kind].model, item_id) is not None
                 for kind, item_id in target.items.items()}
        return {"version": session.get(Project, target.project_id).version, **items,
                "document": session.get(Document, target.document_id) is not None,
                "offer": session.get(Offer, target.offer_id).status, "job": session.get(Job, target.job_id).state,
                "finding": session.get(Finding, target.finding_id).status}


def test_every_child_route_refuses_a_planner_outside_its_scope(app, client, login, world, targets):
    outside, _inside = targets
    before = _children(app, outside)
    login(world.irpin_planner)
    answers = _walk(app, client, _walked_rules(app), outside, outside, _profile_id(app))
    assert len(answers) > 60  # every kind, section and method was asked
    served = {request: status for request, status in answers.items() if status not in REFUSED}
    assert not served, served
    assert _children(app, outside) == before  # and nothing was changed


def test_children_of_another_project_are_not_reached_through_ones_own(app, client, login, world, targets):
    outside, inside = targets
    login(world.irpin_planner)
    rules = [rule for rule in _walked_rules(app) if "<reference>" in rule.rule
             and _parameters(rule.rule) & {"item_id", "document_id"}]
    before = _children(app, outside)
    answers = _walk(app, client, rules, inside, outside, _profile_id(app))
    assert len(answers) >= 3 * len(ITEM_FORMS)
    served = {request: status for request, status in answers.items() if status not in REFUSED}
    assert not served, served
    assert _children(app, outside) == before


def test_positive_control_the_same_walk_in_scope_is_served(app, client, login, world, targets):
    _outside, inside = targets
    login(world.irpin_planner)
    before = _children(app, inside)
    answers = _walk(app, client, _walked_rules(app), inside, inside, _profile_id(app))
    refused = {request: status for request, status in answers.items() if status in REFUSED}
    assert not refused, refused
    after = _children(app, inside)  # the same requests acted here: items and the document deleted, offer answered
    assert after["version"] > before["version"] and not any(after[kind] for kind in ITEM_FORMS)
    assert not after["document"] and after["offer"] != before["offer"]


def test_the_history_shows_restricted_titles_only_within_scope(app, client, login, world, targets):
    outside, inside = targets
    login(world.irpin_planner)
    client.get("/lang/en")
    assert client.get(f"/manage/projects/{outside.reference}/history").status_code == 403
    own = client.get(f"/manage/projects/{inside.reference}/history")
    assert own.status_code == 200 and "Службова записка: конфіденційно" in own.get_data(as_text=True)
    client.post("/logout")
    for reader in (world.kharkiv_planner, world.auditor, world.admin):
        login(reader)
        page = client.get(f"/manage/projects/{outside.reference}/history")
        assert page.status_code == 200 and "Службова записка: конфіденційно" in page.get_data(as_text=True)
        client.post("/logout")
    login(world.derhachi_planner)  # a sibling hromada's planner: the same oblast, not the same scope
    assert client.get(f"/manage/projects/{outside.reference}/history").status_code == 403
    assert client.get(f"/manage/projects/{world.draft.reference}/history").status_code == 200


# --- the /manage routes that name no project: what they were asked about must not be reached ----------------

def _count(app, model, *where) -> int:
    with app.app_context(), session_scope(app) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _bulk_index(app, client, target: Target) -> list[bool]:
    page = client.get("/manage/bulk/")
    assert page.status_code == 200
    return [target.reference in page.get_data(as_text=True)]


def _bulk_template(app, client, target: Target) -> list[bool]:
    answers = [client.get(f"/manage/bulk/{kind}/template.csv") for kind in ("projects", "progress")]
    assert all(answer.status_code == 200 for answer in answers)
    return [target.reference in answer.get_data(as_text=True) for answer in answers]


def _bulk_export(app, client, target: Target) -> list[bool]:
    answers = [client.get(f"/manage/bulk/{kind}/export.csv") for kind in ("projects", "progress")]
    assert all(answer.status_code == 200 for answer in answers)
    return [target.reference in answer.get_data(as_text=True) for answer in answers]


def _bulk_import(app, client, target: Target) -> list[bool]:
    """A new title for the project, and a progress row for it: written only within scope."""
    with app.app_context(), session_scope(app) as session:
        exported = csv_io.export_projects(session=session, project_filter=Project.id == target.project_id)
    rows = list(csv.DictReader(io.StringIO(exported)))
    rows[0]["title_en"] = "Renamed by the scope walk"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    progress = f"reference,observed_on,physical_percent,note\n{target.reference},2024-10-05,50,walk\n"
    for kind, text in (("projects", out.getvalue()), ("progress", progress)):
        response = client.post(f"/manage/bulk/{kind}/import", content_type="multipart/form-data",
                               data={f"{kind}-file": (io.BytesIO(text.encode()), f"{kind}.csv")})
        assert response.status_code == 303
    return [_count(app, Project, Project.id == target.project_id, Project.title_en == "Renamed by the scope walk") == 1,
            _count(app, ProgressObservation, ProgressObservation.project_id == target.project_id,
                   ProgressObservation.note == "walk") == 1]


def _new_project(app, client, target: Target) -> list[bool]:
    client.post("/manage/projects/new", data={
        "title_uk": "Проєкт обходу", "sector": "health", "project_type": "construction", "purpose": "restoration",
        "is_public": "y", "authority_id": target.authority_id})
    return [_count(app, Project, Project.title_uk == "Проєкт обходу", Project.authority_id == target.authority_id) == 1]


def _new_need(app, client, target: Target) -> list[bool]:
    client.post("/manage/needs/new", data={"authority_id": target.authority_id, "project_id": target.project_id,
                                           "help_kind": "expertise", "title_uk": "Потреба обходу", "currency": "EUR"})
    return [_count(app, Need, Need.title_uk == "Потреба обходу") == 1]


def _new_partnership(app, client, target: Target) -> list[bool]:
    with app.app_context(), session_scope(app) as session:
        organisation_id = session.exec(select(PartnerProfile.organisation_id)).first()
    client.post("/manage/partnerships/new", data={
        "name": "Партнерство обходу", "kind": "one_to_one", "role": "twinning_partner",
        "organisation_ids": [organisation_id], "authority_ids": [target.authority_id]})
    return [_count(app, Partnership, Partnership.name == "Партнерство обходу") == 1]


#: rule -> (what to ask, whether the control reaches its project: False where the page shows no project at all)
UNBOUND = {
    "/manage/bulk/": (_bulk_index, False),
    "/manage/bulk/<kind>/template.csv": (_bulk_template, False),
    "/manage/bulk/<kind>/export.csv": (_bulk_export, True),
    "/manage/bulk/<kind>/import": (_bulk_import, True),
    "/manage/projects/new": (_new_project, True),
    "/manage/needs/new": (_new_need, True),
    "/manage/partnerships/new": (_new_partnership, True),
}


def test_every_route_is_walked(app):
    """Every /manage route is walked (with a project), asked about one (``UNBOUND``) or refused by role."""
    manage = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/manage")}
    walked = {rule.rule for rule in _walked_rules(app)}
    assert manage <= walked | set(UNBOUND) | ROLE_REFUSED, manage - walked - set(UNBOUND) - ROLE_REFUSED
    assert {rule.rule for rule in app.url_map.iter_rules()} >= set(UNBOUND) | ROLE_REFUSED | PUBLIC_PAGES
    assert "/manage/projects/<reference>/history" in walked and "/offers/<int:offer_id>/accept" in walked


@pytest.mark.parametrize("rule", sorted(UNBOUND))
def test_a_manage_route_without_a_project_does_not_reach_one_outside_scope(app, client, login, world, targets,
                                                                          rule):
    outside, inside = targets
    ask, control_reaches = UNBOUND[rule]
    login(world.irpin_planner)
    assert not any(ask(app, client, outside))
    assert all(ask(app, client, inside)) == control_reaches


def test_routes_of_other_roles_refuse_a_planner_in_scope_or_not(app, client, login, world, targets):
    login(world.irpin_planner)
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule in ROLE_REFUSED]
    answers = {f"{method} {address}": client.open(address, method=method).status_code
               for rule in rules for target in targets
               for address in _addresses(rule.rule, target, target, _profile_id(app)) for method in _methods(rule)}
    assert len(answers) >= 2 * len(ROLE_REFUSED)
    served = {request: status for request, status in answers.items() if status not in REFUSED}
    assert not served, served
