"""Pages of issues 15, 17 and 18 that no other journey visits, on a laptop and on a 390 px
phone: a program lead reads the programme's stakeholder-voice counts and closes the year; a
site admin finds that act in the audit log and opens a district's sign-in settings. Every page
passes the page checker (axe-core: no serious or critical violation, labelled fields, no CSP
errors), and on the phone nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, sign_in

SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def ids(live_server):
    with live_server.app.app_context():
        factories.make_user("ada.admin@example.org", "Ada Admin", admin=True)
        district = factories.make_org("North District")
        lead = factories.make_user("lee@example.org", "Lee Lead")
        program = factories.make_program("Leading Learning 2026-27", lead=lead)
        factories.make_cohort(program, "North Cohort")
        db.session.commit()
        return program.id, district.id


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") == width


@pytest.mark.parametrize("size", SIZES)
def test_a_lead_closes_the_year_and_an_admin_reads_it_in_the_audit_log(live_server, checker,
                                                                       ids, size):
    program_id, district_id = ids
    page = checker.page
    page.set_viewport_size(SIZES[size])
    width = SIZES[size]["width"]
    sign_in(checker, "lee@example.org")
    checker.goto(f"/programs/{program_id}/voice")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stakeholder voice")
    fits(page, width)

    checker.goto(f"/programs/{program_id}/close")
    fits(page, width)
    checker.click(page.get_by_role("button", name="Close the year"))  # not confirmed
    expect(page.get_by_text("Tick the box to confirm").first).to_be_visible()
    page.get_by_label("I understand", exact=False).check()
    checker.click(page.get_by_role("button", name="Close the year"))
    expect(page.get_by_role("note")).to_contain_text("Leading Learning 2026-27 is closed")
    fits(page, width)
    page.context.clear_cookies()

    sign_in(checker, "ada.admin@example.org")
    checker.goto("/admin/audit")
    row = page.get_by_role("row").filter(has_text="Programme year closed")
    expect(row).to_contain_text("Lee Lead")
    fits(page, width)

    checker.goto(f"/admin/organizations/{district_id}/sign-in")
    expect(page.get_by_label("Issuer", exact=False)).to_be_visible()
    fits(page, width)
