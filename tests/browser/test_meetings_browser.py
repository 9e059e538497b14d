"""The meetings journey in Chromium: a facilitator schedules a monthly series, builds an
agenda with a presenter, and takes attendance for 25 members with the keyboard alone (Tab,
arrow keys, Space, Enter); a member then signs in and sees their own record. Every page passes
the page checker (axe-core, labelled fields, no CSP or script errors, one title per page)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from plc.extensions import db
from plc.meetings.models import Attendance
from plc.programs.models import FACILITATOR
from tests import factories
from tests.browser.conftest import sign_in, tab_into_next_radio_group

MEMBERS = 25
# How each member's group is answered from its first radio (Present): Space checks it; each
# ArrowRight moves on one choice and checks it (native radios, no script).
LATE, EXCUSED, ABSENT = 3, 7, 11  # member numbers with another answer than present
ARROWS = {LATE: 1, EXCUSED: 2, ABSENT: 3}


@pytest.fixture
def cohort(live_server):
    with live_server.app.app_context():
        program = factories.make_program("PLC 2026-27")
        cohort = factories.make_cohort(program, "Cohort A")
        facilitator = factories.make_user("fay@example.org", "Fay Facilitator")
        factories.add_member(cohort, facilitator, FACILITATOR)
        for n in range(1, MEMBERS + 1):
            factories.add_member(cohort, factories.make_user(
                f"member{n:02d}@example.org", f"Member {n:02d}"))
        db.session.commit()
        return cohort.id


def schedule_series(checker, cohort_id: int) -> None:
    page = checker.page
    checker.goto(f"/cohorts/{cohort_id}/meetings")
    checker.click(page.get_by_role("link", name="Schedule a monthly series"))
    today = date.today()
    page.get_by_label("Title").fill("Monthly PLC")
    page.get_by_label("Week of the month").select_option("2")
    page.get_by_label("Day", exact=True).select_option("1")
    page.get_by_label("Starts at").fill("16:00")
    page.get_by_label("From").fill((today - timedelta(days=70)).isoformat())
    page.get_by_label("Until").fill((today + timedelta(days=90)).isoformat())
    page.get_by_label("Place").fill("Library, Lincoln Middle School")
    checker.click(page.get_by_role("button", name="Schedule the series"))
    expect(page.get_by_role("status")).to_contain_text("The series is scheduled")


def build_agenda(checker) -> None:
    page = checker.page
    checker.click(page.get_by_role("link", name="Add an agenda item"))
    page.get_by_label("Title").fill("Consultancy on a plan")
    page.get_by_label("Minutes").fill("40")
    page.get_by_label("Protocol", exact=True).select_option("consultancy")
    page.get_by_label("Materials").fill("https://example.org/consultancy.pdf\nPrinted handout")
    page.get_by_label("Member 05").check()
    checker.click(page.get_by_role("button", name="Save the item"))
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda).to_contain_text("Consultancy on a plan")
    expect(agenda).to_contain_text("Presenting: Member 05")
    expect(agenda.get_by_role("link", name="https://example.org/consultancy.pdf")).to_be_visible()


def take_attendance_with_keyboard(checker) -> None:
    page = checker.page
    checker.click(page.get_by_role("link", name="Take attendance"))
    expect(page.locator("fieldset")).to_have_count(MEMBERS)
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)  # none chosen yet
    expect(page.get_by_role("group", name="Member 01")).to_be_visible()  # fieldset + legend
    page.get_by_role("heading", level=1).click()  # start from the top of the page
    name = None
    for n in range(1, MEMBERS + 1):
        name = tab_into_next_radio_group(page, name)
        if n in ARROWS:
            for _ in range(ARROWS[n]):
                page.keyboard.press("ArrowRight")
        else:
            page.keyboard.press("Space")
        expect(page.locator(f"input[name='{name}']:checked")).to_have_count(1)
    checker.press("Enter")  # submits the roster's form from the last radio
    expect(page.get_by_role("status")).to_contain_text(f"{MEMBERS} of {MEMBERS} recorded")


def test_facilitator_takes_attendance_member_sees_their_record(live_server, checker, cohort):
    page = checker.page
    sign_in(checker, "fay@example.org")
    schedule_series(checker, cohort)
    past = page.get_by_role("region", name="Past")
    checker.click(past.get_by_role("link", name="Monthly PLC").first)
    build_agenda(checker)
    take_attendance_with_keyboard(checker)

    # Correcting later: the saved choices come back; "Mark all present" (script) sets every
    # group to present on the page without saving.
    checker.click(page.get_by_role("link", name="Take attendance"))
    expect(page.locator("input[value=late]:checked")).to_have_count(1)
    page.get_by_role("button", name="Mark all present").focus()
    page.keyboard.press("Enter")
    expect(page.locator("input[value=present]:checked")).to_have_count(MEMBERS)
    expect(page.get_by_role("status")).to_contain_text("not saved yet")

    with live_server.app.app_context():
        rows = db.session.execute(select(Attendance)).scalars().all()
        by_name = {row.user_id: row.status for row in rows}
    assert len(by_name) == MEMBERS
    assert sorted(by_name.values()).count("present") == MEMBERS - 3
    assert sorted(by_name.values()).count("late") == 1

    checker.goto(f"/cohorts/{cohort}/meetings")
    expect(page.get_by_role("region", name="Past")).to_contain_text(
        f"Attendance: {MEMBERS - 2} of {MEMBERS} present or late")
    checker.click(page.get_by_role("button", name="Sign out"))

    sign_in(checker, f"member{LATE:02d}@example.org")
    checker.goto(f"/cohorts/{cohort}/meetings")
    expect(page.get_by_role("region", name="Past")).not_to_contain_text("present or late")
    checker.click(page.get_by_role("link", name="My attendance and follow-ups"))
    table = page.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="Late")).to_have_count(1)
    expect(table).not_to_contain_text("Absent")
    expect(table).not_to_contain_text("Excused")
