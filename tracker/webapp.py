"""The web layer: extensions, blueprints, error pages and security headers."""
from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, SecurityError

from tracker.accounts import admin_views as users_admin
from tracker.accounts import views as auth
from tracker.core import i18n, labels, system, web_input
from tracker.core.config import tile_origin
from tracker.engagement import follow_views as follows
from tracker.engagement import need_views as engagement
from tracker.engagement import offer_views as offers
from tracker.engagement import partner_views as partners
from tracker.engagement import partnership_views as partnerships
from tracker.governance import template_helpers as compliance_view
from tracker.governance import views as stages
from tracker.projects import views as projects
from tracker.publishing import portal_views as portal

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    web_input.init_app(app)  # first: the bounded <int:…> converter must be in place before any route is added
    csrf.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    labels.init_app(app)
    compliance_view.init_app(app)
    for blueprint in (system.bp, auth.bp, users_admin.bp, i18n.bp, portal.bp, projects.bp, stages.bp):
        app.register_blueprint(blueprint)
    for blueprint in (engagement.bp, offers.bp, partners.bp, partnerships.bp, follows.bp):
        app.register_blueprint(blueprint)
    from tracker.planning import bulk_views as bulk  # the planner workflow
    from tracker.planning import document_views as documents
    from tracker.planning import views as planner

    for blueprint in (planner.bp, documents.bp, bulk.bp):
        app.register_blueprint(blueprint)
    from tracker.publishing import (
        api,  # the public portal's reports, open data and API
        http_cache,
    )
    from tracker.publishing import open_data as _open_data  # noqa: F401  (the front door, on the reports blueprint)
    from tracker.publishing import report_views as reports

    reports.init_app(app)
    for blueprint in (reports.bp, api.bp):
        app.register_blueprint(blueprint)
    from tracker.maps import views as maps  # the public map, over the portal's filters

    maps.init_app(app)
    app.register_blueprint(maps.bp)
    http_cache.init_app(app)  # ETag / 304 / Cache-Control of everything public
    from tracker.audit import views as audit  # the auditor's workspace

    app.register_blueprint(audit.bp)
    from tracker.voice import views as voice  # citizens' questions, complaints and photos

    app.register_blueprint(voice.bp)
    from tracker.jobs import runner as job_runner  # long work off the request
    from tracker.jobs import views as jobs

    jobs.init_app(app)
    app.register_blueprint(jobs.bp)
    from tracker.governance import rule_settings_views, rules_admin_views  # re-evaluating: a job, so after jobs

    app.register_blueprint(rules_admin_views.bp)
    app.register_blueprint(rule_settings_views.bp)
    from tracker.workspaces import views as workspaces  # each role's home: reads every feature, so last

    workspaces.init_app(app)
    app.register_blueprint(workspaces.bp)
    system.report_health(app, "jobs", lambda: job_runner.queue_status(app))
    _register_error_pages(app)
    app.after_request(_security_headers)


def _register_error_pages(app: Flask) -> None:
    for code in (400, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(code, _error_page)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return render_template("errors/error.html", code=400, message=error.description), 400


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    if isinstance(error, SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for a page, and none is owed.
        return Response("Bad Request: unknown host\n", status=400, mimetype="text/plain")
    # Errors written for people (a malformed form version, say) say what went wrong; others stay generic.
    detail = error.description if getattr(error, "shown_to_user", False) else None
    # The exception's own headers (a 405's Allow, a 503's Retry-After) stay; its HTML content type does not.
    headers = ({name: value for name, value in error.get_headers() if name.lower() != "content-type"}
               if isinstance(error, HTTPException) else {})
    from tracker.publishing import api

    if api.is_api_request(request):  # the API answers errors in JSON, even for a URL no route matched
        return api.error_answer(code, detail), code, headers
    return render_template("errors/error.html", code=code, message=None, detail=detail), code, headers


def _security_headers(response):
    # Every asset is served from this origin; nothing needs scripts or frames from elsewhere. Images may also come
    # from a map tile server when the deployment configures one (TRACKER_MAP_TILE_URL), and only then.
    tiles = current_app.config.get("MAP_TILE_URL")
    images = "'self' data:" + (f" {tile_origin(tiles)}" if tiles else "")
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; img-src {images}; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    hsts = current_app.config.get("HSTS_SECONDS") or 0
    if hsts > 0 and request.is_secure:  # a browser ignores it over plain HTTP; sent there it would only mislead
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts}")
    return response
