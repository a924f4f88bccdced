"""schemathesis over /api/v1/openapi.json, in-process against the WSGI app on a small seeded database: no server
error and no answer outside the description, for valid and invalid requests alike."""
from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

#: Examples per operation: enough to reach every parameter's edges, few enough to run in seconds.
EXAMPLES = 25


@pytest.fixture
def api_schema(app, rich):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_api_answers_every_generated_request_as_described(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 6  # the five /api/v1 answers (the index among them) and the GeoJSON open data
    for operation, mode in itertools.product(operations, GenerationMode):
        if mode is GenerationMode.NEGATIVE and not operation.definition.raw.get("parameters"):
            continue  # nothing to get wrong


        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def answers_as_described(case):
            case.call_and_validate()

        answers_as_described()
