"""A site admin's first round, in Chromium: every admin page passes the page checker
(axe-core, labelled fields, no CSP or script errors, one title per page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from tests import factories
from tests.browser.conftest import sign_in


@pytest.fixture
def admin(live_server):
    with live_server.app.app_context():
        user = factories.make_user("root@example.org", "Rita Root", admin=True)
        factories.make_user("taken@example.org", "Tess Taken")
        db.session.commit()
        return user.email


def test_admin_sets_up_organizations_and_invites_a_user(live_server, checker, admin):
    page = checker.page
    sign_in(checker, admin)
    main_nav = page.get_by_role("navigation", name="Main")
    checker.click(main_nav.get_by_role("link", name="Administration"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")

    checker.click(page.get_by_role("link", name="Organizations"))
    checker.click(page.get_by_role("link", name="New district"))
    page.get_by_label("Name", exact=True).fill("Harbor City")
    checker.click(page.get_by_role("button", name="Create district"))
    checker.click(page.get_by_role("link", name="Add a school to Harbor City"))
    page.get_by_label("Name", exact=True).fill("Dockside Middle")
    checker.click(page.get_by_role("button", name="Create school"))
    table = page.get_by_role("table", name="Districts and their schools")
    expect(table).to_contain_text("Dockside Middle")

    checker.click(page.get_by_role("link", name="Rename or delete Harbor City"))
    checker.click(page.get_by_role("button", name="Delete Harbor City"))
    expect(page.get_by_role("status")).to_contain_text("still has schools")

    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    checker.click(breadcrumb.get_by_role("link", name="Administration"))
    checker.click(page.get_by_role("link", name="Users"))
    checker.click(page.get_by_role("link", name="Invite a new user"))
    page.get_by_label("E-mail", exact=True).fill("TAKEN@example.org")
    page.get_by_label("Name", exact=True).fill("Nia Newcomer")
    checker.click(page.get_by_role("button", name="Create and send invitation"))
    expect(page.locator("#email-error")).to_contain_text("already exists")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Nia Newcomer")

    page.get_by_label("E-mail", exact=True).fill("nia@example.org")
    organization = page.get_by_label("Organization", exact=True)
    organization.select_option(label="Harbor City — Dockside Middle")
    checker.click(page.get_by_role("button", name="Create and send invitation"))
    row = page.get_by_role("row").filter(has_text="Nia Newcomer")
    expect(row).to_contain_text("Invited, no password yet")
    expect(row).to_contain_text("Dockside Middle")

    checker.click(page.get_by_role("link", name="Nia Newcomer"))
    checker.click(page.get_by_role("button", name="Deactivate Nia Newcomer"))
    expect(page.get_by_role("status")).to_contain_text("deactivated")
    checker.click(page.get_by_role("button", name="Reactivate Nia Newcomer"))
    checker.click(page.get_by_role("button", name="Send a new invitation"))
    expect(page.get_by_role("status")).to_contain_text("new invitation")
