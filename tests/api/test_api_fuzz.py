"""Schemathesis against the served OpenAPI document, in process (the way the issue's fuzzing
found the API's 500s and HTML errors): generated ids, valid and not, with and without a
token; every answer's status, content type, headers and body must be the document's."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.helpers import OPENAPI_URL, bearer, make_token


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
def test_the_api_answers_as_its_document_says(app, world, mode):
    schema = schemathesis.openapi.from_wsgi(OPENAPI_URL, app)
    # The lead of the world's programme: small generated ids reach real programmes and cohorts.
    headers = bearer(make_token(world.users["program_lead"]))
    for found in schema.get_all_operations():

        @given(case=found.ok().as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            case.call_and_validate(headers=headers)

        answers_as_documented()
