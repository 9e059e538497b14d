"""Checkpoints and self-assessments: the individual reflection worksheet, one per member per
checkpoint, with a rating per competency and the worksheet's closing part."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.accounts.models import User
from plc.db import utcnow
from plc.extensions import db
from plc.rubrics.models import Competency, Framework, Level

DRAFT = "draft"
SUBMITTED = "submitted"


class Checkpoint(db.Model):
    """A named moment of the programme year when members rate themselves."""

    __tablename__ = "checkpoints"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    opens_on: Mapped[date]
    closes_on: Mapped[date]

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def has_closed(self, today: date) -> bool:
        """Past its closing day: no worksheet on it is written, submitted or reopened any
        more, so its aggregates stop changing (plc/assessments/aggregates.py)."""
        return self.closes_on < today


class SelfAssessment(db.Model):
    __tablename__ = "self_assessments"
    __table_args__ = (UniqueConstraint("user_id", "checkpoint_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    checkpoint_id: Mapped[int] = mapped_column(
        ForeignKey("checkpoints.id", ondelete="CASCADE"), index=True
    )
    # The framework version the ratings were made on; a newer version never rewrites them.
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    shared_with_cohort: Mapped[bool] = mapped_column(default=False)
    # Optimistic locking: a save based on an older version is refused, not applied.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}

    user: Mapped[User] = relationship(lazy="raise_on_sql")
    checkpoint: Mapped[Checkpoint] = relationship(lazy="raise_on_sql")
    framework: Mapped[Framework] = relationship(lazy="raise_on_sql")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="assessment", lazy="raise_on_sql", cascade="all, delete-orphan"
    )
    changes: Mapped[list[PlannedChange]] = relationship(
        back_populates="assessment", order_by="PlannedChange.position", lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == SUBMITTED


class Rating(db.Model):
    """One row of the worksheet: a competency, its rating, strengths, changes I want to make."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("assessment_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="CASCADE")
    )
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("framework_levels.id"))
    strengths: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[SelfAssessment] = relationship(back_populates="ratings", lazy="raise_on_sql")
    competency: Mapped[Competency] = relationship(lazy="raise_on_sql")
    level: Mapped[Level | None] = relationship(lazy="raise_on_sql")


class PlannedChange(db.Model):
    """The worksheet's closing part: one of my top 3 changes, what holds me back, and the
    action steps and support I need."""

    __tablename__ = "planned_changes"
    __table_args__ = (UniqueConstraint("assessment_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="CASCADE")
    )
    position: Mapped[int]  # 1..3
    change: Mapped[str] = mapped_column(Text, default="")
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"))
    skill_factors: Mapped[str] = mapped_column(Text, default="")
    will_factors: Mapped[str] = mapped_column(Text, default="")
    structural_factors: Mapped[str] = mapped_column(Text, default="")
    action_steps: Mapped[str] = mapped_column(Text, default="")
    support_formal_learning: Mapped[str] = mapped_column(Text, default="")
    support_practice: Mapped[str] = mapped_column(Text, default="")
    support_reflection: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[SelfAssessment] = relationship(back_populates="changes", lazy="raise_on_sql")
