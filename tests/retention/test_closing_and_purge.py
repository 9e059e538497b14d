"""Retention (issue 17 item 5): a programme year is closed (read-only for every write, by one
check at the session's flush) and its personal content is purged PLC_RETENTION_YEARS later by
``flask plc purge-expired`` (a dry run unless --apply), exactly what the dry run listed,
safe to run twice."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from plc.assessments.models import PlannedChange, Rating, SelfAssessment
from plc.audit.models import AuditEvent
from plc.dashboards import services as dashboard_services
from plc.dashboards.models import Nudge
from plc.db import utcnow
from plc.errors import YearClosed
from plc.extensions import db
from plc.feedback import services as feedback_services
from plc.feedback.models import Comment
from plc.meetings import services as meeting_services
from plc.meetings.models import Attendance, FollowUp, Meeting, MeetingReminder
from plc.notifications.models import Notification
from plc.plans.models import (
    ActionPlan,
    ActionStep,
    Barrier,
    FocusArea,
    PlanRevision,
    ProgressUpdate,
)
from plc.programs import services as program_services
from plc.programs.models import Cohort, Membership, Program
from plc.programs.retention import MEETING_NOTES, cutoff
from tests.test_permissions import client_as

# kind (as purge-expired names it) -> what counts its rows
KINDS = {
    "notifications": Notification, "comments": Comment, "follow-ups": FollowUp,
    "progress updates": ProgressUpdate, "plan revisions": PlanRevision, "barriers": Barrier,
    "action steps": ActionStep, "focus areas": FocusArea, "action plans": ActionPlan,
    "ratings": Rating, "planned changes": PlannedChange, "worksheets": SelfAssessment,
    "attendance rows": Attendance, "meeting reminders": MeetingReminder, "nudges": Nudge,
}
KEPT = (Program, Cohort, Membership, Meeting)


def rows(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def census() -> dict[str, int]:
    db.session.expire_all()
    found = {kind: rows(model) for kind, model in KINDS.items()}
    found[MEETING_NOTES] = rows(Meeting, Meeting.notes != "")
    found.update({model.__name__: rows(model) for model in KEPT})
    return found


def close(program, *, years_ago: float = 0) -> None:
    """Close the year (its closing moved back in time)."""
    db.session.execute(update(Program).where(Program.id == program.id).values(
        closed_at=utcnow() - timedelta(days=365.25 * years_ago)))
    db.session.commit()


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["plc", "purge-expired", *args])
    assert result.exit_code == 0, result.output
    return result.output


def listed(output: str, program_name: str) -> dict[str, int]:
    """The counts the dry run printed for one programme year."""
    block = output.split(f"  {program_name} (", 1)[1]
    found = {}
    for line in block.splitlines()[1:]:
        match = re.fullmatch(r"    (.+): (\d+)", line)
        if not match:
            break
        found[match.group(1)] = int(match.group(2))
    return found


@pytest.fixture
def content(grown_world):
    """The grown permission world, with meeting notes, a revision, a nudge and a reminder too,
    so that every kind the purge removes has rows."""
    w = grown_world
    db.session.execute(update(Meeting).where(Meeting.cohort_id == w.cohort_a.id)
                       .values(notes="We agreed on peer visits."))
    member = w.users["member_a"]
    db.session.add_all([
        PlanRevision(plan_id=w.plan_a.id, number=999, author_id=member.id, snapshot="{}"),
        Nudge(cohort_id=w.cohort_a.id, user_id=member.id, sent_by_id=w.users["facilitator_a"].id,
              message="How is it going?"),
        MeetingReminder(meeting_id=w.meeting_a.id, user_id=member.id),
        PlannedChange(assessment_id=w.assessment_a.id, position=1, change="Listen more"),
    ])
    db.session.commit()
    return w


# --- closing ------------------------------------------------------------------------------


def test_a_lead_closes_the_year_after_confirming_and_it_is_audited(app, world):
    client = client_as(app, world, "program_lead")
    url = f"/programs/{world.program.id}/close"
    assert "read-only" in client.get(url).text
    unconfirmed = client.post(url, data={})
    assert unconfirmed.status_code == 200 and "Tick the box" in unconfirmed.text
    assert db.session.get(Program, world.program.id).closed_at is None
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Program, world.program.id).closed_at is not None
    (event,) = db.session.execute(select(AuditEvent)).scalars()
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        "year.closed", world.users["program_lead"].id, "program", world.program.id)
    # Closed once: the page is no longer offered.
    assert client.get(url).status_code == 403


def test_a_closed_year_refuses_writes_through_its_services(app, world):
    close(world.program)
    member, facilitator = world.users["member_a"], world.users["facilitator_a"]
    plan = db.session.get(ActionPlan, world.plan_a.id)
    meeting = db.session.get(Meeting, world.meeting_a.id)
    cohort = db.session.get(Cohort, world.cohort_a.id)
    attempts = [
        lambda: feedback_services.add_comment(member, plan, {cohort.id}, body="Late words",
                                              kind=None),
        lambda: meeting_services.schedule_meeting(
            facilitator, cohort, title="One more", day=(utcnow() + timedelta(days=3)).date(),
            start=time(16), duration_minutes=60, place=meeting_services.Place("Room 1", "")),
        lambda: meeting_services.save_notes(facilitator, meeting, "Changed", loaded_version=0),
        lambda: meeting_services.record_attendance(facilitator, meeting,
                                                   {member.id: "present"},
                                                   ahead_confirmed=True),
        lambda: program_services.invite_to_cohort(facilitator, cohort, email="x@example.org",
                                                  name="X", role="member",
                                                  organization_id=None),
        lambda: dashboard_services.send_nudges(facilitator, cohort, [member], "How is it?"),
        lambda: db.session.delete(db.session.get(Comment, world.comment_a.id)) or
        db.session.flush(),
    ]
    for attempt in attempts:
        with pytest.raises(YearClosed, match="Matrix Programme is closed"):
            attempt()
        db.session.rollback()
    assert rows(Comment) == 1 and rows(Attendance) == 0 and rows(Nudge) == 0


def test_a_closed_year_refuses_writes_over_http_with_a_clear_message(app, world):
    close(world.program)
    before = census()
    member = client_as(app, world, "member_a")
    answer = member.post(f"/plans/{world.plan_a.id}/comments",
                         data={"body": "Late words", "kind": "warm"}, follow_redirects=True)
    assert "Matrix Programme is closed" in answer.text
    facilitator = client_as(app, world, "facilitator_a")
    answer = facilitator.post(f"/meetings/{world.meeting_a.id}/notes",
                              data={"notes": "Changed", "notes_version": "0"},
                              follow_redirects=True)
    assert "Matrix Programme is closed" in answer.text
    answer = facilitator.post(f"/cohorts/{world.cohort_a.id}/invite",
                              data={"email": "x@example.org", "name": "X", "role": "member",
                                    "organization_id": str(world.school.id)})
    assert "Matrix Programme is closed" in answer.text
    assert census() == before


def test_the_pages_of_a_closed_year_say_so(app, world):
    close(world.program)
    member = client_as(app, world, "member_a")
    for url in (f"/plans/{world.plan_a.id}", f"/cohorts/{world.cohort_a.id}",
                f"/meetings/{world.meeting_a.id}"):
        assert "Matrix Programme is closed" in member.get(url).text, url
    lead = client_as(app, world, "program_lead")
    assert "Matrix Programme is closed" in lead.get(f"/programs/{world.program.id}").text


def test_another_programme_stays_writable(app, world):
    close(world.program)
    lead = world.users["program_lead"]
    other = db.session.get(Program, world.other_program.id)
    program_services.create_cohort(lead, other, name="Still open", description="")
    db.session.commit()
    assert rows(Cohort, Cohort.program_id == other.id) >= 1


# --- the purge ------------------------------------------------------------------------------


def test_purge_removes_exactly_what_its_dry_run_listed_and_is_twice_run_safe(app, content):
    close(content.program, years_ago=3.1)
    before = census()
    dry = run(app)
    assert "Dry run: nothing was removed" in dry
    shown = listed(dry, "Matrix Programme")
    assert census() == before, "a dry run removes nothing"
    assert set(shown) == set(KINDS) | {MEETING_NOTES}, "every kind has rows in this world"

    output = run(app, "--apply")
    after = census()
    for kind, n in shown.items():
        assert before[kind] - after[kind] == n, kind
    for model in KEPT:  # participation can still be counted
        assert after[model.__name__] == before[model.__name__]
    assert f"Removed from Matrix Programme: {sum(shown.values())} rows." in output
    program = db.session.get(Program, content.program.id)
    assert program.content_purged_at is not None
    (event,) = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "content.purged")).scalars()
    assert (event.actor_id, event.remote_address, event.target_id) == (None, "cli", program.id)
    assert event.details["removed"] == shown

    assert "Nothing to remove" in run(app)
    assert "Nothing to remove" in run(app, "--apply")
    assert census() == after
    assert rows(AuditEvent, AuditEvent.action == "content.purged") == 1


def test_a_year_closed_less_than_the_retention_period_ago_is_untouched(app, content):
    close(content.program, years_ago=2.9)
    before = census()
    assert "Nothing to remove" in run(app, "--apply")
    assert census() == before


def test_the_retention_period_is_a_setting(app, content):
    close(content.program, years_ago=1.5)
    app.config["RETENTION_YEARS"] = 1
    try:
        assert "Matrix Programme" in run(app)
    finally:
        app.config["RETENTION_YEARS"] = 3


def test_an_open_year_is_never_purged(app, content):
    before = census()
    assert "Nothing to remove" in run(app, "--apply")
    assert census() == before


def test_cutoff_is_calendar_years():
    assert cutoff(datetime(2028, 2, 29, tzinfo=UTC), 3) == datetime(2025, 2, 28, tzinfo=UTC)
    assert cutoff(datetime(2026, 11, 30, 8, tzinfo=UTC), 3) == datetime(2023, 11, 30, 8,
                                                                         tzinfo=UTC)


def test_a_refusal_surfacing_at_the_commit_answers_409_with_its_message(app, world):
    """A write a service left unflushed meets the check at the request's commit: not a 500."""
    with app.test_request_context("/programs/1"):
        response = app.make_response(app.handle_user_exception(
            YearClosed("The programme year Matrix Programme is closed: read-only.")))
    assert response.status_code == 409
    assert "Matrix Programme is closed" in response.get_data(as_text=True)
