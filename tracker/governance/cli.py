"""``vidnova rules``: check rule set files, list the rules in force, print the fact vocabulary."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app, has_app_context

from tracker.core.config import PROJECT_ROOT, from_environment
from tracker.rules import RuleLoadError, load_rule_set_files, load_rule_sets, render_vocabulary


def default_rules_dir() -> Path:
    """The app's RULES_DIR inside an app context, else TRACKER_RULES_DIR, else governance_rules/.

    ``check`` must work without an app: a broken rule file stops the app from starting, and
    this is the command that says why.
    """
    if has_app_context():
        return Path(current_app.config["RULES_DIR"])
    return Path(from_environment().get("RULES_DIR") or PROJECT_ROOT / "governance_rules")


@click.group("rules")
def rules_group() -> None:
    """Governance rule sets: check, list, and the facts they may use."""


@rules_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate rule set files (default: every file of the rules directory)."""
    try:
        rule_sets = load_rule_set_files(list(paths)) if paths else load_rule_sets(default_rules_dir())
    except RuleLoadError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(exc.errors)} error(s) in the rule sets") from None
    for rule_set in rule_sets.values():
        click.echo(f"ok  {rule_set.path}: {rule_set.id} v{rule_set.version}, {len(rule_set.rules)} rules")


@rules_group.command("list")
def list_command() -> None:
    """List every rule: id, severity, stages, principles, title."""
    try:
        rule_sets = load_rule_sets(default_rules_dir())
    except RuleLoadError as exc:
        raise click.ClickException(str(exc)) from None
    for rule_set in rule_sets.values():
        click.echo(f"# {rule_set.id} v{rule_set.version}: {rule_set.title_en}")
        for rule in rule_set.rules:
            stages = rule.stages[0] if len(rule.stages) == 1 else f"{rule.stages[0]}..{rule.stages[-1]}"
            gate = f"gate:{rule.gate}" if rule.gate else "-"
            principles = ",".join(rule.principles) or "-"
            click.echo(f"{rule.id:<13} {rule.severity.value:<8} {stages:<28} {gate:<20} {principles:<8} "
                       f"{rule.title_en}")


@rules_group.command("facts")
@click.option("--lang", type=click.Choice(["en", "uk"]), default="en", help="Language of the fact titles.")
def facts_command(lang: str) -> None:
    """Print the fact vocabulary rules may name."""
    click.echo(render_vocabulary(lang))


def register(main: click.Group) -> None:
    from tracker.governance import cli_runtime as rules_runtime

    rules_runtime.add_commands(rules_group)
    main.add_command(rules_group)
