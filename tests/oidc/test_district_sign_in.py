"""Signing in with the district's account, against real OpenID Connect providers (two districts,
two provider processes: tests/oidc/conftest.py).

The refusals of a wrong ID token use the real flow up to the token endpoint's real answer; only
then is its ID token replaced (``altered_id_token``), as a man in the middle or a broken provider
would: re-signed with the provider's own key (the fixtures made it) when only a claim is wrong,
with another key for the wrong signature, or an earlier real token for the replayed nonce.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from plc.accounts.models import IdentityLink, LoginFailure, UserSession
from plc.accounts.queries import ACTIVE, status_of
from plc.accounts.services import resend_invitation
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.programs.models import Invitation
from tests import factories
from tests.conftest import login
from tests.oidc.conftest import at_provider, sign_in, start


def links() -> set[tuple[str, str, int]]:
    db.session.expire_all()
    return {(link.issuer, link.subject, link.user_id)
            for link in db.session.execute(select(IdentityLink)).scalars()}


def count(model) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def assert_refused(response, words: str, status: int = 403) -> None:
    """A clear page, nothing linked, nobody signed in, and the failure counted."""
    assert response.status_code == status, response.text
    assert words in response.text
    assert count(IdentityLink) == 0 and count(UserSession) == 0
    assert count(LoginFailure) == 1


# --- signing in -------------------------------------------------------------------------------


def test_a_member_signs_in_with_the_district_account_and_is_linked(client, districts,
                                                                   providers):
    response = sign_in(client, "ann@district-a.test")
    assert response.status_code == 302 and response.location == "/"
    assert "Signed in with your District A account" in client.get("/").text
    assert links() == {(providers.a.issuer, "a-ann", districts.people["ann"].id)}
    assert count(UserSession) == 1 and count(LoginFailure) == 0


def test_the_sign_in_page_sends_each_address_to_its_own_district(client, districts,
                                                                 providers):
    assert start(client, "Ann@District-A.test").startswith(providers.a.issuer + "/auth?")
    url = start(client, "bob@district-b.test", remember="y")
    query = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith(providers.b.issuer + "/auth?")
    assert query["client_id"] == providers.b.client_id
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["login_hint"] == "bob@district-b.test"
    # Without a password, an address no district vouches for is asked for one.
    page = client.post("/login", data={"email": "carl@district-c.test"})
    assert page.status_code == 200 and "Enter your password." in page.text
    page = client.post("/login", data={"email": "carl@district-c.test", "district": "1"})
    assert "No district signs in this address" in page.text


def test_two_districts_two_providers_in_one_run(app, districts, providers):
    ann, bob = app.test_client(), app.test_client()
    assert sign_in(ann, "ann@district-a.test").status_code == 302
    assert sign_in(bob, "bob@district-b.test").status_code == 302
    assert "Bob" in bob.get("/profile").text and "Ann" in ann.get("/profile").text
    assert links() == {(providers.a.issuer, "a-ann", districts.people["ann"].id),
                       (providers.b.issuer, "b-bob", districts.people["bob"].id)}


def test_the_first_sign_in_accepts_the_invitation(client, districts):
    ivy = districts.people["ivy"]
    assert sign_in(client, "ivy@district-a.test").status_code == 302
    db.session.expire_all()
    invitation = db.session.execute(select(Invitation).where(Invitation.user_id == ivy.id)
                                    ).scalar_one()
    assert invitation.accepted_at is not None and ivy.joined_by_district_at is not None
    assert count(UserSession) == 1
    # Joined, without a password: the account is active, no new invitation is sent.
    assert status_of(ivy) == ACTIVE
    with pytest.raises(DomainError, match="already joined through their district"):
        resend_invitation(districts.admin, ivy)
    assert client.post("/logout").status_code == 302
    assert sign_in(client, "ivy@district-a.test").status_code == 302  # by the linked subject


def test_an_expired_invitation_opens_nothing(client, districts):
    assert_refused(sign_in(client, "eve@district-a.test"), "Your invitation to PLC has expired")


def test_the_subject_finds_the_account_after_the_address_changed(client, districts,
                                                                  providers):
    ann = districts.people["ann"]
    assert sign_in(client, "ann@district-a.test").status_code == 302
    client.post("/logout")
    # The district renamed Ann's address; the subject is the same: still Ann's account.
    back = at_provider(start(client, "ann@district-a.test"), "ann.renamed@district-a.test")
    response = client.get(back)
    assert response.status_code == 302 and response.location == "/"
    assert links() == {(providers.a.issuer, "a-ann", ann.id)}


def test_another_subject_with_a_linked_address_is_refused(app, districts):
    assert sign_in(app.test_client(), "ann@district-a.test").status_code == 302
    before = links()
    other = app.test_client()
    response = sign_in(other, "ann@district-a.test", login="mallory@district-a.test")
    assert response.status_code == 403
    assert "linked to another account at District A" in response.text
    assert links() == before
    assert other.get("/").status_code == 302  # not signed in


def test_a_second_factor_is_still_asked_for(client, districts):
    response = sign_in(client, "tess@district-a.test")
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert count(UserSession) == 0


def test_a_district_without_password_sign_in_refuses_the_password(client, districts):
    page = client.post("/login", data={"email": "bob@district-b.test",
                                       "password": factories.PASSWORD})
    assert page.status_code == 200 and count(UserSession) == 0
    assert "District B signs you in with its own account" in page.text
    # A site admin keeps the password (the way in when a provider is down).
    factories.make_user("root@district-b.test", "Root B", organization=districts.b, admin=True)
    db.session.commit()
    assert login(client.application.test_client(), "root@district-b.test").status_code == 302
    # District A keeps passwords, and a password-only district signs in as before.
    assert login(client, "ann@district-a.test").status_code == 302
    assert login(client.application.test_client(), "carl@district-c.test").status_code == 302


# --- when the district says no -------------------------------------------------------------


def test_cancelled_at_the_provider(client, districts):
    response = sign_in(client, "ann@district-a.test", action="abort")
    assert_refused(response, "You cancelled the sign-in", status=200)
    assert "Sign-in cancelled" in response.text


def test_an_unknown_address_opens_no_account(client, districts):
    response = sign_in(client, "nobody@district-a.test")
    assert_refused(response, "There is no PLC account for nobody@district-a.test")


def test_an_unverified_address_is_refused(client, districts):
    assert_refused(sign_in(client, "uma@district-a.test"), "has not verified the e-mail address")


def test_an_address_outside_the_vouched_domains_is_refused(client, districts):
    # District A's provider speaks for an address it does not vouch for.
    response = sign_in(client, "oscar@district-a.test")
    assert_refused(response, "does not vouch for oscar@elsewhere.test")


def test_another_districts_provider_cannot_speak_for_district_a(client, districts):
    # The sign-in starts at B (typed address at B); B's provider names an address of A.
    response = client.get(at_provider(start(client, "bob@district-b.test"),
                                      "ann@district-b.test"))
    assert_refused(response, "does not vouch for ann@district-a.test")


def test_a_deactivated_account_is_refused(client, districts):
    assert_refused(sign_in(client, "dan@district-a.test"), "This PLC account is deactivated")


def test_a_provider_error_is_refused(client, districts):
    back = at_provider(start(client, "ann@district-a.test"), "ann@district-a.test")
    scheme, host, path, query, _ = urlsplit(back)
    params = dict(parse_qsl(query))
    params["code"] = "a-code-the-provider-never-issued"
    assert_refused(client.get(f"{path}?{urlencode(params)}"), "answered with an error")


def test_a_mismatched_state_is_refused(client, districts):
    back = at_provider(start(client, "ann@district-a.test"), "ann@district-a.test")
    scheme, host, path, query, _ = urlsplit(back)
    params = dict(parse_qsl(query))
    params["state"] = "a-state-this-browser-never-sent"
    assert_refused(client.get(f"{path}?{urlencode(params)}"), "does not belong to the sign-in")


def test_a_callback_replayed_or_not_started_here_does_nothing(app, client, districts):
    back = at_provider(start(client, "ann@district-a.test"), "ann@district-a.test")
    assert client.get(back).status_code == 302
    stranger = app.test_client()
    response = stranger.get(back)
    assert response.status_code == 400 and "not started in this browser" in response.text
    assert count(UserSession) == 1 and count(LoginFailure) == 0


def test_failures_through_the_district_count_for_the_throttle(app, client, districts):
    app.config["LOGIN_MAX_FAILURES"] = 2
    sign_in(client, "nobody@district-a.test")
    sign_in(client, "nobody@district-a.test")
    response = client.post("/login", data={"email": "nobody@district-a.test", "district": "1"})
    assert response.status_code == 429


# --- forged and altered ID tokens ------------------------------------------------------------


@pytest.fixture
def altered_id_token(monkeypatch):
    """Replace the ID token of the token endpoint's real answer by ``forge(real_claims,
    real_token)``'s; the rest of the check is Authlib's, as in production."""
    real_fetch = FlaskOAuth2App.fetch_access_token

    def arm(forge):
        def fetch(self, *args, **kwargs):
            token = real_fetch(self, *args, **kwargs)
            claims = jwt.decode(token["id_token"], _any_key(self)).claims
            token["id_token"] = forge(claims, token["id_token"])
            return token

        monkeypatch.setattr(FlaskOAuth2App, "fetch_access_token", fetch)

    return arm


def _any_key(client):
    from joserfc.jwk import KeySet
    return KeySet.import_key_set(client.fetch_jwk_set())


def signed(provider, claims: dict, key=None) -> str:
    key = key or provider.key
    return jwt.encode({"alg": "RS256", "kid": provider.key.kid}, claims, key)


def test_a_token_signed_by_another_key_is_refused(client, districts, providers,
                                                  altered_id_token):
    impostor = RSAKey.generate_key(2048, private=True)
    altered_id_token(lambda claims, _t: signed(providers.a, claims, key=impostor))
    assert_refused(sign_in(client, "ann@district-a.test"), "could not be verified")


@pytest.mark.parametrize("change, words", [
    ({"aud": "another-client"}, "could not be verified"),
    # Meant for another client, though naming this one as the authorized party.
    ({"aud": "another-client", "azp": "plc-a"}, "could not be verified"),
    ({"iss": "http://127.0.0.1:1"}, "could not be verified"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "could not be verified"),
    ({"email_verified": False}, "has not verified"),
    ({"email": "ann@elsewhere.test"}, "does not vouch for ann@elsewhere.test"),
], ids=["audience", "audience-with-azp", "issuer", "expired", "unverified", "domain"])
def test_a_token_with_a_wrong_claim_signed_by_the_provider_is_refused(
        client, districts, providers, altered_id_token, change, words):
    altered_id_token(lambda claims, _t: signed(providers.a, {**claims, **change}))
    assert_refused(sign_in(client, "ann@district-a.test"), words)


def test_entra_ids_verified_domain_claim_counts_as_verified(client, districts, providers,
                                                            altered_id_token):
    def as_entra_sends_it(claims, _token):
        claims = {k: v for k, v in claims.items() if k != "email_verified"}
        return signed(providers.a, {**claims, "xms_edov": True})

    altered_id_token(as_entra_sends_it)
    assert sign_in(client, "ann@district-a.test").status_code == 302
    assert count(IdentityLink) == 1


def test_a_replayed_token_with_an_old_nonce_is_refused(app, client, districts,
                                                       altered_id_token):
    captured = {}
    real_fetch = FlaskOAuth2App.fetch_access_token

    def keep(self, *args, **kwargs):
        token = real_fetch(self, *args, **kwargs)
        captured["id_token"] = token["id_token"]
        return token

    FlaskOAuth2App.fetch_access_token = keep
    try:
        assert sign_in(app.test_client(), "ann@district-a.test").status_code == 302
    finally:
        FlaskOAuth2App.fetch_access_token = real_fetch
    db.session.execute(IdentityLink.__table__.delete())
    db.session.execute(UserSession.__table__.delete())
    db.session.commit()
    # A genuine token of an earlier sign-in, replayed into a new one: its nonce is the old one.
    altered_id_token(lambda _claims, _t: captured["id_token"])
    assert_refused(sign_in(client, "ann@district-a.test"), "could not be verified")


# --- the invitation page -----------------------------------------------------------------------


def invitation_link(user) -> str:
    from plc.tokens import new_token

    token, token_hash = new_token()
    db.session.add(Invitation(user_id=user.id, token_hash=token_hash,
                              expires_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    return f"/invitation/{token}"


def test_the_invitation_page_offers_the_district_and_keeps_a_password_only_if_allowed(
        client, districts):
    ivy = districts.people["ivy"]
    page = client.get(invitation_link(ivy)).text
    assert "Join with my district’s account" in page and 'name="password"' in page
    # District B allows no password: the invitation offers only the district's account.
    bea = factories.make_user("bea@district-b.test", "Bea", organization=districts.b,
                              password=None)
    db.session.commit()
    link = invitation_link(bea)
    page = client.get(link).text
    assert "Join with my district’s account" in page and 'name="password"' not in page
    client.post(link, data={"name": "Bea", "password": "long enough password",
                            "confirm": "long enough password"})
    db.session.expire_all()
    assert not bea.has_joined and count(UserSession) == 0


def test_no_client_secret_or_code_in_the_logs_or_pages(app, client, districts, caplog):
    from tests.oidc.providers import CLIENT_SECRET

    caplog.set_level(logging.INFO)
    back = at_provider(start(client, "nobody@district-a.test"), "nobody@district-a.test")
    code = dict(parse_qsl(urlsplit(back).query))["code"]
    page = client.get(back).text  # refused: no account
    app.config["OIDC_TIMEOUT_SECONDS"] = 0.001  # the provider "down": a warning is logged
    down = client.post("/login", data={"email": "ann@district-a.test", "district": "1"})
    assert down.status_code in (200, 503)
    admin_page = app.test_client()
    login(admin_page, districts.admin)
    settings = admin_page.get(f"/admin/organizations/{districts.a.id}/sign-in").text
    for text in (caplog.text, page, down.text, settings):
        assert CLIENT_SECRET not in text and code not in text
