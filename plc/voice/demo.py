"""Demo data for stakeholder voice: one member with a closed round (staff 12 responses,
families 7, students 3: the students' results stay hidden) and its closing note, and an open
round. Made directly as rows: no mail, no throttle."""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta

from plc.db import utcnow
from plc.extensions import db
from plc.voice import queries
from plc.voice.models import (
    DONT_KNOW,
    FAMILIES,
    SHARED_WITH_COHORT,
    STAFF,
    STUDENTS,
    FeedbackRound,
    RoundAudience,
    VoiceAnswer,
    VoiceComment,
    VoiceResponse,
)

OPEN_ANSWERS = (
    "Keep greeting families at the door in the morning.",
    "Explain the reasons for new rules before they start.",
    "Please answer e-mails a bit sooner.",
    "Sigan con las reuniones en español, nos ayudan mucho.",
    "Visit classrooms more often, not only for evaluations.",
    "Share the school calendar earlier in the month.",
)


def load(plan, competency_ids: list[int], framework_id: int, today: date) -> None:
    survey = queries.survey(framework_id)
    if survey is None:
        return
    chosen = [c for c in competency_ids if survey.competency(c)][:2]
    if not chosen:
        return
    rng = random.Random(15)  # noqa: S311  # nosec B311 (demo answers, not secrets)
    closed = _round(plan, chosen, today - timedelta(days=40), today - timedelta(days=10),
                    (STAFF, FAMILIES, STUDENTS), closed=True)
    closed.visibility = SHARED_WITH_COHORT
    closed.heard = ("Staff and families told me they want reasons before changes, and more "
                    "time in classrooms. / El personal y las familias me dijeron que quieren "
                    "razones antes de los cambios, y más tiempo en las aulas.")
    closed.will_do = ("I will explain each change at the staff meeting before it starts, and "
                      "visit two classrooms every day. / Explicaré cada cambio antes de que "
                      "empiece y visitaré dos aulas cada día.")
    for audience, n in zip(closed.audiences, (12, 7, 3), strict=True):
        _responses(audience, chosen, survey, n, rng)
    opened = _round(plan, chosen[:1], today - timedelta(days=3), today + timedelta(days=11),
                    (STAFF, FAMILIES), closed=False)
    _responses(opened.audiences[0], chosen[:1], survey, 2, rng)
    db.session.flush()


def _round(plan, chosen, opens_on, closes_on, kinds, closed: bool) -> FeedbackRound:
    round_ = FeedbackRound(
        plan_id=plan.id, competency_ids=chosen, languages=["en", "es"], opens_on=opens_on,
        closes_on=closes_on, closed_at=utcnow() if closed else None,
        audiences=[RoundAudience(position=i, kind=kind, token=secrets.token_urlsafe(24))
                   for i, kind in enumerate(kinds, start=1)])
    db.session.add(round_)
    db.session.flush()
    return round_


def _responses(audience, chosen, survey, n: int, rng: random.Random) -> None:
    for _ in range(n):
        response = VoiceResponse(audience_id=audience.id,
                                 language=rng.choice(("en", "en", "es")))
        db.session.add(response)
        db.session.flush()
        for competency_id in chosen:
            for i, _statement in enumerate(survey.competency(competency_id).statements):
                level = rng.choice((2, 3, 3, 4, DONT_KNOW))
                db.session.add(VoiceAnswer(response_id=response.id, competency_id=competency_id,
                                           statement=i, level=level))
            if rng.random() < 0.6:
                db.session.add(VoiceComment(response_id=response.id,
                                            competency_id=competency_id,
                                            text=rng.choice(OPEN_ANSWERS)))
