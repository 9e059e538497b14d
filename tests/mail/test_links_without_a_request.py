"""Services build no URLs: the mail they queue links to where the site lives (plc/links.py),
so a write that sends mail works from a job as well as from a request. These run as a job on
an install would: an app context, no request, BASE_URL set (before, the services' own
url_for(_external=True) ignored BASE_URL: it took SERVER_NAME, or raised RuntimeError)."""

from __future__ import annotations

from datetime import date, time

import pytest
from flask import has_request_context
from sqlalchemy import select

from plc.accounts import services as account_services
from plc.accounts.models import NOTIFY_EACH
from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.meetings import services as meeting_services
from plc.notifications import services as notification_services
from plc.notifications.models import NUDGE
from plc.programs import services as program_services
from tests import factories

SITE = "https://plc.example.org"


@pytest.fixture
def job(app):
    """The app as a job sees it: BASE_URL configured, no request."""
    app.config["BASE_URL"] = SITE
    assert not has_request_context()
    return app


def mail_to(address: str) -> str:
    return db.session.execute(
        select(OutboxMessage.body).where(OutboxMessage.to_addr == address)
        .order_by(OutboxMessage.id.desc())
    ).scalars().first()


def test_a_password_reset_links_to_the_site(job, world):
    account_services.request_reset("member_a@example.org")
    assert f"{SITE}/password-reset/" in mail_to("member_a@example.org")


def test_an_invitation_links_to_the_site(job, world):
    account_services.invite_user(world.users["facilitator_a"], world.pending, world.cohort_a)
    assert f"{SITE}/invitation/" in mail_to("pending@example.org")


def test_joining_a_cohort_links_to_it(job, world):
    program_services.invite_to_cohort(
        world.users["program_lead"], world.cohort_b, email="member_a@example.org",
        name="Member A", role="member", organization_id=None)
    assert f"{SITE}/cohorts/{world.cohort_b.id}" in mail_to("member_a@example.org")


def test_a_new_meeting_links_to_it(job, world):
    meeting = meeting_services.schedule_meeting(
        world.users["facilitator_a"], world.cohort_a, title="Planning", day=date(2027, 3, 4),
        start=time(16), duration_minutes=60, place=meeting_services.Place("Room 101"))
    assert f"{SITE}/meetings/{meeting.id}" in mail_to("member_a@example.org")


def test_a_notification_links_to_what_it_is_about_and_to_the_profile(job, world):
    person = factories.make_user("told@example.org", "Told Person")
    person.notify = NOTIFY_EACH
    notification_services.notify(person, NUDGE, actor=world.users["facilitator_a"],
                                 text="Post your update", urgent=True)
    body = mail_to("told@example.org")
    assert f"See it: {SITE}/\n" in body
    assert f"{SITE}/profile" in body


def test_a_forged_host_header_does_not_move_a_reset_link(app, world):
    """With BASE_URL set, the request's Host header is not where the link points: else
    whoever asks for someone else's reset could send them a link to their own server."""
    app.config["BASE_URL"] = SITE
    client = app.test_client()
    response = client.post("/password-reset", data={"email": "member_a@example.org"},
                           headers={"Host": "evil.example"})
    assert response.status_code in (302, 303)
    body = mail_to("member_a@example.org")
    assert f"{SITE}/password-reset/" in body and "evil.example" not in body
