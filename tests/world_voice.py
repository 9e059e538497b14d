"""Stakeholder voice in the permission world: the matrix framework's survey, and three rounds
on member_a's plan (an open one kept to member_a, one shared with cohort A, a closed one with
its closing note); ``grow`` adds responses and rounds so the budgets see the lists grow.
``member_with_plan`` is the browser tests' small cast."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from plc.db import utcnow
from plc.extensions import db
from plc.plans.models import SHARED_WITH_COHORT as PLAN_SHARED_WITH_COHORT
from plc.plans.models import ActionPlan, FocusArea
from plc.voice.models import (
    DRAFT,
    FAMILIES,
    SHARED_WITH_COHORT,
    STAFF,
    FeedbackRound,
    RoundAudience,
    RoundInvitee,
    VoiceAnswer,
    VoiceComment,
    VoiceResponse,
)

_tokens = itertools.count(1)


def survey_for(numbers) -> dict:
    """A valid survey section for competencies ``numbers`` of a four-level framework."""
    return {
        "languages": ["en", "es"],
        "levels": {v: {"en": f"Level {v}", "es": f"Nivel {v}"} for v in (1, 2, 3, 4)},
        "dont_know": {"en": "I don't know", "es": "No sé"},
        "competencies": [{
            "number": n,
            "statements": [{"en": f"My principal does C{n} thing {i}.",
                            "es": f"Mi director(a) hace la cosa {i} de C{n}."} for i in (1, 2)],
            "open_question": {"en": f"What should they keep or change about C{n}?",
                              "es": f"¿Qué deberían mantener o cambiar de C{n}?"},
        } for n in numbers],
    }


def make_round(plan, competency_ids, visibility=DRAFT, closed=False, kinds=(STAFF, FAMILIES),
               languages=("en", "es")) -> FeedbackRound:
    today = date.today()
    round_ = FeedbackRound(
        plan_id=plan.id, competency_ids=list(competency_ids), languages=list(languages),
        opens_on=today - timedelta(days=20 if closed else 1),
        closes_on=today - timedelta(days=5) if closed else today + timedelta(days=14),
        visibility=visibility, closed_at=utcnow() if closed else None,
        heard="Families want more notice." if closed else "",
        will_do="I will send the calendar a month ahead." if closed else "",
        audiences=[RoundAudience(position=i, kind=kind, token=f"matrix-{next(_tokens)}-{kind}")
                   for i, kind in enumerate(kinds, start=1)])
    db.session.add(round_)
    db.session.flush()
    return round_


def add_responses(audience_id: int, competency_ids, n: int, level: int = 3) -> None:
    for k in range(n):
        response = VoiceResponse(audience_id=audience_id, language="en")
        db.session.add(response)
        db.session.flush()
        for competency_id in competency_ids:
            db.session.add_all([
                VoiceAnswer(response_id=response.id, competency_id=competency_id, statement=0,
                            level=level),
                VoiceAnswer(response_id=response.id, competency_id=competency_id, statement=1,
                            level=(k % 4) + 1 if k % 5 else 0),
                VoiceComment(response_id=response.id, competency_id=competency_id,
                             text=f"Open answer {k}"),
            ])
    db.session.flush()


def add(world) -> None:
    """The rounds the matrix asks about (flush, do not commit)."""
    world.framework.survey = survey_for([1, 2, 3])
    db.session.flush()
    competency_id = world.focus_area_a.competency_id
    world.round_a = make_round(world.plan_a, [competency_id])
    add_responses(world.round_a.audiences[0].id, [competency_id], 5)
    world.round_shared = make_round(world.plan_a, [competency_id], SHARED_WITH_COHORT)
    world.round_closed = make_round(world.plan_a, [competency_id], closed=True)
    # Plain values: the matrix reads them from a cloned world, where no relation loads.
    world.voice_links = {
        name: [(a.id, a.token) for a in round_.audiences]
        for name, round_ in (("a", world.round_a), ("shared", world.round_shared),
                             ("closed", world.round_closed))}
    world.invitee_token = "matrix-invitee-token"
    from plc.tokens import hash_token
    db.session.add(RoundInvitee(audience_id=world.round_a.audiences[1].id,
                                email="invitee@example.org", language="es",
                                token_hash=hash_token(world.invitee_token)))
    db.session.flush()


def grow(world, i: int) -> None:
    """More responses on round_a and one more round on plan_a, per unit."""
    competency_id = world.focus_area_a.competency_id
    add_responses(world.voice_links["a"][1][0], [competency_id], 3, level=2)
    make_round(world.plan_a, [competency_id], SHARED_WITH_COHORT)


def member_with_plan(slug: str, author: tuple[str, str], peer: tuple[str, str]):
    """A framework with a survey, its programme and cohort, an author and a peer (e-mail,
    name) in it, and the author's plan shared with the cohort, one focus area on competency 1.
    Returns (plan, competencies, author, peer); the caller commits."""
    from tests import factories

    framework = factories.make_framework(slug)
    framework.survey = survey_for([1, 2, 3])
    program = factories.make_program("PLC 2026-27")
    program.framework_id = framework.id
    cohort = factories.make_cohort(program, "Cohort A")
    people = [factories.make_user(email, name) for email, name in (author, peer)]
    for person in people:
        factories.add_member(cohort, person)
    competencies, levels = factories.rubric(framework.id)
    plan = ActionPlan(user_id=people[0].id, program_id=program.id,
                      visibility=PLAN_SHARED_WITH_COHORT, shared_at=utcnow(),
                      focus_areas=[FocusArea(
                          position=1, change="Listen before deciding",
                          competency_id=competencies[0].id,
                          current_level_id=levels[1].id, target_level_id=levels[2].id)])
    db.session.add(plan)
    db.session.flush()
    return plan, competencies, people[0], people[1]
