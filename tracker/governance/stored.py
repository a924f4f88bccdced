"""Stored evaluations, compact: what is kept, and how an evaluation is rendered again when it is shown.

An evaluation keeps only what cannot be recomputed (``pack``): for each rule set its id, version and sha256,
the stage, the fact problems, the overrides in force and every rule's outcome (with the reason of a
``not_applicable``). The facts it read go to ``evaluation_facts`` once per digest (most changes leave most
projects' facts as they were), and each rule set file to ``rule_set_source`` once per sha256.

Explanations and condition trees are not stored: ``expand`` evaluates the archived rule set again on the
stored facts, with the stored parameters and the auditors' marks the manual outcomes record. The rules
engine is a pure function of those, so this gives back exactly the results the evaluation had (checked:
every recomputed outcome must equal the stored one). Pages that count (scorecards, portfolios) read the
outcomes with the rules' metadata (``outcomes``) and never render a word; a page that explains one project
renders one evaluation.
"""
from __future__ import annotations

import json
import logging
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from tracker.core.db import insert_ignoring_conflict
from tracker.governance.fact_labels import fact_value_label
from tracker.governance.models import Evaluation, EvaluationFacts, RuleSetSource
from tracker.rules import Kind, Outcome, RuleSet, RuleSetResult, evaluate, parameters_from_overrides, parse_rule_set
from tracker.rules.types import jsonable

logger = logging.getLogger(__name__)

#: zlib level 6: within a few per cent of 9 on these JSON texts, at about half the time.
_LEVEL = 6


class IrreproducibleEvaluation(Exception):  # noqa: N818  (a state, not a programming error)
    """An evaluation's rule set file is in no archive, so it cannot be rendered again."""


# --- what is stored ------------------------------------------------------------------------------------

def canonical_facts(facts: Mapping) -> str:
    """The facts as canonical JSON: what their digest is taken of and what is stored."""
    return json.dumps(jsonable(facts), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compress(text: str | bytes) -> bytes:
    return zlib.compress(text.encode("utf-8") if isinstance(text, str) else text, _LEVEL)


#: A rule of another stage: what the rule set and the stage alone decide, so it is not stored (about half).
OTHER_STAGE = f"{Outcome.NOT_APPLICABLE.value}:stage"


def pack(results: Sequence[RuleSetResult]) -> bytes:
    """Each rule set's identity, stage, fact problems, overrides and outcomes, compressed; rules of another
    stage are left out (``OTHER_STAGE`` for every rule of the set not listed)."""
    return compress(json.dumps([
        {"rule_set_id": r.rule_set_id, "version": r.version, "sha256": r.sha256, "stage": r.stage,
         "fact_problems": list(r.fact_problems), "overrides": jsonable(list(r.overrides)),
         "outcomes": {item.rule_id: code for item in r.results
                      if (code := _code(item.outcome.value, item.reason)) != OTHER_STAGE}}
        for r in results], ensure_ascii=False, separators=(",", ":")))


def stored_codes(rule_set: RuleSet | None, item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every rule's outcome code of one packed rule set, in the rule set's order (as stored when the rule set
    file is lost: then the rules of another stage are unknown)."""
    listed = item["outcomes"]
    if rule_set is None:
        return list(listed.items())
    return [(rule.id, listed.get(rule.id, OTHER_STAGE)) for rule in rule_set.rules]


def unpack(blob: bytes) -> list[dict]:
    return json.loads(zlib.decompress(blob))


def _code(outcome: str, reason: str | None) -> str:
    return f"{outcome}:{reason}" if reason else outcome


def _decode(code: str) -> tuple[Outcome, str | None]:
    outcome, _, reason = code.partition(":")
    return Outcome(outcome), reason or None


def save_facts(session: Session, snapshots: Mapping[str, bytes]) -> None:
    """Keep each facts snapshot once: a digest already stored (by anyone, concurrently too) is skipped."""
    if snapshots:
        session.execute(insert_ignoring_conflict(session.get_bind().dialect.name, EvaluationFacts.__table__),
                        [{"sha256": digest, "data": data} for digest, data in snapshots.items()])


def archive_rule_sets(session: Session, rule_sets: Iterable[RuleSet]) -> None:
    """Keep each rule set file an evaluation uses, once per sha256, so it can be explained after a change."""
    rows = {rule_set.sha256: {"sha256": rule_set.sha256, "rule_set_id": rule_set.id, "version": rule_set.version,
                              "data": compress(rule_set.text)}
            for rule_set in rule_sets if rule_set.text}
    if rows:
        session.execute(insert_ignoring_conflict(session.get_bind().dialect.name, RuleSetSource.__table__),
                        list(rows.values()))
    for rule_set in rule_sets:
        remember(rule_set)


# --- the rule sets of stored evaluations -------------------------------------------------------------------

#: Rule sets by sha256. A sha256 names one file's bytes for good, so the cache can never be stale.
_RULE_SETS: OrderedDict[str, RuleSet] = OrderedDict()
_RULE_SETS_KEPT = 32


def remember(rule_set: RuleSet) -> None:
    _RULE_SETS[rule_set.sha256] = rule_set
    _RULE_SETS.move_to_end(rule_set.sha256)
    while len(_RULE_SETS) > _RULE_SETS_KEPT:
        _RULE_SETS.popitem(last=False)


def rule_sets_at(session: Session, digests: Iterable[str]) -> dict[str, RuleSet]:
    """The rule sets with these sha256s: from memory, else from the archive (one query for all missing)."""
    wanted = set(digests)
    found = {digest: _RULE_SETS[digest] for digest in wanted if digest in _RULE_SETS}
    missing = wanted - set(found)
    if missing:
        for row in session.exec(select(RuleSetSource).where(RuleSetSource.sha256.in_(missing))):
            rule_set = parse_rule_set(zlib.decompress(row.data), f"{row.rule_set_id} {row.version} (archived)")
            remember(rule_set)
            found[row.sha256] = rule_set
    return found


# --- reading: outcomes with the rules' metadata ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StoredOutcome:
    """One rule's stored outcome with what its rule says about itself (no explanation: see ``expand``)."""

    rule_id: str
    rule_set_id: str
    outcome: Outcome
    reason: str | None
    severity: str
    principles: tuple[str, ...]
    tags: tuple[str, ...]
    gate: str | None
    title_uk: str
    title_en: str


def outcomes(session: Session, evaluations: Sequence[Evaluation]) -> dict[int, list[StoredOutcome]]:
    """Every rule's outcome of each evaluation (by evaluation id), decoding no facts and rendering nothing.

    Reads at most one query (for rule set files no process has in memory).
    """
    packed = {evaluation.id: unpack(evaluation.outcomes) for evaluation in evaluations if evaluation.outcomes}
    rule_sets = rule_sets_at(session, {item["sha256"] for sets in packed.values() for item in sets})
    answer: dict[int, list[StoredOutcome]] = {}
    for evaluation in evaluations:
        if evaluation.id in packed:
            answer[evaluation.id] = results = []
            for item in packed[evaluation.id]:
                rule_set = rule_sets.get(item["sha256"])
                results.extend(_outcome(rule_set, item["rule_set_id"], rule_id, code)
                               for rule_id, code in stored_codes(rule_set, item))
        else:
            answer[evaluation.id] = [_legacy_outcome(result) for rule_set in evaluation.legacy_results or ()
                                     for result in rule_set["results"]]
    return answer


def _outcome(rule_set: RuleSet | None, rule_set_id: str, rule_id: str, code: str) -> StoredOutcome:
    outcome, reason = _decode(code)
    rule = rule_set.rule(rule_id) if rule_set is not None else None
    if rule is None:  # an archive that lost a file: the outcome still counts, under its id
        return StoredOutcome(rule_id, rule_set_id, outcome, reason, "info", (), (), None, rule_id, rule_id)
    return StoredOutcome(rule_id, rule_set_id, outcome, reason, rule.severity, rule.principles, rule.tags,
                         rule.gate, rule.title_uk, rule.title_en)


def _legacy_outcome(result: Mapping[str, Any]) -> StoredOutcome:
    return StoredOutcome(result["rule_id"], result["rule_set_id"], Outcome(result["outcome"]), result.get("reason"),
                         result["severity"], tuple(result["principles"]), tuple(result.get("tags", ())),
                         result.get("gate"), result["title_uk"], result["title_en"])


# --- reading: facts and fully rendered results -----------------------------------------------------------

def facts_for(session: Session, evaluations: Iterable[Evaluation]) -> dict[int, dict]:
    """The facts each evaluation read (by evaluation id), in one query."""
    evaluations = list(evaluations)
    digests = {evaluation.facts_sha256 for evaluation in evaluations}
    if not digests:
        return {}
    data = {row.sha256: json.loads(zlib.decompress(row.data)) for row in
            session.exec(select(EvaluationFacts).where(EvaluationFacts.sha256.in_(digests)))}
    return {evaluation.id: data.get(evaluation.facts_sha256, {}) for evaluation in evaluations}


def facts_of(session: Session, evaluation: Evaluation) -> dict:
    return facts_for(session, [evaluation])[evaluation.id]


#: What was rendered, by the content that determines it (facts digest and packed outcomes), so it can never be
#: stale: an evaluation shown twice in a request, or again by a later request, is rendered once (rendering
#: means evaluating again: about a quarter of a project page's time). Bounded: a rendering is about 0.5 MB.
_RENDERED: OrderedDict[tuple[str, bytes], list[dict]] = OrderedDict()
_RENDERED_KEPT = 48
_RENDERED_LOCK = threading.Lock()


def expand(session: Session, evaluation: Evaluation) -> list[dict]:
    """The evaluation's results as the rules engine gave them (``RuleSetResult.to_dict`` of each rule set):
    explanations in both languages and every condition tree, rendered again from what is stored.

    Raises ``IrreproducibleEvaluation`` when a rule set file is in no archive. A recomputed outcome that
    differs from the stored one (the engine changed meaning since) is logged, and the stored one is kept
    with ``reproduced: false`` on its rule set.
    """
    if not evaluation.outcomes:
        return list(evaluation.legacy_results or [])
    key = (evaluation.facts_sha256, evaluation.outcomes)
    with _RENDERED_LOCK:
        cached = _RENDERED.get(key)
        if cached is not None:
            _RENDERED.move_to_end(key)
            return cached
    packed = unpack(evaluation.outcomes)
    rule_sets = rule_sets_at(session, [item["sha256"] for item in packed])
    facts = facts_of(session, evaluation)
    rendered = [_render(rule_sets, item, facts, evaluation) for item in packed]
    with _RENDERED_LOCK:
        _RENDERED[key] = rendered
        while len(_RENDERED) > _RENDERED_KEPT:
            _RENDERED.popitem(last=False)
    return rendered


def _render(rule_sets: Mapping[str, RuleSet], item: dict, facts: dict, evaluation: Evaluation) -> dict:
    rule_set = rule_sets.get(item["sha256"])
    if rule_set is None:
        raise IrreproducibleEvaluation(f"evaluation {evaluation.id}: rule set {item['rule_set_id']} "
                                       f"{item['version']} (sha256 {item['sha256'][:12]}) is not archived")
    codes = dict(stored_codes(rule_set, item))
    stored = {rule_id: _decode(code) for rule_id, code in codes.items()}
    marks = {rule.id: stored[rule.id][0] is Outcome.PASS for rule in rule_set.rules
             if rule.kind is Kind.MANUAL and stored[rule.id][0] in (Outcome.PASS, Outcome.FAIL)}
    result = evaluate(rule_set, facts, stage=item["stage"],
                      parameters=parameters_from_overrides(rule_set, item["overrides"]), manual_marks=marks,
                      labels=fact_value_label)
    rendered = result.to_dict()
    different = [entry["rule_id"] for entry in rendered["results"]
                 if _code(entry["outcome"], entry["reason"]) != codes[entry["rule_id"]]]
    rendered["reproduced"] = not different
    if different:
        logger.warning("evaluation %s: %s gives other outcomes now for %s; showing the stored ones",
                       evaluation.id, rule_set.id, ", ".join(different))
        for entry in rendered["results"]:
            if entry["rule_id"] in different:
                outcome, reason = stored[entry["rule_id"]]
                entry["outcome"], entry["reason"] = outcome.value, reason
    return rendered
