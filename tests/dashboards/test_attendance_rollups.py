"""The attendance roll-ups (plc/dashboards/attendance_rollups.py): after any history of
meetings scheduled, moved, cancelled and removed, attendance taken, corrected and removed,
members joining, leaving and backdated, a time-zone change and rolled-back writes, the rows
kept as they were written equal the rows a rebuild makes, and the figures read from them
(the member facts, the programme's months) equal those counted seat by seat."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select

from plc.dashboards import attendance_rollups, queries, rollups
from plc.dashboards.models import AttendanceRollup
from plc.extensions import db
from plc.meetings import services as meeting_services
from plc.meetings.models import (
    ATTENDANCE_STATUSES,
    ATTENDED,
    CANCELLED,
    SCHEDULED,
    Attendance,
    Meeting,
)
from plc.programs import retention
from plc.programs import services as program_services
from plc.programs.models import Membership
from tests import factories
from tests.dashboards.histories import assert_the_second_writer_waits, replay
from tests.worlds import Spec, world_fixture

pytestmark = pytest.mark.database

# Moments around the programme's month ends (New York: EDT until 1 November 2026 06:00 UTC),
# so that a meeting a few hours either side lands in another local month than its UTC one.
MOMENTS = [
    datetime(2026, 9, 15, 22, tzinfo=UTC),
    datetime(2026, 10, 1, 3, 59, tzinfo=UTC),    # 30 September in New York
    datetime(2026, 10, 1, 4, 1, tzinfo=UTC),     # 1 October
    datetime(2026, 10, 20, 21, tzinfo=UTC),
    datetime(2026, 11, 1, 3, 30, tzinfo=UTC),    # still October in New York
    datetime(2026, 11, 1, 4, 30, tzinfo=UTC),
    datetime(2026, 11, 17, 21, tzinfo=UTC),
    datetime(2026, 12, 1, 4, 59, tzinfo=UTC),    # still November (EST)
    datetime(2026, 12, 1, 5, 0, tzinfo=UTC),
    datetime(2026, 12, 15, 21, tzinfo=UTC),
]
PEOPLE = 4


def build():
    admin = factories.make_user("seats-admin@example.org", admin=True)
    program = factories.make_program("Seats programme")
    cohorts = [factories.make_cohort(program, f"Seats cohort {n}") for n in (1, 2)]
    people = [factories.make_user(f"seats{n}@example.org") for n in range(PEOPLE)]
    for n, person in enumerate(people):
        factories.add_member(cohorts[n % 2], person).created_at = MOMENTS[0]
    factories.add_member(cohorts[0], factories.make_user("seats-facilitator@example.org"),
                         role="facilitator").created_at = MOMENTS[0]
    for n, cohort in enumerate(cohorts):
        db.session.add(Meeting(cohort_id=cohort.id, title=f"Meeting {n}",
                               starts_at=MOMENTS[3], ends_at=MOMENTS[3] + timedelta(hours=1)))
    db.session.flush()
    return dict(admin=admin, program=program, cohorts=cohorts, people=people)


SPEC = Spec("attendance-rollups", build)
seats_world = world_fixture("seats_world", SPEC)

WHO = st.integers(0, PEOPLE - 1)
WHEN = st.sampled_from(MOMENTS)
PICK = st.integers(0, 1000)  # an index into whatever exists when the step runs
COHORT = st.integers(0, 1)
STEPS = st.one_of(
    st.tuples(st.just("meeting"), COHORT, WHEN),
    st.tuples(st.just("move"), PICK, WHEN),
    st.tuples(st.just("cancel"), PICK),
    st.tuples(st.just("restore"), PICK),
    st.tuples(st.just("remove_meeting"), PICK),
    st.tuples(st.just("mark"), PICK, WHO, st.sampled_from(ATTENDANCE_STATUSES)),
    st.tuples(st.just("unmark"), PICK),
    st.tuples(st.just("leave"), WHO),
    st.tuples(st.just("join"), WHO, COHORT, WHEN),
    st.tuples(st.just("backdate"), WHO, WHEN),
    st.tuples(st.just("time_zone"), st.sampled_from(["Pacific/Auckland", "UTC"])),
)


def _rows() -> list[tuple]:
    r = AttendanceRollup
    return list(db.session.execute(
        select(r.cohort_id, r.user_id, r.month, r.meetings, r.attended)
        .order_by(r.cohort_id, r.user_id, r.month)).tuples())


def _all(model, *where):
    return list(db.session.execute(select(model).where(*where).order_by(model.id)).scalars())


def _step(w, step) -> None:  # noqa: C901 (one branch per kind of write)
    kind, *args = step
    people, cohorts = w["people"], w["cohorts"]
    meetings = _all(Meeting)
    if kind == "meeting":
        cohort, when = args
        db.session.add(Meeting(cohort_id=cohorts[cohort].id, title="Another",
                               starts_at=when, ends_at=when + timedelta(hours=1)))
    elif kind in ("move", "cancel", "restore", "remove_meeting") and meetings:
        meeting = meetings[args[0] % len(meetings)]
        if kind == "move":
            meeting.starts_at = args[1]
        elif kind == "remove_meeting":  # its attendance goes by the database's cascade
            db.session.delete(meeting)
        else:
            meeting.status = CANCELLED if kind == "cancel" else SCHEDULED
    elif kind == "mark" and meetings:
        pick, who, status = args
        meeting = meetings[pick % len(meetings)]
        if db.session.execute(select(Membership).where(
                Membership.cohort_id == meeting.cohort_id,
                Membership.user_id == people[who].id)).scalar() is not None:
            meeting_services.record_attendance(w["admin"], meeting, {people[who].id: status},
                                               ahead_confirmed=True)
    elif kind == "unmark":
        rows = _all(Attendance)
        if rows:
            db.session.delete(rows[args[0] % len(rows)])
    elif kind in ("leave", "join", "backdate"):
        who = args[0]
        memberships = _all(Membership, Membership.user_id == people[who].id)
        if kind == "leave" and memberships:
            program_services.remove_from_cohort(w["admin"], memberships[0].cohort,
                                                memberships[0])
        elif kind == "join" and not any(m.cohort_id == cohorts[args[1]].id
                                        for m in memberships):
            factories.add_member(cohorts[args[1]], people[who]).created_at = args[2]
        elif kind == "backdate" and memberships:
            memberships[0].created_at = args[1]
    elif kind == "time_zone":
        w["program"].time_zone = args[0]
    db.session.flush()


def _attendance(program_id: int, window: queries.Window, now: datetime,
                time_zone: str | None) -> list[tuple]:
    return sorted((f.cohort_id, f.user_id, f.meetings_held, f.meetings_attended)
                  for f in queries.member_facts(program_id, window=window, now=now,
                                                time_zone=time_zone))


def _months_seat_by_seat(program, now: datetime) -> dict[tuple[int, int], tuple[int, int]]:
    held, came = Counter(), Counter()
    for record in queries.attendance_records(program.id, now=now):
        key = divmod(rollups.month_of(record.starts_at, program.time_zone), 100)
        held[key] += 1
        came[key] += record.status in ATTENDED
    return {key: (held[key], came[key]) for key in held}


def _months_read(program, now: datetime) -> dict[tuple[int, int], tuple[int, int]]:
    year = queries.LocalMonths(program.time_zone, program.starts_on, program.ends_on)
    return {key: (m.meetings_held, m.meetings_attended)
            for key, m in queries.monthly(program.id, year, now=now).items()
            if m.meetings_held}


@settings(max_examples=30, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=st.lists(st.tuples(STEPS, st.booleans()), min_size=1, max_size=14),
       now=WHEN, cut=st.tuples(WHEN, WHEN).map(sorted))
# Always tried: attendance that goes with its meeting by the database's cascade, a roster
# taken before the member joined, and the programme's months moving with its time zone.
@example(history=[(("mark", 0, 0, "present"), False), (("remove_meeting", 0), False)],
         now=MOMENTS[6], cut=[MOMENTS[0], MOMENTS[9]])
@example(history=[(("join", 1, 0, MOMENTS[7]), False), (("mark", 0, 1, "late"), False),
                  (("time_zone", "Pacific/Auckland"), False)],
         now=MOMENTS[9], cut=[MOMENTS[2], MOMENTS[6]])
def test_maintained_rollups_equal_a_rebuild(app, worlds, seats_world, history, now, cut):
    w = worlds.clone(SPEC)
    replay(w, history, _step, _rows)
    maintained = _rows()
    program = w["program"]
    db.session.refresh(program)
    note(f"history: {history}\nnow: {now}\nrows: {maintained}")
    # Read from the roll-ups (the programme's time zone) and seat by seat (none): the same.
    for window in (queries.Window(), queries.Window(*cut)):
        assert (_attendance(program.id, window, now, program.time_zone)
                == _attendance(program.id, window, now, None))
    assert _months_read(program, now) == _months_seat_by_seat(program, now)

    attendance_rollups.rebuild(db.session.connection())
    assert maintained == _rows()
    db.session.rollback()


def test_only_months_before_the_current_one_are_read_from_the_rollups(app, seats_world):
    """A meeting later this month is not held yet: the current month is counted seat by
    seat, at the moment of reading, though its roll-up row already counts the meeting."""
    w = seats_world
    program, person = w["program"], w["people"][0]
    now = datetime(2026, 11, 10, 15, tzinfo=UTC)
    db.session.add(Meeting(cohort_id=w["cohorts"][0].id, title="Later this month",
                           starts_at=now + timedelta(days=7),
                           ends_at=now + timedelta(days=7, hours=1)))
    db.session.flush()
    assert (w["cohorts"][0].id, person.id, 202611, 1, 0) in _rows()

    def held(at: datetime) -> int:
        facts = queries.member_facts(program.id, [w["cohorts"][0].id], now=at,
                                     time_zone=program.time_zone)
        return next(f.meetings_held for f in facts if f.user_id == person.id)

    assert held(now) == 1  # October's meeting only
    assert held(now + timedelta(days=8)) == 2


def test_rebuild_command_makes_the_rows_again(app, seats_world):
    w = seats_world
    meeting = _all(Meeting)[0]
    meeting_services.record_attendance(w["admin"], meeting, {w["people"][0].id: "present"})
    db.session.commit()
    kept = _rows()
    assert (meeting.cohort_id, w["people"][0].id, 202610, 1, 1) in kept
    db.session.execute(AttendanceRollup.__table__.delete())
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["plc", "rebuild-rollups"])

    assert result.exit_code == 0, result.output
    assert f"the attendance roll-ups: {len(kept)} rows" in result.output
    assert _rows() == kept


def test_a_second_writer_to_a_cohort_recounts_after_the_first_commits(app, seats_world):
    """Two transactions take attendance in one cohort at once: the second's recount waits
    for the first (its cohort lock on PostgreSQL, the write lock on SQLite) and counts both
    rows, never only its own."""
    w = seats_world
    meeting = _all(Meeting)[0]
    meeting_id, cohort_id = meeting.id, meeting.cohort_id
    first_id, second_id = w["people"][0].id, w["people"][2].id  # both in cohort 1
    db.session.commit()  # read nothing more before the two writers are done: on SQLite a read
    # outside a request begins a write transaction
    def take(person_id: int, status: str):
        def write(connection):
            connection.execute(Attendance.__table__.insert().values(
                meeting_id=meeting_id, user_id=person_id, status=status,
                recorded_at=MOMENTS[3]))
            attendance_rollups.recount(connection, [cohort_id])
        return write

    assert_the_second_writer_waits(take(first_id, "present"), take(second_id, "late"))
    rows = {(r[1], r[2]): r[3:] for r in _rows() if r[0] == cohort_id}
    assert rows[(first_id, 202610)] == (1, 1)
    assert rows[(second_id, 202610)] == (1, 1)


def test_the_retention_purge_leaves_held_meetings_but_no_attendance(app, seats_world):
    w = seats_world
    meeting = _all(Meeting)[0]
    meeting_services.record_attendance(w["admin"], meeting, {w["people"][0].id: "present"})
    program = w["program"]
    program.closed_at = datetime(2020, 6, 30, tzinfo=UTC)
    db.session.flush()
    assert any(r[4] for r in _rows())

    retention.purge(retention.Expired(program, retention.counts(program.id)), years=3)

    left = _rows()
    assert left and not any(attended for *_key, _meetings, attended in left)
    attendance_rollups.rebuild(db.session.connection())
    assert _rows() == left
