"""Every answer under /api/v1 is the documented JSON, whatever went wrong: an id the route
refuses, a path or a method the API has not, a refusal raised by a view, a crash. A 405 names
the methods its path has. The pages beside the API (its guide) keep answering in HTML."""

from __future__ import annotations

import re

import pytest
from flask import abort

from plc.routing import LARGEST_ID
from tests.api.helpers import Schemas, bearer, make_token

MALFORMED_IDS = ("-1", "1.0", "abc", "0x1", "1e3", str(LARGEST_ID + 1), str(2**63), str(2**64))
WRONG_METHODS = ("POST", "PUT", "PATCH", "DELETE")
UNKNOWN_PATHS = ("/api/", "/api/v1", "/api/v1/", "/api/v1/nothing", "/api/v1/me/",
                 "/api/v1/programs", "/api/v1/programs/1", "/api/v2/me")


def api_rules(app) -> list:
    return sorted((rule for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/api/v1/")), key=lambda rule: rule.rule)


def document_path(rule) -> str:
    return rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")


def with_ids(rule, value: str) -> str:
    return re.sub(r"<int:\w+>", value, rule.rule)


@pytest.fixture
def token_headers(world):
    """No token, and the token of the lead of the world's programme, who reads every id route
    with the right id: routing answers before the token is looked at."""
    return [{}, bearer(make_token(world.users["program_lead"]))]


def test_a_malformed_or_unbounded_id_is_a_documented_404(app, client, token_headers):
    schemas = Schemas(client)
    id_rules = [rule for rule in api_rules(app) if rule.arguments]
    assert len(id_rules) == 2
    for rule in id_rules:
        for value in MALFORMED_IDS:
            for headers in token_headers:
                response = client.get(with_ids(rule, value), headers=headers)
                assert response.status_code == 404, (rule.rule, value, response.status_code)
                assert schemas.validate(document_path(rule), response)["error"] == "Not Found"


def test_a_wrong_method_is_a_json_405_naming_the_methods(app, client, token_headers):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: routing answers before CSRF
    schemas = Schemas(client)
    declared = schemas.document["components"]["responses"]["MethodNotAllowed"]
    assert "Allow" in declared["headers"]
    for rule in api_rules(app):
        for method in WRONG_METHODS:
            for headers in token_headers:
                response = client.open(with_ids(rule, "1"), method=method, headers=headers)
                assert response.status_code == 405, (method, rule.rule, response.status_code)
                assert set(response.headers["Allow"].split(", ")) == rule.methods
                assert schemas.validate_error(response)["error"] == "Method Not Allowed"


def test_a_path_the_api_has_not_is_a_json_404(app, client):
    schemas = Schemas(client)
    for path in UNKNOWN_PATHS:
        for method in ("GET", "POST"):
            response = client.open(path, method=method)
            assert response.status_code == 404, (method, path, response.status_code)
            assert schemas.validate_error(response)["error"] == "Not Found"


@pytest.mark.parametrize("status", [400, 403, 404, 409, 429, 500, 503])
def test_a_refusal_raised_by_a_view_answers_in_json(app, client, monkeypatch, status):
    monkeypatch.setitem(app.view_functions, "api.v1.me", lambda: abort(status))
    response = client.get("/api/v1/me")
    assert response.status_code == status
    body = Schemas(client).validate_error(response)
    assert body["error"] and "<" not in body["error"]


def test_a_crash_answers_the_documented_500(app, client, monkeypatch):
    def crash():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "api.v1.me", crash)
    response = client.get("/api/v1/me")
    assert response.status_code == 500
    body = Schemas(client).validate("/me", response)
    assert body == {"error": "Internal Server Error"}


def test_a_missing_token_keeps_its_challenge_and_hint(app, client):
    response = client.get("/api/v1/programs/1/participation")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer realm=")
    body = Schemas(client).validate("/programs/{program_id}/participation", response)
    assert "Authorization: Bearer" in body["error"]


def test_every_operation_declares_its_errors(app, client):
    document = Schemas(client).document
    for rule in api_rules(app):
        responses = document["paths"][document_path(rule)]["get"]["responses"]
        expected = {"200", "500"} | ({"401"} if rule.endpoint != "api.v1.openapi_document"
                                     else set()) | ({"404"} if rule.arguments else set())
        assert set(responses) == expected, rule.rule
    for parameter in document["paths"]["/programs/{program_id}/participation"]["get"][
            "parameters"]:
        assert parameter["schema"]["maximum"] == LARGEST_ID


def test_the_guide_beside_the_api_stays_a_page(app, client):
    response = client.delete("/api")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
