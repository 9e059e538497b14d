"""The navigation on a 390 px phone: the unread count stays in sight beside the folded menu,
and without JavaScript (Bootstrap's menu button cannot unfold anything) the menu is simply
shown, so every page stays reachable."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from plc.notifications.models import NUDGE, Notification
from tests import factories
from tests.browser.conftest import PHONE, sign_in


@pytest.fixture
def member(live_server):
    with live_server.app.app_context():
        user = factories.make_user("nina@example.org", "Nina Phone")
        db.session.add_all([Notification(user_id=user.id, kind=NUDGE, text="Hello")
                            for _ in range(2)])
        db.session.commit()
        return user.email


def test_the_unread_count_stays_in_sight_beside_the_folded_menu(checker, member):
    page = checker.page
    page.set_viewport_size(PHONE)
    sign_in(checker, member)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Home")).to_be_hidden()  # folded
    unread = nav.get_by_role("link", name="2 unread", exact=True)
    expect(unread).to_be_visible()
    nav.get_by_role("button", name="Toggle navigation").click()
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    checker.click(unread)
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_without_javascript_the_menu_is_shown(browser, live_server, member):
    # axe-core needs JavaScript: this page is checked with it in the test above.
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/login")
        page.get_by_label("E-mail").fill(member)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("button", name="Toggle navigation")).to_be_hidden()
        expect(nav.get_by_role("link", name="Home")).to_be_visible()
        expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
        nav.get_by_role("link", name="2 unread", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    finally:
        context.close()
