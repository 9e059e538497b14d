"""Plan services: starting from a worksheet, saving with revisions, the target rule, what
changed, progress updates, steps from meetings, and stale saves."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.plans import queries, revisions, services
from plc.plans.models import (
    DONE,
    DRAFT,
    IN_PROGRESS,
    NOT_STARTED,
    SHARED_WITH_COHORT,
    ActionPlan,
    PlanRevision,
    ProgressUpdate,
)
from tests.plans.conftest import content, start_plan, submit_baseline


def revisions_of(plan_id: int) -> list[PlanRevision]:
    return list(db.session.execute(
        select(PlanRevision).where(PlanRevision.plan_id == plan_id).order_by(PlanRevision.number)
    ).scalars())


def values_from(focus_areas, version: int, **changes) -> services.PlanValues:
    """The form's values for the plan as saved, with ``changes`` on focus area 1."""
    entries = []
    for fa in focus_areas:
        fv = services.FocusValues(
            competency_id=fa.competency_id, change=fa.change,
            current_level_id=fa.current_level_id, target_level_id=fa.target_level_id,
            barriers=[services.BarrierValues(b.id, b.kind, b.text) for b in fa.barriers],
            steps=[services.StepValues(s.id, s.text, s.due_on, s.status) for s in fa.steps],
            support_formal_learning=fa.support_formal_learning,
            support_practice=fa.support_practice, support_reflection=fa.support_reflection,
            support_other=fa.support_other, evidence=fa.evidence,
        )
        if fa.position == 1:
            fv = services.FocusValues(**{**vars(fv), **changes})
        entries.append(fv)
    return services.PlanValues(entries + [None] * (3 - len(entries)), version)


def save(setting, plan_id: int, **changes) -> ActionPlan:
    plan = queries.plan(plan_id)
    values = values_from(content(plan_id), plan.version, **changes)
    saved = services.save_plan(setting.fresh(setting.member), plan, setting.rubric(), values, {})
    db.session.commit()
    return saved


# --- starting -------------------------------------------------------------------------------


def test_starting_from_a_submitted_worksheet_carries_everything_over(setting):
    submit_baseline(setting)
    source = queries.latest_submitted_assessment(setting.member.id, setting.program.id)
    plan = start_plan(setting, from_assessment=source)
    c1, c2, _c3 = setting.competencies
    levels = setting.levels
    first, second = content(plan.id)  # the empty third change is not carried over
    assert (first.competency_id, first.change, first.current_level_id) == (
        c1, "Listen before deciding", levels[2])
    assert [(b.kind, b.text) for b in first.barriers] == [
        ("skill", "I interrupt"), ("skill", "I rush"), ("will", "Fear of silence"),
        ("structural", "Meetings too short")]
    assert [(s.text, s.status) for s in first.steps] == [
        ("Observe two classes", NOT_STARTED), ("Ask for feedback", NOT_STARTED)]
    assert (first.support_formal_learning, first.support_practice,
            first.support_reflection) == ("Coaching course", "Staff meetings", "Journal")
    assert (second.competency_id, second.current_level_id, [s.text for s in second.steps]) == (
        c2, levels[1], ["List tasks"])
    plan = db.session.get(ActionPlan, plan.id)
    assert plan.visibility == DRAFT and plan.source_assessment_id == source.id
    assert len(revisions_of(plan.id)) == 1


def test_an_empty_plan_without_any_worksheet(setting):
    plan = start_plan(setting)
    assert content(plan.id) == []
    with pytest.raises(DomainError):
        start_plan(setting)  # one plan per member per programme


def test_a_plan_cannot_start_from_someone_elses_worksheet(setting):
    submit_baseline(setting, setting.peer)
    source = queries.latest_submitted_assessment(setting.peer.id, setting.program.id)
    with pytest.raises(DomainError):
        start_plan(setting, from_assessment=source)


# --- saving -----------------------------------------------------------------------------------


def test_the_target_must_be_above_the_current_rating(setting):
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    levels = setting.levels
    for target in (levels[1], levels[2]):  # below, equal (current is 2)
        with pytest.raises(DomainError) as refused:
            save(setting, plan.id, target_level_id=target)
        assert refused.value.field == "focus_areas-0-target_level_id"
        db.session.rollback()
    save(setting, plan.id, target_level_id=levels[3])
    assert content(plan.id)[0].target_level_id == levels[3]


def test_an_empty_current_rating_is_filled_from_the_latest_worksheet(setting):
    submit_baseline(setting)
    plan = start_plan(setting)
    c3 = setting.competencies[2]
    latest = queries.latest_levels(setting.member.id, setting.program)
    values = services.PlanValues(
        [services.FocusValues(competency_id=c3, change="Coach others")], 1)
    services.save_plan(setting.fresh(setting.member), queries.plan(plan.id), setting.rubric(),
                       values, latest)
    db.session.commit()
    assert content(plan.id)[0].current_level_id == setting.levels[3]


def test_every_save_keeps_a_revision(setting):
    plan = start_plan(setting)
    c1 = setting.competencies[0]
    levels = setting.levels
    values = services.PlanValues([services.FocusValues(
        competency_id=c1, change="Listen", current_level_id=levels[1],
        target_level_id=levels[3], steps=[services.StepValues(None, "Observe")])], 1)
    services.save_plan(setting.fresh(setting.member), queries.plan(plan.id), setting.rubric(),
                       values, {})
    db.session.commit()
    save(setting, plan.id, evidence="Staff say I listen")
    kept = revisions_of(plan.id)
    assert [r.number for r in kept] == [1, 2, 3]
    last = json.loads(kept[-1].snapshot)
    assert last["focus_areas"][0]["evidence"] == "Staff say I listen"
    assert last["focus_areas"][0]["current"] == "1 Not very much"
    assert last["focus_areas"][0]["steps"][0]["text"] == "Observe"
    assert db.session.get(ActionPlan, plan.id).version == 3


def test_rows_keep_their_identity_and_removed_rows_go(setting):
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    first = content(plan.id)[0]
    kept = first.steps[1]
    save(setting, plan.id, steps=[services.StepValues(kept.id, "Ask two people", None, DONE)],
         barriers=[])
    first = content(plan.id)[0]
    assert [(s.id, s.text, s.status, s.position) for s in first.steps] == [
        (kept.id, "Ask two people", DONE, 1)]
    assert first.barriers == []


def test_a_stale_save_is_refused_and_changes_nothing(setting):
    plan = start_plan(setting)
    c1 = setting.competencies[0]
    first_form = services.PlanValues([services.FocusValues(competency_id=c1, change="Mine")], 1)
    second_form = services.PlanValues([services.FocusValues(competency_id=c1, change="Yours")],
                                      1)
    services.save_plan(setting.fresh(setting.member), queries.plan(plan.id), setting.rubric(),
                       first_form, {})
    db.session.commit()
    with pytest.raises(services.StalePlan):
        services.save_plan(setting.fresh(setting.member), queries.plan(plan.id),
                           setting.rubric(), second_form, {})
    db.session.rollback()
    assert content(plan.id)[0].change == "Mine"
    assert len(revisions_of(plan.id)) == 2


def test_the_database_refuses_a_save_that_raced_past_the_version_check(setting):
    """This request read version 1; another save then moved the row to version 2 (written
    here behind the ORM's back); this request's UPDATE matches no row (version_id_col) and is
    refused, on SQLite as on PostgreSQL."""
    plan = start_plan(setting)
    plan = queries.plan(plan.id)
    assert plan.version == 1
    db.session.execute(ActionPlan.__table__.update().where(ActionPlan.id == plan.id)
                       .values(version=2))
    plan.updated_at = utcnow()
    with pytest.raises(services.StalePlan):
        services._flush_or_stale()
    db.session.rollback()


# --- sharing -------------------------------------------------------------------------------


def test_sharing_keeps_a_revision_and_tells_the_audience(setting, monkeypatch):
    told = []
    monkeypatch.setattr(services.events, "plan_shared", lambda plan, actor: told.append(actor.id))
    plan = start_plan(setting)
    assert services.set_visibility(setting.fresh(setting.member), queries.plan(plan.id),
                                   SHARED_WITH_COHORT, setting.rubric(), 1)
    db.session.commit()
    plan = db.session.get(ActionPlan, plan.id)
    assert plan.visibility == SHARED_WITH_COHORT and plan.shared_at is not None
    assert told == [setting.member.id]
    assert json.loads(revisions_of(plan.id)[-1].snapshot)["visibility"] == SHARED_WITH_COHORT
    services.set_visibility(setting.fresh(setting.member), queries.plan(plan.id), DRAFT,
                            setting.rubric())
    assert told == [setting.member.id]  # back to draft: nobody new to tell


# --- what changed --------------------------------------------------------------------------


def test_changes_since_a_date_are_said_in_words(setting):
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    # The plan as it stood a week ago is the revision made then.
    db.session.execute(PlanRevision.__table__.update().where(PlanRevision.plan_id == plan.id)
                       .values(created_at=utcnow() - timedelta(days=7)))
    db.session.commit()
    first = content(plan.id)[0]
    observe, ask = first.steps
    save(setting, plan.id, target_level_id=setting.levels[4], evidence="Fewer interruptions",
         steps=[services.StepValues(observe.id, observe.text, date(2026, 10, 1), DONE),
                services.StepValues(None, "Read a book")])
    since = utcnow() - timedelta(days=3)
    before = queries.revision_at(plan.id, since)
    assert before.number == 1
    now = revisions.snapshot(DRAFT, content(plan.id), setting.rubric())
    found = revisions.differences(revisions.loads(before.snapshot), now)
    assert "Focus area 1, target rating: (empty) -> '4 Role model'" in found
    assert "Focus area 1, how I will know: (empty) -> 'Fewer interruptions'" in found
    assert "Step 'Observe two classes': not started -> done" in found
    assert "Step 'Observe two classes': due (no date) -> Oct 1, 2026" in found
    assert "Focus area 1: step added: 'Read a book'" in found
    assert "Focus area 1: step removed: 'Ask for feedback'" in found
    assert not any("Focus area 2" in line for line in found)
    assert revisions.differences(now, now) == []


def test_differences_name_added_and_removed_focus_areas_and_audience():
    old = {"visibility": DRAFT, "focus_areas": [
        {"position": 1, "competency": "1. Listening",
         "barriers": [{"kind": "will", "text": "Fear"}], "steps": []}]}
    new = {"visibility": SHARED_WITH_COHORT, "focus_areas": [
        {"position": 2, "competency": "2. Delegating", "barriers": [], "steps": []}]}
    found = revisions.differences(old, new)
    assert "Who can see it: draft (only the author) -> shared with the cohort" in found
    assert "Focus area 1 removed: 1. Listening" in found
    assert "Focus area 2 added: 2. Delegating" in found


# --- progress updates --------------------------------------------------------------------


def test_an_update_applies_step_statuses_and_a_rating_and_records_them(setting, monkeypatch):
    told = []
    monkeypatch.setattr(services.events, "plan_updated",
                        lambda plan, update, actor: told.append(update.id))
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    first = content(plan.id)[0]
    observe = first.steps[0]
    levels = setting.levels
    update = services.post_update(
        setting.fresh(setting.member), queries.plan(plan.id), setting.rubric(),
        services.UpdateValues(did="Observed", step_statuses={observe.id: IN_PROGRESS},
                              ratings={first.id: levels[3]}, loaded_version=1),
        meeting_ids=set())
    db.session.commit()
    first = content(plan.id)[0]
    assert first.steps[0].status == IN_PROGRESS and first.current_level_id == levels[3]
    saved = db.session.get(ProgressUpdate, update.id)
    assert revisions.describe_update_changes(saved) == [
        "Step 'Observe two classes': not started -> in progress",
        "Current rating on 1. Competency 1: 2 To some extent -> 3 Mostly",
    ]
    assert told == [update.id]
    assert len(revisions_of(plan.id)) == 2
    assert db.session.get(ActionPlan, plan.id).version == 2


def test_an_update_without_changes_makes_no_revision_and_needs_text(setting):
    plan = start_plan(setting)
    with pytest.raises(DomainError) as refused:
        services.post_update(setting.fresh(setting.member), queries.plan(plan.id),
                             setting.rubric(), services.UpdateValues(), meeting_ids=set())
    assert refused.value.field == "did"
    db.session.rollback()
    services.post_update(setting.fresh(setting.member), queries.plan(plan.id), setting.rubric(),
                         services.UpdateValues(did="Read", loaded_version=99), meeting_ids=set())
    db.session.commit()
    assert len(revisions_of(plan.id)) == 1


def test_an_update_that_moves_steps_on_a_stale_plan_is_refused(setting):
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    step = content(plan.id)[0].steps[0]
    save(setting, plan.id, evidence="Changed elsewhere")  # version 2
    with pytest.raises(services.StalePlan):
        services.post_update(
            setting.fresh(setting.member), queries.plan(plan.id), setting.rubric(),
            services.UpdateValues(did="x", step_statuses={step.id: DONE}, loaded_version=1),
            meeting_ids=set())
    db.session.rollback()
    assert content(plan.id)[0].steps[0].status == NOT_STARTED
    assert db.session.execute(select(func.count(ProgressUpdate.id))).scalar() == 0


def test_editing_an_update_checks_its_version(setting):
    plan = start_plan(setting)
    update = services.post_update(setting.fresh(setting.member), queries.plan(plan.id),
                                  setting.rubric(), services.UpdateValues(did="First"), set())
    db.session.commit()
    services.edit_update(setting.fresh(setting.member), queries.update(plan.id, update.id),
                         services.UpdateTextValues(did="Second", loaded_version=1), set())
    db.session.commit()
    with pytest.raises(services.StaleUpdate):
        services.edit_update(setting.fresh(setting.member), queries.update(plan.id, update.id),
                             services.UpdateTextValues(did="Third", loaded_version=1), set())
    db.session.rollback()
    assert queries.update(plan.id, update.id).did == "Second"


# --- steps from meetings -----------------------------------------------------------------


def test_add_action_step_appends_a_step_and_keeps_a_revision(setting):
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    second = content(plan.id)[1]
    step = services.add_action_step(setting.fresh(setting.member), queries.plan(plan.id),
                                    second.id, "Share the observation tool", date(2026, 11, 2))
    db.session.commit()
    steps = content(plan.id)[1].steps
    assert [(s.text, s.position) for s in steps] == [("List tasks", 1),
                                                     ("Share the observation tool", 2)]
    assert steps[-1].id == step.id and steps[-1].due_on == date(2026, 11, 2)
    snapshot = json.loads(revisions_of(plan.id)[-1].snapshot)
    assert snapshot["focus_areas"][1]["steps"][-1]["text"] == "Share the observation tool"
    assert len(revisions_of(plan.id)) == 2


def test_add_action_step_refuses_foreign_focus_areas(setting):
    """Whose plan it is was checked by the caller (permissions.can_plan_follow_up)."""
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    focus_id = content(plan.id)[0].id
    with pytest.raises(DomainError):
        services.add_action_step(setting.fresh(setting.member), queries.plan(plan.id),
                                 focus_id + 999, "x", None)
