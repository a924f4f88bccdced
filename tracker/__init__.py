"""Vidnova: tracking Ukraine's reconstruction projects against the OECD principles of public investment."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from tracker import tables as _tables  # noqa: F401,E402  (every table and the shared session listeners)
from tracker.core import config as settings
from tracker.core.config import PROJECT_ROOT

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
    settings.validate(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Believe that many proxies about the client's address and the scheme (rate limits, sign-in brake, HSTS).
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    from tracker.core import db, queue
    from tracker.webapp import init_app as init_web

    db.init_app(app)
    try:
        queue.init_app(app)
    except queue.QueueConfigError as error:
        raise settings.ConfigError(str(error)) from None
    _load_rules(app)
    init_web(app)
    if app.config["GC_TUNING"] and app.config["ENV"] == "production" and not app.testing:
        from tracker.core.gc_tuning import tune_for_serving

        tune_for_serving()  # last: everything loaded at start-up is frozen
    return app


def _load_rules(app: Flask) -> None:
    """Load the rule sets once; every session then re-evaluates the projects it changes."""
    from tracker.core.db import SESSION_INFO_KEY
    from tracker.governance.reevaluation import attach_key
    from tracker.governance.rule_context import RuleConfigError, load_rule_context

    try:
        context = load_rule_context(app.config["RULES_DIR"], app.config["RULES_SETTINGS_FILE"],
                                    app.config["EXCHANGE_RATES"])
    except RuleConfigError as error:
        problems = "\n  ".join(error.errors)
        raise settings.ConfigError(f"{error.message}:\n  {problems}\n(`vidnova rules check` lists them too)") from None
    app.extensions["tracker.rules"] = context
    app.extensions[SESSION_INFO_KEY][attach_key()] = context
