"""Feedback rounds on a plan (issue 15): who is asked, and their anonymous answers.

A round asks some audiences (staff, students, families, another named group) about a few of
the plan's competencies, with the statements of the framework's ``survey`` section. Each
audience has an open link (its token is kept so the leader can print it again) and may have
invitees: an e-mail address and the hash of a single-use link, deleted when the link is used
and when the round closes. A response keeps nothing about who gave it: no account, address,
user agent, invitee or time; only the audience, the language and the answers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.db import utcnow
from plc.extensions import db
from plc.plans.models import ActionPlan

DRAFT = "draft"  # the leader's alone
SHARED_WITH_COHORT = "cohort"
FACILITATORS_ONLY = "facilitators"
VISIBILITIES = (DRAFT, SHARED_WITH_COHORT, FACILITATORS_ONLY)

STAFF, STUDENTS, FAMILIES, OTHER = "staff", "students", "families", "other"
AUDIENCE_KINDS = (STAFF, STUDENTS, FAMILIES, OTHER)
LANGUAGES = ("en", "es")
DONT_KNOW = 0  # an answer's level when the respondent does not know


class FeedbackRound(db.Model):
    __tablename__ = "feedback_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    competency_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    visibility: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # Set when the round was closed (by its leader or `flask plc close-rounds`): the
    # invitees' addresses are gone from then on.
    closed_at: Mapped[datetime | None]
    heard: Mapped[str] = mapped_column(Text, default="")  # "what I heard"
    will_do: Mapped[str] = mapped_column(Text, default="")  # "what I will do"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[ActionPlan] = relationship(lazy="raise_on_sql")
    audiences: Mapped[list[RoundAudience]] = relationship(
        back_populates="round", order_by="RoundAudience.position", lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )


class RoundAudience(db.Model):
    __tablename__ = "round_audiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("feedback_rounds.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100), default="")  # the name of "other"
    # The open link's token: printed on the flyer, so it is kept (it identifies no one).
    token: Mapped[str] = mapped_column(String(64), unique=True)

    round: Mapped[FeedbackRound] = relationship(back_populates="audiences", lazy="raise_on_sql")


class RoundInvitee(db.Model):
    """One invited address and its single-use link: deleted once used, and at closing."""

    __tablename__ = "round_invitees"

    id: Mapped[int] = mapped_column(primary_key=True)
    audience_id: Mapped[int] = mapped_column(
        ForeignKey("round_audiences.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="en")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The reminder carries a link of its own (the first is kept only as its hash); both work,
    # once between them.
    reminder_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    reminded: Mapped[bool] = mapped_column(default=False)
    # The outbox rows of this invitee's invitation and reminder: they hold the address and
    # the link, so they go with the invitee (at use and at closing).
    message_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class VoiceResponse(db.Model):
    """One respondent's answers. Deliberately without time, account, address or agent."""

    __tablename__ = "voice_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    audience_id: Mapped[int] = mapped_column(
        ForeignKey("round_audiences.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")


class VoiceAnswer(db.Model):
    __tablename__ = "voice_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("voice_responses.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    statement: Mapped[int]  # its place in the survey's statements of the competency
    level: Mapped[int]  # a level value, or DONT_KNOW


class VoiceComment(db.Model):
    """An open answer; shown only in random order and only above the threshold."""

    __tablename__ = "voice_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("voice_responses.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
