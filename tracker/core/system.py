"""Operational endpoints: the health check used by load balancers and monitoring.

Features add what they know to the answer with ``report_health`` (the job queue adds its depth and when a
worker was last seen); only the database decides the status code, since without it nothing works.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify

from tracker.core.db import database_answers

log = logging.getLogger(__name__)
bp = Blueprint("system", __name__)
_REPORTERS_KEY = "tracker.core.system.health"


def report_health(app, name: str, reporter: Callable[[], Any]) -> None:
    """Add ``name: reporter()`` to this app's health answer (a reporter that fails reports ``"unknown"``)."""
    app.extensions.setdefault(_REPORTERS_KEY, {})[name] = reporter


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not; beside it what the features report."""
    healthy = database_answers()
    answer: dict[str, Any] = ({"status": "ok", "database": "ok"} if healthy
                              else {"status": "unavailable", "database": "unreachable"})
    if healthy:
        for name, reporter in current_app.extensions.get(_REPORTERS_KEY, {}).items():
            try:
                answer[name] = reporter()
            except Exception:  # noqa: BLE001 - a report must never turn a healthy answer into an error
                log.exception("health reporter %s failed", name)
                answer[name] = "unknown"
    return jsonify(answer), 200 if healthy else 503
