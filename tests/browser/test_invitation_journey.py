"""The foundation's journey: a program lead creates a cohort and invites a member; the member
follows the e-mailed link in their own browser, sets their password and lands on the cohort."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from tests import factories
from tests.browser.conftest import DESKTOP, PageChecker, sign_in


@pytest.fixture
def lead(live_server):
    with live_server.app.app_context():
        user = factories.make_user("lead@example.org", "Lena Lead")
        factories.make_program("Leadership Competencies PLC 2026-27", lead=user)
        db.session.commit()
        return user.email


@pytest.fixture
def member_checker(browser, live_server):
    """A second person: a browser context of their own, no cookies shared with the lead."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    check = PageChecker(context.new_page(), live_server.url)
    yield check
    check.finish()
    context.close()


def invitation_link(live_server, to: str) -> str:
    message = next(m for m in reversed(live_server.mail) if m["To"] == to)
    match = re.search(r"https?://\S+/invitation/\S+", message.get_content())
    assert match, message.get_content()
    return match.group(0)


def test_lead_invites_a_member_who_joins_through_the_emailed_link(
    live_server, checker, member_checker, lead
):
    page = checker.page
    sign_in(checker, lead)
    checker.click(page.get_by_role("link", name="Leadership Competencies PLC 2026-27"))
    checker.click(page.get_by_role("link", name="New cohort"))
    page.get_by_label("Name", exact=True).fill("Cohort Harbor")
    checker.click(page.get_by_role("button", name="Create cohort"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohort Harbor")

    checker.click(page.get_by_role("link", name="Invite someone"))
    page.get_by_label("E-mail", exact=True).fill("mo.member@example.org")
    page.get_by_label("Name", exact=True).fill("Mo")
    checker.click(page.get_by_role("button", name="Invite"))
    expect(page.get_by_role("row").filter(has_text="Mo")).to_contain_text("Invited")

    link = invitation_link(live_server, "mo.member@example.org")
    assert link.startswith(live_server.url)
    member = member_checker.page
    member_checker.goto(link)
    expect(member.get_by_label("Your name")).to_have_value("Mo")
    member.get_by_label("Your name").fill("Mo Member")
    member.get_by_label("New password", exact=True).fill("a long new password")
    member.get_by_label("Repeat the new password").fill("a long new password")
    member_checker.click(member.get_by_role("button", name="Create my account"))

    expect(member.get_by_role("heading", level=1)).to_have_text("Cohort Harbor")
    assert member_checker.path.startswith("/cohorts/")
    expect(member.get_by_role("row").filter(has_text="Mo Member")).to_contain_text("Member")

    # The link is single use: opened again, it no longer sets a password.
    member_checker.goto(link, status=404)
    expect(member.get_by_role("heading", level=1)).to_contain_text("expired")

    # The lead sees the member has joined: no longer marked as invited.
    checker.goto(page.url)
    expect(page.get_by_role("row").filter(has_text="Mo Member")).not_to_contain_text("Invited")
