"""Privacy in Chromium: a facilitator opens a member's worksheet and the member sees it under
"Who has seen this"; the member prepares "My data" and the page (its script, without a reload)
follows the progress until the download is offered; a site admin previews and confirms an
erasure. Every page passes the page checker (axe-core, labelled fields, no CSP or script
errors)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from plc.privacy import exports
from tests import factories
from tests.browser.conftest import sign_in


@pytest.fixture
def people(live_server, world):
    admin = factories.make_user("eraser@example.org", "Erin Eraser", admin=True)
    found = {"admin": admin.email, "member_b": world.users["member_b"].id,
             "assessment": world.assessment_a.id}
    db.session.commit()  # the live server's threads need the write lock
    return found


def test_who_has_seen_my_data_and_erasure(live_server, checker, people):
    page = checker.page
    sign_in(checker, "facilitator_a@example.org")
    checker.goto(f"/assessments/{people['assessment']}")
    expect(page.get_by_role("heading", name="Who has seen this")).to_have_count(0)
    page.context.clear_cookies()

    sign_in(checker, "member_a@example.org")
    checker.goto(f"/assessments/{people['assessment']}")
    seen = page.get_by_role("region", name="Who has seen this")
    expect(seen).to_contain_text("Facilitator A, facilitator of your cohort")

    checker.goto("/profile")
    checker.click(page.get_by_role("link", name="My data"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My data")
    checker.click(page.get_by_role("button", name="Prepare a new export"))
    expect(page.get_by_text("Waiting to start: 0 of 9 parts done.")).to_be_visible()
    # Built in the background (here by the job, as `flask plc run-exports` would): the page,
    # not reloaded, follows it until it offers the download.
    assert exports.run_pending() == 1
    download = page.get_by_role("link", name="Download my data (ZIP)")
    expect(download).to_be_visible()
    assert checker.path == "/account/my-data" and len(checker.unchecked) == 0
    with page.expect_download() as arrived:
        download.click()
    assert arrived.value.suggested_filename.endswith(".zip")
    page.set_viewport_size({"width": 390, "height": 800})
    checker.goto("/account/my-data")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.clear_cookies()

    sign_in(checker, people["admin"])
    checker.goto(f"/admin/users/{people['member_b']}")
    checker.click(page.get_by_role("link", name="Erase Member B…"))
    preview = page.get_by_role("table", name="What the erasure removes or keeps")
    expect(preview).to_contain_text("Worksheets (self-assessments)")
    checker.click(page.get_by_role("button", name="Erase Member B"))
    expect(page.get_by_text("Tick the box to confirm the erasure.")).to_be_visible()
    page.get_by_label("I have checked the request").check()
    checker.click(page.get_by_role("button", name="Erase Member B"))
    expect(page.get_by_text("The person is erased")).to_be_visible()
