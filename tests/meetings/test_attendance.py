"""Attendance: the roster of members, four choices each, saved and corrected; members see
only their own record; counts on the meeting list."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import Attendance
from tests.meetings.conftest import make_meeting


def statuses(meeting_id: int) -> dict[int, tuple[str, int]]:
    db.session.expire_all()
    return {a.user_id: (a.status, a.recorded_by_id) for a in db.session.execute(
        select(Attendance).where(Attendance.meeting_id == meeting_id)).scalars()}


def test_the_roster_lists_members_with_nothing_chosen(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=1))
    db.session.commit()
    page = client_for(people.facilitator).get(f"/meetings/{meeting.id}/attendance").text
    assert page.count("<fieldset") == 2  # member and peer: facilitators are not on the roster
    assert f'float-none">{people.member.name}</legend>' in page
    assert people.outsider.name not in page
    assert " checked" not in page
    for status in ("present", "late", "excused", "absent"):
        assert f'id="status-{people.member.id}-{status}"' in page


def test_save_then_correct(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=1))
    db.session.commit()
    client = client_for(people.facilitator)
    response = client.post(f"/meetings/{meeting.id}/attendance", data={
        f"status-{people.member.id}": "present", f"status-{people.peer.id}": "absent"})
    assert response.status_code == 302
    assert statuses(meeting.id) == {people.member.id: ("present", people.facilitator.id),
                                    people.peer.id: ("absent", people.facilitator.id)}
    first_time = db.session.execute(select(Attendance.recorded_at).where(
        Attendance.user_id == people.peer.id)).scalar_one()
    page = client.get(f"/meetings/{meeting.id}/attendance").text
    assert 'value="absent" autocomplete="off" checked' in page  # the saved choice is shown

    # The peer arrives late after all; a program lead corrects it.
    response = client_for(people.lead).post(f"/meetings/{meeting.id}/attendance", data={
        f"status-{people.member.id}": "present", f"status-{people.peer.id}": "late"})
    assert response.status_code == 302
    assert statuses(meeting.id) == {people.member.id: ("present", people.facilitator.id),
                                    people.peer.id: ("late", people.lead.id)}
    assert db.session.execute(select(Attendance.recorded_at).where(
        Attendance.user_id == people.peer.id)).scalar_one() >= first_time
    assert db.session.execute(select(Attendance)).scalars().all().__len__() == 2  # overwritten


def test_only_the_roster_and_known_statuses_are_saved(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=1))
    db.session.commit()
    client = client_for(people.facilitator)
    client.post(f"/meetings/{meeting.id}/attendance", data={
        f"status-{people.outsider.id}": "present", f"status-{people.facilitator.id}": "present",
        f"status-{people.member.id}": "present"})
    assert statuses(meeting.id) == {people.member.id: ("present", people.facilitator.id)}
    response = client.post(f"/meetings/{meeting.id}/attendance",
                           data={f"status-{people.peer.id}": "sleeping"})
    assert response.status_code == 200  # refused on the form
    assert people.peer.id not in statuses(meeting.id)


def test_mark_all_present_without_javascript_saves_nothing(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=1))
    db.session.commit()
    client = client_for(people.facilitator)
    page = client.post(f"/meetings/{meeting.id}/attendance",
                       data={"mark_all_present": "1"}).text
    assert page.count('value="present" autocomplete="off" checked') == 2
    assert statuses(meeting.id) == {}


def test_members_cannot_take_attendance_and_others_do_not_see_it(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(hours=1))
    db.session.commit()
    member = client_for(people.member)
    assert member.get(f"/meetings/{meeting.id}/attendance").status_code == 403
    assert member.post(f"/meetings/{meeting.id}/attendance",
                       data={f"status-{people.member.id}": "present"}).status_code == 403
    assert client_for(people.outsider).get(
        f"/meetings/{meeting.id}/attendance").status_code == 404
    assert statuses(meeting.id) == {}


def test_members_see_their_own_record_only(app, people, client_for):
    meetings = [make_meeting(people.cohort, utcnow() - timedelta(days=d), title=f"M{d}")
                for d in (60, 30)]
    for meeting, (mine, theirs) in zip(meetings, [("late", "absent"), ("present", "excused")],
                                       strict=True):
        db.session.add_all([
            Attendance(meeting_id=meeting.id, user_id=people.member.id, status=mine),
            Attendance(meeting_id=meeting.id, user_id=people.peer.id, status=theirs)])
    db.session.commit()
    client = client_for(people.member)
    page = client.get(f"/cohorts/{people.cohort.id}/my-attendance").text
    assert "Late" in page and "Present" in page
    assert "Absent" not in page and "Excused" not in page and people.peer.name not in page
    meeting_page = client.get(f"/meetings/{meetings[1].id}").text
    assert "Your attendance" in meeting_page and "Excused" not in meeting_page
    assert "Take attendance" not in meeting_page
    listing = client.get(f"/cohorts/{people.cohort.id}/meetings").text
    assert "present or late" not in listing  # counts are for facilitators and leads
    assert f"/cohorts/{people.cohort.id}/my-attendance" in listing


def test_the_list_shows_counts_per_past_meeting(app, people, client_for, count_queries):
    counted = make_meeting(people.cohort, utcnow() - timedelta(days=30), title="Counted")
    make_meeting(people.cohort, utcnow() - timedelta(days=60), title="Untaken")
    db.session.add_all([
        Attendance(meeting_id=counted.id, user_id=people.member.id, status="late"),
        Attendance(meeting_id=counted.id, user_id=people.peer.id, status="absent")])
    db.session.commit()
    page = client_for(people.facilitator).get(f"/cohorts/{people.cohort.id}/meetings").text
    assert "Attendance: 1 of 2 present or late" in page
    assert "Attendance: not taken" in page


# --- a meeting that has not started (issue 14 item 9) ------------------------------------


def test_attendance_ahead_of_the_meeting_asks_for_confirmation_and_saves_nothing(
        app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() + timedelta(days=8))
    db.session.commit()
    client = client_for(people.facilitator)
    page = client.get(f"/meetings/{meeting.id}/attendance").text
    assert "Not started yet:" in page
    assert 'name="confirm_early"' in page and "Record it anyway" in page

    response = client.post(f"/meetings/{meeting.id}/attendance",
                           data={f"status-{people.member.id}": "present"})
    assert response.status_code == 200  # the form again, with the reason next to the box
    error = response.text.split('id="confirm_early-error"', 1)[1].split("</div>", 1)[0]
    assert "has not started yet, so nothing is saved" in error
    box = re.search(r'<input[^>]*name="confirm_early"[^>]*>', response.text).group(0)
    assert 'aria-invalid="true"' in box and 'aria-describedby="confirm_early-error"' in box
    # What was chosen is still chosen, to save again with the tick.
    assert 'value="present" autocomplete="off" checked' in response.text
    assert statuses(meeting.id) == {}

    response = client.post(f"/meetings/{meeting.id}/attendance", data={
        f"status-{people.member.id}": "present", "confirm_early": "y"})
    assert response.status_code == 302
    assert statuses(meeting.id) == {people.member.id: ("present", people.facilitator.id)}


def test_a_meeting_under_way_needs_no_confirmation(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() - timedelta(minutes=5))
    db.session.commit()
    client = client_for(people.facilitator)
    page = client.get(f"/meetings/{meeting.id}/attendance").text
    assert "Not started yet" not in page and 'name="confirm_early"' not in page
    response = client.post(f"/meetings/{meeting.id}/attendance",
                           data={f"status-{people.member.id}": "late"})
    assert response.status_code == 302
    assert statuses(meeting.id) == {people.member.id: ("late", people.facilitator.id)}
