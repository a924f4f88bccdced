"""Scorecards of many projects are sums of the narrow evaluation summaries: the same figures as rebuilding every
result, in a fixed number of statements, without reading a single stored result."""
from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from tracker.core.db import get_engine, session_scope
from tracker.core.models import Authority
from tracker.governance.compliance import authority_scorecard, latest_summary
from tracker.governance.evaluations import scorecard_of
from tracker.governance.models import Evaluation, EvaluationScore
from tracker.projects.models import Project
from tracker.publishing.read_models import portfolio_figures

#: The home page's budget (issue 11: home and scorecards in at most 10 statements).
HOME_STATEMENTS = 10


def _statements(app, action) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_every_stored_evaluation_has_its_fifteen_scores(app, rich):
    with app.app_context(), session_scope(app) as session:
        evaluations = list(session.exec(select(Evaluation)))
        assert evaluations
        for evaluation in evaluations:
            scores = {s.code: s for s in session.exec(select(EvaluationScore)
                                                      .where(EvaluationScore.evaluation_id == evaluation.id))}
            assert len(scores) == 15
            rebuilt = scorecard_of(session, [evaluation])
            for score in (*rebuilt.principles, *rebuilt.pillars):
                stored = scores[score.code]
                assert (stored.passed, stored.failed, stored.errors) == (score.passed, score.failed, score.errors)


def test_summed_scorecards_equal_the_scorecards_rebuilt_from_every_result(app, rich):
    with app.app_context(), session_scope(app) as session:
        latest = list(session.exec(select(Evaluation).where(Evaluation.is_latest.is_(True))))
        summary = latest_summary(session=session)
        assert summary.scorecard == scorecard_of(session, latest) and summary.evaluated == len(latest) > 1
        assert summary.last_evaluated_at == max(e.evaluated_at for e in latest)
        assert {v[0] for v in summary.rule_versions} == {item["id"] for e in latest for item in e.rule_sets}
        oblast = session.get(Authority, rich.world.kharkiv_oblast.id)
        inside = [e for e, path in session.exec(
            select(Evaluation, Authority.path).join(Project, Project.id == Evaluation.project_id)
            .join(Authority, Authority.id == Project.authority_id).where(Evaluation.is_latest.is_(True)))
            if path.startswith(oblast.path)]
        assert authority_scorecard(session=session, authority=oblast) == (scorecard_of(session, inside), len(inside))
        figures = portfolio_figures(session=session)
        public = [e for e in latest if session.get(Project, e.project_id).is_public]
        assert figures.scorecard == scorecard_of(session, public) and figures.evaluated == len(public)


@pytest.mark.parametrize("url", ["/", "/api/v1/figures", "authority"])
def test_figure_pages_read_no_stored_result_and_stay_within_budget(app, client, rich, url):
    if url == "authority":
        url = f"/authorities/{rich.world.kharkiv_oblast.id}"
    client.get(url)  # warm up: what every request shares once
    responses = []
    statements = _statements(app, lambda: responses.append(client.get(url)))
    assert responses[0].status_code == 200
    decoding = ("evaluation.outcomes", "evaluation.legacy_results", "evaluation_facts", "rule_set_source")
    assert not [s for s in statements if any(column in s for column in decoding)], statements
    if url == "/":
        assert len(statements) <= HOME_STATEMENTS, statements
