"""Action plans: one per member per programme, living all year.

A plan has up to three focus areas (the worksheet's "top 3 changes"), each tied to a
competency with a current and a target level; what holds the member back (tagged skill, will
or structural); action steps with dates and statuses; the support needed; the evidence that
will show progress. Progress updates are dated entries on the plan; every save of the plan
keeps a revision (a JSON snapshot) so that "what changed since" can be shown.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.accounts.models import User
from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import Meeting
from plc.programs.models import Program
from plc.rubrics.models import Competency, Level

# Who can see a plan (docs/product.md): only the author, the cohort, or the cohort's facilitators.
DRAFT = "draft"
SHARED_WITH_COHORT = "cohort"
FACILITATORS_ONLY = "facilitators"
VISIBILITIES = (DRAFT, SHARED_WITH_COHORT, FACILITATORS_ONLY)

MAX_FOCUS_AREAS = 3

SKILL = "skill"
WILL = "will"
STRUCTURAL = "structural"
BARRIER_KINDS = (SKILL, WILL, STRUCTURAL)

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
DROPPED = "dropped"
STEP_STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, DROPPED)


class ActionPlan(db.Model):
    __tablename__ = "action_plans"
    __table_args__ = (UniqueConstraint("user_id", "program_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    visibility: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # The self-assessment the plan was started from, if any.
    source_assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="SET NULL")
    )
    # Optimistic locking: a save based on an older version is refused, not applied.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    shared_at: Mapped[datetime | None]  # first time it left draft

    __mapper_args__ = {"version_id_col": version}

    user: Mapped[User] = relationship(lazy="raise_on_sql")
    program: Mapped[Program] = relationship(lazy="raise_on_sql")
    focus_areas: Mapped[list[FocusArea]] = relationship(
        back_populates="plan", order_by="FocusArea.position", lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )

    @property
    def is_draft(self) -> bool:
        return self.visibility == DRAFT


class FocusArea(db.Model):
    """One of the plan's top 3 changes."""

    __tablename__ = "focus_areas"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    position: Mapped[int]  # 1..3
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"), index=True)
    change: Mapped[str] = mapped_column(Text, default="")  # the change I want to make
    current_level_id: Mapped[int | None] = mapped_column(ForeignKey("framework_levels.id"))
    target_level_id: Mapped[int | None] = mapped_column(ForeignKey("framework_levels.id"))
    support_formal_learning: Mapped[str] = mapped_column(Text, default="")
    support_practice: Mapped[str] = mapped_column(Text, default="")
    support_reflection: Mapped[str] = mapped_column(Text, default="")
    support_other: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")  # how I will know

    plan: Mapped[ActionPlan] = relationship(back_populates="focus_areas", lazy="raise_on_sql")
    competency: Mapped[Competency | None] = relationship(lazy="raise_on_sql")
    current_level: Mapped[Level | None] = relationship(
        foreign_keys=[current_level_id], lazy="raise_on_sql"
    )
    target_level: Mapped[Level | None] = relationship(
        foreign_keys=[target_level_id], lazy="raise_on_sql"
    )
    barriers: Mapped[list[Barrier]] = relationship(
        back_populates="focus_area", order_by="Barrier.position", lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )
    steps: Mapped[list[ActionStep]] = relationship(
        back_populates="focus_area", order_by="ActionStep.position", lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )


class Barrier(db.Model):
    """What is holding me back, tagged skill, will or structural/environmental."""

    __tablename__ = "barriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(
        ForeignKey("focus_areas.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)

    focus_area: Mapped[FocusArea] = relationship(back_populates="barriers", lazy="raise_on_sql")


class ActionStep(db.Model):
    __tablename__ = "action_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(
        ForeignKey("focus_areas.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)

    focus_area: Mapped[FocusArea] = relationship(back_populates="steps", lazy="raise_on_sql")

    @property
    def is_closed(self) -> bool:
        return self.status in (DONE, DROPPED)

    def is_overdue(self, today: date) -> bool:
        """Past its date and neither done nor dropped (``today`` in the programme's zone)."""
        return self.due_on is not None and self.due_on < today and not self.is_closed


class PlanRevision(db.Model):
    """The plan as it stood after one save: a JSON snapshot of its content."""

    __tablename__ = "plan_revisions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    snapshot: Mapped[str] = mapped_column(Text)  # JSON

    author: Mapped[User | None] = relationship(lazy="raise_on_sql")


class ProgressUpdate(db.Model):
    """A dated entry on the plan: what I did, what I learned, what is next."""

    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plans.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    did: Mapped[str] = mapped_column(Text, default="")
    learned: Mapped[str] = mapped_column(Text, default="")
    next: Mapped[str] = mapped_column(Text, default="")
    # What the update changed on the plan (step statuses, a current rating), as JSON, so the
    # timeline can say "Step 'Observe two classes': in progress -> done".
    changes: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[ActionPlan] = relationship(lazy="raise_on_sql")
    author: Mapped[User | None] = relationship(lazy="raise_on_sql")
    meeting: Mapped[Meeting | None] = relationship(lazy="raise_on_sql")

    @property
    def recorded_changes(self) -> list[dict]:
        """What the update changed on the plan, as recorded (plans.revisions words them)."""
        return json.loads(self.changes or "[]")
