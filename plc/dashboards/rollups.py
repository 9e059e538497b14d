"""The activity roll-ups (``ActivityRollup``), kept in the same transaction as the writes.

One place keeps them, whatever service writes: the session's flush. Before it, the rows about
to change or go are read back as the database holds them (what they counted); after it, the
rows written are read again (what they count now); the difference is applied to each
(programme, person, month) row by one atomic INSERT ... ON CONFLICT DO UPDATE SET n = n + d,
so that two workers counting into the same row never lose each other's increment and a
rolled-back write leaves no trace. A removal also recomputes that one row's ``last_*``
moments from the events of that person's month (a maximum cannot be decremented).

Statements that bypass the flush (``update()``/``delete()`` run through the session: the
erasure, the retention purge) call ``refresh`` for the people and programmes they touched;
bulk seeding (bench/seed.py) calls ``rebuild``. ``tests/dashboards/test_rollups.py`` proves
that the maintained rows equal a rebuild after a random history of writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, event, func, inspect, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from plc.assessments.models import SUBMITTED, Checkpoint, SelfAssessment
from plc.dashboards.models import ActivityRollup
from plc.feedback.models import Comment
from plc.plans.models import ActionPlan, ProgressUpdate
from plc.programs.models import Program

UPDATES, GIVEN, RECEIVED, WORKSHEETS = ("updates", "comments_given", "comments_received",
                                        "worksheets")
LAST = {UPDATES: "last_update_at", GIVEN: "last_comment_at", WORKSHEETS: "last_worksheet_at"}
COUNTS = (UPDATES, GIVEN, RECEIVED, WORKSHEETS)
# The attributes whose change moves a count; any other edit (a comment's text) costs nothing.
RELEVANT = {
    ProgressUpdate: {"plan_id", "created_at"},
    Comment: {"plan_id", "author_id", "created_at", "deleted_at"},
    SelfAssessment: {"user_id", "checkpoint_id", "status", "submitted_at"},
}
_PAUSED, _BEFORE, _PAIRS = "plc_rollups_paused", "plc_rollups_before", "plc_rollups_pairs"

Key = tuple[int, int, int]  # program id, user id, month (year * 100 + month)


def month_key(year: int, month: int) -> int:
    """How a roll-up names its month: year * 100 + month."""
    return year * 100 + month


def month_of(moment: datetime, time_zone: str) -> int:
    """The key of the month ``moment`` falls in, in the programme's time zone."""
    local = moment.astimezone(ZoneInfo(time_zone))  # ZoneInfo keeps its instances
    return month_key(local.year, local.month)


def month_bounds(month: int, time_zone: str) -> tuple[datetime, datetime]:
    """[first moment, first moment of the next month), in UTC."""
    y, m = divmod(month, 100)
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    zone = ZoneInfo(time_zone)
    return (datetime(y, m, 1, tzinfo=zone).astimezone(UTC),
            datetime(ny, nm, 1, tzinfo=zone).astimezone(UTC))


@dataclass(frozen=True)
class Contribution:
    """One event's part in one roll-up row."""

    key: Key
    count: str  # one of COUNTS
    at: datetime
    time_zone: str


# --- what the events count -------------------------------------------------------------------


def _update_rows(where):
    return (select(ActionPlan.program_id, ActionPlan.user_id, ProgressUpdate.created_at,
                   Program.time_zone)
            .join(ActionPlan, ActionPlan.id == ProgressUpdate.plan_id)
            .join(Program, Program.id == ActionPlan.program_id).where(where))


def _comment_rows(where):
    return (select(ActionPlan.program_id, ActionPlan.user_id, Comment.author_id,
                   Comment.created_at, Program.time_zone)
            .join(ActionPlan, ActionPlan.id == Comment.plan_id)
            .join(Program, Program.id == ActionPlan.program_id)
            .where(Comment.deleted_at.is_(None), where))


def _worksheet_rows(where):
    return (select(Checkpoint.program_id, SelfAssessment.user_id, SelfAssessment.submitted_at,
                   Program.time_zone)
            .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
            .join(Program, Program.id == Checkpoint.program_id)
            .where(SelfAssessment.status == SUBMITTED, SelfAssessment.submitted_at.is_not(None),
                   where))


def _contribution(program_id, user_id, count, at, time_zone) -> Contribution:
    at = at if at.tzinfo else at.replace(tzinfo=UTC)  # a Core row on SQLite may come naive
    return Contribution((program_id, user_id, month_of(at, time_zone)), count, at, time_zone)


def _contributions(connection: Connection, updates=None, comments=None,
                   worksheets=None) -> list[Contribution]:
    """What the events selected by each ``where`` (None: none of that kind) count, as the
    database holds them now. A comment counts as given by its author and, unless they wrote
    on their own plan, as received by the plan's author (a removed author's comment is still
    received)."""
    found = []
    if updates is not None:
        for program_id, user_id, at, zone in connection.execute(_update_rows(updates)):
            found.append(_contribution(program_id, user_id, UPDATES, at, zone))
    if comments is not None:
        for program_id, owner_id, author_id, at, zone in connection.execute(
                _comment_rows(comments)):
            if author_id is not None:
                found.append(_contribution(program_id, author_id, GIVEN, at, zone))
            if author_id != owner_id:
                found.append(_contribution(program_id, owner_id, RECEIVED, at, zone))
    if worksheets is not None:
        for program_id, user_id, at, zone in connection.execute(_worksheet_rows(worksheets)):
            found.append(_contribution(program_id, user_id, WORKSHEETS, at, zone))
    return found


def _of_ids(ids: dict[type, set[int]]) -> dict[str, object]:
    wheres = {"updates": ProgressUpdate, "comments": Comment, "worksheets": SelfAssessment}
    return {name: model.id.in_(sorted(ids[model])) for name, model in wheres.items()
            if ids.get(model)}


# --- applying a difference -------------------------------------------------------------------


@dataclass
class _Delta:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    lasts: dict[str, datetime | None] = field(default_factory=lambda: dict.fromkeys(LAST))
    removed: bool = False
    time_zone: str = "UTC"


def _deltas(before: Iterable[Contribution], after: Iterable[Contribution]) -> dict[Key, _Delta]:
    found: dict[Key, _Delta] = defaultdict(_Delta)
    for sign, contributions in ((-1, before), (1, after)):
        for c in contributions:
            delta = found[c.key]
            delta.time_zone = c.time_zone
            delta.counts[c.count] += sign
            if sign < 0:
                delta.removed = True
            elif c.count in LAST:
                last = delta.lasts[c.count]
                delta.lasts[c.count] = c.at if last is None or c.at > last else last
    return found


def _insert_for(connection: Connection):
    return pg_insert if connection.dialect.name == "postgresql" else sqlite_insert


def _upsert(connection: Connection, key: Key, delta: _Delta) -> None:
    """n = n + d and last = the later of the two, in one atomic statement."""
    table = ActivityRollup.__table__
    program_id, user_id, month = key
    statement = _insert_for(connection)(table).values(
        program_id=program_id, user_id=user_id, month=month, **delta.counts,
        **{LAST[count]: at for count, at in delta.lasts.items()})
    changes = {count: table.c[count] + statement.excluded[count] for count in COUNTS
               if delta.counts[count]}
    for count, at in delta.lasts.items():
        if at is not None:
            column = table.c[LAST[count]]
            changes[LAST[count]] = func.coalesce(
                _later(column, statement.excluded[LAST[count]]), statement.excluded[LAST[count]])
    if not changes:  # nothing moved: a removal and an addition in the same month
        changes = {UPDATES: table.c[UPDATES]}
    connection.execute(statement.on_conflict_do_update(
        index_elements=[table.c.program_id, table.c.user_id, table.c.month], set_=changes))


def _later(a, b):
    """The later of two moments in SQL (NULL when ``a`` is NULL: the caller coalesces)."""
    return case((a >= b, a), else_=b)


def _recount_lasts(connection: Connection, key: Key, time_zone: str) -> None:
    """After a removal: this row's latest moments, from the events of that month only. Runs
    after the upsert took the row's lock, so on PostgreSQL its snapshot sees every writer that
    touched the row before; a later writer waits for this transaction and then takes the later
    moment itself."""
    program_id, user_id, month = key
    start, end = month_bounds(month, time_zone)
    table = ActivityRollup.__table__

    plans = ActionPlan.__table__
    updates = (select(func.max(ProgressUpdate.created_at))
               .join(ActionPlan, ActionPlan.id == ProgressUpdate.plan_id)
               .where(ActionPlan.program_id == program_id, ActionPlan.user_id == user_id,
                      ProgressUpdate.created_at >= start, ProgressUpdate.created_at < end)
               .scalar_subquery())
    comments = (select(func.max(Comment.created_at))
                .where(Comment.author_id == user_id, Comment.deleted_at.is_(None),
                       Comment.created_at >= start, Comment.created_at < end,
                       Comment.plan_id.in_(select(plans.c.id)
                                           .where(plans.c.program_id == program_id)))
                .scalar_subquery())
    worksheets = (select(func.max(SelfAssessment.submitted_at))
                  .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
                  .where(Checkpoint.program_id == program_id, SelfAssessment.user_id == user_id,
                         SelfAssessment.status == SUBMITTED,
                         SelfAssessment.submitted_at >= start, SelfAssessment.submitted_at < end)
                  .scalar_subquery())
    this_row = and_(table.c.program_id == program_id, table.c.user_id == user_id,
                    table.c.month == month)
    connection.execute(update(table).where(this_row).values(
        last_update_at=updates, last_comment_at=comments, last_worksheet_at=worksheets))
    connection.execute(delete(table).where(this_row, *(table.c[c] == 0 for c in COUNTS)))


def apply(connection: Connection, before: Iterable[Contribution],
          after: Iterable[Contribution]) -> None:
    """Move the roll-ups from what ``before`` counted to what ``after`` counts."""
    for key, delta in sorted(_deltas(before, after).items()):  # sorted: one lock order
        if any(delta.counts.values()) or any(delta.lasts.values()) or delta.removed:
            _upsert(connection, key, delta)
        if delta.removed:
            _recount_lasts(connection, key, delta.time_zone)


# --- the flush -------------------------------------------------------------------------------


def moved(obj, names) -> bool:
    """Whether the flush changes any of these attributes of ``obj``."""
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _moved(obj) -> bool:
    return moved(obj, RELEVANT[type(obj)])


def _tracked(objects, moved_only: bool) -> dict[type, set[int]]:
    found: dict[type, set[int]] = defaultdict(set)
    for obj in objects:
        if type(obj) in RELEVANT and (not moved_only or _moved(obj)):
            found[type(obj)].add(obj.id)
    return found


def _pairs_under(session: Session, plans: set[int], checkpoints: set[int]) -> set[tuple]:
    """(programme, person) rows a plan's or checkpoint's removal may move: the database's
    cascades take their events without the session seeing them."""
    pairs: set[tuple] = set()
    if plans:
        pairs |= set(session.execute(select(ActionPlan.program_id, ActionPlan.user_id)
                                     .where(ActionPlan.id.in_(plans))).tuples())
        pairs |= set(session.execute(
            select(ActionPlan.program_id, Comment.author_id)
            .join(ActionPlan, ActionPlan.id == Comment.plan_id)
            .where(Comment.plan_id.in_(plans), Comment.author_id.is_not(None))).tuples())
    if checkpoints:
        pairs |= set(session.execute(
            select(Checkpoint.program_id, SelfAssessment.user_id)
            .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
            .where(Checkpoint.id.in_(checkpoints))).tuples())
    return pairs


def _add_cascaded(session: Session, ids: dict[type, set[int]],
                  deleted: dict[type, set[int]]) -> None:
    """The comments the database deletes with a removed update or comment (ON DELETE
    CASCADE: the session never sees them) count as removed too."""
    hanging = []
    if deleted.get(ProgressUpdate):
        hanging.append(Comment.update_id.in_(sorted(deleted[ProgressUpdate])))
    if deleted.get(Comment):
        hanging.append(Comment.parent_id.in_(sorted(deleted[Comment])))
    if hanging:
        ids[Comment] |= set(session.execute(select(Comment.id).where(or_(*hanging))).scalars())


@event.listens_for(Session, "before_flush")
def _read_before(session: Session, _flush_context, _instances) -> None:
    if is_paused(session):
        return
    changing = [*(o for o in session.dirty if type(o) in RELEVANT and _moved(o)),
                *(o for o in session.deleted if type(o) in RELEVANT)]
    ids = _tracked(changing, moved_only=False)
    with session.no_autoflush:
        _add_cascaded(session, ids, _tracked(session.deleted, moved_only=False))
        session.info[_BEFORE] = (_contributions(session.connection(), **_of_ids(ids))
                                 if ids else [])
        plans = {o.id for o in session.deleted if isinstance(o, ActionPlan)}
        checkpoints = {o.id for o in session.deleted if isinstance(o, Checkpoint)}
        session.info[_PAIRS] = _pairs_under(session, plans, checkpoints)
    zones = {o.id for o in session.dirty if isinstance(o, Program)
             and inspect(o).attrs.time_zone.history.has_changes()}
    session.info[_PAIRS] |= {(program_id, None) for program_id in zones}


@event.listens_for(Session, "after_flush")
def _apply_after(session: Session, _flush_context) -> None:
    if is_paused(session):
        return
    before = session.info.pop(_BEFORE, [])
    pairs = session.info.pop(_PAIRS, set())
    ids = _tracked(session.new, moved_only=False)
    for model, found in _tracked(session.dirty, moved_only=True).items():
        ids[model] |= found
    connection = session.connection()
    after = _contributions(connection, **_of_ids(ids)) if ids else []
    if before or after:
        apply(connection, before, after)
    if pairs:
        whole = {program_id for program_id, user_id in pairs if user_id is None}
        for program_id in whole:
            rebuild(connection, program_id=program_id)
        refresh(connection, {p for p in pairs if p[1] is not None and p[0] not in whole})


def is_paused(session: Session) -> bool:
    return bool(session.info.get(_PAUSED))


@contextmanager
def paused(session: Session):
    """Turns the flush's upkeep off, of these roll-ups and of the attendance roll-ups, for bulk
    work that rebuilds both afterwards: ``with rollups.paused(session): ...`` then
    ``rollups.rebuild(...)`` and ``attendance_rollups.rebuild(...)``."""
    session.info[_PAUSED] = True
    try:
        yield
    finally:
        session.info.pop(_PAUSED, None)


# --- rebuilding ------------------------------------------------------------------------------


def _aggregate(contributions: Iterable[Contribution]) -> list[dict]:
    rows: dict[Key, dict] = {}
    for c in contributions:
        row = rows.get(c.key)
        if row is None:
            program_id, user_id, month = c.key
            row = rows[c.key] = dict(program_id=program_id, user_id=user_id, month=month,
                                     **dict.fromkeys(COUNTS, 0),
                                     **dict.fromkeys(LAST.values()))
        row[c.count] += 1
        if c.count in LAST:
            last = row[LAST[c.count]]
            row[LAST[c.count]] = c.at if last is None or c.at > last else last
    return [rows[key] for key in sorted(rows)]


def _replace(connection: Connection, scope, count) -> int:
    """Delete the rows in ``scope``, then write what ``count()`` finds. Deleting first takes
    the rows' locks: on PostgreSQL a writer still counting into one of them is waited for, and
    the events are read after it committed (a new statement, a new snapshot)."""
    table = ActivityRollup.__table__
    connection.execute(delete(table).where(scope(table.c.program_id, table.c.user_id)))
    rows = _aggregate(count())
    for start in range(0, len(rows), 1000):
        connection.execute(table.insert(), rows[start:start + 1000])
    return len(rows)


def rebuild(connection: Connection, program_id: int | None = None) -> int:
    """Every roll-up row made again from the events (of one programme, or all). Returns the
    rows written."""
    def of_program(program_column, _user_column):
        return program_column == program_id if program_id is not None else true()

    return _replace(connection, of_program, lambda: _contributions(
        connection, updates=of_program(ActionPlan.program_id, None),
        comments=of_program(ActionPlan.program_id, None),
        worksheets=of_program(Checkpoint.program_id, None)))


def refresh(connection: Connection, pairs: set[tuple[int, int]]) -> None:
    """The rows of these (programme, person) pairs made again from their events: for writes
    that bypass the flush (bulk ``update()``/``delete()``). Bounded by those people's events."""
    if not pairs:
        return
    programs = sorted({p for p, _u in pairs})
    users = sorted({u for _p, u in pairs})
    pair_list = sorted(pairs)

    def count() -> list[Contribution]:
        found = _contributions(
            connection,
            updates=and_(ActionPlan.program_id.in_(programs), ActionPlan.user_id.in_(users)),
            comments=and_(ActionPlan.program_id.in_(programs),
                          (Comment.author_id.in_(users)) | ActionPlan.user_id.in_(users)),
            worksheets=and_(Checkpoint.program_id.in_(programs),
                            SelfAssessment.user_id.in_(users)))
        return [c for c in found if c.key[:2] in pairs]

    def of_pairs(program_column, user_column):
        return or_(*(and_(program_column == p, user_column == u) for p, u in pair_list))

    _replace(connection, of_pairs, count)


def pairs_of_person(session: Session, user_id: int) -> set[tuple[int, int]]:
    """Every (programme, person) row an erasure of ``user_id`` may move: their own, those of
    the plans they commented or updated, those of whoever commented on their plans."""
    pairs = set(session.execute(select(ActivityRollup.program_id, ActivityRollup.user_id)
                                .where(ActivityRollup.user_id == user_id)).tuples())
    pairs |= set(session.execute(
        select(ActionPlan.program_id, ActionPlan.user_id)
        .join(Comment, Comment.plan_id == ActionPlan.id)
        .where(Comment.author_id == user_id)).tuples())
    pairs |= set(session.execute(
        select(ActionPlan.program_id, ActionPlan.user_id)
        .join(ProgressUpdate, ProgressUpdate.plan_id == ActionPlan.id)
        .where(ProgressUpdate.author_id == user_id)).tuples())
    pairs |= set(session.execute(
        select(Checkpoint.program_id, SelfAssessment.user_id)
        .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
        .where(SelfAssessment.user_id == user_id)).tuples())
    pairs |= set(session.execute(  # comments on their updates go with the updates
        select(ActionPlan.program_id, Comment.author_id)
        .join(ProgressUpdate, ProgressUpdate.id == Comment.update_id)
        .join(ActionPlan, ActionPlan.id == ProgressUpdate.plan_id)
        .where(ProgressUpdate.author_id == user_id)).tuples())
    own = select(ActionPlan.id).where(ActionPlan.user_id == user_id)
    pairs |= _pairs_under(session, set(session.execute(own).scalars()), set())
    return {(p, u) for p, u in pairs if u is not None}
