"""The attendance page's body, kept whole by each worker (plc/meetings/views.py:Roster): after
every kind of write that changes it, the kept page is the page rendered afresh and shows the
change; a form shown again after a POST is never kept nor served from what was kept; and a
kept body reads no roster."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from plc import stamps
from plc.db import utcnow
from plc.extensions import db
from plc.meetings import services as meeting_services
from plc.meetings.models import Meeting
from tests import factories
from tests.feedback.test_comments import client_of
from tests.feedback.test_plan_body_kept import (
    assert_a_kept_page_shows,
    page_of,
    programme_moved_to_another_time_zone,
    statements_of,
)

TAKER = "facilitator_a"


def checked(user_id: int, status: str) -> str:
    return f'id="status-{user_id}-{status}" value="{status}" autocomplete="off" checked'


# The writes: each readies what it needs, then returns a function that makes the write and
# returns what the page must show afterwards and what it must no longer show.


def attendance_recorded(app, world):
    member = world.users["member_a"]

    def write():
        meeting_services.record_attendance(world.users[TAKER], world.meeting_a,
                                           {member.id: "late"}, ahead_confirmed=True)
        db.session.commit()
        return checked(member.id, "late"), None
    return write


def member_renamed(app, world):
    def write():
        world.users["member_a"].name = "Morgan Renamed"
        db.session.commit()
        return "Morgan Renamed", None
    return write


def member_joined(app, world):
    def write():
        factories.add_member(world.cohort_a, factories.make_user(name="Noor Newcomer"))
        db.session.commit()
        return "Noor Newcomer", None
    return write


def member_deactivated(app, world):
    name = world.users["member_a"].name

    def write():
        world.users["member_a"].active = False
        db.session.commit()
        return None, name
    return write


def meeting_renamed(app, world):
    def write():
        world.meeting_a.title = "The renamed gathering"
        db.session.commit()
        return "The renamed gathering", None
    return write


WRITES = [attendance_recorded, member_renamed, member_joined, member_deactivated,
          meeting_renamed, programme_moved_to_another_time_zone]


@pytest.mark.parametrize("ready", WRITES, ids=[w.__name__ for w in WRITES])
def test_a_kept_attendance_page_shows_every_change_at_once(app, world, ready):
    taker = client_of(app, world, TAKER)
    assert_a_kept_page_shows(ready(app, world), app, taker, world, "attendance")


def test_a_meeting_that_starts_drops_its_not_started_note_without_a_write(app, world):
    """The clock alone starts a meeting: stood in for by moving it with the stamps off."""
    taker = client_of(app, world, TAKER)
    assert 'id="not-started-note"' in page_of(taker, world, "attendance")
    meeting_id = world.meeting_a.id
    db.session.commit()  # SQLite: one writer at a time
    with db.engine.connect() as connection, stamps.unstamped(connection), connection.begin():
        connection.execute(update(Meeting).where(Meeting.id == meeting_id).values(
            starts_at=utcnow() - timedelta(minutes=5), ends_at=utcnow() + timedelta(hours=1)))
    assert 'id="not-started-note"' not in page_of(taker, world, "attendance")


def test_a_form_shown_again_is_neither_kept_nor_served_from_what_was_kept(app, world):
    taker, url = client_of(app, world, TAKER), f"/meetings/{world.meeting_a.id}/attendance"
    member = world.users["member_a"]
    kept = page_of(taker, world, "attendance")
    assert checked(member.id, "present") not in kept
    shown_again = taker.post(url, data={"mark_all_present": "1"})
    assert checked(member.id, "present") in shown_again.text  # nothing saved yet
    refused = taker.post(url, data={f"status-{member.id}": "present"})  # not started: confirm
    assert 'id="confirm_early"' in refused.text and checked(member.id, "present") in refused.text
    assert page_of(taker, world, "attendance") == kept


def test_a_kept_attendance_page_reads_no_roster(app, world):
    taker, url = client_of(app, world, TAKER), f"/meetings/{world.meeting_a.id}/attendance"
    first = statements_of(lambda: taker.get(url))
    again = statements_of(lambda: taker.get(url))
    # The session, and the meeting with its cohort and programme.
    assert len(again) == 2 < len(first), "\n".join(s[:90] for s in again)
