"""Reads of stakeholder voice: rounds, the survey they ask, counts and results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from plc.extensions import db
from plc.plans.models import ActionPlan, FocusArea
from plc.programs import queries as program_queries
from plc.rubrics.models import Competency, Framework, Level
from plc.voice import results
from plc.voice.models import (
    FeedbackRound,
    RoundAudience,
    RoundInvitee,
    VoiceAnswer,
    VoiceComment,
    VoiceResponse,
)
from plc.voice.words import audience_name


def round_(round_id: int) -> FeedbackRound | None:
    """The round with its plan (author, programme) and audiences (two statements)."""
    return db.session.execute(
        select(FeedbackRound).where(FeedbackRound.id == round_id)
        .options(joinedload(FeedbackRound.plan).options(
            joinedload(ActionPlan.user), joinedload(ActionPlan.program)),
            selectinload(FeedbackRound.audiences))
        .execution_options(populate_existing=True)
    ).unique().scalar_one_or_none()


def plan_rounds(plan_id: int) -> list[FeedbackRound]:
    """A plan's rounds, newest first, with their audiences (two statements)."""
    return list(db.session.execute(
        select(FeedbackRound).where(FeedbackRound.plan_id == plan_id)
        .options(selectinload(FeedbackRound.audiences))
        .order_by(FeedbackRound.id.desc())
    ).scalars())


def audience_by_token(token: str) -> RoundAudience | None:
    """An open link's audience with its round, the round's plan and author (one statement)."""
    if not token or len(token) > 64:
        return None
    return db.session.execute(
        select(RoundAudience).where(RoundAudience.token == token)
        .options(joinedload(RoundAudience.round).joinedload(FeedbackRound.plan)
                 .options(joinedload(ActionPlan.user), joinedload(ActionPlan.program)))
    ).unique().scalar_one_or_none()


def invitee_by_hash(token_hash: str) -> RoundInvitee | None:
    return db.session.execute(
        select(RoundInvitee).where(or_(RoundInvitee.token_hash == token_hash,
                                       RoundInvitee.reminder_hash == token_hash))
    ).scalar_one_or_none()


def audience(audience_id: int) -> RoundAudience | None:
    return db.session.execute(
        select(RoundAudience).where(RoundAudience.id == audience_id)
        .options(joinedload(RoundAudience.round).joinedload(FeedbackRound.plan)
                 .options(joinedload(ActionPlan.user), joinedload(ActionPlan.program)))
    ).unique().scalar_one_or_none()


# --- the survey ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyCompetency:
    id: int
    number: int
    name: str
    statements: tuple[dict, ...]  # each: language -> text
    open_question: dict


@dataclass(frozen=True)
class Survey:
    languages: tuple[str, ...]
    levels: tuple[tuple[int, dict], ...]  # (level value, language -> words), in level order
    dont_know: dict
    competencies: tuple[SurveyCompetency, ...]  # those the framework's survey covers

    def competency(self, competency_id: int) -> SurveyCompetency | None:
        return next((c for c in self.competencies if c.id == competency_id), None)

    def level_words(self, value: int, lang: str) -> str:
        words = dict(self.levels).get(value, {})
        return words.get(lang) or words.get("en", str(value))


def plan_survey(plan: ActionPlan) -> Survey | None:
    """The survey of the framework the plan's author rates on (their cohort's, which may not
    be the programme's first): three statements."""
    return survey(program_queries.member_framework_id(plan.user_id, plan.program))


def survey(framework_id: int | None) -> Survey | None:
    """The framework's survey section as plain values; None without one (two statements)."""
    if framework_id is None:
        return None
    data = db.session.execute(
        select(Framework.survey).where(Framework.id == framework_id)).scalar_one_or_none()
    if not data:
        return None
    competencies = db.session.execute(
        select(Competency.id, Competency.number, Competency.name)
        .where(Competency.framework_id == framework_id).order_by(Competency.position)
    ).all()
    items = {item["number"]: item for item in data["competencies"]}
    return Survey(
        languages=tuple(data["languages"]),
        levels=tuple(sorted((int(k), v) for k, v in data["levels"].items())),
        dont_know=data["dont_know"],
        competencies=tuple(
            SurveyCompetency(c.id, c.number, c.name, tuple(items[c.number]["statements"]),
                             items[c.number]["open_question"])
            for c in competencies if c.number in items),
    )


# --- counts and results -------------------------------------------------------------------


def anonymity_threshold() -> int:
    """Responses an audience needs before its answers show (PLC_VOICE_MIN_RESPONSES, never
    below results.MIN_THRESHOLD)."""
    return results.threshold(current_app.config["VOICE_MIN_RESPONSES"])


def round_results(round_: FeedbackRound, survey: Survey | None, limit: int, lang: str = "en"
                  ) -> tuple[dict[int, int], list[results.CompetencyResult]]:
    """What the round's leader sees (their page, their data export): each audience's count
    and, from ``limit`` responses, its figures and open answers; names in ``lang``."""
    ids = [a.id for a in round_.audiences]
    counts = response_counts(ids)
    shown = [i for i in ids if counts.get(i, 0) >= limit]
    competencies = [(c.id, f"{c.number}. {c.name}")
                    for c in (survey.competencies if survey else ())
                    if c.id in round_.competency_ids]
    return counts, results.compute(
        competencies, [(a.id, audience_name(a, lang)) for a in round_.audiences], counts,
        answer_counts(shown), open_answers(shown), self_ratings(round_.plan_id), limit)


def response_counts(audience_ids: list[int]) -> dict[int, int]:
    """Responses per audience (one statement)."""
    if not audience_ids:
        return {}
    return dict(db.session.execute(
        select(VoiceResponse.audience_id, func.count())
        .where(VoiceResponse.audience_id.in_(audience_ids))
        .group_by(VoiceResponse.audience_id)).all())


def round_response_count(round_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(VoiceResponse)
        .join(RoundAudience, RoundAudience.id == VoiceResponse.audience_id)
        .where(RoundAudience.round_id == round_id)).scalar_one()


def invitee_counts(audience_ids: list[int]) -> dict[int, int]:
    if not audience_ids:
        return {}
    return dict(db.session.execute(
        select(RoundInvitee.audience_id, func.count())
        .where(RoundInvitee.audience_id.in_(audience_ids))
        .group_by(RoundInvitee.audience_id)).all())


def answer_counts(audience_ids: list[int]) -> list[tuple[int, int, int, int]]:
    """(audience id, competency id, level, how many) for every answer given (one statement)."""
    if not audience_ids:
        return []
    return [tuple(row) for row in db.session.execute(
        select(VoiceResponse.audience_id, VoiceAnswer.competency_id, VoiceAnswer.level,
               func.count())
        .join(VoiceResponse, VoiceResponse.id == VoiceAnswer.response_id)
        .where(VoiceResponse.audience_id.in_(audience_ids))
        .group_by(VoiceResponse.audience_id, VoiceAnswer.competency_id, VoiceAnswer.level))]


def open_answers(audience_ids: list[int]) -> list[tuple[int, int, str]]:
    """(audience id, competency id, text): the caller shows them only above the threshold,
    shuffled (one statement)."""
    if not audience_ids:
        return []
    return [tuple(row) for row in db.session.execute(
        select(VoiceResponse.audience_id, VoiceComment.competency_id, VoiceComment.text)
        .join(VoiceResponse, VoiceResponse.id == VoiceComment.response_id)
        .where(VoiceResponse.audience_id.in_(audience_ids)))]


def self_ratings(plan_id: int) -> dict[int, int]:
    """competency id -> the current level value the plan's focus areas give (one statement)."""
    return dict(db.session.execute(
        select(FocusArea.competency_id, Level.value)
        .join(Level, Level.id == FocusArea.current_level_id)
        .where(FocusArea.plan_id == plan_id, FocusArea.competency_id.is_not(None))).all())


def plan_focus_areas(plan_id: int) -> list[tuple[int, int | None, str]]:
    """(focus area id, competency id, change) of the plan, for "add a step"."""
    return [tuple(row) for row in db.session.execute(
        select(FocusArea.id, FocusArea.competency_id, FocusArea.change)
        .where(FocusArea.plan_id == plan_id).order_by(FocusArea.position))]


def program_counts(program_id: int) -> tuple[int, dict[str, int]]:
    """What a programme lead sees: rounds opened, and responses per kind of audience."""
    rounds = db.session.execute(
        select(func.count()).select_from(FeedbackRound)
        .join(ActionPlan, ActionPlan.id == FeedbackRound.plan_id)
        .where(ActionPlan.program_id == program_id)).scalar_one()
    per_kind = dict(db.session.execute(
        select(RoundAudience.kind, func.count(VoiceResponse.id))
        .join(FeedbackRound, FeedbackRound.id == RoundAudience.round_id)
        .join(ActionPlan, ActionPlan.id == FeedbackRound.plan_id)
        .outerjoin(VoiceResponse, VoiceResponse.audience_id == RoundAudience.id)
        .where(ActionPlan.program_id == program_id)
        .group_by(RoundAudience.kind)).all())
    return rounds, per_kind


def rounds_to_close(today: date) -> list[FeedbackRound]:
    return list(db.session.execute(
        select(FeedbackRound).where(FeedbackRound.closed_at.is_(None),
                                    FeedbackRound.closes_on < today)).scalars())


def invitees_to_remind(last_day: date) -> list[tuple[RoundInvitee, RoundAudience]]:
    """Invitees not reminded yet of rounds closing on or before ``last_day`` (still open)."""
    return [tuple(row) for row in db.session.execute(
        select(RoundInvitee, RoundAudience)
        .join(RoundAudience, RoundAudience.id == RoundInvitee.audience_id)
        .join(FeedbackRound, FeedbackRound.id == RoundAudience.round_id)
        .where(RoundInvitee.reminded.is_(False), FeedbackRound.closed_at.is_(None),
               FeedbackRound.closes_on <= last_day)
        .options(joinedload(RoundAudience.round).joinedload(FeedbackRound.plan)
                 .joinedload(ActionPlan.user)))]
