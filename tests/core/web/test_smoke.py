"""The public pages render for everyone, in both languages."""
from __future__ import annotations


def test_home_is_ukrainian_by_default(client, world):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'lang="uk"' in page
    assert "Відновлення школи № 1" in page


def test_language_switch_to_english(client, world):
    response = client.get("/lang/en?next=/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Restoration of school No. 1" in page


def test_project_page(client, world):
    response = client.get(f"/projects/{world.school.reference}")
    assert response.status_code == 200
    assert "1\u202f500\u202f000,00\u00a0грн" in response.get_data(as_text=True)  # Ukrainian, as the rules write it
