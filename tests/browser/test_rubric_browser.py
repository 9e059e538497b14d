"""The rubric page in Chromium, on a desktop and on a 390px phone, through the page checker
(axe-core, labelled fields, no console or CSP errors)."""

from __future__ import annotations

from playwright.sync_api import expect

from plc.extensions import db
from plc.rubrics import queries, services
from tests import factories
from tests.browser.conftest import PHONE, sign_in


def test_rubric_page_on_desktop_and_phone(live_server, checker):
    with live_server.app.app_context():
        services.ensure_bundled_frameworks()
        user = factories.make_user("reader@example.org", "Rita Reader")
        db.session.commit()
        framework_id = queries.newest_version(services.DEFAULT_KEY).id
        email = user.email
    page = checker.page
    sign_in(checker, email)
    checker.goto(f"/frameworks/{framework_id}")
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("each competency described at each level")
    expect(page.get_by_role("rowheader")).to_have_count(7)
    header = page.get_by_role("columnheader", name="Role model (4)")
    expect(header).to_be_visible()
    first_row = page.locator(".rubric-row").first
    desktop_box = first_row.bounding_box()

    page.set_viewport_size(PHONE)
    checker.goto(f"/frameworks/{framework_id}")
    # Stacked: the competency row is a card no wider than the screen, its cells one under
    # another, each naming its level since the column headers are hidden.
    # The column headers stay for screen readers but take no room (visually hidden).
    assert page.locator(".rubric-table thead").bounding_box()["width"] <= 1
    card = page.locator(".rubric-row").first
    box = card.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] > desktop_box["height"]
    cells = card.locator(".rubric-cell")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1
    expect(cells.nth(3).locator(".rubric-cell-level")).to_have_text("Role model (4)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
