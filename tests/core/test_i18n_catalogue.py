"""The per-request catalogue: strings in the reader's language, and ``force_locale`` still switches it."""
from __future__ import annotations

from flask import render_template_string, session
from flask_babel import force_locale, refresh

from tracker.core.i18n import current_language, gettext, lazy_gettext, ngettext


def test_strings_follow_the_reader_then_a_forced_locale_and_back(app):
    with app.test_request_context("/"):
        assert (gettext("Completed"), current_language()) == ("Завершено", "uk")
        assert render_template_string('{{ _("Completed") }}') == "Завершено"
        with force_locale("en"):  # a report or a mail in the recipient's language, within the same request
            assert (gettext("Completed"), current_language()) == ("Completed", "en")
            assert render_template_string('{{ _("Completed") }}') == "Completed"
        assert (gettext("Completed"), current_language()) == ("Завершено", "uk")


def test_a_language_chosen_mid_request_takes_effect_after_refresh(app):
    with app.test_request_context("/"):
        assert gettext("Completed") == "Завершено"
        session["lang"] = "en"
        refresh()
        assert (gettext("Completed"), current_language(), str(lazy_gettext("Completed"))) == \
            ("Completed", "en", "Completed")


def test_variables_and_plurals(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert ngettext("%(num)d project", "%(num)d projects", 3) == "3 projects"
        assert gettext("Page %(page)s of %(pages)s", page=2, pages=5) == "Page 2 of 5"


def test_outside_an_app_strings_stay_as_written_and_an_app_alone_speaks_ukrainian(app):
    assert gettext("Completed") == "Completed"
    with app.app_context():  # the command line and jobs: the default language
        assert gettext("Completed") == "Завершено"
