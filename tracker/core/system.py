"""Operational endpoints: the health check used by load balancers."""
from __future__ import annotations

from flask import Blueprint, jsonify

from tracker.core.db import database_answers

bp = Blueprint("system", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    if database_answers():
        return jsonify(status="ok", database="ok"), 200
    return jsonify(status="unavailable", database="unreachable"), 503
