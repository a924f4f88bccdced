"""Accountability reports: one template per report, rendered as HTML for the screen or as PDF for paper.

A report is drawn from public model variants only (``tracker.publishing.public``). The same template and
the same print stylesheet serve both outputs; only where the stylesheet and fonts are found differs
(``asset_base``: the web route for HTML, the assets folder through the safe fetcher for PDF).
Rendering needs a Flask app context (templates and translations) and no request: the language is the
report's own (``Report.locale``) and links to public pages are absolute (``links.public_url``), so the
command line and background jobs draw up the same report the web serves.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from tracker.publishing import charts, map_svg
from tracker.publishing.cache import PdfCache, cache_key
from tracker.publishing.links import public_base_url, public_url
from tracker.publishing.pdf import AssetFetcher, render_pdf
from tracker.voice.operations import PHOTO_FOLDER
from tracker.voice.photos import stored_data_uri

KINDS = ("project", "authority", "portfolio")


@dataclass(frozen=True)
class Report:
    """What one report shows: its kind, its public data, its language and the day it was drawn up."""

    kind: str
    data: Any
    locale: str
    generated_on: date
    title: str

    def key(self) -> str:
        # The report prints links to the public site, so the site's address is part of what it shows.
        return cache_key(kind=self.kind, locale=self.locale,
                         data={"data": self.data, "generated_on": self.generated_on, "title": self.title,
                               "site": public_base_url()})


def render_html(report: Report, *, asset_base: str) -> str:
    """The report as a full HTML document; ``asset_base`` prefixes report.css and the fonts."""
    with force_locale(report.locale):
        return render_template(f"reports/{report.kind}.html", report=report, data=report.data,
                               asset_base=asset_base, current_locale=report.locale)


def pdf_bytes(report: Report, *, cache: PdfCache | None = None, laid_out: Callable[[int], None] | None = None,
              laying_out: Callable[[int], None] | None = None) -> tuple[bytes, bool]:
    """The report as PDF and whether it came from the cache; a miss renders it and stores it."""
    key = report.key() if cache is not None else None
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached, True
    pdf = render_pdf(render_html(report, asset_base=""), fetcher=AssetFetcher(), laid_out=laid_out,
                     laying_out=laying_out)
    if cache is not None:
        cache.put(key, pdf)
    return pdf, False


def photo_thumbnail(name: str) -> str | None:
    """A citizen's photo thumbnail embedded in the report as a ``data:`` URL (the HTML is whole on its own, and
    the PDF renderer fetches nothing but its assets); None when the file is not there."""
    return stored_data_uri(Path(current_app.config["UPLOAD_FOLDER"]) / PHOTO_FOLDER, name)


def configured_cache() -> PdfCache:
    return PdfCache(current_app.config["CACHE_FOLDER"])


def init_app(app) -> None:
    """Make the chart builders available to every template (pages and reports draw the same charts),
    and ``public_url`` for the reports' links to public pages."""
    app.add_template_global(charts.bars, "chart_bars")
    app.add_template_global(charts.progress, "chart_progress")
    app.add_template_global(charts.scorecard, "chart_scorecard")
    app.add_template_global(map_svg.location_map, "map_location")
    app.add_template_global(map_svg.points_map, "map_points")
    app.add_template_global(public_url, "public_url")
    app.add_template_global(photo_thumbnail, "photo_thumbnail")
