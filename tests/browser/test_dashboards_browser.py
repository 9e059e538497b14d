"""A facilitator opens the cohort dashboard, filters to "Needs a nudge", nudges two members
with an edited message, and each of them finds the nudge on their notifications page. Every
page passes the page checker (axe-core, labelled fields, no console errors, one title each)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from tests.browser.conftest import sign_in
from tests.dashboards import seed


@pytest.fixture
def known(live_server):
    with live_server.app.app_context():
        known = seed.build()
        ids = {"cohort": known.cohort.id, "facilitator": known.facilitator.email,
               "ben": known.people["Ben"].email, "eve": known.people["Eve"].email,
               "ann": known.people["Ann"].email, "lead": known.lead.email,
               "program": known.program.id}
        db.session.commit()
        return ids


def sign_out(checker) -> None:
    checker.click(checker.page.get_by_role("button", name="Sign out"))


def test_facilitator_nudges_two_members_who_see_it(live_server, checker, known):
    page = checker.page
    sign_in(checker, known["facilitator"])
    checker.goto(f"/cohorts/{known['cohort']}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.get_by_role("button", name="Apply")).to_be_hidden()  # filters apply at once
    checker.navigate(lambda: page.get_by_label("Show").select_option("nudge"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(4)  # Ann has no flag
    expect(page.get_by_role("row", name="Ben Member")).to_contain_text(
        "missed the last 2 meetings")
    expect(page.locator("#nudge-count")).to_have_text("No member selected yet.")
    page.get_by_label("Select Ben Member").check()
    page.get_by_label("Select Eve Member").check()
    expect(page.locator("#nudge-count")).to_have_text("2 members selected.")
    page.get_by_label("Message").fill("Please post an update before Thursday.")
    checker.click(page.get_by_role("button", name="Send nudge"))
    expect(page.get_by_text("Nudge sent to Ben Member, Eve Member.")).to_be_visible()
    # Still filtered, and the nudge shows as sent today.
    expect(page.get_by_label("Show")).to_have_value("nudge")
    expect(page.get_by_role("row", name="Eve Member").locator("time")).to_have_count(1)
    sign_out(checker)

    for who in ("ben", "eve"):
        sign_in(checker, known[who])
        checker.goto("/notifications")
        expect(page.get_by_text("Please post an update before Thursday.")).to_be_visible()
        sign_out(checker)

    sign_in(checker, known["ann"])
    checker.goto("/notifications")
    expect(page.get_by_text("Please post an update before Thursday.")).to_have_count(0)


def test_facilitator_nudges_every_flagged_member_with_one_selection(live_server, checker,
                                                                     known):
    page = checker.page
    sign_in(checker, known["facilitator"])
    checker.goto(f"/cohorts/{known['cohort']}/dashboard")
    page.get_by_role("link", name="Select all 4 flagged members").click()  # ticks in place
    expect(page.locator("#nudge-count")).to_have_text("4 members selected.")
    expect(page.get_by_label("Select Ann Member")).not_to_be_checked()  # Ann has no flag
    page.get_by_label("Message").fill("A word from your facilitator.")
    checker.click(page.get_by_role("button", name="Send nudge"))
    expect(page.get_by_text(
        "Nudge sent to Ben Member, Cat Member, Dan Member, Eve Member.")).to_be_visible()


def test_facilitator_reads_growth_and_lead_reads_participation_on_a_phone(live_server,
                                                                        checker, known):
    page = checker.page
    sign_in(checker, known["facilitator"])
    checker.goto(f"/cohorts/{known['cohort']}/dashboard")
    checker.click(page.get_by_role("link", name="Cohort growth"))
    expect(page.get_by_role("table", name="Barriers by kind")).to_be_visible()
    sign_out(checker)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(checker, known["lead"])
    checker.goto(f"/programs/{known['program']}/dashboard")
    expect(page.get_by_role("heading", name="By district")).to_be_visible()
    checker.click(page.get_by_role("link", name="Known", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Participation")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("participation-known-")
