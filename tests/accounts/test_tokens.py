"""Password reset and invitation links: expiry, single use, tampering, one purpose only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from plc.accounts.models import PasswordReset, User
from plc.db import utcnow
from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.programs.models import Invitation
from plc.tokens import new_token
from tests import factories
from tests.conftest import login

NEW_PASSWORD = "my new secret password"


@pytest.fixture
def member(app):
    user = factories.make_user("reset@example.org", "Rhea Reset")
    db.session.commit()
    return user


def last_mail() -> OutboxMessage:
    return db.session.execute(
        select(OutboxMessage).order_by(OutboxMessage.id.desc())
    ).scalars().first()


def link_path(body: str, kind: str) -> str:
    match = re.search(rf"https?://[^/\s]+(/{kind}/[A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


def request_reset(client, email="reset@example.org") -> str:
    response = client.post("/password-reset", data={"email": email})
    assert response.status_code == 302
    return link_path(last_mail().body, "password-reset")


def set_new_password(client, path, password=NEW_PASSWORD):
    return client.post(path, data={"password": password, "confirm": password})


def make_invitation(user, *, days=7) -> str:
    token, token_hash = new_token()
    db.session.add(Invitation(user_id=user.id, token_hash=token_hash,
                              expires_at=utcnow() + timedelta(days=days)))
    db.session.commit()
    return token


def test_reset_link_sets_a_new_password_once(client, member):
    path = request_reset(client)
    assert client.get(path).status_code == 200
    assert set_new_password(client, path).status_code == 302
    assert login(client, member, NEW_PASSWORD).status_code == 302
    client.post("/logout")
    # Single use: the same link is dead now, and cannot set another password.
    assert client.get(path).status_code == 404
    assert set_new_password(client, path, "attacker password 1").status_code == 404
    assert login(client, member, "attacker password 1").status_code == 200


def test_reset_mail_is_queued_for_existing_accounts_only(client, member):
    client.post("/password-reset", data={"email": "nobody@example.org"})
    assert last_mail() is None
    response = client.post("/password-reset", data={"email": "RESET@example.org"})
    assert "If that address belongs to an account" in client.get(response.location).text
    assert last_mail().to_addr == "reset@example.org"


def test_reset_link_expires_after_30_minutes(client, member):
    path = request_reset(client)
    reset = db.session.execute(select(PasswordReset)).scalar_one()
    assert timedelta(minutes=29) < reset.expires_at - reset.created_at <= timedelta(minutes=30)
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 404
    assert set_new_password(client, path).status_code == 404
    assert login(client, member, NEW_PASSWORD).status_code == 200


def test_tampered_reset_token_is_refused(client, member):
    path = request_reset(client)
    tampered = path[:-1] + ("A" if path[-1] != "A" else "B")
    assert client.get(tampered).status_code == 404
    assert set_new_password(client, tampered).status_code == 404


def test_reset_ends_existing_sessions(app, client, member):
    other = app.test_client()
    login(other, member)
    assert other.get("/").status_code == 200
    path = request_reset(client)
    set_new_password(client, path)
    assert other.get("/").status_code == 302


def test_a_reset_token_does_not_open_an_invitation_and_vice_versa(client, app):
    pending = factories.make_user("invitee@example.org", password=None)
    invite_token = make_invitation(pending)
    factories.make_user("reset@example.org")
    db.session.commit()
    reset_path = request_reset(client)
    reset_token = reset_path.rsplit("/", 1)[1]
    assert client.get(f"/invitation/{reset_token}").status_code == 404
    assert client.get(f"/password-reset/{invite_token}").status_code == 404
    assert set_new_password(client, f"/password-reset/{invite_token}").status_code == 404


def test_invitation_sets_name_and_password(client, app):
    cohort = factories.make_cohort(name="Cohort Invite")
    pending = factories.make_user("invitee@example.org", "Invitee", password=None)
    factories.add_member(cohort, pending)
    token, token_hash = new_token()
    db.session.add(Invitation(user_id=pending.id, cohort_id=cohort.id, token_hash=token_hash,
                              expires_at=utcnow() + timedelta(days=7)))
    db.session.commit()
    page = client.get(f"/invitation/{token}")
    assert page.status_code == 200 and 'value="Invitee"' in page.text
    response = client.post(
        f"/invitation/{token}",
        data={"name": "Ivy Invitee", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == f"/cohorts/{cohort.id}"
    assert "Cohort Invite" in client.get(response.location).text
    assert db.session.get(User, pending.id).name == "Ivy Invitee"
    client.post("/logout")
    assert client.get(f"/invitation/{token}").status_code == 404  # single use
    assert login(client, "invitee@example.org", NEW_PASSWORD).status_code == 302


def test_invitation_expires_after_seven_days(client, app):
    pending = factories.make_user("late@example.org", password=None)
    token = make_invitation(pending, days=7)
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert invitation.expires_at - invitation.created_at <= timedelta(days=7)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/invitation/{token}").status_code == 404


def test_old_invitation_is_dead_once_a_password_is_set(client, app):
    pending = factories.make_user("twice@example.org", password=None)
    first = make_invitation(pending)
    second = make_invitation(pending)
    client.post(f"/invitation/{second}",
                data={"name": "T", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.post("/logout")
    assert client.get(f"/invitation/{first}").status_code == 404


def test_tampered_invitation_token_is_refused(client, app):
    pending = factories.make_user("tamper@example.org", password=None)
    token = make_invitation(pending)
    assert client.get(f"/invitation/{token[:-2]}xx").status_code == 404


def test_tokens_are_stored_only_as_hashes(client, member):
    path = request_reset(client)
    token = path.rsplit("/", 1)[1]
    stored = db.session.execute(select(PasswordReset.token_hash)).scalar_one()
    assert token not in stored and len(stored) == 64
