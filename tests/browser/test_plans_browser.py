"""A member with a submitted Baseline starts an action plan from it, edits a focus area,
shares the plan with the cohort and posts a progress update marking a step done; a peer of
the cohort then finds the plan on the cohort's list and reads it. Every page passes the page
checker (axe-core, labelled fields, no console errors, one title per page)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from plc.assessments.models import SUBMITTED, PlannedChange, Rating, SelfAssessment
from plc.db import utcnow
from plc.extensions import db
from plc.rubrics.models import Competency, Level
from tests import factories
from tests.browser.conftest import sign_in


@pytest.fixture
def cohort(live_server):
    """Mia (with a submitted Baseline) and Pat in Cohort A; the ids the journey visits."""
    with live_server.app.app_context():
        framework = factories.make_framework("plans-browser", competencies=3)
        program = factories.make_program("PLC 2026-27")
        program.framework_id = framework.id
        checkpoint = factories.make_checkpoint(program, "Baseline", 1, date(2020, 1, 1),
                                               date(2099, 1, 1))
        cohort = factories.make_cohort(program, "Cohort A")
        mia = factories.make_user("mia@example.org", "Mia Member")
        pat = factories.make_user("pat@example.org", "Pat Peer")
        factories.add_member(cohort, mia)
        factories.add_member(cohort, pat)
        competencies = db.session.execute(
            select(Competency.id).where(Competency.framework_id == framework.id)
            .order_by(Competency.position)
        ).scalars().all()
        levels = dict(db.session.execute(
            select(Level.value, Level.id).where(Level.framework_id == framework.id)
        ).all())
        db.session.add(SelfAssessment(
            user_id=mia.id, checkpoint_id=checkpoint.id, framework_id=framework.id,
            status=SUBMITTED, submitted_at=utcnow(),
            ratings=[Rating(competency_id=c, level_id=levels[2]) for c in competencies],
            changes=[PlannedChange(position=1, change="Listen before deciding",
                                   competency_id=competencies[0],
                                   skill_factors="I interrupt", will_factors="Fear of silence",
                                   action_steps="Observe two classes\nAsk for feedback",
                                   support_practice="Staff meetings")],
        ))
        db.session.commit()
        return {"program": program.id, "cohort": cohort.id}


def test_a_member_starts_shares_and_updates_a_plan_a_peer_reads_it(live_server, checker,
                                                                    cohort):
    page = checker.page
    sign_in(checker, "mia@example.org")
    checker.goto(f"/programs/{cohort['program']}/plan")
    checker.click(page.get_by_role("button", name="Start from my Baseline self-assessment"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My action plan")
    expect(page.locator("#who-can-see")).to_contain_text("Only you can see this plan")
    expect(page.get_by_text("Observe two classes")).to_be_visible()
    expect(page.get_by_text("Current: 2 To some extent")).to_be_visible()

    # Edit focus area 1: a target and the evidence; first a target that is not above.
    checker.click(page.get_by_role("link", name="Edit my plan"))
    page.get_by_label("Target rating").first.select_option(label="2 To some extent")
    page.get_by_label("How I will know (evidence of progress)").first.fill(
        "Teachers finish their sentences")
    checker.click(page.get_by_role("button", name="Save my plan"))
    expect(page.get_by_text("The target must be above the current rating")).to_be_visible()
    expect(page.get_by_label("How I will know (evidence of progress)").first).to_have_value(
        "Teachers finish their sentences")
    page.get_by_label("Target rating").first.select_option(label="3 Mostly")
    checker.click(page.get_by_role("button", name="Save my plan"))
    expect(page.get_by_text("Teachers finish their sentences")).to_be_visible()
    page.get_by_text("What “3 Mostly” looks like (target)").click()
    expect(page.get_by_text("C1 at level 3: bullet 1.")).to_be_visible()

    # Sharing is its own, deliberate step.
    page.get_by_label("Shared with my cohort").check()
    checker.click(page.get_by_role("button", name="Change who can see my plan"))
    expect(page.locator("#who-can-see")).to_contain_text("Shared with your cohort")

    checker.click(page.get_by_role("link", name="Post a progress update"))
    page.get_by_label("What I did").fill("Observed two classes with a colleague")
    page.get_by_label("Status of “Observe two classes”").select_option(label="Done")
    checker.click(page.get_by_role("button", name="Post my update"))
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Observed two classes with a colleague")
    expect(timeline).to_contain_text("Step 'Observe two classes': not started -> done")

    checker.click(page.get_by_role("button", name="Sign out"))
    sign_in(checker, "pat@example.org")
    checker.goto(f"/cohorts/{cohort['cohort']}/plans")
    checker.click(page.get_by_role("link", name="Mia Member"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Action plan of Mia Member")
    expect(page.locator("#who-can-see")).to_contain_text("Shared with the cohort")
    expect(page.get_by_text("Teachers finish their sentences")).to_be_visible()
    expect(page.get_by_role("link", name="Edit my plan")).to_have_count(0)
