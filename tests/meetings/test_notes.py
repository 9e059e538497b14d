"""Notes (Markdown, refused when stale) and follow-ups (assigned, done, deleted, and turned
into a step on the assignee's own plan)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import FollowUp, Meeting
from plc.notifications.models import FOLLOW_UP_ASSIGNED, Notification
from plc.plans.models import SHARED_WITH_COHORT, ActionPlan, ActionStep, FocusArea
from tests.meetings.conftest import make_meeting


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_notes_are_markdown_for_everyone_in_the_cohort(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=2))
    db.session.commit()
    response = client_for(people.facilitator).post(f"/meetings/{meeting.id}/notes", data={
        "notes": "We **agreed** on peer visits.\n\n<script>alert(1)</script>",
        "notes_version": "0"})
    assert response.status_code == 302
    assert fresh(Meeting, meeting.id).notes_version == 1
    page = client_for(people.member).get(f"/meetings/{meeting.id}").text
    assert "<strong>agreed</strong>" in page and "<script>alert(1)" not in page
    assert client_for(people.outsider).get(f"/meetings/{meeting.id}").status_code == 404


def test_a_stale_save_is_refused_and_the_typed_text_kept(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=2),
                           note_taker_id=people.member.id)
    db.session.commit()
    facilitator, taker = client_for(people.facilitator), client_for(people.member)
    assert facilitator.post(f"/meetings/{meeting.id}/notes", data={
        "notes": "Notes by the facilitator", "notes_version": "0"}).status_code == 302
    # The note-taker opened the form at version 0 too and saves afterwards.
    response = taker.post(f"/meetings/{meeting.id}/notes", data={
        "notes": "Mo's typed text", "notes_version": "0"})
    assert response.status_code == 200
    assert "Someone else saved these notes" in response.text
    assert "Mo&#39;s typed text" in response.text  # kept in the box
    assert "<p>Notes by the facilitator</p>" in response.text  # what is saved now is shown
    assert 'name="notes_version" type="hidden" value="1"' in response.text
    assert fresh(Meeting, meeting.id).notes == "Notes by the facilitator"
    # Saving again, now on top of the current version, works.
    assert taker.post(f"/meetings/{meeting.id}/notes", data={
        "notes": "Merged notes", "notes_version": "1"}).status_code == 302
    assert fresh(Meeting, meeting.id).notes == "Merged notes"


def test_a_designated_note_taker_may_write_notes(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=2))
    db.session.commit()
    member = client_for(people.member)
    assert member.get(f"/meetings/{meeting.id}/notes").status_code == 403
    assert client_for(people.facilitator).post(f"/meetings/{meeting.id}/note-taker", data={
        "user_id": str(people.member.id)}).status_code == 302
    assert member.get(f"/meetings/{meeting.id}/notes").status_code == 200
    assert member.post(f"/meetings/{meeting.id}/notes", data={
        "notes": "Taken by Mo", "notes_version": "0"}).status_code == 302
    assert fresh(Meeting, meeting.id).notes == "Taken by Mo"
    assert client_for(people.peer).get(f"/meetings/{meeting.id}/notes").status_code == 403
    # Only members of the cohort can be the note-taker.
    client_for(people.facilitator).post(f"/meetings/{meeting.id}/note-taker", data={
        "user_id": str(people.outsider.id)})
    assert fresh(Meeting, meeting.id).note_taker_id == people.member.id


def test_follow_ups_add_done_delete(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=2))
    db.session.commit()
    facilitator = client_for(people.facilitator)
    assert facilitator.post(f"/meetings/{meeting.id}/follow-ups/new", data={
        "assignee_id": str(people.member.id), "text": "Share the observation tool",
        "due_on": "2030-01-15"}).status_code == 302
    assert facilitator.post(f"/meetings/{meeting.id}/follow-ups/new", data={
        "assignee_id": str(people.outsider.id), "text": "Not theirs"}).status_code == 200
    (follow_up,) = db.session.execute(select(FollowUp)).scalars().all()
    assert (follow_up.assignee_id, follow_up.due_on) == (people.member.id, date(2030, 1, 15))
    (told,) = db.session.execute(select(Notification)).scalars().all()
    assert (told.user_id, told.kind, told.meeting_id) == (
        people.member.id, FOLLOW_UP_ASSIGNED, meeting.id)

    peer = client_for(people.peer)
    assert "Share the observation tool" in peer.get(f"/meetings/{meeting.id}").text
    assert peer.post(f"/follow-ups/{follow_up.id}/done").status_code == 403
    assert peer.post(f"/follow-ups/{follow_up.id}/delete").status_code == 403
    member = client_for(people.member)
    record = member.get(f"/cohorts/{people.cohort.id}/my-attendance").text
    assert "Share the observation tool" in record and "Add to my plan" in record
    assert member.post(f"/follow-ups/{follow_up.id}/done").status_code == 302  # the assignee
    assert fresh(FollowUp, follow_up.id).done_at is not None
    assert member.post(f"/follow-ups/{follow_up.id}/delete").status_code == 403
    assert facilitator.post(f"/follow-ups/{follow_up.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(FollowUp)).scalars().all() == []


def test_a_follow_up_becomes_a_step_on_the_assignees_plan(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=2))
    follow_up = FollowUp(meeting_id=meeting.id, assignee_id=people.member.id,
                         text="Share the observation tool", due_on=date(2030, 1, 15))
    db.session.add(follow_up)
    db.session.commit()
    member = client_for(people.member)
    page = member.get(f"/follow-ups/{follow_up.id}/plan").text
    assert "You have no action plan in this programme yet" in page  # explained, not a crash
    assert member.post(f"/follow-ups/{follow_up.id}/plan").status_code == 200
    assert fresh(FollowUp, follow_up.id).action_step_id is None

    area = FocusArea(position=1, change="Listen before deciding")
    plan = ActionPlan(user_id=people.member.id, program_id=people.cohort.program_id,
                      visibility=SHARED_WITH_COHORT, focus_areas=[area])
    db.session.add(plan)
    db.session.commit()
    assert client_for(people.peer).get(f"/follow-ups/{follow_up.id}/plan").status_code == 403
    assert client_for(people.facilitator).post(
        f"/follow-ups/{follow_up.id}/plan", data={"focus_area_id": str(area.id)}
    ).status_code == 403
    assert "Change 1: Listen before deciding" in member.get(f"/follow-ups/{follow_up.id}/plan").text
    response = member.post(f"/follow-ups/{follow_up.id}/plan", data={"focus_area_id": str(area.id)})
    assert response.status_code == 302
    step_id = fresh(FollowUp, follow_up.id).action_step_id
    step = db.session.get(ActionStep, step_id)
    assert (step.focus_area_id, step.text, step.due_on) == (
        area.id, "Share the observation tool", date(2030, 1, 15))
    # A second time adds nothing.
    member.post(f"/follow-ups/{follow_up.id}/plan", data={"focus_area_id": str(area.id)})
    assert len(db.session.execute(select(ActionStep)).scalars().all()) == 1


def test_notes_and_follow_ups_are_the_cohorts_not_the_program_leads(app, people, client_for):
    """docs/product.md: program leads see the meeting, its agenda and attendance, not its notes
    or follow-ups; they neither write notes nor learn that a follow-up exists."""
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=2),
                           notes="We **agreed** on peer visits")
    follow_up = FollowUp(meeting_id=meeting.id, assignee_id=people.member.id,
                         text="Share the observation tool")
    db.session.add(follow_up)
    db.session.commit()
    for person in (people.member, people.peer, people.facilitator):
        page = client_for(person).get(f"/meetings/{meeting.id}").text
        assert "<strong>agreed</strong>" in page and "Share the observation tool" in page

    lead = client_for(people.lead)
    page = lead.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and meeting.title in page.text
    assert "agreed" not in page.text and "Share the observation tool" not in page.text
    assert "only its members and facilitators read them" in page.text
    assert f"/meetings/{meeting.id}/notes" not in page.text  # no "Write notes" button
    assert "Set the note-taker" not in page.text and "Take attendance" in page.text
    assert lead.get(f"/meetings/{meeting.id}/notes").status_code == 403
    assert lead.post(f"/meetings/{meeting.id}/notes", data={
        "notes": "Overwritten", "notes_version": "0"}).status_code == 403
    assert lead.post(f"/meetings/{meeting.id}/follow-ups/new", data={
        "assignee_id": str(people.member.id), "text": "From the lead"}).status_code == 403
    assert lead.post(f"/meetings/{meeting.id}/note-taker", data={
        "user_id": str(people.member.id)}).status_code == 403
    for action in ("done", "delete"):
        assert lead.post(f"/follow-ups/{follow_up.id}/{action}").status_code == 404
    assert lead.get(f"/follow-ups/{follow_up.id}/plan").status_code == 404
    db.session.expire_all()
    kept = db.session.get(Meeting, meeting.id)
    assert (kept.notes, kept.note_taker_id) == ("We **agreed** on peer visits", None)
    assert db.session.get(FollowUp, follow_up.id).done_at is None
