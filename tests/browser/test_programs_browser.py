"""A program lead sets up a year in Chromium: programme, cohort, an invitation and a roster
import with a mistake fixed on the way. Every page passes the page checker (axe-core,
labelled fields, no CSP or script errors, one title per page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from tests import factories
from tests.browser.conftest import sign_in

ROSTER = (
    "Name,E-mail,District,School,Role\n"
    "Ana Alvarez,ana@example.org,Riverside Unified,Oak Street Elementary,member\n"
    "Ben Brooks,ben@example,Riverside Unified,,member\n"
    "Chloe Chen,chloe@example.org,Harbor City,Dockside Middle,facilitator\n"
)


@pytest.fixture
def lead(live_server):
    with live_server.app.app_context():
        user = factories.make_user("lead@example.org", "Lena Lead")
        factories.make_program("PLC 2026-27", lead=user)
        factories.make_org("Riverside Unified")
        db.session.commit()
        return user.email


def test_lead_sets_up_a_programme_and_its_roster(live_server, checker, lead):
    page = checker.page
    sign_in(checker, lead)
    checker.click(page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programmes"))
    checker.click(page.get_by_role("link", name="New programme"))
    page.get_by_label("Name", exact=True).fill("PLC 2027-28")
    page.get_by_label("Start date").fill("2027-09-01")
    page.get_by_label("End date").fill("2027-08-01")
    page.get_by_label("Time zone").select_option("America/Chicago")
    checker.click(page.get_by_role("button", name="Create programme"))
    expect(page.locator("#ends_on-error")).to_contain_text("after the start date")
    page.get_by_label("End date").fill("2028-06-30")
    checker.click(page.get_by_role("button", name="Create programme"))
    expect(page.get_by_role("heading", level=1)).to_have_text("PLC 2027-28")
    expect(page.get_by_role("main")).to_contain_text("Lena Lead")

    checker.click(page.get_by_role("link", name="New cohort"))
    page.get_by_label("Name", exact=True).fill("Cohort A")
    checker.click(page.get_by_role("button", name="Create cohort"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohort A")

    checker.click(page.get_by_role("link", name="Invite someone"))
    page.get_by_label("E-mail", exact=True).fill("fay@example.org")
    page.get_by_label("Name", exact=True).fill("Fay Facilitator")
    page.get_by_label("Role in the cohort").select_option("facilitator")
    checker.click(page.get_by_role("button", name="Invite"))
    expect(page.get_by_role("status")).to_contain_text("invitation is on its way")
    expect(page.get_by_role("row").filter(has_text="Fay Facilitator")).to_contain_text("Invited")

    checker.click(page.get_by_role("link", name="Import a roster (CSV)"))
    upload = page.get_by_label("Roster file (CSV)")
    upload.set_input_files(files=[{"name": "roster.csv", "mimeType": "text/csv",
                                   "buffer": ROSTER.encode()}])
    checker.click(page.get_by_role("button", name="Check the file"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Row 3: e-mail 'ben@example' is not a valid address.")

    fixed = ROSTER.replace("ben@example,", "ben@example.org,")
    page.get_by_label("Roster file (CSV)").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": fixed.encode()}])
    checker.click(page.get_by_role("button", name="Check the file"))
    preview = page.get_by_role("table", name="Every row of the file")
    expect(preview.get_by_role("row").filter(has_text="Ana Alvarez")).to_contain_text("(found)")
    checker.click(page.get_by_role("button", name="Import 3 rows"))
    expect(page.get_by_role("status")).to_contain_text("3 added, 0 already in the cohort.")

    ana = page.get_by_role("row").filter(has_text="Ana Alvarez")
    expect(ana).to_contain_text("Oak Street Elementary")
    checker.click(ana.get_by_role("button", name="Make facilitator Ana Alvarez"))
    expect(page.get_by_role("row").filter(has_text="Ana Alvarez")).to_contain_text("Facilitator")
    checker.click(page.get_by_role("row").filter(has_text="Ben Brooks").get_by_role(
        "button", name="Remove Ben Brooks from the cohort"))
    expect(page.get_by_role("status")).to_contain_text("Ben Brooks is no longer in Cohort A")

    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    checker.click(breadcrumb.get_by_role("link", name="PLC 2027-28"))
    cohorts = page.get_by_role("table", name="Cohorts of PLC 2027-28")
    expect(cohorts.get_by_role("row").filter(has_text="Cohort A")).to_contain_text("3")
    assert len(live_server.mail) >= 4  # Fay's invitation and one per imported person
