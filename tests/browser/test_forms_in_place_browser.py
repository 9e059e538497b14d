"""Forms that fit the work (issue 14 item 4), in Chromium on a 390 px phone: rows of the plan
form and of a new meeting's agenda added and removed in place, and a worksheet autosaved from
a tab left open after another saved it gets a clear conflict message instead of overwriting.
Every page passes the page checker; nothing scrolls sideways and touch targets are 44 px."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from plc.assessments.models import SUBMITTED, PlannedChange, Rating, SelfAssessment
from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import AgendaItem
from plc.plans import queries, services
from plc.plans.models import ActionStep, Barrier
from plc.programs.models import FACILITATOR
from plc.rubrics.models import Competency, Level
from tests import factories
from tests.browser.conftest import PHONE, PageChecker, sign_in, small_touch_targets


@pytest.fixture
def mia(live_server):
    """Mia's plan, started from her Baseline (2 barriers, 2 steps), and an open Mid-year."""
    with live_server.app.app_context():
        framework = factories.make_framework("rows-browser", competencies=2)
        program = factories.make_program("PLC 2026-27")
        program.framework_id = framework.id
        baseline = factories.make_checkpoint(program, "Baseline", 1, date(2020, 1, 1),
                                             date(2020, 2, 1))
        midyear = factories.make_checkpoint(program, "Mid-year", 2, date(2020, 3, 1),
                                            date(2099, 1, 1))
        cohort = factories.make_cohort(program, "Cohort A")
        mia = factories.make_user("mia@example.org", "Mia Member")
        factories.add_member(cohort, mia)
        factories.add_member(cohort, factories.make_user("fay@example.org", "Fay Facilitator"),
                             FACILITATOR)
        competencies = db.session.execute(
            select(Competency.id).where(Competency.framework_id == framework.id)
            .order_by(Competency.position)).scalars().all()
        level = db.session.execute(select(Level.id).where(
            Level.framework_id == framework.id, Level.value == 2)).scalar_one()
        db.session.add(SelfAssessment(
            user_id=mia.id, checkpoint_id=baseline.id, framework_id=framework.id,
            status=SUBMITTED, submitted_at=utcnow(),
            ratings=[Rating(competency_id=c, level_id=level) for c in competencies],
            changes=[PlannedChange(position=1, change="Listen before deciding",
                                   competency_id=competencies[0], skill_factors="I interrupt",
                                   will_factors="Fear of silence",
                                   action_steps="Observe two classes\nAsk for feedback")]))
        db.session.commit()
        plan = services.start_plan(mia, program, queries.rubric(program, mia.id),
                                   queries.latest_submitted_assessment(mia.id, program.id))
        db.session.commit()
        return {"plan": plan.id, "midyear": midyear.id, "cohort": cohort.id}


def assert_no_sideways_scroll(page) -> None:
    """Nothing wider than the phone, and every button of the form finger-sized."""
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    assert not small_touch_targets(page)


def test_plan_rows_are_added_and_removed_in_place(live_server, checker, mia):
    page = checker.page
    page.set_viewport_size(PHONE)
    sign_in(checker, "mia@example.org")
    checker.goto(f"/plans/{mia['plan']}/edit")
    assert_no_sideways_scroll(page)
    area = page.get_by_role("group", name="Focus area 1")
    steps = area.locator("[data-rows$='-steps'] > [data-row]")
    barriers = area.locator("[data-rows$='-barriers'] > [data-row]")
    expect(steps).to_have_count(2 + 3)  # the plan's two, three blank
    expect(area.get_by_text("Need more rows?")).to_be_hidden()
    # A blank barrier row chooses no kind.
    expect(area.get_by_label("Kind of barrier 3")).to_have_value("")

    area.get_by_role("button", name="Add a step to focus area 1").click()
    expect(steps).to_have_count(6)
    new_step = area.get_by_label("Action step 6")
    expect(new_step).to_be_focused()
    new_step.fill("Record one meeting")
    area.get_by_label("Due on (step 6)").fill("2026-12-01")

    # "Remove" takes the first barrier away; the rows below move up and are renumbered.
    area.get_by_role("button", name="Remove barrier 1").click()
    expect(barriers).to_have_count(3)
    expect(area.get_by_label("Barrier 1", exact=True)).to_have_value("Fear of silence")
    area.get_by_role("button", name="Remove step 3").click()
    expect(area.get_by_label("Action step 5")).to_have_value("Record one meeting")
    assert_no_sideways_scroll(page)

    # A barrier without its kind is sent back, the rows as they were.
    area.get_by_label("Barrier 2", exact=True).fill("No time on Fridays")
    checker.click(page.get_by_role("button", name="Save my plan"))
    expect(page.get_by_text("Choose skill, will or structural.")).to_be_visible()
    expect(area.get_by_label("Action step 5")).to_have_value("Record one meeting")
    area.get_by_label("Kind of barrier 2").select_option("structural")
    checker.click(page.get_by_role("button", name="Save my plan"))
    expect(page.get_by_role("status").first).to_contain_text("Your plan is saved.")
    with live_server.app.app_context():
        barriers_now = db.session.execute(select(Barrier.kind, Barrier.text).order_by(
            Barrier.position)).all()
        steps_now = db.session.execute(select(ActionStep.text).order_by(
            ActionStep.position)).scalars().all()
    assert barriers_now == [("will", "Fear of silence"), ("structural", "No time on Fridays")]
    assert steps_now == ["Observe two classes", "Ask for feedback", "Record one meeting"]


def test_a_stale_tab_gets_a_conflict_instead_of_overwriting(live_server, checker, mia,
                                                            browser):
    page = checker.page
    page.set_viewport_size(PHONE)
    sign_in(checker, "mia@example.org")
    url = f"/checkpoints/{mia['midyear']}/worksheet"
    checker.goto(url)
    assert_no_sideways_scroll(page)
    expect(page.locator("#worksheet-rated")).to_have_text("0 of 2 rated")
    # The same worksheet in a second tab, saved there first.
    other = PageChecker(page.context.new_page(), live_server.url)
    other.goto(url)
    other.page.locator("[data-step]:not([hidden]) .level-card").nth(3).click()
    expect(other.page.locator("form[data-worksheet]")).to_have_attribute("data-autosave",
                                                                         "saved")
    other.finish()
    other.page.close()

    page.locator("[data-step]:not([hidden]) .level-card").nth(0).click()
    expect(page.get_by_role("alert")).to_contain_text("saved somewhere else")
    expect(page.locator("#autosave-status")).to_have_text("Not saved.")
    # The refused save's 409 is what the console reports; nothing else.
    assert all("409" in e for e in checker.errors), checker.errors
    checker.errors.clear()
    with live_server.app.app_context():
        level = db.session.execute(
            select(Level.value).join(Rating, Rating.level_id == Level.id)
            .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
            .where(SelfAssessment.checkpoint_id == mia["midyear"])).scalars().all()
    assert level == [4]  # the other tab's rating stands


def test_a_meeting_is_scheduled_with_its_agenda_rows(live_server, checker, mia):
    page = checker.page
    page.set_viewport_size(PHONE)
    sign_in(checker, "fay@example.org")
    checker.goto(f"/cohorts/{mia['cohort']}/meetings/new")
    page.get_by_label("Date").fill("2026-12-08")
    page.get_by_label("Starts at").fill("16:00")
    rows = page.locator("[data-rows=agenda] > [data-row]")
    expect(rows).to_have_count(3)
    page.get_by_label("Agenda item 1").fill("Check-in")
    page.get_by_label("Minutes (item 1)").fill("10")
    page.get_by_label("Agenda item 3").fill("Close")
    page.get_by_role("button", name="Add an agenda item").click()
    expect(page.get_by_label("Agenda item 4")).to_be_focused()
    page.get_by_label("Agenda item 4").fill("Consultancy")
    page.get_by_role("button", name="Remove agenda item 3").click()
    expect(page.get_by_label("Agenda item 3")).to_have_value("Consultancy")
    assert_no_sideways_scroll(page)
    checker.click(page.get_by_role("button", name="Schedule"))
    expect(page.get_by_role("status").first).to_contain_text("scheduled")
    with live_server.app.app_context():
        titles = db.session.execute(select(AgendaItem.title).order_by(AgendaItem.position))
        assert titles.scalars().all() == ["Check-in", "Consultancy"]
