"""``localized``: a bilingual field in the asked-for language, else the other; and its Jinja global."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import render_template_string, session

from tracker.core.i18n import localized


def test_object_gives_the_requested_language():
    row = SimpleNamespace(title_uk="Дорога", title_en="Road")
    assert localized(row, "title", "en") == "Road"
    assert localized(row, "title", "uk") == "Дорога"


def test_dict_gives_the_requested_language():
    result = {"explanation_uk": "Пояснення", "explanation_en": "Explanation"}
    assert localized(result, "explanation", "en") == "Explanation"
    assert localized(result, "explanation", "uk") == "Пояснення"


@pytest.mark.parametrize("source", [SimpleNamespace(name_uk="Київ", name_en=None),
                                    {"name_uk": "Київ", "name_en": ""}, {"name_uk": "Київ"}])
def test_english_falls_back_to_ukrainian(source):
    assert localized(source, "name", "en") == "Київ"


@pytest.mark.parametrize("source", [SimpleNamespace(name_uk=None, name_en="Vienna"),
                                    {"name_uk": "", "name_en": "Vienna"}, {"name_en": "Vienna"}])
def test_ukrainian_falls_back_to_english(source):
    assert localized(source, "name", "uk") == "Vienna"


@pytest.mark.parametrize("source", [SimpleNamespace(), SimpleNamespace(title_uk=None, title_en=None), {},
                                    {"title_uk": None, "title_en": None}])
@pytest.mark.parametrize("locale", ["uk", "en"])
def test_missing_in_both_languages_is_none(source, locale):
    assert localized(source, "title", locale) is None


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_blank_in_both_languages_is_blank(locale):
    assert not localized({"title_uk": "", "title_en": ""}, "title", locale)


def test_an_unknown_locale_reads_ukrainian_first():
    assert localized({"title_uk": "Дорога", "title_en": "Road"}, "title", "de") == "Дорога"


TEMPLATE = '{{ localized(r, "title") }}|{{ localized(r, "title", "uk") }}|{{ localized(r, "title", "en") }}'
ROW = {"title_uk": "Дорога", "title_en": "Road"}


@pytest.mark.parametrize(("lang", "expected"), [(None, "Дорога|Дорога|Road"), ("uk", "Дорога|Дорога|Road"),
                                                ("en", "Road|Дорога|Road")])
def test_the_jinja_global_uses_the_current_language_unless_told(app, lang, expected):
    with app.test_request_context("/"):
        if lang is not None:
            session["lang"] = lang
        assert render_template_string(TEMPLATE, r=ROW) == expected
