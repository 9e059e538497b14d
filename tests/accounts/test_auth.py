"""Signing in and out, server-side sessions, remember me, password changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plc.accounts import passwords, services
from plc.accounts.models import LoginFailure, User, UserSession
from plc.accounts.services import GENERIC_LOGIN_ERROR
from plc.errors import DomainError
from plc.extensions import db
from tests import factories
from tests.conftest import login


@pytest.fixture
def member(app):
    cohort = factories.make_cohort(name="Cohort Auth")
    user = factories.make_user("member@example.org", "Mia Member")
    factories.add_member(cohort, user)
    db.session.commit()
    return user


def session_cookie(client):
    return client.get_cookie("session", domain="plc.test")


def test_sign_in_lands_on_home(client, member):
    response = login(client, member)
    assert response.status_code == 302
    assert response.location.endswith("/")
    assert "Cohort Auth" in client.get("/").text


@pytest.mark.parametrize(
    "email, password",
    [
        ("member@example.org", "wrong password"),
        ("nobody@example.org", factories.PASSWORD),
        ("MEMBER@example.org ", "wrong password"),
    ],
)
def test_failed_sign_in_gives_one_generic_message(client, member, email, password):
    response = login(client, email, password)
    assert response.status_code == 200
    assert GENERIC_LOGIN_ERROR in response.text
    assert "current_user" not in response.text


def test_email_is_case_insensitive(client, member):
    assert login(client, "  Member@Example.ORG ").status_code == 302


def test_deactivated_user_gets_the_same_generic_message(client, member):
    member.active = False
    db.session.commit()
    response = login(client, member)
    assert response.status_code == 200
    assert GENERIC_LOGIN_ERROR in response.text


@pytest.mark.parametrize("password", ["", "x", factories.PASSWORD], ids=["empty", "x", "usual"])
def test_invited_user_without_password_cannot_sign_in(app, password):
    """The service itself refuses (the form already refuses an empty password, which would hide
    a service that let a password-less account in)."""
    factories.make_user("pending@example.org", password=None)
    db.session.commit()
    with pytest.raises(DomainError, match=GENERIC_LOGIN_ERROR):
        services.authenticate("pending@example.org", password, "127.0.0.1")


def test_invited_user_without_password_is_refused_by_the_sign_in_page(client, app):
    factories.make_user("pending@example.org", password=None)
    db.session.commit()
    response = login(client, "pending@example.org", factories.PASSWORD)
    assert response.status_code == 200
    assert GENERIC_LOGIN_ERROR in response.text
    assert db.session.execute(select(func.count()).select_from(LoginFailure)).scalar_one() == 1


def test_logout_is_post_only(client, member, login_as):
    login_as(member)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_replayed_session_cookie_after_logout_is_refused(app, client, member, login_as):
    login_as(member)
    saved = session_cookie(client).value
    assert client.post("/logout").status_code == 302
    attacker = app.test_client()
    attacker.set_cookie("session", saved, domain="plc.test")
    response = attacker.get("/")
    assert response.status_code == 302
    assert "/login" in response.location


def test_remember_me_survives_a_lost_session_cookie_until_logout(app, client, member):
    login(client, member, remember=True)
    remember = client.get_cookie("remember_token", domain="plc.test")
    assert remember is not None and remember.http_only
    other = app.test_client()
    other.set_cookie("remember_token", remember.value, domain="plc.test")
    assert other.get("/").status_code == 200  # a new browser session restored from the cookie
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", remember.value, domain="plc.test")
    assert replay.get("/").status_code == 302


def test_without_remember_me_no_remember_cookie(client, member):
    login(client, member)
    assert client.get_cookie("remember_token", domain="plc.test") is None


def test_password_change_ends_other_sessions_but_not_this_one(app, client, member, login_as):
    login_as(member)
    laptop = app.test_client()
    assert login(laptop, member).status_code == 302
    response = client.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert laptop.get("/").status_code == 302
    client.post("/logout")
    assert login(client, member, "a brand new password").status_code == 302


def test_password_change_needs_the_current_password(client, member, login_as):
    login_as(member)
    response = client.post(
        "/account/password",
        data={"current_password": "wrong", "password": "x" * 12, "confirm": "x" * 12},
    )
    assert response.status_code == 200
    assert "That is not your current password." in response.text


def test_password_change_rejects_short_and_mismatched(client, member, login_as):
    login_as(member)
    short = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "short", "confirm": "short"},
    )
    assert "Use at least 10 characters." in short.text
    mismatch = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "x" * 12, "confirm": "y" * 12},
    )
    assert "The two passwords differ." in mismatch.text


def test_deactivation_ends_sessions(app, client, member, login_as):
    login_as(member)
    user = db.session.get(User, member.id)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/profile", "/profile"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirects_only_to_local_paths(client, member, target, expected):
    response = client.post(
        "/login", query_string={"next": target},
        data={"email": member.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == expected


def test_old_hash_is_upgraded_on_sign_in(app, client, member):
    weak = passwords.hasher().__class__(time_cost=1, memory_cost=512, parallelism=1)
    old_hash = weak.hash(factories.PASSWORD)
    member.password_hash = old_hash
    db.session.commit()
    assert login(client, member).status_code == 302
    upgraded = db.session.get(User, member.id).password_hash
    assert upgraded != old_hash
    assert f"m={app.config['ARGON2_MEMORY_COST']}" in upgraded
    assert upgraded.startswith("$argon2id$")


def test_production_parameters_meet_asvs(app):
    from plc.config import Defaults

    assert Defaults.ARGON2_MEMORY_COST >= 19 * 1024
    assert Defaults.ARGON2_TIME_COST >= 2
    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=19 * 1024)
    assert passwords.hash_password("x" * 12).startswith("$argon2id$v=19$m=19456,t=2,p=1$")


# --- throttling ------------------------------------------------------------------------


def test_eleventh_failure_within_a_minute_answers_429(client, member):
    for _ in range(10):
        assert login(client, member, "wrong password").status_code == 200
    response = login(client, member, "wrong password")
    assert response.status_code == 429
    assert "Too many" in response.text
    # Even the right password waits: the throttle is checked before the password.
    assert login(client, member).status_code == 429


def test_throttle_is_per_account_across_addresses(app, member):
    for i in range(10):
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"10.0.0.{i}"
        assert login(c, member, "wrong").status_code == 200
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    assert login(c, member, "wrong").status_code == 429


def test_throttle_is_per_address_across_accounts(app, client, member):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 15
    for i in range(15):
        assert login(client, f"someone{i}@example.org", "wrong").status_code == 200
    assert login(client, member).status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert login(other, member).status_code == 302


def test_one_person_mistyping_does_not_lock_out_their_office(app, client, member):
    """Colleagues behind one address (a district's NAT, the site's proxy) still sign in
    after someone's ten failures locked only that someone's account."""
    for _ in range(10):
        assert login(client, "typo@example.org", "wrong").status_code == 200
    assert login(client, "typo@example.org", "wrong").status_code == 429
    assert login(client, member).status_code == 302


def test_behind_a_proxy_the_throttle_counts_the_forwarded_address(app_config, app, member):
    """With PLC_PROXY_COUNT=1 the client's address comes from X-Forwarded-For, so one client's
    failures do not count against another behind the same proxy."""
    from plc import create_app
    from tests.conftest import IsolatedClient

    proxied = create_app({**app_config, "PROXY_COUNT": 1, "LOGIN_MAX_FAILURES_PER_ADDRESS": 5})
    proxied.test_client_class = IsolatedClient

    def attempt(address: str, email: str, password: str) -> int:
        return proxied.test_client().post(
            "/login", data={"email": email, "password": password},
            headers={"X-Forwarded-For": address}).status_code

    for i in range(5):
        assert attempt("203.0.113.7", f"someone{i}@example.org", "wrong") == 200
    assert attempt("203.0.113.7", member.email, factories.PASSWORD) == 429
    assert attempt("203.0.113.8", member.email, factories.PASSWORD) == 302


def test_failures_older_than_the_window_do_not_count(app, client, member):
    from datetime import timedelta

    from plc.db import utcnow

    for _ in range(10):
        db.session.add(
            LoginFailure(email=member.email, address="127.0.0.1",
                         created_at=utcnow() - timedelta(seconds=61))
        )
    db.session.commit()
    assert login(client, member).status_code == 302


def test_session_rows_are_not_written_on_get(app, client, member, login_as):
    login_as(member)
    before = db.session.scalar(select(func.count()).select_from(UserSession))
    client.get("/")
    client.get("/profile")
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == before

