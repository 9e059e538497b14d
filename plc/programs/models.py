from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.accounts.models import User
from plc.db import utcnow
from plc.extensions import db

MEMBER = "member"
FACILITATOR = "facilitator"
COHORT_ROLES = (MEMBER, FACILITATOR)


class Program(db.Model):
    """One programme year: dates, time zone, leads and cohorts."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    time_zone: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    framework_id: Mapped[int | None] = mapped_column(ForeignKey("frameworks.id"), index=True)
    # Members are reminded this many days before a meeting to post a progress update.
    reminder_days: Mapped[int] = mapped_column(default=3)
    # When the facilitator dashboard flags a member as needing a nudge.
    nudge_update_days: Mapped[int] = mapped_column(default=30)
    nudge_missed_meetings: Mapped[int] = mapped_column(default=2)
    nudge_no_feedback: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Closed (read-only) from this moment; its personal content is deleted
    # PLC_RETENTION_YEARS after it (``flask plc purge-expired``), which sets content_purged_at.
    closed_at: Mapped[datetime | None]
    content_purged_at: Mapped[datetime | None]

    cohorts: Mapped[list[Cohort]] = relationship(
        back_populates="program", order_by="Cohort.name", lazy="raise_on_sql"
    )
    leads: Mapped[list[ProgramLead]] = relationship(
        back_populates="program", lazy="raise_on_sql", cascade="all, delete-orphan"
    )
    # The frameworks offered besides the first (``framework_id``), in order; each cohort
    # rates on one of them (Cohort.framework_id).
    more_frameworks: Mapped[list[ProgramFramework]] = relationship(
        order_by="ProgramFramework.position", lazy="raise_on_sql", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ProgramLead(db.Model):
    __tablename__ = "program_leads"
    __table_args__ = (UniqueConstraint("program_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    program: Mapped[Program] = relationship(back_populates="leads", lazy="raise_on_sql")
    user: Mapped[User] = relationship(lazy="raise_on_sql")


class ProgramFramework(db.Model):
    """A further framework a programme offers (its first is Program.framework_id)."""

    __tablename__ = "program_frameworks"
    __table_args__ = (UniqueConstraint("program_id", "framework_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    position: Mapped[int]


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The framework its members rate on: one the programme offers; None means the
    # programme's first (Program.framework_id). See effective_framework_id.
    framework_id: Mapped[int | None] = mapped_column(ForeignKey("frameworks.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    program: Mapped[Program] = relationship(back_populates="cohorts", lazy="raise_on_sql")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="cohort", lazy="raise_on_sql", cascade="all, delete-orphan"
    )


class Membership(db.Model):
    """A person's place in a cohort: member or facilitator."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="memberships", lazy="raise_on_sql")
    user: Mapped[User] = relationship(lazy="raise_on_sql")

    @property
    def is_facilitator(self) -> bool:
        return self.role == FACILITATOR


class Invitation(db.Model):
    """An e-mailed link that lets an invited person set their name and password."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise_on_sql")
    cohort: Mapped[Cohort | None] = relationship(lazy="raise_on_sql")
