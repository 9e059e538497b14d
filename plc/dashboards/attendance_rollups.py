"""The attendance roll-ups (``AttendanceRollup``), kept in the same transaction as the writes.

A cohort's row set is small (its members x its meetings: a few hundred seats a year), so it
is kept by recounting, not by differences: after a flush that wrote any of a cohort's
meetings (time, status, cohort), attendance rows or memberships (who, since when), or its
programme's time zone, that cohort's rows are deleted and counted again from its seats.

On PostgreSQL the recount first takes the cohorts' rows FOR NO KEY UPDATE (in id order): a
second writer to the same cohort waits for the first to commit, and its recount, a new
statement under READ COMMITTED, then sees the first one's seats. FOR NO KEY UPDATE does not
block the key-share locks taken by inserting a row that references the cohort. SQLite has
one writer at a time anyway.

``rollups.paused`` turns this upkeep off too (bulk work that rebuilds afterwards); bulk
statements around the flush call ``recount`` or ``rebuild`` themselves (the retention purge,
the bench seeding). ``tests/dashboards/test_attendance_rollups.py`` proves that the maintained
rows equal a rebuild after a random history of writes, and that the figures read from them
equal those counted from the meetings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from sqlalchemy import delete, event, inspect, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from plc.dashboards import rollups
from plc.dashboards.models import AttendanceRollup
from plc.meetings.models import ATTENDED, CANCELLED, Attendance, Meeting
from plc.programs.models import Cohort, Membership, Program

# The attributes whose change moves a seat; any other edit (a meeting's notes) costs nothing.
RELEVANT = {
    Meeting: {"cohort_id", "starts_at", "status"},
    Attendance: {"meeting_id", "user_id", "status"},
    Membership: {"cohort_id", "user_id", "created_at"},
    Cohort: {"program_id"},
    Program: {"time_zone"},
}
_COHORTS = "plc_attendance_rollups_cohorts"


def applies_to_member():
    """A meeting counts for a member from the day they joined the cohort, and any meeting
    where their attendance was taken counts too (a roster imported late). Used with
    ``Membership``, ``Meeting`` and the outer-joined ``Attendance`` in the statement."""
    return or_(Meeting.starts_at >= Membership.created_at, Attendance.id.is_not(None))


# --- counting --------------------------------------------------------------------------------


def _seats(cohort_ids: list[int]):
    """Every member of these cohorts at every meeting of theirs that is not cancelled and
    counts for them, with their attendance's status and the programme's time zone."""
    return (
        select(Membership.cohort_id, Membership.user_id, Meeting.starts_at, Attendance.status,
               Program.time_zone)
        .select_from(Membership)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(Program, Program.id == Cohort.program_id)
        .join(Meeting, Meeting.cohort_id == Membership.cohort_id)
        .outerjoin(Attendance, (Attendance.meeting_id == Meeting.id)
                   & (Attendance.user_id == Membership.user_id))
        .where(Membership.cohort_id.in_(cohort_ids), Meeting.status != CANCELLED,
               applies_to_member())
    )


def _count(connection: Connection, cohort_ids: list[int]) -> list[dict]:
    rows: dict[tuple[int, int, int], dict] = {}
    for cohort_id, user_id, starts_at, status, time_zone in connection.execute(
            _seats(cohort_ids)):
        at = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)
        key = (cohort_id, user_id, rollups.month_of(at, time_zone))
        row = rows.setdefault(key, dict(cohort_id=cohort_id, user_id=user_id, month=key[2],
                                        meetings=0, attended=0))
        row["meetings"] += 1
        row["attended"] += status in ATTENDED
    return [rows[key] for key in sorted(rows)]


def _lock(connection: Connection, cohort_ids: list[int]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(select(Cohort.id).where(Cohort.id.in_(cohort_ids))
                           .order_by(Cohort.id).with_for_update(key_share=True))


def recount(connection: Connection, cohort_ids: Iterable[int | None]) -> int:
    """These cohorts' rows deleted and counted again from their seats. Returns the rows
    written."""
    ids = sorted({c for c in cohort_ids if c is not None})
    if not ids:
        return 0
    _lock(connection, ids)
    table = AttendanceRollup.__table__
    connection.execute(delete(table).where(table.c.cohort_id.in_(ids)))
    rows = _count(connection, ids)
    for start in range(0, len(rows), 1000):
        connection.execute(table.insert(), rows[start:start + 1000])
    return len(rows)


def rebuild(connection: Connection, program_id: int | None = None) -> int:
    """Every cohort's rows (of one programme, or all) made again. Returns the rows written."""
    cohorts = select(Cohort.id)
    if program_id is not None:
        cohorts = cohorts.where(Cohort.program_id == program_id)
    return recount(connection, connection.execute(cohorts).scalars().all())


# --- the flush -------------------------------------------------------------------------------


def _values(obj, name: str, with_old: bool) -> set:
    """The attribute's value, and the one it had before this flush when ``with_old``."""
    found = {getattr(obj, name)}
    if with_old:
        found |= set(inspect(obj).attrs[name].history.deleted)
    return found


def _touched(session: Session, objects, with_old: bool) -> set[int]:
    """The cohorts whose seats ``objects`` may move."""
    cohorts: set = set()
    meetings: set = set()
    programs: set = set()
    for obj in objects:
        kind = type(obj)
        if kind is Meeting or kind is Membership:
            cohorts |= _values(obj, "cohort_id", with_old)
        elif kind is Attendance:
            meetings |= _values(obj, "meeting_id", with_old)
        elif kind is Cohort:
            cohorts.add(obj.id)
        elif kind is Program:
            programs.add(obj.id)
    meetings.discard(None)
    if meetings:
        cohorts |= set(session.execute(select(Meeting.cohort_id)
                                       .where(Meeting.id.in_(sorted(meetings)))).scalars())
    if programs:
        cohorts |= set(session.execute(select(Cohort.id)
                                       .where(Cohort.program_id.in_(sorted(programs)))).scalars())
    cohorts.discard(None)
    return cohorts


@event.listens_for(Session, "before_flush")
def _read_before(session: Session, _flush_context, _instances) -> None:
    """The cohorts of what is about to change or go, while the database still holds it (an
    attendance row's meeting may go in the same flush)."""
    if rollups.is_paused(session):
        return
    changing = [*(o for o in session.dirty
                  if type(o) in RELEVANT and rollups.moved(o, RELEVANT[type(o)])),
                *(o for o in session.deleted if type(o) in RELEVANT)]
    if changing:
        with session.no_autoflush:
            session.info[_COHORTS] = _touched(session, changing, with_old=True)


@event.listens_for(Session, "after_flush")
def _recount_after(session: Session, _flush_context) -> None:
    if rollups.is_paused(session):
        return
    cohorts = session.info.pop(_COHORTS, set())
    added = [o for o in session.new if type(o) in (Meeting, Attendance, Membership)]
    if added:
        cohorts |= _touched(session, added, with_old=False)
    if cohorts:
        recount(session.connection(), cohorts)
