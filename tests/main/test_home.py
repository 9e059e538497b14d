"""The home page answers "what do I do next?" for each kind of person (docs/screens.md)."""

from __future__ import annotations

from datetime import timedelta

from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import Meeting
from tests import factories


def _meeting(cohort, starts_at) -> Meeting:
    meeting = Meeting(cohort_id=cohort.id, title="Cohort meeting", starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=90))
    db.session.add(meeting)
    db.session.flush()
    return meeting


def test_member_sees_next_meeting_plan_status_next_step_and_the_update_to_post(
        app, world, client, login_as):
    world.update_a.created_at = utcnow() - timedelta(days=20)
    _meeting(world.cohort_a, utcnow() - timedelta(days=2))  # held after the last update
    world.step_a.due_on = (utcnow() + timedelta(days=3)).date()
    db.session.commit()
    login_as(world.users["member_a"])
    page = client.get("/").text
    assert f'/meetings/{world.meeting_a.id}"' in page
    assert "Post your progress update" in page
    assert f"/plans/{world.plan_a.id}/updates/new" in page
    assert "Shared with your cohort" in page
    assert "Next step: Observe two classes" in page
    assert "1 new piece of feedback" in page


def test_member_with_an_update_since_the_last_meeting_is_not_asked_again(
        app, world, client, login_as):
    _meeting(world.cohort_a, utcnow() - timedelta(days=30))
    db.session.commit()  # update_a was posted just now, after that meeting
    login_as(world.users["member_a"])
    assert "Post your progress update" not in client.get("/").text


def test_member_without_a_plan_is_offered_to_start_one(app, world, client, login_as):
    login_as(world.users["member_b"])
    page = client.get("/").text
    assert "Start your action plan" in page
    assert f"/programs/{world.program.id}/plan" in page


def test_facilitator_sees_who_has_not_updated_and_attendance_on_meeting_day(
        app, world, client, login_as):
    quiet = factories.make_user("quiet@example.org", "Quinn Quiet")
    factories.add_member(world.cohort_a, quiet)
    world.meeting_a.starts_at = utcnow() + timedelta(minutes=30)
    world.meeting_a.ends_at = utcnow() + timedelta(minutes=120)
    db.session.commit()
    login_as(world.users["facilitator_a"])
    page = client.get("/").text
    assert "Cohorts you facilitate" in page
    assert "Quinn Quiet" in page and "Member A" not in page.split("No progress update")[1]
    assert f"/meetings/{world.meeting_a.id}/attendance" in page


def test_facilitator_gets_no_attendance_button_on_other_days(
        app, world, client, login_as):  # meeting_a is ten days away
    login_as(world.users["facilitator_a"])
    assert f"/meetings/{world.meeting_a.id}/attendance" not in client.get("/").text


def test_program_lead_sees_participation_this_month_by_cohort(
        app, world, client, login_as):  # member_a posted an update and a comment just now
    login_as(world.users["program_lead"])
    page = client.get("/").text
    assert "Members active this month: <strong>1</strong>" in page
    assert f"/programs/{world.program.id}/dashboard" in page
    assert "Cohort A" in page and "Cohort B" in page
    assert "Cohorts you facilitate" not in page
