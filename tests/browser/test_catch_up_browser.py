"""Worksheet and plan talk: Mia's plan was started from her Baseline; she submits a Mid-year
worksheet with a higher rating and a new change. Her worksheet offers to bring the plan up to
date, the preview says what would change, and she takes the new rating and the new change.
On a 390 px phone, with the page checker (axe-core, labels, no sideways scroll)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from plc.assessments.models import SUBMITTED, PlannedChange, Rating, SelfAssessment
from plc.db import utcnow
from plc.extensions import db
from plc.plans import queries, services
from plc.rubrics.models import Competency, Level
from tests import factories
from tests.browser.conftest import PHONE, sign_in


def worksheet(user, checkpoint, framework, levels: list[int], changes) -> SelfAssessment:
    competencies = framework_competencies(framework)
    assessment = SelfAssessment(
        user_id=user.id, checkpoint_id=checkpoint.id, framework_id=framework.id,
        status=SUBMITTED, submitted_at=utcnow(),
        ratings=[Rating(competency_id=c, level_id=level) for c, level in
                 zip(competencies, levels, strict=True)],
        changes=changes)
    db.session.add(assessment)
    db.session.commit()
    return assessment


def framework_competencies(framework) -> list[int]:
    return list(db.session.execute(
        select(Competency.id).where(Competency.framework_id == framework.id)
        .order_by(Competency.position)).scalars())


@pytest.fixture
def mia(live_server):
    with live_server.app.app_context():
        framework = factories.make_framework("catch-up-browser", competencies=3)
        program = factories.make_program("PLC 2026-27")
        program.framework_id = framework.id
        cohort = factories.make_cohort(program, "Cohort A")
        mia = factories.make_user("mia@example.org", "Mia Member")
        factories.add_member(cohort, mia)
        db.session.commit()
        by_value = dict(db.session.execute(
            select(Level.value, Level.id).where(Level.framework_id == framework.id)).all())
        first, _second, third = framework_competencies(framework)
        baseline = factories.make_checkpoint(program, "Baseline", 1, date(2020, 1, 1),
                                             date(2020, 2, 1))
        worksheet(mia, baseline, framework, [by_value[1], by_value[2], by_value[2]],
                  [PlannedChange(position=1, change="Listen before deciding",
                                 competency_id=first)])
        services.start_plan(mia, program, queries.rubric(program, mia.id),
                            queries.latest_submitted_assessment(mia.id, program.id))
        db.session.commit()
        midyear = factories.make_checkpoint(program, "Mid-year", 2, date(2020, 3, 1),
                                            date(2099, 1, 1))
        latest = worksheet(mia, midyear, framework, [by_value[2], by_value[2], by_value[2]],
                           [PlannedChange(position=1, change="Coach two new teachers",
                                          competency_id=third,
                                          action_steps="Meet weekly")])
        return {"email": mia.email, "midyear": latest.id}


def test_a_newer_worksheet_brings_the_plan_up_to_date_on_a_phone(live_server, checker, mia):
    page = checker.page
    page.set_viewport_size(PHONE)
    sign_in(checker, mia["email"])
    checker.goto(f"/assessments/{mia['midyear']}")
    checker.click(page.get_by_role("link", name="Bring my plan up to date"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bring my plan up to date")
    expect(page.get_by_text("1 Not very much")).to_be_visible()  # Baseline -> Mid-year 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Coach two new teachers").check()
    checker.click(page.get_by_role("button", name="Bring my plan up to date"))
    expect(page.get_by_role("status").first).to_contain_text(
        "now follows your Mid-year self-assessment")
    expect(page.get_by_role("heading", name="Focus area 2: 3. Competency 3")).to_be_visible()
    expect(page.get_by_text("Your ratings may have changed")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
