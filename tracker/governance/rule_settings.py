"""Authority-level rule settings: an oblast raises a threshold or switches a rule off for its subtree."""
from __future__ import annotations

from typing import Any

import yaml
from sqlmodel import Session, select

from tracker.core.errors import ServiceError
from tracker.core.hierarchy import subtree_filter
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority
from tracker.governance.evaluations import authority_label
from tracker.governance.models import RuleSetting
from tracker.governance.reevaluation import note_changed
from tracker.governance.rule_context import RuleContext
from tracker.projects.models import Project
from tracker.rules import ParameterError, resolve_parameters


def set_rule_setting(*, session: Session, context: RuleContext, authority: Authority, rule_key: str,
                     name: str, raw_value: Any, note: str | None, actor_id: int | None) -> RuleSetting:
    """Create or replace a setting after checking it against the rule sets; re-evaluate the subtree."""
    value = yaml.safe_load(raw_value) if isinstance(raw_value, str) else raw_value
    layer = {rule_key: {name: value}}
    targets = [rs for rs in context.rule_sets.values()
               if rule_key == rs.id or any(rule.id == rule_key for rule in rs.rules)]
    if not targets:
        raise ServiceError(_("no rule set or rule “%(rule_key)s”", rule_key=rule_key), field="rule_key")
    for rule_set in targets:
        try:
            resolved = resolve_parameters(rule_set, authorities=[(authority_label(authority), layer)])
        except ParameterError as error:
            raise ServiceError(str(error), field="value") from error
        if not resolved.overrides and value is not True:
            raise ServiceError(_("%(rule_key)s has no parameter “%(name)s”",
                                 rule_key=rule_key, name=name), field="name")
    setting = session.exec(select(RuleSetting).where(RuleSetting.authority_id == authority.id,
                                                     RuleSetting.rule_key == rule_key,
                                                     RuleSetting.name == name)).first()
    setting = setting or RuleSetting(authority_id=authority.id, rule_key=rule_key, name=name, value=None)
    setting.value, setting.note, setting.set_by_id = value, note, actor_id
    session.add(setting)
    session.flush()
    _reevaluate_subtree(session, authority)
    return setting


def _reevaluate_subtree(session: Session, authority: Authority) -> None:
    for project_id in session.exec(select(Project.id).join(Authority, Authority.id == Project.authority_id)
                                   .where(subtree_filter([authority.path]))):
        note_changed(session, project_id)
