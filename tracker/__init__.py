"""Vidnova: tracking Ukraine's reconstruction projects against the OECD principles of public investment."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from . import config as settings
from .config import PROJECT_ROOT

__all__ = ["create_app"]


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then ``TRACKER_*`` environment variables, then ``config``."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
    )
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    settings.check_production_safety(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    from . import db
    from .web import init_app as init_web

    db.init_app(app)
    init_web(app)
    return app
