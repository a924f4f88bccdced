"""Periodic housekeeping other features ask the job workers to do (the queue runs no periodic tasks itself).

A feature registers a step with how often it runs; every ``vidnova worker`` runs each step when it starts and
then at that interval, from its beacon thread (``jobs.cli.Beacon``) in an app context. Steps must be safe to
run on several workers at once (each takes its own row locks) and cheap when there is nothing to do.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask


@dataclass(frozen=True)
class Step:
    name: str
    every_seconds: float
    run: Callable[[Flask], object]


_steps: dict[str, Step] = {}


def register(name: str, every_seconds: float, run: Callable[[Flask], object]) -> None:
    """Have the workers run ``run(app)`` every ``every_seconds`` (registering a name again replaces it)."""
    _steps[name] = Step(name=name, every_seconds=every_seconds, run=run)


def steps() -> list[Step]:
    return list(_steps.values())


class Schedule:
    """When each registered step last ran in this worker process: ``due`` names the steps to run now."""

    def __init__(self) -> None:
        self.last_run: dict[str, float] = {}

    def due(self, now: float) -> list[Step]:
        ready = [step for step in steps() if step.name not in self.last_run
                 or now - self.last_run[step.name] >= step.every_seconds]
        for step in ready:
            self.last_run[step.name] = now
        return ready
