"""One unit of work per request (plc/unit_of_work.py): a request's writes are committed once,
after its view returns; a refusal, an exception or a failed commit leaves nothing written and
sends no mail; a GET writes nothing; the failed sign-in record is the one write kept although
the request is refused."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import flash, redirect, request
from sqlalchemy import event, func, select

from plc.accounts.services import GENERIC_LOGIN_ERROR
from plc.api.models import ApiToken
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.feedback.services import STALE
from plc.mail import outbox
from plc.mail.models import OutboxMessage
from plc.orgs.models import Organization
from plc.unit_of_work import job_transaction, refusal_flashed
from tests import factories
from tests.conftest import login
from tests.permission_world import World
from tests.security.snapshot import database_snapshot, differences
from tests.test_permissions import client_as

# --- a refused form, in every area ------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """A post as ``role`` that a service refuses (``says`` is shown), in one area."""

    role: str
    url: Callable[[World], str]
    data: Callable[[World], dict]
    says: str
    by_service: bool = True  # False: the view refuses before any service is asked


def _revoked_token(w: World) -> dict:
    token = ApiToken(user_id=w.users["member_a"].id, name="Old laptop", token_hash="0" * 64,
                     revoked_at=utcnow())
    db.session.add(token)
    db.session.commit()
    return {"token_id": str(token.id)}


def _invalid_framework(_w: World) -> dict:
    return {"file": (io.BytesIO(b"key: broken\nname: No levels\n"), "broken.yaml")}


REFUSED = {
    "accounts": Refused(
        "member_a", lambda w: "/account/password",
        lambda w: {"current_password": "not my password", "password": "a brand new passphrase",
                   "confirm": "a brand new passphrase"},
        "That is not your current password."),
    "admin": Refused(
        "site_admin", lambda w: "/admin/organizations/new",
        lambda w: {"name": w.district.name}, "is already used"),
    "programs": Refused(
        "program_lead", lambda w: f"/programs/{w.program.id}/cohorts/new",
        lambda w: {"name": w.cohort_a.name, "description": "Again"},
        "This programme already has a cohort with this name."),
    "assessments": Refused(
        "program_lead", lambda w: f"/programs/{w.program.id}/checkpoints/new",
        lambda w: {"name": w.checkpoint.name, "opens_on": "2027-03-01",
                   "closes_on": "2027-04-01"},
        "Another checkpoint already has this name."),
    "plans": Refused(
        "member_a", lambda w: f"/plans/{w.plan_a.id}/share",
        lambda w: {"visibility": "facilitators", "version": str(w.plan_a.version + 1)},
        "Not saved: this plan was changed somewhere else"),
    "feedback": Refused(
        "member_a", lambda w: f"/comments/{w.comment_a.id}/edit",
        lambda w: {"body": "Edited words", "kind": "", "version": str(w.comment_a.version + 1)},
        STALE),
    "meetings": Refused(
        "facilitator_a", lambda w: f"/meetings/{w.meeting_a.id}/cancel",
        lambda w: {"version": str(w.meeting_a.version + 1)},
        "Someone changed this meeting while you were looking at it."),
    "dashboards": Refused(
        "facilitator_a", lambda w: f"/cohorts/{w.cohort_a.id}/nudges",
        lambda w: {"user_ids": str(w.users["member_a"].id), "message": "   "},
        "Write a message to send."),
    "api tokens": Refused(
        "member_a", lambda w: "/account/api-tokens/revoke", _revoked_token,
        "That token was already revoked."),
    # The upload page lists an invalid file's problems before the service is asked (the
    # service would refuse it the same way).
    "rubrics": Refused(
        "site_admin", lambda w: "/admin/frameworks/upload", _invalid_framework,
        "The file was not imported; nothing was saved.", by_service=False),
}


@pytest.fixture
def write_before_the_service(app):
    """Once armed, each POST writes before its view runs. It stands for a service that wrote
    before it refused, which the refusal must undo too (the product's services check before
    they write, so none does it on its own)."""
    armed = []

    @app.before_request
    def write():
        if armed and request.method == "POST":
            _write()

    return lambda: armed.append(True)


@pytest.mark.own_app
@pytest.mark.parametrize("area", REFUSED)
def test_a_refused_form_leaves_the_database_untouched(app, world, write_before_the_service,
                                                      area):
    case = REFUSED[area]
    if case.by_service:
        write_before_the_service()
    client = client_as(app, world, case.role)
    data = case.data(world)
    db.session.expire_all()
    before = database_snapshot()

    response = client.post(case.url(world), data=data)
    if response.status_code == 302:  # refused with a flash: it shows on the page gone back to
        response = client.get(response.location)

    assert response.status_code in (200, 422)
    assert case.says in html.unescape(response.text)
    db.session.expire_all()
    assert differences(before, database_snapshot()) == []


# --- the failed sign-in: kept although refused ---------------------------------------------------


def test_a_refused_sign_in_keeps_its_failure_record_and_nothing_else(app, client):
    member = factories.make_user("member@example.org")
    db.session.commit()
    before = database_snapshot()

    response = login(client, member, "not the password")

    assert response.status_code == 200
    assert GENERIC_LOGIN_ERROR in html.unescape(response.text)
    db.session.expire_all()
    found = differences(before, database_snapshot())
    assert len(found) == 1 and found[0].startswith("login_failures: added [(")
    assert "member@example.org" in found[0]


# --- the mechanism, on routes of the test's own -------------------------------------------------


def _write() -> None:
    factories.make_org("Written in the request")


def _written() -> bool:
    db.session.expire_all()
    return db.session.execute(
        select(func.count()).select_from(Organization)
        .where(Organization.name == "Written in the request")).scalar_one() > 0


def _refused_after_writing():
    with refusal_flashed():
        _write()
        raise DomainError("Refused after a write.")
    return "refused"


def _raises_after_writing():
    _write()
    raise RuntimeError("a bug after the service wrote")


def _commit_fails():
    _write()
    outbox.queue("someone@example.org", "Saved", "This must never be sent.")
    db.session.add(Organization(name=None, kind="district"))  # NOT NULL: the commit fails
    flash("Saved.", "success")
    return redirect("/login")


def _get_writes():
    _write()
    return "written"


COMMITS: list[str] = []


def _succeeds():
    COMMITS.append("view started")
    _write()
    COMMITS.append("view returned")
    return "done"


@pytest.fixture
def routes(app):
    for rule, view, methods in [
        ("/uow/refused", _refused_after_writing, ["POST"]),
        ("/uow/raises", _raises_after_writing, ["POST"]),
        ("/uow/commit-fails", _commit_fails, ["POST"]),
        ("/uow/get-writes", _get_writes, ["GET"]),
        ("/uow/succeeds", _succeeds, ["POST"]),
    ]:
        app.add_url_rule(rule, view.__name__, view, methods=methods)
    return app.test_client()


@pytest.mark.own_app
def test_a_refusal_rolls_back_what_the_service_wrote_and_flashes_it(routes):
    response = routes.post("/uow/refused")
    assert response.status_code == 200 and response.text == "refused"
    assert not _written()
    with routes.session_transaction() as session:
        assert session["_flashes"] == [("error", "Refused after a write.")]


@pytest.mark.own_app
def test_an_exception_after_a_write_rolls_it_back_and_shows_the_error_page(routes):
    response = routes.post("/uow/raises")
    assert response.status_code == 500
    assert "Nothing was saved" in response.text
    assert not _written()


@pytest.mark.own_app
def test_a_failed_commit_is_an_error_page_with_no_success_message_and_no_mail(app, routes):
    response = routes.post("/uow/commit-fails")

    assert response.status_code == 500, "never the success redirect"
    assert "Saved." not in response.text
    assert not _written()
    assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 0
    assert not list(Path(app.config["MAIL_DIR"]).glob("*.eml"))
    with routes.session_transaction() as session:
        assert not session.get("_flashes"), "the next page must not say it was saved either"


@pytest.mark.own_app
def test_a_get_commits_nothing_even_if_its_view_writes(routes):
    response = routes.get("/uow/get-writes")
    assert response.status_code == 200
    assert not _written()


@pytest.mark.own_app
def test_a_post_commits_once_after_its_view_returned(routes):
    COMMITS.clear()

    def committed(_session):
        COMMITS.append("commit")

    event.listen(db.session, "after_commit", committed)
    try:
        response = routes.post("/uow/succeeds")
    finally:
        event.remove(db.session, "after_commit", committed)

    assert response.status_code == 200
    assert COMMITS[COMMITS.index("view started"):] == ["view started", "view returned", "commit"]
    assert _written()


# --- jobs ------------------------------------------------------------------------------------


def test_a_jobs_transaction_is_rolled_back_if_it_raises_and_committed_when_it_ends(app):
    with pytest.raises(RuntimeError), job_transaction():
        _write()
        raise RuntimeError("the job failed half-way")
    assert not _written()

    with job_transaction():
        _write()
    db.session.rollback()  # what the block committed stays
    assert _written()
