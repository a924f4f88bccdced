"""Authority-level rule settings: an oblast raises a threshold or switches a rule off for its subtree.

One service for the command line (``vidnova rules settings``) and the administrators' page
(``/manage/rules/settings``): the same checks, the same writes.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.core.errors import NotFound, PermissionDenied, ServiceError
from tracker.core.hierarchy import ancestors, subtree_filter
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority
from tracker.governance import policy
from tracker.governance.evaluations import authority_label
from tracker.governance.models import RuleSetting
from tracker.governance.reevaluation import note_changed
from tracker.governance.rule_context import RuleContext
from tracker.projects.models import Project
from tracker.rules import ParameterError, resolve_parameters
from tracker.rules.parameters import ENABLED


def set_rule_setting(*, session: Session, context: RuleContext, authority: Authority, rule_key: str,
                     name: str, raw_value: Any, note: str | None, actor_id: int | None,
                     actor: User | None = None, reevaluate: bool = True) -> RuleSetting:
    """Create or replace a setting after checking it against the rule sets.

    ``reevaluate``: the subtree's projects are evaluated again before the commit (the command line); the
    administrators' page instead offers the evaluation job (``affected_projects``), as a subtree may be large.
    """
    _check_actor(actor)
    rule_key, name = rule_key.strip(), name.strip()
    try:
        value = yaml.safe_load(raw_value) if isinstance(raw_value, str) else raw_value
    except yaml.YAMLError:
        raise ServiceError(_("%(value)s is not a value: write a number, true, false or text.",
                             value=repr(raw_value)), field="value") from None
    layer = {rule_key: {name: value}}
    targets = [rs for rs in context.rule_sets.values()
               if rule_key == rs.id or any(rule.id == rule_key for rule in rs.rules)]
    if not targets:
        raise ServiceError(_("No rule set or rule %(key)s.", key=repr(rule_key)), field="rule_key")
    for rule_set in targets:
        # Refuses a parameter the rule (or every rule of the set) does not declare, and a value of the wrong type.
        # A value equal to the default is accepted: it takes back, for a subtree, what an authority above set.
        try:
            resolve_parameters(rule_set, authorities=[(authority_label(authority), layer)])
        except ParameterError as error:
            raise ServiceError(str(error), field="value") from error
    setting = _setting(session, authority, rule_key, name)
    setting = setting or RuleSetting(authority_id=authority.id, rule_key=rule_key, name=name, value=None)
    setting.value, setting.note = value, note
    setting.set_by_id = actor.id if actor is not None else actor_id
    session.add(setting)
    session.flush()
    if reevaluate:
        _reevaluate_subtree(session, authority)
    return setting


def clear_rule_setting(*, session: Session, authority: Authority, rule_key: str, name: str,
                       actor: User | None = None, reevaluate: bool = True) -> None:
    """Remove an authority's setting: the value from above (a parent authority, the deployment, the rule's
    default) holds for its subtree again."""
    _check_actor(actor)
    setting = _setting(session, authority, rule_key.strip(), name.strip())
    if setting is None:
        raise NotFound(_("%(authority)s sets no %(key)s.%(name)s.", authority=authority_label(authority),
                         key=rule_key.strip(), name=name.strip()), field="name")
    session.delete(setting)
    session.flush()
    if reevaluate:
        _reevaluate_subtree(session, authority)


def _check_actor(actor: User | None) -> None:
    if actor is not None and not policy.can_change_rule_settings(actor):
        raise PermissionDenied(_("Only administrators change rule settings."))


def _setting(session: Session, authority: Authority, rule_key: str, name: str) -> RuleSetting | None:
    return session.exec(select(RuleSetting).where(RuleSetting.authority_id == authority.id,
                                                  RuleSetting.rule_key == rule_key,
                                                  RuleSetting.name == name)).first()


def affected_projects(*, session: Session, authority: Authority) -> list[int]:
    """The projects a setting of ``authority`` reaches: those of its subtree."""
    return list(session.exec(select(Project.id).join(Authority, Authority.id == Project.authority_id)
                             .where(subtree_filter([authority.path])).order_by(Project.id)))


def _reevaluate_subtree(session: Session, authority: Authority) -> None:
    for project_id in affected_projects(session=session, authority=authority):
        note_changed(session, project_id)


@dataclass(frozen=True)
class ValueInForce:
    """A rule parameter (or "enabled") as it holds in an authority's subtree, and where the value comes from."""

    rule_set_id: str
    rule_id: str
    name: str
    value: Any
    default: Any
    #: "default" (the rule's own), "deployment" (the settings file), "inherited" (a parent authority's),
    #: "here" (this authority's own setting)
    source: str
    #: The authority that set it, for "inherited" and "here"
    set_by: str | None
    #: The key it was set under: the rule id or its rule set id
    scope: str | None


def settings_of(*, session: Session, authority: Authority) -> list[RuleSetting]:
    """The settings an authority made itself, in the order they were made."""
    return list(session.exec(select(RuleSetting).where(RuleSetting.authority_id == authority.id)
                             .order_by(RuleSetting.rule_key, RuleSetting.name)))


def all_settings(*, session: Session) -> list[tuple[RuleSetting, Authority]]:
    """Every authority's settings with their authority (what ``vidnova rules settings list`` prints)."""
    query = (select(RuleSetting, Authority).join(Authority, Authority.id == RuleSetting.authority_id)
             .order_by(Authority.path, RuleSetting.rule_key, RuleSetting.name))
    return [(setting, owner) for setting, owner in session.exec(query)]


def values_in_force(*, session: Session, context: RuleContext, authority: Authority) -> list[ValueInForce]:
    """Every declared parameter of every rule, and each rule's "enabled" where something changed it, as they
    hold for ``authority``'s projects: the precedence evaluations use (rule default < deployment settings <
    authorities from the top down)."""
    chain = [*ancestors(session=session, authority=authority), authority]
    layers: dict[int, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for setting in session.exec(select(RuleSetting).where(RuleSetting.authority_id.in_([a.id for a in chain]))
                                .order_by(RuleSetting.id)):
        layers[setting.authority_id][setting.rule_key][setting.name] = setting.value
    labels = {authority_label(a): a for a in chain}
    authority_layers = [(authority_label(a), dict(layers[a.id])) for a in chain if a.id in layers]
    rows: list[ValueInForce] = []
    for rule_set in sorted(context.rule_sets.values(), key=lambda rs: rs.id):
        try:
            resolved = resolve_parameters(rule_set, context.settings, authority_layers)
        except ParameterError:
            # A setting written before the rule set changed: evaluations fall back to the deployment's values.
            resolved = resolve_parameters(rule_set, context.settings)
        winners = {(o.rule_id, o.name): o for o in resolved.overrides}
        for rule in rule_set.rules:
            names: Sequence[str] = [*rule.parameters, *([ENABLED] if (rule.id, ENABLED) in winners else [])]
            for name in names:
                override = winners.get((rule.id, name))
                default = True if name == ENABLED else rule.parameters[name].default
                if override is None:
                    # Not among the overrides, which keep only values other than the default: an authority may
                    # still have set the default itself (the nearest one counts).
                    setter = next(((a, key) for a in reversed(chain) for key in (rule.id, rule_set.id)
                                   if name in layers.get(a.id, {}).get(key, {})), None)
                    if setter is None:
                        rows.append(ValueInForce(rule_set.id, rule.id, name, default, default, "default", None,
                                                 None))
                    else:
                        rows.append(ValueInForce(rule_set.id, rule.id, name, default, default,
                                                 "here" if setter[0] is authority else "inherited",
                                                 authority_label(setter[0]), setter[1]))
                    continue
                source = ("deployment" if override.source == "settings" else
                          "here" if labels.get(override.source) is authority else "inherited")
                rows.append(ValueInForce(rule_set.id, rule.id, name, override.value, default, source,
                                         None if source == "deployment" else override.source, override.scope))
    return rows
