"""Personal API tokens: shown once, kept hashed, revocable; bearer only, JSON errors."""

from __future__ import annotations

import re

from sqlalchemy import select

from plc.accounts.models import User
from plc.api.models import ApiToken
from plc.extensions import db
from plc.tokens import hash_token
from tests import factories
from tests.api.helpers import Schemas, bearer, make_token
from tests.conftest import login


def _fresh_token(html: str) -> str | None:
    found = re.search(r'id="fresh-token"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else None


def test_a_token_is_shown_once_and_kept_hashed(app, client):
    person = factories.make_user("tess@example.org", "Tess Token")
    login(client, person)
    response = client.post("/account/api-tokens", data={"name": "Board report"})
    assert response.status_code == 302
    page = client.get("/account/api-tokens").text
    secret = _fresh_token(page)
    assert secret and "Board report" in page
    # Shown once: the next visit lists the token by name but no longer shows it.
    again = client.get("/account/api-tokens").text
    assert _fresh_token(again) is None and secret not in again and "Board report" in again
    stored = db.session.execute(select(ApiToken)).scalar_one()
    assert stored.token_hash == hash_token(secret) and secret not in stored.token_hash
    assert stored.user_id == person.id and stored.revoked_at is None
    me = app.test_client().get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.get_json()["user"]["email"] == "tess@example.org"
    assert me.get_json()["token"]["name"] == "Board report"


def test_a_token_needs_a_name(app, client):
    login(client, factories.make_user())
    response = client.post("/account/api-tokens", data={"name": "  "})
    assert response.status_code == 422
    assert db.session.execute(select(ApiToken)).first() is None


def test_a_revoked_token_gets_401(app, client):
    person = factories.make_user()
    secret = make_token(person)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    login(client, person)
    token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    assert client.post("/account/api-tokens/revoke",
                       data={"token_id": token_id}).status_code == 302
    assert db.session.get(ApiToken, token_id).revoked_at is not None
    response = api.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "<th scope=\"row\">Test token</th>" not in client.get("/account/api-tokens").text
    # Revoked twice: refused, politely.
    again = client.post("/account/api-tokens/revoke", data={"token_id": token_id})
    assert again.status_code == 302


def test_nobody_revokes_or_sees_anothers_token(app, client):
    owner, other = factories.make_user("owner@example.org"), factories.make_user()
    secret = make_token(owner, "Owner's script")
    token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    login(client, other)
    assert "Owner&#39;s script" not in client.get("/account/api-tokens").text
    assert client.post("/account/api-tokens/revoke",
                       data={"token_id": token_id}).status_code == 404
    assert client.post("/account/api-tokens/revoke",
                       data={"token_id": 999999}).status_code == 404
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_unknown_missing_or_malformed_tokens_get_json_401(app):
    schemas = Schemas(app.test_client())
    api = app.test_client()
    for headers in ({}, bearer("not-a-token"), {"Authorization": "Basic dXNlcjpwYXNz"},
                    {"Authorization": "Bearer "}):
        response = api.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        schemas.validate("/me", response)


def test_a_signed_in_browser_without_a_token_gets_401(app, client):
    person = factories.make_user()
    make_token(person)
    login(client, person)
    assert client.get("/").status_code == 200  # the cookie works for pages ...
    response = client.get("/api/v1/me")  # ... but never for the API
    assert response.status_code == 401 and response.mimetype == "application/json"


def test_a_deactivated_owners_token_gets_401(app):
    person = factories.make_user()
    secret = make_token(person)
    db.session.get(User, person.id).active = False
    db.session.commit()
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_api_answers_are_not_cached(app):
    secret = make_token(factories.make_user())
    response = app.test_client().get("/api/v1/me", headers=bearer(secret))
    assert response.headers["Cache-Control"] == "no-store"


def test_token_page_statements_do_not_grow_with_tokens(app, client, count_queries):
    person = factories.make_user()
    login(client, person)
    make_token(person, "one")

    def measure():
        with count_queries() as counter:
            assert client.get("/account/api-tokens").status_code == 200
        return counter.count

    small = measure()
    for n in range(10):
        make_token(person, f"token {n}")
    assert measure() == small


def test_openapi_document_describes_every_api_route(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    routes = {rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert routes == set(document["paths"])


def test_guide_page_links_the_document(app, client):
    page = client.get("/api").text
    assert "/api/v1/openapi.json" in page and "Authorization: Bearer" in page
