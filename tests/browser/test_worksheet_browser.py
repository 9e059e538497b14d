"""A member fills in a Baseline and a Mid-year worksheet in Chromium, choosing every rating
with the keyboard alone, and sees both on the growth page (table and chart). Every page passes
the page checker (axe-core, labelled fields, no console errors, one title per page)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from tests import factories
from tests.browser.conftest import sign_in, tab_into_next_radio_group


@pytest.fixture
def member(live_server):
    with live_server.app.app_context():
        framework = factories.make_framework("browser-framework", competencies=3)
        program = factories.make_program("PLC 2026-27")
        program.framework_id = framework.id
        # Both open today, so one visit can do both worksheets.
        factories.make_checkpoint(program, "Baseline", 1, date(2020, 1, 1), date(2099, 1, 1))
        factories.make_checkpoint(program, "Mid-year", 2, date(2020, 1, 1), date(2099, 1, 1))
        cohort = factories.make_cohort(program, "Cohort A")
        user = factories.make_user("mia@example.org", "Mia Member")
        factories.add_member(cohort, user)
        db.session.commit()
        return user.email


def rate_all_with_keyboard(page, arrow_presses: int, groups: int) -> None:
    """Entering an unchecked group focuses its first level; each ArrowRight moves on a level
    and checks it (native radio behaviour, no script). The worksheet shows one competency at
    a time (plc/static/js/worksheet.js): Enter on "Next" moves on, to the top 3 changes
    after the last."""
    page.get_by_role("heading", level=1).click()  # start from the top of the page
    name = None
    for _ in range(groups):
        name = tab_into_next_radio_group(page, name)
        for _ in range(arrow_presses):
            page.keyboard.press("ArrowRight")
        expect(page.locator(f"input[name='{name}']:checked")).to_have_count(1)
        page.get_by_role("button", name="Next").press("Enter")


def fill_worksheet(checker, checkpoint: str, arrow_presses: int, strengths: str) -> None:
    page = checker.page
    checker.click(page.get_by_role("link", name=f"Your worksheet for {checkpoint}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(checkpoint)
    # Submitting too early: every competency needs a rating, and typed text stays.
    page.get_by_label("Strengths").first.fill(strengths)
    checker.click(page.get_by_role("button", name="Submit"))
    expect(page.get_by_text("Choose a rating to submit.").first).to_be_visible()
    expect(page.get_by_label("Strengths").first).to_have_value(strengths)
    rate_all_with_keyboard(page, arrow_presses, groups=3)
    page.get_by_label("The change I want to make").first.fill("Give feedback weekly")
    checker.click(page.get_by_role("button", name="Submit"))
    expect(page.get_by_role("status").first).to_contain_text("submitted")
    checker.click(page.get_by_role("link", name="Home"))


def test_member_completes_two_worksheets_and_sees_growth(live_server, checker, member):
    page = checker.page
    sign_in(checker, member)
    fill_worksheet(checker, "Baseline", arrow_presses=1, strengths="Clear goals")  # 2s

    checker.click(page.get_by_role("link", name="Your worksheet for Mid-year"))
    expect(page.get_by_text("Last time (Baseline): 2 To some extent").first).to_be_visible()
    checker.click(page.get_by_role("link", name="Home"))
    fill_worksheet(checker, "Mid-year", arrow_presses=2, strengths="Coaching")  # 3s

    checker.click(page.get_by_role("link", name="My growth"))
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Baseline")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Mid-year")).to_be_visible()
    expect(table.get_by_role("row").nth(1)).to_contain_text("2 To some extent")
    expect(table.get_by_role("row").nth(1)).to_contain_text("3 Mostly")
    expect(table.get_by_role("row").nth(1)).to_contain_text("+1")
    chart = page.get_by_role("img", name="Ratings per competency across checkpoints")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline")).to_have_count(3)
    expect(chart).to_contain_text("Baseline")
    expect(chart).to_contain_text("Mid-year")

