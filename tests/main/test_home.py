"""The home page answers "what do I do next?" for each kind of person (docs/screens.md)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from plc.assessments.models import SUBMITTED
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings.models import AgendaItem, Meeting
from plc.plans.models import (
    DONE,
    NOT_STARTED,
    SHARED_WITH_COHORT,
    ActionPlan,
    ActionStep,
    PlanRevision,
)
from tests import factories
from tests.conftest import login


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
    # ... due before the next meeting, with its date (meeting_a, ten days ahead).
    day = world.meeting_a.starts_at.astimezone(ZoneInfo(world.program.time_zone))
    assert f"Post your progress update before the meeting on {day:%a, %b %-d}" in text_of(page)
    assert "Open my action plan" in page and "(shared with your cohort)" in page
    assert ">Shared with your cohort</a>" not in page  # the link says what it does
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
    texts = [text_of(i) for i in todo_items(page)]
    assert texts[-1].startswith("Write your action plan")  # after the open worksheet
    assert any(t.startswith("Your self-assessment for Baseline") for t in texts)


def later_today(time_zone: str) -> datetime:
    """A moment still to come and still today in the programme's zone: half an hour from now,
    or half-way to midnight when that is nearer (the suite also runs at 23:45 in New York)."""
    now = utcnow().astimezone(ZoneInfo(time_zone))
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), now.tzinfo)
    return now + min(timedelta(minutes=30), (midnight - now) / 2)


def test_facilitator_sees_who_has_not_updated_and_attendance_on_meeting_day(
        app, world, client, login_as):
    quiet = factories.make_user("quiet@example.org", "Quinn Quiet")
    factories.add_member(world.cohort_a, quiet)
    world.meeting_a.starts_at = later_today(world.program.time_zone)
    world.meeting_a.ends_at = world.meeting_a.starts_at + timedelta(minutes=90)
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


# --- the to-do list (issue 14 item 1) ------------------------------------------------------


def todo_items(page: str) -> list[str]:
    """The to-do list's items, in order, as HTML."""
    listing = page.split('id="todo"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li\b.*?</li>", listing, flags=re.S)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _question(world, author_role: str, body: str, plan=None, kind: str = "question"):
    comment = Comment(plan_id=(plan or world.plan_a).id, author_id=world.users[author_role].id,
                      kind=kind, body=body)
    db.session.add(comment)
    db.session.flush()
    return comment


def test_an_overdue_step_comes_first_marked_overdue_with_mark_done(
        app, world, client, login_as):
    """Done when: "Home lists an overdue step first, marked overdue, for a member whose step is
    past due". Everything else member_a has to do comes after it."""
    world.step_a.due_on = (utcnow() - timedelta(days=15)).date()
    world.update_a.created_at = utcnow() - timedelta(days=20)
    _meeting(world.cohort_a, utcnow() - timedelta(days=2))  # an update is due too
    _question(world, "facilitator_a", "What will you observe first?")
    db.session.commit()
    login_as(world.users["member_a"])
    items = todo_items(client.get("/").text)
    assert len(items) >= 4  # the step, the update, the question, the follow-up, the worksheet
    first = text_of(items[0])
    assert first.startswith("Overdue Action step: Observe two classes")
    assert f"Was due {world.step_a.due_on:%a, %b %-d}" in first
    assert f'action="/steps/{world.step_a.id}/done"' in items[0]
    assert 'name="csrf_token"' in items[0] and "Mark done" in first
    assert all("Overdue" not in text_of(item) for item in items[1:])


def test_mark_done_from_home_changes_the_step_and_comes_back_home(
        app, world, client, login_as):
    world.step_a.due_on = (utcnow() - timedelta(days=3)).date()
    db.session.commit()
    revisions = db.session.scalar(select(func.count(PlanRevision.id)))
    login_as(world.users["member_a"])
    response = client.post(f"/steps/{world.step_a.id}/done")
    assert response.status_code == 302 and response.location.endswith("/")
    db.session.expire_all()
    assert db.session.get(ActionStep, world.step_a.id).status == DONE
    assert db.session.scalar(select(func.count(PlanRevision.id))) == revisions + 1  # kept
    page = client.get("/").text
    assert "Marked done: “Observe two classes”." in page
    assert "Action step: Observe two classes" not in page
    # A second click (a stale page) changes nothing and says so.
    client.post(f"/steps/{world.step_a.id}/done")
    assert "was already marked done" in client.get("/").text
    assert db.session.scalar(select(func.count(PlanRevision.id))) == revisions + 1


def test_only_the_plans_author_marks_its_step_done(app, world):
    """A peer who reads the shared plan and the cohort's facilitator are refused (403),
    someone outside the cohort does not see it (404); the step stays as it was."""
    peer = factories.make_user("peer@example.org", "Pat Peer")
    factories.add_member(world.cohort_a, peer)
    db.session.commit()
    for user, expected in ((peer, 403), (world.users["facilitator_a"], 403),
                           (world.users["member_b"], 404), (world.users["program_lead"], 404)):
        client = app.test_client()
        login(client, user)
        assert client.post(f"/steps/{world.step_a.id}/done").status_code == expected
    db.session.expire_all()
    assert db.session.get(ActionStep, world.step_a.id).status == NOT_STARTED
    client = app.test_client()
    login(client, world.users["member_a"])
    assert client.post("/steps/999999/done").status_code == 404


def test_questions_and_mentions_wait_until_answered(app, world, client, login_as):
    # A peer's shared plan, where the facilitator mentions member_a.
    peer = factories.make_user("peer@example.org", "Pat Peer")
    factories.add_member(world.cohort_a, peer)
    peer_plan = ActionPlan(user_id=peer.id, program_id=world.program.id,
                           visibility=SHARED_WITH_COHORT, shared_at=utcnow())
    db.session.add(peer_plan)
    db.session.commit()
    facilitator = app.test_client()
    login(facilitator, world.users["facilitator_a"])
    assert facilitator.post(f"/plans/{world.plan_a.id}/comments", data={
        "body": "What will you observe first?", "kind": "question"}).status_code == 302
    assert facilitator.post(f"/plans/{peer_plan.id}/comments", data={
        "body": "@member_a has a tool for this", "kind": ""}).status_code == 302
    assert facilitator.post(f"/plans/{world.plan_a.id}/comments", data={
        "body": "Nice plan", "kind": "warm"}).status_code == 302  # no question: not listed

    login_as(world.users["member_a"])
    texts = [text_of(i) for i in todo_items(client.get("/").text)]
    asked = [t for t in texts if "asked a question on your plan" in t]
    mentioned = [t for t in texts if "mentioned you on Pat Peer’s plan" in t]
    assert len(asked) == 1 and "“What will you observe first?”" in asked[0]
    assert "Answer the question" in asked[0]
    assert len(mentioned) == 1 and "Reply" in mentioned[0]
    assert not any("Nice plan" in t for t in texts)

    question = db.session.execute(select(Comment).where(
        Comment.body == "What will you observe first?")).scalar_one()
    page = client.get("/").text
    assert f'/plans/{world.plan_a.id}?comment={question.id}#comment-{question.id}' in page
    # Answering in the conversation takes it off the list; the mention stays.
    assert client.post(f"/comments/{question.id}/replies",
                       data={"body": "Wait time first."}).status_code == 302
    texts = [text_of(i) for i in todo_items(client.get("/").text)]
    assert not any("asked a question" in t for t in texts)
    assert any("mentioned you on Pat Peer’s plan" in t for t in texts)


def test_follow_ups_and_an_open_worksheet_are_on_the_list(app, world, client, login_as):
    login_as(world.users["member_a"])
    texts = [text_of(i) for i in todo_items(client.get("/").text)]
    follow_up = next(t for t in texts if "Follow-up: Share the observation tool" in t)
    assert "Open the follow-up" in follow_up and "Overdue" not in follow_up
    worksheet = next(t for t in texts if "Your self-assessment for Baseline" in t)
    assert "Continue the self-assessment" in worksheet  # member_a's draft

    world.follow_up_a.due_on = (utcnow() - timedelta(days=2)).date()
    db.session.commit()
    texts = [text_of(i) for i in todo_items(client.get("/").text)]
    assert texts[0].startswith("Overdue Follow-up: Share the observation tool")


def test_facilitator_sees_who_needs_a_nudge_and_the_next_meetings_preparation(
        app, world, client, login_as):
    quiet = factories.make_user("quiet@example.org", "Quinn Quiet")
    factories.add_member(world.cohort_a, quiet)  # no plan: flagged "no shared plan"
    db.session.commit()
    login_as(world.users["facilitator_a"])
    texts = [text_of(i) for i in todo_items(client.get("/").text)]
    nudge = next(t for t in texts if "may need a nudge" in t)
    assert "Quinn Quiet (no shared plan" in nudge
    assert "Member A (no feedback received)" in nudge  # the dashboard's reasons, in words
    assert "See who needs a nudge" in nudge
    day = world.meeting_a.starts_at.astimezone(ZoneInfo(world.program.time_zone))
    prepare = next(t for t in texts if t.startswith("Prepare Cohort meeting"))
    assert f"on {day:%a, %b %-d}" in prepare and "agenda of 1 item" in prepare

    db.session.delete(db.session.get(AgendaItem, world.agenda_item_a.id))
    db.session.commit()
    page = client.get("/").text
    assert "Build the agenda for Cohort meeting" in page
    assert f"/meetings/{world.meeting_a.id}/agenda/new" in page


def test_program_lead_sees_what_changed_since_last_month(app, world, client, login_as):
    login_as(world.users["program_lead"])
    page = client.get("/").text
    table = page.split('id="since-last-month"', 1)[1].split("</table>", 1)[0]
    row = text_of(re.search(r"<tr><th scope=\"row\">Progress updates.*?</tr>", table).group(0))
    assert row == "Progress updates 1 0 up 1"  # update_a, posted just now
    assert "To do" not in page  # a lead who is in no cohort has no to-do list


def test_nothing_to_do_says_so(app, world, client, login_as):
    world.assessment_a.status = SUBMITTED
    world.follow_up_a.done_at = utcnow()
    world.step_a.status = "done"
    db.session.commit()
    login_as(world.users["member_a"])
    page = client.get("/").text
    assert "Nothing is waiting for you right now." in page
