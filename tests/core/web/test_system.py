"""Health check and security headers."""
from __future__ import annotations

from tracker import create_app


def test_healthz_answers_200_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["status"], answer["database"]) == ("ok", "ok")
    assert answer["jobs"] == {"storage": "immediate", "depth": 0, "queued": 0, "running": 0,
                              "worker_seen_seconds_ago": None, "worker": "immediate"}


def test_healthz_answers_503_when_database_does_not(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32,
                      "DATABASE_URL": "postgresql+psycopg://nobody:wrong@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/healthz")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
