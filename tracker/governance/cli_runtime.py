"""``vidnova rules explain|eval|settings``: evaluations and authority settings, through the services."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.core.db import session_scope
from tracker.core.errors import ServiceError
from tracker.core.hierarchy import get_by_code
from tracker.governance.evaluation_jobs import submit_evaluation
from tracker.governance.evaluations import authority_label, latest_evaluation
from tracker.governance.rule_settings import all_settings, clear_rule_setting, set_rule_setting
from tracker.governance.stored import IrreproducibleEvaluation, expand
from tracker.jobs.cli import run_here
from tracker.jobs.models import JobState
from tracker.projects.operations import get_project


def add_commands(group: click.Group) -> None:
    group.add_command(explain)
    group.add_command(evaluate_all)
    group.add_command(settings)


def _rules():
    return current_app.extensions["tracker.rules"]


@click.command("explain")
@click.argument("reference")
@click.option("--lang", type=click.Choice(["uk", "en"]), default="uk", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the stored evaluation as JSON.")
@with_appcontext
def explain(reference: str, lang: str, as_json: bool) -> None:
    """Print the latest stored evaluation of a project as a tree, every leaf explained."""
    with session_scope() as session:
        try:
            project = get_project(session=session, reference=reference)
        except ServiceError as error:
            raise click.ClickException(error.message) from error
        evaluation = latest_evaluation(session=session, project_id=project.id)
        if evaluation is None:
            raise click.ClickException(f"{reference} has not been evaluated yet: run `vidnova rules eval --all`")
        try:
            results = expand(session, evaluation)
        except IrreproducibleEvaluation as error:
            raise click.ClickException(str(error)) from error
        if as_json:
            click.echo(json.dumps({"evaluated_at": evaluation.evaluated_at.isoformat(), "stage": evaluation.stage,
                                   "rule_sets": evaluation.rule_sets, "facts_sha256": evaluation.facts_sha256,
                                   "results": results}, ensure_ascii=False, indent=2))
            return
        click.echo(f"{project.reference} at stage {evaluation.stage}, "
                   f"evaluated {evaluation.evaluated_at:%Y-%m-%d %H:%M} "
                   f"({evaluation.passed} pass, {evaluation.failed} fail, {evaluation.errors} error)")
        for rule_set in results:
            identity = next(r for r in evaluation.rule_sets if r["id"] == rule_set["rule_set_id"])
            click.echo(f"\n# {identity['id']} v{identity['version']} sha256:{identity['sha256'][:12]}")
            if rule_set.get("reproduced") is False:
                click.echo("  warning: the rules engine now gives other outcomes for some rules; "
                           "the stored outcomes are shown")
            for override in rule_set["overrides"]:
                click.echo(f"  setting in force: {override['rule_id']} {override['name']}={override['value']}"
                           f" (default {override['default']}, by {override['source']})")
            for result in rule_set["results"]:
                if result["outcome"] == "not_applicable":
                    continue
                text = result[f"explanation_{lang}"]
                click.echo(f"{result['outcome'].upper():7} {result['severity']:8} {result['rule_id']}: {text}")
                _print_tree(result.get("applies_if"), "  if ")
                _print_tree(result.get("condition"), "  ")


def _print_tree(node: dict | None, indent: str) -> None:
    if not node:
        return
    mark = {True: "✓", False: "✗", None: "?"}[node.get("passed")]
    detail = f" (actual: {node['actual']!r})" if node.get("kind") == "leaf" else ""
    click.echo(f"{indent}{mark} {node.get('text', '')}{detail}")
    for child in node.get("children", ()):
        _print_tree(child, indent + "  ")


@click.command("eval")
@click.option("--all", "all_projects", is_flag=True, required=True, help="Re-evaluate every project.")
@click.option("--queue", "to_queue", is_flag=True, help="Leave it to the workers instead of running it here.")
@with_appcontext
def evaluate_all(all_projects: bool, to_queue: bool) -> None:
    """Re-evaluate the whole portfolio against the rule sets in force (after a rule change), as a job.

    One transaction per batch of projects: an interruption keeps the batches already done, and people's
    saves go on between batches.
    """
    with session_scope() as session:
        job_id = submit_evaluation(session=session, project_ids=None, started_by_id=None, send=to_queue).id
    if to_queue:
        click.echo(f"job {job_id} queued; follow it with `vidnova jobs show {job_id}`")
        return
    job = run_here(job_id)
    if job.state != JobState.DONE:
        raise click.ClickException(f"job {job_id} {job.state.value}: {job.error or ''}".strip())
    click.echo(f"Evaluated {job.summary.get('evaluated', 0)} projects (job {job_id}).")


@click.group("settings")
def settings() -> None:
    """Rule parameters an authority sets for its subtree."""


@settings.command("set")
@click.option("--authority", "code", required=True, help="KATOTTG code of the authority.")
@click.argument("rule_key")
@click.argument("name")
@click.argument("value")
@click.option("--note", default="", help="Why (shown beside the setting).")
@with_appcontext
def set_command(code: str, rule_key: str, name: str, value: str, note: str) -> None:
    """Set NAME (a parameter, or "enabled") of RULE_KEY (a rule or rule set id) for an authority's subtree."""
    try:
        with session_scope() as session:
            authority = get_by_code(session=session, code=code)
            set_rule_setting(session=session, context=_rules(), authority=authority, rule_key=rule_key,
                             name=name, raw_value=value, note=note or None, actor_id=None)
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'input'}: {error.message}; nothing was written") from error
    click.echo(f"{code}: {rule_key}.{name} = {value} (affected projects are re-evaluated)")


@settings.command("clear")
@click.option("--authority", "code", required=True, help="KATOTTG code of the authority.")
@click.argument("rule_key")
@click.argument("name")
@with_appcontext
def clear_command(code: str, rule_key: str, name: str) -> None:
    """Remove an authority's NAME of RULE_KEY: the value from above holds for its subtree again."""
    try:
        with session_scope() as session:
            authority = get_by_code(session=session, code=code)
            clear_rule_setting(session=session, authority=authority, rule_key=rule_key, name=name)
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'input'}: {error.message}; nothing was written") from error
    click.echo(f"{code}: {rule_key}.{name} cleared (affected projects are re-evaluated)")


@settings.command("list")
@with_appcontext
def list_settings() -> None:
    """Every authority setting in force."""
    with session_scope() as session:
        for setting, authority in all_settings(session=session):
            click.echo(f"{authority_label(authority)}: {setting.rule_key}.{setting.name} = "
                       f"{json.dumps(setting.value)}{'  # ' + setting.note if setting.note else ''}")
