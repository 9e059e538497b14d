"""Fixtures for action plans: a programme on a small framework with an open Baseline, cohort A
(a member with a submitted Baseline, a peer, a facilitator) and cohort B, a lead, an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from plc.accounts.models import User
from plc.assessments.models import SUBMITTED, Checkpoint, PlannedChange, Rating, SelfAssessment
from plc.assessments.queries import Sheet, sheet
from plc.db import utcnow
from plc.extensions import db
from plc.plans import queries, services
from plc.plans.models import ActionPlan
from plc.programs.models import FACILITATOR, Cohort, Program
from plc.rubrics.models import Competency, Framework, Level
from tests import factories
from tests.worlds import Spec, world_fixture


@dataclass
class Setting:
    program: Program
    framework: Framework
    checkpoint: Checkpoint
    cohort: Cohort
    other_cohort: Cohort
    member: User  # cohort A, has a submitted Baseline
    peer: User  # another member of cohort A
    facilitator: User  # of cohort A
    other_member: User  # cohort B
    other_facilitator: User  # cohort B
    lead: User
    admin: User

    @property
    def levels(self) -> dict[int, int]:
        """level value -> id"""
        return dict(db.session.execute(
            select(Level.value, Level.id).where(Level.framework_id == self.framework.id)
        ).all())

    @property
    def competencies(self) -> list[int]:
        return list(db.session.execute(
            select(Competency.id).where(Competency.framework_id == self.framework.id)
            .order_by(Competency.position)
        ).scalars())

    def rubric(self) -> Sheet:
        return sheet(self.framework.id)

    def fresh(self, user: User) -> User:
        return db.session.get(User, user.id)


def build_setting() -> Setting:
    """The programme and people of the plan tests (built once per worker)."""
    lead = factories.make_user("lead@example.org", "Lena Lead")
    framework = factories.make_framework("plan-framework")
    program = factories.make_program("Plan Programme", lead=lead)
    program.framework_id = framework.id
    checkpoint = factories.make_checkpoint(program, "Baseline", 1, date(2020, 1, 1),
                                           date(2099, 12, 31))
    cohort = factories.make_cohort(program, "Cohort A")
    other = factories.make_cohort(program, "Cohort B")
    people = {
        "member": factories.make_user("mia@example.org", "Mia Member"),
        "peer": factories.make_user("pat@example.org", "Pat Peer"),
        "facilitator": factories.make_user("fay@example.org", "Fay Facilitator"),
        "other_member": factories.make_user("olly@example.org", "Olly Other"),
        "other_facilitator": factories.make_user("flo@example.org", "Flo Other"),
        "admin": factories.make_user("ada@example.org", "Ada Admin", admin=True),
    }
    factories.add_member(cohort, people["member"])
    factories.add_member(cohort, people["peer"])
    factories.add_member(cohort, people["facilitator"], FACILITATOR)
    factories.add_member(other, people["other_member"])
    factories.add_member(other, people["other_facilitator"], FACILITATOR)
    return Setting(program, framework, checkpoint, cohort, other, lead=lead, **people)


setting = world_fixture("setting", Spec("plans", build_setting))


def submit_baseline(setting: Setting, user: User | None = None) -> SelfAssessment:
    """A submitted Baseline: competency 1 rated 2, competency 2 rated 1, competency 3 rated 3;
    two planned changes with barriers of every kind, steps and support."""
    user = user or setting.member
    c1, c2, c3 = setting.competencies
    levels = setting.levels
    assessment = SelfAssessment(
        user_id=user.id, checkpoint_id=setting.checkpoint.id, framework_id=setting.framework.id,
        status=SUBMITTED, submitted_at=utcnow(),
        ratings=[Rating(competency_id=c1, level_id=levels[2]),
                 Rating(competency_id=c2, level_id=levels[1]),
                 Rating(competency_id=c3, level_id=levels[3])],
        changes=[
            PlannedChange(position=1, change="Listen before deciding", competency_id=c1,
                          skill_factors="I interrupt\n\nI rush", will_factors="Fear of silence",
                          structural_factors="Meetings too short",
                          action_steps="Observe two classes\nAsk for feedback\n",
                          support_formal_learning="Coaching course",
                          support_practice="Staff meetings", support_reflection="Journal"),
            PlannedChange(position=2, change="Delegate more", competency_id=c2,
                          action_steps="List tasks"),
            PlannedChange(position=3),  # left empty on the worksheet
        ],
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def start_plan(setting: Setting, user: User | None = None, *, from_assessment=None) -> ActionPlan:
    plan = services.start_plan(setting.fresh(user or setting.member), setting.program,
                               setting.rubric(), from_assessment)
    db.session.commit()
    return plan


def content(plan_id: int):
    """The plan's focus areas freshly loaded (barriers and steps too)."""
    return queries.focus_areas(plan_id)
