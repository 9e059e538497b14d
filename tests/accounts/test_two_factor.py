"""Two-factor sign-in (issue 17 item 7): enrolment, the code step, recovery codes, the
throttle, who must have it, turning it off."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import delete, func, select

from plc import config
from plc.accounts import sessions, two_factor
from plc.accounts.models import RecoveryCode, SecondFactorFailure, TotpFactor, User
from plc.db import utcnow
from plc.extensions import db
from plc.tokens import hash_token
from tests import factories
from tests.conftest import login
from tests.matrix import OK
from tests.test_permissions import CASES, client_as

ENROL = "/account/two-factor"
pytestmark = pytest.mark.usefixtures("second_factor_required")


@pytest.fixture
def member(app):
    user = factories.make_user("member@example.org", "Mia Member")
    factories.add_member(factories.make_cohort(name="Cohort 2FA"), user)
    db.session.commit()
    return user


@pytest.fixture
def enrolled(member):
    factories.enrol(member)
    db.session.commit()
    return member


def password_step(client, user, **extra):
    return client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                       **extra})


def code_now(secret: str = factories.TOTP_SECRET, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + 30 * steps_ahead)


def secret_on(page: str) -> str:
    match = re.search(r'<code id="totp-secret"[^>]*>([A-Z2-7 ]+)</code>', page)
    assert match, "the key is shown in text for typing it in"
    return match.group(1).replace(" ", "")


def enrolment_field(page: str) -> str:
    return re.search(r'name="enrolment" type="hidden" value="([^"]+)"', page).group(1)


def failures() -> int:
    return db.session.scalar(select(func.count()).select_from(SecondFactorFailure))


# --- enrolment --------------------------------------------------------------------------------


def test_enrolment_shows_a_local_qr_code_and_the_key_and_needs_a_first_code(client, member,
                                                                            login_as):
    login_as(member)
    page = client.get(ENROL).text
    assert 'src="data:image/svg+xml' in page  # made here: no request leaves the server
    assert "<script" not in page.split("</main>")[0].split('<main')[1]
    secret = secret_on(page)
    wrong = client.post(ENROL, data={"enrolment": enrolment_field(page), "code": "000000"})
    assert wrong.status_code == 200
    assert 'id="code-error"' in wrong.text and "does not match" in wrong.text
    assert secret_on(wrong.text) == secret  # the same key again: the app already holds it
    assert db.session.scalar(select(func.count()).select_from(TotpFactor)) == 0
    done = client.post(ENROL, data={"enrolment": enrolment_field(wrong.text),
                                    "code": code_now(secret)})
    assert done.status_code == 302
    factor = db.session.execute(select(TotpFactor)).scalar_one()
    assert factor.user_id == member.id and factor.secret == secret


def test_an_empty_code_keeps_the_key_the_app_already_has(client, member, login_as):
    login_as(member)
    page = client.get(ENROL).text
    again = client.post(ENROL, data={"enrolment": enrolment_field(page), "code": ""})
    assert again.status_code == 200 and "Enter the code your app shows." in again.text
    assert secret_on(again.text) == secret_on(page)


def test_recovery_codes_are_shown_once_and_stored_hashed(client, member, login_as):
    login_as(member)
    page = client.get(ENROL).text
    client.post(ENROL, data={"enrolment": enrolment_field(page),
                             "code": code_now(secret_on(page))})
    shown = client.get(ENROL).text
    codes = re.findall(r"<li>((?:[0-9a-f]{5}-){3}[0-9a-f]{5})</li>", shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Recovery codes left: <strong>10</strong>" in shown
    assert not re.findall(r"<li>((?:[0-9a-f]{5}-){3}[0-9a-f]{5})</li>", client.get(ENROL).text)
    stored = set(db.session.execute(select(RecoveryCode.code_hash)).scalars())
    assert stored == {hash_token(code.replace("-", "")) for code in codes}


def test_a_forged_or_foreign_enrolment_is_refused(app, client, member, login_as):
    other = factories.make_user("other@example.org")
    db.session.commit()
    login_as(member)
    with app.test_request_context():
        foreign = two_factor.enrolment_token(other, factories.TOTP_SECRET)
    for token in (foreign, "not-signed", enrolment_field(client.get(ENROL).text) + "x"):
        response = client.post(ENROL, data={"enrolment": token, "code": code_now()})
        assert response.status_code == 200
        assert "too old" in response.text
    assert db.session.scalar(select(func.count()).select_from(TotpFactor)) == 0


def test_enrolling_signs_out_the_other_sessions(app, client, member, login_as):
    login_as(member)
    laptop = app.test_client()
    assert login(laptop, member).status_code == 302
    page = client.get(ENROL).text
    client.post(ENROL, data={"enrolment": enrolment_field(page),
                             "code": code_now(secret_on(page))})
    assert client.get("/").status_code == 200
    assert laptop.get("/").status_code == 302


# --- the code step --------------------------------------------------------------------------


def test_password_alone_does_not_sign_in_someone_enrolled(client, enrolled):
    response = password_step(client, enrolled)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    home = client.get("/")
    assert home.status_code == 302 and "/login" in home.location
    assert client.get("/login/code").status_code == 200
    done = client.post("/login/code", data={"code": code_now()})
    assert done.status_code == 302 and done.location == "/"
    assert client.get("/").status_code == 200


def test_the_code_step_keeps_next_and_remember(client, enrolled):
    client.post("/login", query_string={"next": "/profile"},
                data={"email": enrolled.email, "password": factories.PASSWORD, "remember": "y"})
    done = client.post("/login/code", data={"code": code_now()})
    assert done.location == "/profile"
    assert client.get_cookie("remember_token", domain="plc.test") is not None


def test_the_code_step_without_the_password_goes_back_to_sign_in(client, enrolled):
    response = client.post("/login/code", data={"code": code_now()})
    assert response.status_code == 302 and response.location.endswith("/login")


def test_the_half_signed_in_note_expires(client, enrolled, monkeypatch):
    password_step(client, enrolled)
    later = time.time() + sessions.PENDING_SECONDS + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    response = client.post("/login/code", data={"code": code_now()})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("code", ["000000", "12345", "abcde-fghij-00000-11111", "１２３４５６"])
def test_a_wrong_code_gets_the_generic_message_next_to_the_field(client, enrolled, code):
    password_step(client, enrolled)
    response = client.post("/login/code", data={"code": code})
    assert response.status_code == 200
    assert f'<div id="code-error" class="invalid-feedback">{two_factor.GENERIC_CODE_ERROR}' \
        in response.text
    assert failures() == 1
    assert client.get("/").status_code == 302


def test_a_code_is_not_taken_twice(app, client, enrolled):
    code = code_now()
    password_step(client, enrolled)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    thief = app.test_client()
    password_step(thief, enrolled)
    replay = thief.post("/login/code", data={"code": code})
    assert replay.status_code == 200 and two_factor.GENERIC_CODE_ERROR in replay.text
    # An older code than the last one used is no better.
    older = thief.post("/login/code", data={"code": code_now(steps_ahead=-1)})
    assert two_factor.GENERIC_CODE_ERROR in older.text
    # The next step's code still works (clock drift of one step is allowed).
    assert thief.post("/login/code", data={"code": code_now(steps_ahead=1)}).status_code == 302


def test_a_code_far_from_now_is_refused(client, enrolled):
    password_step(client, enrolled)
    for steps in (-3, 3):
        response = client.post("/login/code", data={"code": code_now(steps_ahead=steps)})
        assert two_factor.GENERIC_CODE_ERROR in response.text


def test_the_step_moves_once_even_when_two_requests_race(app, enrolled):
    """The conditional UPDATE decides: the second use of one code changes no row."""
    factor = db.session.execute(select(TotpFactor)).scalar_one()
    code = code_now()
    assert two_factor._use_totp(factor, code) is True
    assert two_factor._use_totp(factor, code) is False


def test_a_recovery_code_works_once(app, client, enrolled):
    codes = two_factor._new_recovery_codes(enrolled)
    db.session.commit()
    password_step(client, enrolled)
    used = client.post("/login/code", data={"code": codes[3].upper().replace("-", " ")})
    assert used.status_code == 302
    assert "9 left" in client.get("/").text
    again = app.test_client()
    password_step(again, enrolled)
    refused = again.post("/login/code", data={"code": codes[3]})
    assert refused.status_code == 200 and two_factor.GENERIC_CODE_ERROR in refused.text
    assert again.post("/login/code", data={"code": codes[4]}).status_code == 302


def test_another_persons_recovery_code_does_not_work(app, client, enrolled):
    other = factories.make_user("other@example.org")
    factories.enrol(other)
    codes = two_factor._new_recovery_codes(other)
    db.session.commit()
    password_step(client, enrolled)
    response = client.post("/login/code", data={"code": codes[0]})
    assert two_factor.GENERIC_CODE_ERROR in response.text


def test_deactivated_while_half_signed_in_cannot_finish(client, enrolled):
    password_step(client, enrolled)
    db.session.get(User, enrolled.id).active = False
    db.session.commit()
    response = client.post("/login/code", data={"code": code_now()})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/").status_code == 302


# --- throttling --------------------------------------------------------------------------------


def test_the_sixth_wrong_code_answers_429_even_with_the_right_one(app, client, enrolled):
    password_step(client, enrolled)
    for _ in range(5):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 200
    assert client.post("/login/code", data={"code": "000000"}).status_code == 429
    assert client.post("/login/code", data={"code": code_now()}).status_code == 429
    # A new password step in another browser does not reset the count.
    other = app.test_client()
    assert password_step(other, enrolled).status_code == 302
    assert other.post("/login/code", data={"code": code_now()}).status_code == 429


def test_wrong_codes_older_than_the_window_do_not_count(client, enrolled):
    for _ in range(5):
        db.session.add(SecondFactorFailure(
            user_id=enrolled.id, address="127.0.0.1",
            created_at=utcnow() - timedelta(seconds=15 * 60 + 1)))
    db.session.commit()
    password_step(client, enrolled)
    assert client.post("/login/code", data={"code": code_now()}).status_code == 302


# --- who must have it ---------------------------------------------------------------------------


def _unenrolled(world, role: str) -> User:
    db.session.execute(delete(TotpFactor).where(TotpFactor.user_id == world.users[role].id))
    db.session.commit()
    return world.users[role]


@pytest.mark.parametrize("role", ["site_admin", "program_lead"])
def test_without_a_second_factor_every_page_sends_them_to_enrol_first(app, world, role):
    """Every GET page of the permission matrix that the role may see (the admin and lead pages
    among them) answers with the enrolment page first."""
    _unenrolled(world, role)
    client = client_as(app, world, role)
    pages = [case for case in CASES
             if case.method == "GET" and case.expected[role] == OK
             and case.endpoint not in ("static", "bootstrap.static", "main.healthz",
                                       "main.favicon", "api.guide",
                                       "api.v1.openapi_document", "accounts.two_factor")
             and not case.endpoint.startswith("meetings.calendar_feed")]
    assert any(case.endpoint.startswith("admin.") or case.endpoint.startswith("programs.")
               for case in pages)
    for case in pages:
        response = client.get(case.url(world))
        assert response.status_code == 302, case.id
        assert response.location.endswith(ENROL), case.id
    assert client.get(ENROL).status_code == 200


def test_posts_are_sent_to_enrol_too(app, world):
    _unenrolled(world, "site_admin")
    client = client_as(app, world, "site_admin")
    response = client.post("/admin/organizations/new", data={"name": "Sneaky District"})
    assert response.status_code == 302 and response.location.endswith(ENROL)
    from plc.orgs.models import Organization

    assert db.session.scalar(select(func.count()).select_from(Organization)
                             .where(Organization.name == "Sneaky District")) == 0


def test_a_site_admin_signing_in_without_one_is_sent_to_enrol_and_then_gets_in(client, app):
    admin = factories.make_user("admin@example.org", admin=True)
    db.session.commit()
    assert login(client, admin).status_code == 302
    first = client.get("/admin/users")
    assert first.status_code == 302 and first.location.endswith(ENROL)
    page = client.get(ENROL).text
    assert "Your role" in page
    client.post(ENROL, data={"enrolment": enrolment_field(page),
                             "code": code_now(secret_on(page))})
    assert client.get("/admin/users").status_code == 200


def test_a_member_made_a_lead_is_sent_to_enrol_on_the_next_page(client, member, login_as):
    login_as(member)
    assert client.get("/").status_code == 200
    factories.make_program("Led Programme", lead=db.session.get(User, member.id))
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith(ENROL)


@pytest.mark.parametrize("setting, admin_must, lead_must", [
    ("", False, False), ("admins", True, False), ("leads", False, True),
    (" Admins , leads ", True, True),
])
def test_who_must_enrol_follows_the_setting(app, world, setting, admin_must, lead_must):
    app.config["REQUIRE_TOTP_FOR"] = setting
    for role, must in (("site_admin", admin_must), ("program_lead", lead_must)):
        _unenrolled(world, role)
        response = client_as(app, world, role).get("/")
        assert (response.status_code == 302) is must, (setting, role)
    assert client_as(app, world, "member_a").get("/").status_code == 200


def test_a_misspelt_role_stops_the_start():
    with pytest.raises(config.ConfigError, match="PLC_REQUIRE_TOTP_FOR"):
        config.required_roles("admins,facilitators")


# --- optional for everyone else; turning it off ----------------------------------------------


def test_a_member_is_not_asked_to_enrol(client, member, login_as):
    login_as(member)
    assert client.get("/").status_code == 200
    assert "Two-factor sign-in</a>: off" in client.get("/profile").text


def test_turning_it_off_needs_the_password_or_a_code(client, enrolled, login_as):
    login_as(enrolled)
    wrong = client.post("/account/two-factor/off", data={"proof": "not my password"})
    assert wrong.status_code == 200
    assert 'id="proof-error"' in wrong.text
    assert failures() == 1
    assert db.session.scalar(select(func.count()).select_from(TotpFactor)) == 1
    done = client.post("/account/two-factor/off", data={"proof": factories.PASSWORD})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(TotpFactor)) == 0
    client.post("/logout")
    assert password_step(client, enrolled).location == "/"  # the password alone again


def test_turning_it_off_with_a_current_code(client, enrolled, login_as):
    login_as(enrolled)
    factor = db.session.execute(select(TotpFactor)).scalar_one()
    factor.last_used_step = None
    db.session.commit()
    assert client.post("/account/two-factor/off",
                       data={"proof": code_now()}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(TotpFactor)) == 0


def test_a_required_role_cannot_turn_it_off(app, world):
    client = client_as(app, world, "site_admin")
    page = client.get(ENROL).text
    assert "Your role requires two-factor sign-in" in page
    response = client.post("/account/two-factor/off", data={"proof": factories.PASSWORD})
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(TotpFactor).where(
        TotpFactor.user_id == world.users["site_admin"].id)) == 1


# --- a lost phone and lost recovery codes ------------------------------------------------------


def test_the_server_operator_can_reset_a_lost_second_factor(app, client, second_factor_required):
    admin = factories.make_user("admin@example.org", admin=True)
    factories.enrol(admin)
    two_factor._new_recovery_codes(admin)
    db.session.commit()
    assert login(client, admin).status_code == 302
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plc", "reset-second-factor", "Admin@Example.org"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(TotpFactor)) == 0
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert client.get("/").status_code == 302  # signed out everywhere
    # Their next sign-in is the password, then setting a factor up again (a site admin).
    assert password_step(client, admin).location == "/"
    assert client.get("/admin/").location.endswith(ENROL)
    again = runner.invoke(args=["plc", "reset-second-factor", "admin@example.org"])
    assert again.exit_code != 0 and "has no second factor" in again.output
    nobody = runner.invoke(args=["plc", "reset-second-factor", "nobody@example.org"])
    assert nobody.exit_code != 0
