"""A member's first visit, in Chromium: keyboard-only sign-in, cohort, profile, sign-out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from tests import factories
from tests.browser.conftest import PHONE


@pytest.fixture
def member(live_server):
    with live_server.app.app_context():
        district = factories.make_org("Riverside District")
        school = factories.make_org("Hillcrest Elementary", parent=district)
        cohort = factories.make_cohort(factories.make_program("Leading Learning"), "Cohort Smoke")
        member = factories.make_user("ada@example.org", "Ada Lovelace", organization=school)
        factories.add_member(cohort, member)
        factories.add_member(cohort, factories.make_user(name="Grace Hopper"))
        db.session.commit()
        return {"email": member.email, "name": member.name, "cohort_id": cohort.id}


def tab_to(page, selector: str, max_tabs: int = 15) -> None:
    """Press Tab until ``selector`` has the focus (it may have it already, by autofocus)."""
    target = page.locator(selector)
    for _ in range(max_tabs):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus after {max_tabs} presses of Tab")


def sign_in_with_keyboard(checker, email: str) -> None:
    page = checker.page
    tab_to(page, "#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Tab")
    expect(page.locator("#remember")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    checker.press("Enter")


def test_member_journey_with_keyboard_sign_in(live_server, checker, member):
    page = checker.page
    checker.goto("/login")
    expect(page).to_have_title("Sign in · PLC")

    sign_in_with_keyboard(checker, member["email"])
    assert checker.path == "/"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {member['name']}")
    cohort_link = page.get_by_role("link", name="Cohort Smoke", exact=True)
    expect(cohort_link).to_be_visible()

    checker.click(cohort_link)
    assert checker.path == f"/cohorts/{member['cohort_id']}"
    roster = page.get_by_role("table", name="People in Cohort Smoke")
    expect(roster).to_be_visible()
    ada = roster.get_by_role("row").filter(has_text="Ada Lovelace")
    expect(ada).to_contain_text("Riverside District")
    expect(ada).to_contain_text("Hillcrest Elementary")
    expect(roster.get_by_role("row").filter(has_text="Grace Hopper")).to_be_visible()

    navbar = page.get_by_role("navigation", name="Main")
    checker.click(navbar.get_by_role("link", name="Ada Lovelace"))
    assert checker.path == "/profile"
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ada Lovelace")

    checker.click(page.get_by_role("button", name="Sign out"))
    assert checker.path == "/login"
    expect(page.get_by_role("status")).to_have_text("You are signed out.")

    checker.goto("/profile")
    assert checker.path == "/login"
    expect(page.get_by_role("status")).to_have_text("Please sign in to see that page.")


def test_phone_navbar_toggler_opens_the_menu(live_server, checker, member):
    page = checker.page
    page.set_viewport_size(PHONE)
    checker.goto("/login")
    sign_in_with_keyboard(checker, member["email"])

    menu = page.locator("#nav-main")
    toggler = page.get_by_role("button", name="Toggle navigation")
    sign_out = page.get_by_role("button", name="Sign out")
    expect(toggler).to_be_visible()
    expect(sign_out).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    toggler.click()
    expect(menu).to_have_class(re.compile(r"\bshow\b"))
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(sign_out).to_be_visible()
    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()

    checker.click(sign_out)
    assert checker.path == "/login"


def test_password_reset_by_email(live_server, checker, member):
    page = checker.page
    checker.goto("/login")
    checker.click(page.get_by_role("link", name="Forgot your password?"))
    assert checker.path == "/password-reset"
    page.get_by_label("E-mail").fill(member["email"])
    checker.click(page.get_by_role("button", name="Send the link"))
    assert checker.path == "/login"

    assert len(live_server.mail) == 1
    message = live_server.mail[0]
    assert message["To"] == member["email"]
    assert message["Subject"] == "Reset your PLC password"
    link = re.search(r"http\S+/password-reset/\S+", message.get_content())
    assert link, message.get_content()
    assert link.group(0).startswith(live_server.url + "/"), "e-mailed links use the live host"

    checker.goto(link.group(0))
    page.get_by_label("New password", exact=True).fill("a brand new password")
    page.get_by_label("Repeat the new password").fill("a brand new password")
    checker.click(page.get_by_role("button", name="Set my password"))
    assert checker.path == "/login"
    expect(page.get_by_role("status")).to_have_text("Your password is set. Please sign in.")

    page.get_by_label("E-mail").fill(member["email"])
    page.get_by_label("Password", exact=True).fill("a brand new password")
    checker.click(page.get_by_role("button", name="Sign in"))
    assert checker.path == "/"
