"""Security headers on every kind of response, cookie flags, the production secret-key check,
and an error page that never shows a traceback."""

from __future__ import annotations

import pytest
from flask import Flask

from plc import create_app
from plc.config import SECRET_KEY_MIN_BYTES, ConfigError
from plc.extensions import db
from tests import factories
from tests.conftest import login

SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "origin",
    "origin-when-cross-origin",
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    headers = response.headers
    assert "Content-Security-Policy" in headers, response.request.path
    csp = csp_directives(headers["Content-Security-Policy"])
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src, "no script-src (nor default-src) in the CSP"
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert csp.get("object-src") == ["'none'"]
    assert csp.get("base-uri") == ["'none'"]
    assert csp.get("frame-ancestors") == ["'none'"]
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in SAFE_REFERRER_POLICIES


@pytest.fixture
def member(app):
    user = factories.make_user()
    cohort = factories.make_cohort()
    factories.add_member(cohort, user)
    db.session.commit()
    return user


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/login", 200),
        ("/", 302),  # a redirect is a response too
        ("/no-such-page", 404),
        ("/static/css/plc.css", 200),
        ("/bootstrap/static/css/bootstrap.min.css", 200),
    ],
)
def test_anonymous_responses_carry_the_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/profile", 200),
        ("/cohorts/999999", 404),
        ("/static/css/plc.css", 200),
    ],
)
def test_signed_in_responses_carry_the_headers(client, member, login_as, path, status):
    login_as(member)
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)
    if path.startswith("/static/"):
        assert "no-store" not in response.headers.get("Cache-Control", "")
    else:
        assert "no-store" in response.headers.get("Cache-Control", "")


def session_cookie_header(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "the response set no session cookie"
    return cookies[-1]


def cookie_flags(set_cookie: str) -> dict[str, str]:
    flags = {}
    for part in set_cookie.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        flags[name.lower()] = value
    return flags


def test_session_cookie_is_httponly_and_lax(client, member):
    response = login(client, member)
    assert response.status_code == 302
    flags = cookie_flags(session_cookie_header(response))
    assert "httponly" in flags
    assert flags.get("samesite", "").lower() == "lax"
    assert "secure" not in flags  # development over plain http


@pytest.fixture
def production_app(app_config):
    app = create_app(
        {**app_config, "ENV_NAME": "production", "SECRET_KEY": "p" * SECRET_KEY_MIN_BYTES}
    )
    with app.app_context():
        factories.make_user("prod@example.org")
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_production_session_cookie_is_secure(production_app):
    client = production_app.test_client()
    response = login(client, "prod@example.org")
    assert response.status_code == 302
    flags = cookie_flags(session_cookie_header(response))
    assert "secure" in flags
    assert "httponly" in flags
    assert flags.get("samesite", "").lower() == "lax"
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True
    assert "Strict-Transport-Security" in response.headers


@pytest.fixture
def bare_instance(tmp_path, monkeypatch):
    """No instance/secret_key, no instance/config.py and no PLC_* variables to fall back on."""
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    for name in ("PLC_SECRET_KEY", "PLC_ENV_NAME"):
        monkeypatch.delenv(name, raising=False)
    return {
        "ENV_NAME": "production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
    }


@pytest.mark.parametrize(
    "secret_key", [None, "", "short", "x" * (SECRET_KEY_MIN_BYTES - 1)], ids=repr
)
def test_production_refuses_a_missing_or_short_secret_key(bare_instance, secret_key):
    with pytest.raises(ConfigError):
        create_app({**bare_instance, "SECRET_KEY": secret_key})


def test_production_accepts_a_long_enough_secret_key(bare_instance):
    app = create_app({**bare_instance, "SECRET_KEY": "x" * SECRET_KEY_MIN_BYTES})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def failing_app(app_config):
    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/_boom")
    def boom():
        raise RuntimeError("secret-internal-detail")

    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_500_page_shows_no_traceback(failing_app, caplog):
    response = failing_app.test_client().get("/_boom")
    assert response.status_code == 500
    body = response.text
    assert "Something went wrong" in body
    for leak in ("Traceback", "secret-internal-detail", "RuntimeError", 'File "'):
        assert leak not in body
    assert_security_headers(response)
    assert "secret-internal-detail" in caplog.text  # logged for the operator instead
