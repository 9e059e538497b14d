"""The activity roll-ups (plc/dashboards/rollups.py): after any history of writes, edits,
removals, membership changes, erasures, a time-zone change and rolled-back writes, the rows
kept as the events were written equal the rows a rebuild makes from the events, and the
dashboards' figures read from them equal the figures counted from the events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select

from plc.assessments import queries as assessment_queries
from plc.assessments.models import DRAFT, SUBMITTED, SelfAssessment
from plc.dashboards import queries, rollups
from plc.dashboards.models import ActivityRollup
from plc.extensions import db
from plc.feedback import services as feedback_services
from plc.feedback.models import Comment
from plc.plans import services as plan_services
from plc.plans.models import SHARED_WITH_COHORT, ActionPlan, ProgressUpdate
from plc.privacy import services as privacy_services
from plc.programs import retention
from plc.programs import services as program_services
from plc.programs.models import Membership
from tests import factories
from tests.dashboards.histories import assert_the_second_writer_waits, replay
from tests.worlds import Spec, world_fixture

pytestmark = pytest.mark.database

# Moments around the programme's month ends (New York: EDT until 1 November 2026 06:00 UTC),
# so that an event a few hours either side lands in another local month than its UTC one.
MOMENTS = [
    datetime(2026, 10, 1, 3, 59, tzinfo=UTC),    # 30 September in New York
    datetime(2026, 10, 1, 4, 1, tzinfo=UTC),     # 1 October
    datetime(2026, 10, 15, 12, tzinfo=UTC),
    datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
    datetime(2026, 11, 1, 3, 30, tzinfo=UTC),    # still October in New York
    datetime(2026, 11, 1, 4, 30, tzinfo=UTC),
    datetime(2026, 11, 20, 9, tzinfo=UTC),
    datetime(2026, 12, 1, 4, 59, tzinfo=UTC),    # still November (EST)
    datetime(2026, 12, 1, 5, 0, tzinfo=UTC),
]
PEOPLE = 4


def build():
    admin = factories.make_user("rollup-admin@example.org", admin=True)
    program = factories.make_program("Roll-up programme")
    framework = factories.make_framework("rollup-framework")
    program.framework_id = framework.id
    cohorts = [factories.make_cohort(program, f"Roll-up cohort {n}") for n in (1, 2)]
    people = [factories.make_user(f"rollup{n}@example.org") for n in range(PEOPLE)]
    plans = []
    for n, person in enumerate(people):
        factories.add_member(cohorts[n % 2], person)
        plan = ActionPlan(user_id=person.id, program_id=program.id,
                          visibility=SHARED_WITH_COHORT, shared_at=MOMENTS[0])
        db.session.add(plan)
        plans.append(plan)
    checkpoints = [factories.make_checkpoint(program, f"Checkpoint {n}", n) for n in (1, 2)]
    db.session.flush()
    return dict(admin=admin, program=program, framework=framework, cohorts=cohorts,
                people=people, plans=plans, checkpoints=checkpoints)


SPEC = Spec("rollups", build)
rollup_world = world_fixture("rollup_world", SPEC)

WHO = st.integers(0, PEOPLE - 1)
WHEN = st.sampled_from(MOMENTS)
PICK = st.integers(0, 1000)  # an index into whatever exists when the step runs
STEPS = st.one_of(
    st.tuples(st.just("update"), WHO, WHEN),
    st.tuples(st.just("comment"), WHO, WHO, WHEN, st.none() | PICK),
    st.tuples(st.just("reply"), WHO, PICK),
    st.tuples(st.just("edit_comment"), PICK),
    st.tuples(st.just("delete_comment"), PICK),
    st.tuples(st.just("remove_update"), PICK),
    st.tuples(st.just("move_update"), PICK, WHEN),
    st.tuples(st.just("submit"), WHO, st.integers(0, 1), WHEN),
    st.tuples(st.just("reopen"), PICK),
    st.tuples(st.just("leave"), WHO),
    st.tuples(st.just("join"), WHO, st.integers(0, 1)),
    st.tuples(st.just("erase"), WHO),
    st.tuples(st.just("time_zone"), st.sampled_from(["Pacific/Auckland", "UTC"])),
)


def _rows() -> list[tuple]:
    r = ActivityRollup
    return list(db.session.execute(
        select(r.program_id, r.user_id, r.month, r.updates, r.last_update_at, r.comments_given,
               r.last_comment_at, r.comments_received, r.worksheets, r.last_worksheet_at)
        .order_by(r.program_id, r.user_id, r.month)).tuples())


def _all(model, *where):
    return list(db.session.execute(select(model).where(*where).order_by(model.id)).scalars())


def _step(w, step) -> None:  # noqa: C901 (one branch per kind of write)
    kind, *args = step
    people, plans, program = w["people"], w["plans"], w["program"]
    everyone = frozenset(c.id for c in w["cohorts"])
    if kind == "update":
        who, when = args
        plan = db.session.get(ActionPlan, plans[who].id)
        if plan is None:  # erased
            return
        update = plan_services.post_update(
            people[who], plan, assessment_queries.sheet(w["framework"].id),
            plan_services.UpdateValues(did="Did a thing", loaded_version=plan.version), set())
        update.created_at = when
    elif kind == "comment":
        author, owner, when, on_update = args
        plan = db.session.get(ActionPlan, plans[owner].id)
        if plan is None:
            return
        updates = _all(ProgressUpdate, ProgressUpdate.plan_id == plan.id)
        update = updates[on_update % len(updates)] if updates and on_update is not None else None
        comment = feedback_services.add_comment(people[author], plan, everyone, body="Hello",
                                                kind=None, update=update)
        comment.created_at = when
    elif kind == "reply":
        author, pick = args
        live = _all(Comment, Comment.deleted_at.is_(None))
        if live:
            parent = live[pick % len(live)]
            plan = db.session.get(ActionPlan, parent.plan_id)
            feedback_services.add_comment(people[author], plan, everyone, body="Reply",
                                          kind=None, parent=parent)
    elif kind in ("edit_comment", "delete_comment"):
        live = _all(Comment, Comment.deleted_at.is_(None))
        if live:
            comment = live[args[0] % len(live)]
            if kind == "delete_comment":
                feedback_services.delete_comment(people[0], comment)
            else:
                feedback_services.edit_comment(
                    people[0], comment, db.session.get(ActionPlan, comment.plan_id), everyone,
                    body="Changed", kind=None, loaded_version=comment.version)
    elif kind in ("remove_update", "move_update"):
        updates = _all(ProgressUpdate)
        if updates:
            update = updates[args[0] % len(updates)]
            if kind == "remove_update":  # no page removes one; the flush must still follow
                db.session.delete(update)  # and its comments go by the database's cascade
            else:
                update.created_at = args[1]
    elif kind == "submit":
        who, n, when = args
        checkpoint = w["checkpoints"][n]
        sheet = db.session.execute(select(SelfAssessment).where(
            SelfAssessment.user_id == people[who].id,
            SelfAssessment.checkpoint_id == checkpoint.id)).scalar()
        if sheet is None:
            sheet = SelfAssessment(user_id=people[who].id, checkpoint_id=checkpoint.id,
                                   framework_id=w["framework"].id, changes=[])
            db.session.add(sheet)
        sheet.status, sheet.submitted_at = SUBMITTED, when
    elif kind == "reopen":
        submitted = _all(SelfAssessment, SelfAssessment.status == SUBMITTED)
        if submitted:
            sheet = submitted[args[0] % len(submitted)]
            sheet.status, sheet.submitted_at = DRAFT, None
    elif kind in ("leave", "join"):
        who = args[0]
        memberships = _all(Membership, Membership.user_id == people[who].id)
        if kind == "leave" and memberships:
            program_services.remove_from_cohort(w["admin"], memberships[0].cohort,
                                                memberships[0])
        elif kind == "join" and not any(m.cohort_id == w["cohorts"][args[1]].id
                                        for m in memberships):
            factories.add_member(w["cohorts"][args[1]], people[who])
    elif kind == "erase":
        person = people[args[0]]
        if not person.email.endswith("erased.invalid"):
            privacy_services.erase_person(w["admin"], person)
    elif kind == "time_zone":
        program.time_zone = args[0]
    db.session.flush()


def _facts(program_id: int, window: queries.Window, time_zone: str | None):
    return sorted(queries.member_facts(program_id, window=window, time_zone=time_zone),
                  key=lambda f: (f.cohort_id, f.user_id))


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=st.lists(st.tuples(STEPS, st.booleans()), min_size=1, max_size=14),
       cut=st.tuples(WHEN, WHEN).map(sorted))
# Always tried: comments that go with their update by the database's cascade (an update
# removed; the updates' author erased), and replies kept after their comment is removed.
@example(history=[(("update", 0, MOMENTS[4]), False), (("comment", 1, 0, MOMENTS[5], 0), False),
                  (("reply", 0, 0), False), (("remove_update", 0), False)],
         cut=[MOMENTS[2], MOMENTS[6]])
@example(history=[(("update", 0, MOMENTS[1]), False), (("comment", 1, 0, MOMENTS[8], 0), False),
                  (("delete_comment", 0), False), (("erase", 0), False),
                  (("time_zone", "Pacific/Auckland"), False)], cut=[MOMENTS[0], MOMENTS[8]])
def test_maintained_rollups_equal_a_rebuild(app, worlds, rollup_world, history, cut):
    w = worlds.clone(SPEC)
    replay(w, history, _step, _rows)
    maintained = _rows()
    program = w["program"]
    db.session.refresh(program)
    # The figures read from the roll-ups are the figures counted from the events: all time,
    # and a range that cuts months (its edge days counted from the events).
    wide = queries.Window(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    note(f"history: {history}")
    for a, b in zip(_facts(program.id, queries.Window(), None), _facts(program.id, wide, None),
                    strict=True):
        note(f"{a}\n{b}")
    assert _facts(program.id, queries.Window(), None) == _facts(program.id, wide, None)
    cut = queries.Window(*cut)
    assert _facts(program.id, cut, program.time_zone) == _facts(program.id, cut, None)

    rollups.rebuild(db.session.connection())
    assert maintained == _rows()
    db.session.rollback()


def test_rebuild_command_makes_the_rows_again(app, rollup_world):
    w = rollup_world
    person = w["people"][0]
    plan = db.session.get(ActionPlan, w["plans"][1].id)
    comment = feedback_services.add_comment(person, plan, frozenset(), body="Hi", kind=None)
    db.session.commit()
    kept = _rows()
    assert [(r[1], r[5], r[7]) for r in kept] == [(person.id, 1, 0), (plan.user_id, 0, 1)]
    assert kept[0][6] == comment.created_at
    db.session.execute(ActivityRollup.__table__.delete())
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["plc", "rebuild-rollups"])

    assert result.exit_code == 0, result.output
    assert "2 rows" in result.output
    assert _rows() == kept


def test_two_writers_counting_into_one_row_lose_nothing(app, rollup_world):
    """Two transactions add to the same row at once: the second waits for the first's row (or,
    on SQLite, for its write lock) and adds to what it committed, never to what it read."""
    w = rollup_world
    key = (w["program"].id, w["people"][0].id, 202610)
    moment = datetime(2026, 10, 15, 12, tzinfo=UTC)
    db.session.commit()
    assert_the_second_writer_waits(
        lambda first: rollups.apply(first, [], [rollups.Contribution(
            key, rollups.GIVEN, moment, "America/New_York")]),
        lambda second: rollups.apply(second, [], [rollups.Contribution(
            key, rollups.GIVEN, moment.replace(day=16), "America/New_York")]))
    row = db.session.get(ActivityRollup, key)
    assert (row.comments_given, row.last_comment_at) == (2, moment.replace(day=16))


def test_the_retention_purge_leaves_no_roll_up_of_the_year(app, rollup_world):
    w = rollup_world
    plan = db.session.get(ActionPlan, w["plans"][1].id)
    feedback_services.add_comment(w["people"][0], plan, frozenset(), body="Hi", kind=None)
    program = w["program"]
    program.closed_at = datetime(2020, 6, 30, tzinfo=UTC)
    db.session.flush()
    assert _rows()

    retention.purge(retention.Expired(program, retention.counts(program.id)), years=3)

    assert _rows() == []


@pytest.mark.parametrize(("start", "end", "months", "edges"), [
    # Whole local months: all from the roll-ups.
    (datetime(2026, 10, 1, 4, tzinfo=UTC), datetime(2026, 12, 1, 5, tzinfo=UTC),
     (202610, 202612), []),
    # UTC midnights in New York: a few hours before, most of a month after.
    (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC), (202610, 202611),
     [(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 1, 4, tzinfo=UTC)),
      (datetime(2026, 11, 1, 4, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC))]),
    # Inside one month: no whole month, all from the events.
    (datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 10, 20, tzinfo=UTC), None,
     [(datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 10, 20, tzinfo=UTC))]),
    # Open at the start.
    (None, datetime(2026, 11, 1, 4, tzinfo=UTC), (None, 202611), []),
])
def test_a_window_splits_into_whole_local_months_and_edges(start, end, months, edges):
    found_months, found_edges = queries.whole_months(queries.Window(start, end),
                                                     "America/New_York")
    assert found_months == months
    assert [(e.start, e.end) for e in found_edges] == edges
    assert queries.whole_months(queries.Window(), "America/New_York") == ((None, None), [])
    assert queries.whole_months(queries.Window(start, end), None) == (
        None, [queries.Window(start, end)])
