"""Open data in OC4IDS 0.9: project packages of public projects, built from the public model variants.

``project_record`` maps one ``PublicProject`` to an OC4IDS project; ``write_package`` streams a whole
package chunk by chunk (``CHUNK`` projects read, written and forgotten at a time), so exporting every
project keeps memory flat. Only values of the closed codelists are emitted (statuses, types, currencies);
open codelists use their published codes.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlmodel import Session, select

from tracker.core.models import Authority
from tracker.core.vocab import AuthorityLevel
from tracker.governance.rule_context import in_uah
from tracker.projects.models import Project
from tracker.publishing.public import PublicProject
from tracker.publishing.read_models import exchange_rates, is_public_project, project_views

#: The licence of every open dataset the portal publishes (the packages name it; ``/open-data`` shows it).
LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
VERSION = "0.9"
CHUNK = 500

#: Our stage (and a cancelled state) as the OC4IDS projectStatus.
STATUS = {"needs_assessment": "identification", "planning": "preparation", "implementation": "implementation",
          "completed": "completion"}
#: Our party roles as OC4IDS partyRole codes.
PARTY_ROLE = {"owner": "publicAuthority", "co_financer": "funder", "implementer": "administrativeEntity",
              "beneficiary": "interestedParty", "twinning_partner": "interestedParty",
              "technical_assistance": "interestedParty"}
#: Our document types as OC4IDS documentType codes; DREAM's photo kinds are all "illustration".
DOCUMENT_TYPE = {"illustrationDamaged": "illustration", "illustrationBefore": "illustration",
                 "illustrationInProgress": "illustration", "illustrationComplete": "illustration"}
UNMAPPED_DOCUMENT_TYPES = frozenset({"permissionDocument"})


@dataclass(frozen=True)
class Publication:
    """Who publishes and where: the id prefix, the publisher's name and the site's base URL."""

    prefix: str
    publisher: str
    base_url: str  # ends with "/"

    def project_id(self, reference: str) -> str:
        return f"oc4ids-{self.prefix}-{reference}"


def _datetime(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _value(amount: Decimal, currency: str) -> dict:
    return {"amount": float(amount), "currency": currency}


def _sectors(code: str) -> list[str]:
    # OC4IDS asks for the parent code beside a subsector ("transport" with "transport.road").
    parent = code.split(".")[0]
    return [parent, code] if parent != code else [code]


class _Parties:
    """The parties array, each party once with all its roles, referenced by id."""

    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def add(self, party_id: str, name: str, role: str, identifier: dict | None = None) -> dict:
        party = self.by_id.setdefault(party_id, {"id": party_id, "name": name, "roles": []})
        if role not in party["roles"]:
            party["roles"].append(role)
        if identifier and "identifier" not in party:
            party["identifier"] = identifier
        return {"id": party_id, "name": party["name"]}


def project_record(view: PublicProject, publication: Publication) -> dict:
    """One public project as an OC4IDS project."""
    s = view.summary
    parties = _Parties()
    owner = parties.add(f"authority-{s.authority.id}", s.authority.name_uk, "publicAuthority",
                        {"scheme": "UA-KATOTTG", "id": s.authority.code} if s.authority.code else None)
    record: dict = {
        "id": publication.project_id(s.reference),
        "updated": _datetime(s.updated_at),
        "language": "uk",
        "identifiers": [{"id": s.reference, "scheme": publication.publisher}],
        "title": s.title_uk,
        "status": "cancelled" if s.state == "cancelled" else STATUS[s.stage],
        "type": s.project_type,
        "sector": _sectors(s.sector),
        "purpose": s.purpose,
        "publicAuthority": owner,
    }
    if view.dream_code:
        record["identifiers"].append({"id": view.dream_code, "scheme": "DREAM"})
    if view.description_uk:
        record["description"] = view.description_uk
    location = _location(view)
    if location:
        record["locations"] = [location]
    for party in view.parties:
        party_id = (f"authority-{party.authority_id}" if party.authority_id
                    else f"organisation-{party.organisation_id}")
        parties.add(party_id, party.name_uk, PARTY_ROLE.get(party.role, "interestedParty"))
    budget = _budget(view, parties, owner)
    if budget:
        record["budget"] = budget
    _contract_parties(view, parties)
    record["parties"] = list(parties.by_id.values())
    metrics = _metrics(view)
    if metrics:
        record["metrics"] = metrics
    documents = _documents(view, publication)
    if documents:
        record["documents"] = documents
    if view.completion_date or view.final_cost is not None:
        record["completion"] = {key: value for key, value in (
            ("endDate", _datetime(view.completion_date)),
            ("finalValue", _value(view.final_cost, "UAH") if view.final_cost is not None else None)) if value}
    return record


def _location(view: PublicProject) -> dict | None:
    location: dict = {"id": "1"}
    description = ", ".join(part for part in (view.address, view.summary.location_code) if part)
    if description:
        location["description"] = description
    if view.summary.location_code:
        location["gazetteer"] = {"scheme": "UA-KATOTTG", "identifiers": [view.summary.location_code]}
    if view.latitude is not None and view.longitude is not None:
        location["geometry"] = {"type": "Point", "coordinates": [view.longitude, view.latitude]}
    return location if len(location) > 1 else None


def _budget(view: PublicProject, parties: _Parties, owner: dict) -> dict | None:
    lines = []
    for index, line in enumerate(view.funding, start=1):
        item = {"id": str(index), "description": line.source, "amount": _value(line.committed, line.currency)}
        if line.financier_uk:
            ref = parties.add(f"financier-{_slug(line.financier_uk)}", line.financier_uk, "funder",
                              {"scheme": "UA-EDR", "id": line.financier_identifier}
                              if line.financier_identifier and line.financier_country == "UA" else None)
            item["sourceParty"] = ref
        elif line.source == "local_budget":
            item["sourceParty"] = parties.add(owner["id"], owner["name"], "funder")
        lines.append(item)
    budget: dict = {}
    rates = exchange_rates()
    uah = view.summary.in_hryvnias(rates)
    if view.budget_total is not None:
        budget["amount"] = _value(view.budget_total, "UAH")
    elif uah is not None:
        budget["amount"] = _value(uah.committed, "UAH")
    if lines:
        budget["budgetBreakdowns"] = [{"id": "funding", "description": "Funding committed by source",
                                       "budgetBreakdown": lines}]
        used = view.summary.rates_used(rates)
        if used:
            # Both amounts: each line in its own currency above, and here in hryvnias at the rates stated.
            stated = ", ".join(f"1 {code} = {rate} UAH" for code, rate in sorted(used.items()))
            budget["budgetBreakdowns"].append({
                "id": "funding-uah", "description": f"Funding committed by source, in UAH at {stated}",
                "budgetBreakdown": [{**item, "id": f"{item['id']}-uah",
                                     "amount": _value(in_uah(line.committed, line.currency, rates), "UAH")}
                                    for item, line in zip(lines, view.funding, strict=True)
                                    if line.currency in rates]})
    return budget or None


def _slug(name: str) -> str:
    """A stable short id for a party known only by name."""
    return hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def _contract_parties(view: PublicProject, parties: _Parties) -> None:
    for contract in view.contracts:
        if contract.procuring_entity:
            parties.add(f"procuring-{_slug(contract.procuring_entity)}", contract.procuring_entity,
                        "procuringEntity")
        parties.add(f"UA-EDR-{contract.supplier_edrpou}", contract.supplier_name, "supplier",
                    {"scheme": "UA-EDR", "id": contract.supplier_edrpou})


def _metrics(view: PublicProject) -> list[dict]:
    metrics = []
    if view.progress:
        metrics.append({"id": "physicalProgress", "title": "Physical progress", "observations": [
            {"id": f"physical-{index}", "period": {"endDate": _datetime(on)}, "measure": percent,
             "unit": {"name": "percent"}} for index, (on, percent) in enumerate(view.progress, start=1)]})
    money = [m for m in view.summary.money if m.committed]
    if money:
        metrics.append({"id": "financialProgress", "title": "Financial progress", "observations": [
            {"id": f"financial-{m.currency}", "value": _value(m.disbursed, m.currency),
             "measure": float(round(m.disbursed / m.committed * 100, 2)), "unit": {"name": "percent"}}
            for m in money]})
    return metrics


def _documents(view: PublicProject, publication: Publication) -> list[dict]:
    documents = []
    for doc in view.documents:  # public documents only: PublicProject holds no other kind
        item = {"id": str(doc.id), "title": doc.title, "format": doc.media_type,
                "datePublished": _datetime(doc.uploaded_at),
                "url": f"{publication.base_url}projects/{view.summary.reference}/documents/{doc.id}"}
        if doc.document_type not in UNMAPPED_DOCUMENT_TYPES:
            item["documentType"] = DOCUMENT_TYPE.get(doc.document_type, doc.document_type)
        documents.append(item)
    return documents


# --- packages ----------------------------------------------------------------------------------------

def package_head(publication: Publication, uri: str, published: datetime) -> dict:
    return {"version": VERSION, "uri": uri, "publishedDate": _datetime(published),
            "publisher": {"name": publication.publisher},
            "license": LICENCE_URL}


def iter_package(*, session: Session, publication: Publication, uri: str, published: datetime,
                 authority: Authority | None = None, reference: str | None = None) -> Iterator[str]:
    """The package as JSON text in pieces: one chunk of projects in memory at a time."""
    head = json.dumps(package_head(publication, uri, published), ensure_ascii=False)
    yield head[:-1] + ', "projects": ['
    first = True
    for views in _chunks_of_views(session, authority, reference):
        for view in views:
            yield ("" if first else ",\n") + json.dumps(project_record(view, publication), ensure_ascii=False)
            first = False
    yield "]}\n"


def write_package(stream, **kwargs) -> int:
    """Write the package to a text stream; returns the number of projects written."""
    pieces = 0
    for piece in iter_package(**kwargs):
        stream.write(piece)
        pieces += 1
    return pieces - 2  # the head and the tail are not projects


def package(**kwargs) -> dict:
    """The package as a dict (small exports and tests)."""
    return json.loads("".join(iter_package(**kwargs)))


_WIDE_LEVELS = (AuthorityLevel.NATIONAL, AuthorityLevel.OBLAST)


def _chunks_of_views(session: Session, authority: Authority | None,
                     reference: str | None) -> Iterable[list[PublicProject]]:
    last_id = 0
    while True:
        query = (select(Project, Authority).join(Authority, Authority.id == Project.authority_id)
                 .where(is_public_project(), Project.id > last_id).order_by(Project.id).limit(CHUNK))
        if authority is not None:
            in_subtree = Authority.path.startswith(authority.path, autoescape=True)
            # Below an oblast a subtree is a small part of the portfolio: read it from its authorities, rather
            # than walking every public project in id order to find its few.
            query = query.where(Project.authority_id.in_(select(Authority.id).where(in_subtree))
                                if authority.level not in _WIDE_LEVELS else in_subtree)
        if reference is not None:
            query = query.where(Project.reference == reference)
        rows = list(session.exec(query))
        if not rows:
            return
        last_id = rows[-1][0].id
        yield project_views(session=session, rows=rows)
        # Forget the rows just written: the identity map would otherwise grow with the export.
        session.expunge_all()
