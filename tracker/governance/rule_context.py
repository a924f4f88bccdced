"""The rule sets in force for one deployment: loaded once, reloadable, with settings and exchange rates.

The app builds one ``RuleContext`` at start-up and hands it to the services that evaluate projects.
A reload that fails keeps the sets in force (``RuleRegistry`` swaps only on full success).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tracker.core.errors import ServiceError
from tracker.rules import RuleRegistry, RuleSet, check_settings, load_settings_file
from tracker.rules.errors import RuleLoadError


class RuleConfigError(ServiceError):
    """The rule sets or their settings cannot be used; ``errors`` lists each problem with its place."""

    def __init__(self, message: str, errors: tuple[str, ...]):
        super().__init__(message)
        self.errors = errors


@dataclass
class RuleContext:
    registry: RuleRegistry
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    settings_file: str = ""
    #: UAH per unit of each currency, to express foreign-currency amounts in the facts (which are in UAH).
    exchange_rates: Mapping[str, Decimal] = field(default_factory=lambda: {"UAH": Decimal(1)})

    @property
    def rule_sets(self) -> Mapping[str, RuleSet]:
        return self.registry.rule_sets

    def to_uah(self, amount: Decimal, currency: str) -> Decimal:
        return in_uah(amount, currency, self.exchange_rates)

    def reload(self) -> tuple[str, ...]:
        """Reload rule files and settings; on any error keep what is in force and return the errors."""
        errors = tuple(str(error) for error in self.registry.reload())
        if errors:
            return errors
        try:
            settings = _read_settings(self.settings_file, self.registry.rule_sets)
        except RuleConfigError as error:
            return error.errors
        self.settings = settings
        return ()


def load_rule_context(rules_dir: str, settings_file: str = "", exchange_rates: str = "") -> RuleContext:
    """Load every rule set of ``rules_dir`` and the deployment settings, or raise naming each problem."""
    registry = RuleRegistry(rules_dir)
    errors = registry.reload()
    if errors:
        raise RuleConfigError(f"the rule sets in {rules_dir} cannot be loaded",
                              tuple(str(error) for error in errors))
    if not registry.rule_sets:
        raise RuleConfigError(f"no rule sets found in {rules_dir}", (f"{rules_dir}: no *.yaml files",))
    return RuleContext(registry=registry, settings=_read_settings(settings_file, registry.rule_sets),
                       settings_file=settings_file, exchange_rates=parse_exchange_rates(exchange_rates))


def _read_settings(path: str, rule_sets: Mapping[str, RuleSet]) -> dict:
    if not path:
        return {}
    try:
        settings = load_settings_file(path)
    except RuleLoadError as error:
        raise RuleConfigError(f"the rule settings file {path} cannot be read",
                              tuple(str(item) for item in error.errors)) from error
    problems = check_settings(rule_sets, settings, source=Path(path).name)
    if problems:
        raise RuleConfigError(f"the rule settings file {path} has errors", tuple(problems))
    return settings


def in_uah(amount: Decimal, currency: str, rates: Mapping[str, Decimal]) -> Decimal:
    return (Decimal(amount) * rates[currency]).quantize(Decimal("0.01"))


def parse_exchange_rates(text: str) -> dict[str, Decimal]:
    """``"EUR=45.2,USD=41.6"`` → rates in UAH; UAH is always 1. Defaults are planning rates, not market ones."""
    rates = {"UAH": Decimal(1), "EUR": Decimal("45.00"), "USD": Decimal("41.50")}
    for item in filter(None, (part.strip() for part in text.split(","))):
        code, _, value = item.partition("=")
        try:
            rate = Decimal(value)
        except InvalidOperation:
            rate = Decimal(0)
        if len(code.strip()) != 3 or rate <= 0:
            raise RuleConfigError("bad exchange rates", (f"TRACKER_EXCHANGE_RATES: {item!r} is not CODE=RATE",))
        rates[code.strip().upper()] = rate
    return rates
