"""Permission-matrix cases for the API and its pages (see tests/matrix.py for the vocabulary).

The matrix's clients carry the session cookie, never a bearer token: the JSON API must answer
them all 401 (it reads no cookie). The same routes with a token of every role are covered by
tests/api/test_token_matrix.py. The guide and the OpenAPI document are public; each person
manages their own tokens only."""

from __future__ import annotations

from plc.api import services
from plc.extensions import db
from tests.matrix import LOGIN, OK, PUBLIC, SIGNED_IN, A, B, Case, P, Q, expect

COOKIE_ONLY = expect(401)
OWN_TOKEN = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK)


def _member_a_token(w) -> dict:
    """A fresh token of member_a's for each request: only member_a may revoke it."""
    _secret, token = services.create_token(w.users["member_a"], "Matrix token")
    db.session.commit()
    return {"token_id": token.id}


CASES: list[Case] = [
    Case("api.guide", "GET", lambda w: "/api", PUBLIC),
    Case("api.tokens", "GET", lambda w: "/account/api-tokens", SIGNED_IN),
    Case("api.tokens", "POST", lambda w: "/account/api-tokens", SIGNED_IN,
         lambda w: {"name": "Board report"}),
    Case("api.revoke", "POST", lambda w: "/account/api-tokens/revoke", OWN_TOKEN,
         _member_a_token),
    Case("api.v1.openapi_document", "GET", lambda w: "/api/v1/openapi.json", PUBLIC),
    Case("api.v1.me", "GET", lambda w: "/api/v1/me", COOKIE_ONLY),
    Case("api.v1.program_participation", "GET",
         lambda w: f"/api/v1/programs/{P(w)}/participation", COOKIE_ONLY),
    Case("api.v1.program_participation", "GET",
         lambda w: f"/api/v1/programs/{Q(w)}/participation", COOKIE_ONLY,
         label="other programme"),
    Case("api.v1.cohort_participation", "GET",
         lambda w: f"/api/v1/cohorts/{A(w)}/participation", COOKIE_ONLY),
    Case("api.v1.cohort_participation", "GET",
         lambda w: f"/api/v1/cohorts/{B(w)}/participation", COOKIE_ONLY, label="cohort B"),
]

# Every page fits the default budget: the token page is the session, roles and the tokens.
BUDGETS: dict[str, int] = {
}
