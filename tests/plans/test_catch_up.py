"""Worksheet and plan talk to each other: a submitted worksheet offers to become the plan in
one step; a plan made before a newer self-assessment says so and offers a preview of what
that self-assessment would change (current ratings, new changes as focus areas), applied only
as the author chooses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from plc.assessments.models import SUBMITTED, PlannedChange, Rating, SelfAssessment
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.plans import queries, services
from plc.plans.models import ActionPlan, PlanRevision
from tests import factories
from tests.conftest import login
from tests.plans.conftest import content, start_plan, submit_baseline


def submit_midyear(setting, ratings: dict[int, int], changes: list[PlannedChange]):
    """A Mid-year worksheet (a later checkpoint): ``ratings`` maps competency index -> value."""
    checkpoint = factories.make_checkpoint(setting.program, "Mid-year", 2, date(2020, 1, 1),
                                           date(2099, 12, 31))
    competencies, levels = setting.competencies, setting.levels
    assessment = SelfAssessment(
        user_id=setting.member.id, checkpoint_id=checkpoint.id,
        framework_id=setting.framework.id, status=SUBMITTED, submitted_at=utcnow(),
        ratings=[Rating(competency_id=competencies[i], level_id=levels[v])
                 for i, v in ratings.items()],
        changes=changes,
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def a_plan_behind_its_midyear(setting):
    """Mia's plan from her Baseline (focus areas on competencies 1 and 2, rated 2 and 1);
    then a Mid-year rating competency 1 at 3 and adding a change on competency 3."""
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    c3 = setting.competencies[2]
    submit_midyear(setting, {0: 3, 1: 1, 2: 2}, [
        PlannedChange(position=1, change="Listen before deciding",
                      competency_id=setting.competencies[0]),  # already in the plan
        PlannedChange(position=2, change="Plan the year with the team", competency_id=c3,
                      action_steps="Draft a calendar\nShare it"),
    ])
    return plan


def revisions(plan_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(PlanRevision)
                             .where(PlanRevision.plan_id == plan_id))


def test_a_submitted_worksheet_turns_into_a_plan_in_one_step(app, client, setting):
    assessment = submit_baseline(setting)
    login(client, setting.member)
    page = client.get(f"/assessments/{assessment.id}").text
    assert "Turn my top 3 changes into my plan" in page
    response = client.post(f"/programs/{setting.program.id}/plan",
                           data={"source": "assessment"})
    assert response.status_code == 302
    plan = db.session.scalar(select(ActionPlan).where(ActionPlan.user_id == setting.member.id))
    assert plan.source_assessment_id == assessment.id
    assert [fa.change for fa in content(plan.id)] == ["Listen before deciding", "Delegate more"]
    page = client.get(f"/assessments/{assessment.id}").text
    assert "Turn my top 3 changes" not in page and "Bring my plan up to date" not in page


def test_a_plan_behind_a_newer_self_assessment_says_so_to_its_author_alone(app, setting):
    plan = a_plan_behind_its_midyear(setting)
    member, peer = app.test_client(), app.test_client()
    login(member, setting.member)
    page = member.get(f"/plans/{plan.id}").text
    assert "Your ratings may have changed since this plan" in page
    assert "your Mid-year self-assessment is newer" in page
    db.session.get(ActionPlan, plan.id).visibility = "cohort"
    db.session.commit()
    login(peer, setting.peer)
    assert "Your ratings may have changed" not in peer.get(f"/plans/{plan.id}").text
    latest = db.session.scalar(select(SelfAssessment.id).where(
        SelfAssessment.user_id == setting.member.id).order_by(SelfAssessment.id.desc()))
    assert "Bring my plan up to date" in member.get(f"/assessments/{latest}").text


def test_the_preview_shows_what_would_change_and_changes_nothing(app, client, setting):
    plan = a_plan_behind_its_midyear(setting)
    login(client, setting.member)
    before = [(fa.position, fa.current_level_id, fa.change) for fa in content(plan.id)]
    page = client.get(f"/plans/{plan.id}/catch-up").text
    assert "Focus area 1, 1. Competency 1: 2 To some extent" in page
    assert "3 Mostly" in page
    assert "Plan the year with the team" in page and "2 steps" in page
    assert page.count('name="take"') == 1  # "Listen before deciding" is in the plan already
    assert [(fa.position, fa.current_level_id, fa.change) for fa in content(plan.id)] == before


def test_the_author_takes_the_new_ratings_and_a_new_change(app, client, setting):
    plan = a_plan_behind_its_midyear(setting)
    version, kept = plan.version, revisions(plan.id)
    login(client, setting.member)
    response = client.post(f"/plans/{plan.id}/catch-up",
                           data={"version": version, "ratings": "y", "take": "0"})
    assert response.status_code == 302
    areas = content(plan.id)
    assert [(fa.position, fa.change) for fa in areas] == [
        (1, "Listen before deciding"), (2, "Delegate more"), (3, "Plan the year with the team")]
    assert areas[0].current_level_id == setting.levels[3]  # 2 -> 3 at Mid-year
    assert areas[1].current_level_id == setting.levels[1]  # unchanged
    assert areas[2].current_level_id == setting.levels[2]
    assert [s.text for s in areas[2].steps] == ["Draft a calendar", "Share it"]
    assert revisions(plan.id) == kept + 1
    page = client.get(f"/plans/{plan.id}").text
    assert "now follows your Mid-year self-assessment" in page
    assert "Your ratings may have changed" not in page


def test_taking_nothing_keeps_the_plan_and_ends_the_reminder(app, client, setting):
    plan = a_plan_behind_its_midyear(setting)
    before = [(fa.position, fa.current_level_id, fa.change) for fa in content(plan.id)]
    login(client, setting.member)
    response = client.post(f"/plans/{plan.id}/catch-up", data={"version": plan.version})
    assert response.status_code == 302
    assert [(fa.position, fa.current_level_id, fa.change) for fa in content(plan.id)] == before
    assert "Your ratings may have changed" not in client.get(f"/plans/{plan.id}").text
    assert client.get(f"/plans/{plan.id}/catch-up").status_code == 302  # nothing to catch up


def test_a_stale_or_too_full_catch_up_is_refused_and_saves_nothing(app, client, setting):
    plan = a_plan_behind_its_midyear(setting)
    before = [(fa.position, fa.current_level_id, fa.change) for fa in content(plan.id)]
    login(client, setting.member)
    response = client.post(f"/plans/{plan.id}/catch-up",
                           data={"version": plan.version - 1, "ratings": "y", "take": "0"})
    assert response.status_code == 200 and "changed somewhere else" in response.text
    response = client.post(f"/plans/{plan.id}/catch-up",
                           data={"version": plan.version, "take": ["0", "5"]})
    assert response.status_code == 200 and "is not a valid choice" in response.text
    assert [(fa.position, fa.current_level_id, fa.change) for fa in content(plan.id)] == before
    assert "Your ratings may have changed" in client.get(f"/plans/{plan.id}").text


def test_no_more_than_three_focus_areas_and_only_the_changes_offered(app, setting):
    plan = a_plan_behind_its_midyear(setting)
    catch = services.catch_up(
        plan, content(plan.id),
        queries.latest_submitted_assessment(setting.member.id, setting.program.id),
        setting.rubric(), queries.latest_levels(setting.member.id, setting.program))
    assert (len(catch.offers), catch.free_slots) == (1, 1)
    full = replace(catch, free_slots=0)
    member = setting.fresh(setting.member)
    with pytest.raises(DomainError, match="at most 3 focus areas: choose at most 0"):
        services.bring_up_to_date(member, plan, setting.rubric(), full,
                                  loaded_version=plan.version, move_ratings=False, take=[0])
    with pytest.raises(DomainError, match="Choose among the changes offered"):
        services.bring_up_to_date(member, plan, setting.rubric(), catch,
                                  loaded_version=plan.version, move_ratings=False, take=[1])
