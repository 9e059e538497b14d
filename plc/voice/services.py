"""Writes of stakeholder voice: opening a round, inviting, answering, closing, sharing, the
closing note, a plan step from the feedback.

The caller has checked access (plc/permissions.py: can_manage_round for the leader's writes;
a respondent's answer needs no account: its link is the key).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from plc import links
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.mail import outbox
from plc.mail.models import OutboxMessage
from plc.plans import services as plan_services
from plc.programs import closing
from plc.tokens import hash_token, new_token
from plc.voice import queries
from plc.voice.models import (
    AUDIENCE_KINDS,
    DONT_KNOW,
    OTHER,
    VISIBILITIES,
    FeedbackRound,
    RoundAudience,
    RoundInvitee,
    VoiceAnswer,
    VoiceComment,
    VoiceResponse,
)
from plc.voice.words import long_date, word

MAX_COMPETENCIES = 3
MAX_INVITEES = 500
OPEN_ANSWER_MAX = 2000
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


@dataclass(frozen=True)
class RoundValues:
    competency_ids: list[int]
    audiences: list[tuple[str, str]]  # (kind, label)
    languages: list[str]
    opens_on: date
    closes_on: date


def is_closed(round_: FeedbackRound, today: date) -> bool:
    return round_.closed_at is not None or today > round_.closes_on


def open_round(actor, plan, survey, values: RoundValues, today: date) -> FeedbackRound:
    if survey is None:
        raise DomainError(_("This programme's framework has no survey statements, so no "
                            "feedback round can be opened on it."))
    offered = {c.id for c in survey.competencies}
    chosen = list(dict.fromkeys(values.competency_ids))
    if not chosen:
        raise DomainError(_("Choose at least one competency."), "competency_ids")
    if len(chosen) > MAX_COMPETENCIES or not set(chosen) <= offered:
        raise DomainError(_("Choose up to %(n)d of the listed competencies.", n=MAX_COMPETENCIES),
                          "competency_ids")
    if not values.audiences:
        raise DomainError(_("Choose at least one audience."), "audiences")
    for kind, label in values.audiences:
        if kind not in AUDIENCE_KINDS:
            raise DomainError(_("Choose the audiences from the list."), "audiences")
        if kind == OTHER and not label.strip():
            raise DomainError(_("Name the other audience."), "other_label")
    languages = [lang for lang in survey.languages if lang in values.languages]
    if not languages:
        raise DomainError(_("Choose at least one language."), "languages")
    if values.closes_on < values.opens_on:
        raise DomainError(_("The round must close on or after the day it opens."), "closes_on")
    if values.closes_on < today:
        raise DomainError(_("The closing date has passed already."), "closes_on")
    round_ = FeedbackRound(
        plan_id=plan.id, competency_ids=chosen, languages=languages,
        opens_on=values.opens_on, closes_on=values.closes_on,
        audiences=[RoundAudience(position=i, kind=kind, label=label.strip() if kind == OTHER
                                 else "", token=secrets.token_urlsafe(24))
                   for i, (kind, label) in enumerate(values.audiences, start=1)],
    )
    db.session.add(round_)
    db.session.flush()
    return round_


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """(valid addresses, each once; the entries that are not addresses)."""
    good, bad = [], []
    for entry in re.split(r"[\s,;]+", text or ""):
        entry = entry.strip().strip("<>").lower()
        if not entry:
            continue
        (good if EMAIL.match(entry) and len(entry) <= 254 else bad).append(entry)
    return list(dict.fromkeys(good)), bad


def invite(actor, round_: FeedbackRound, audience: RoundAudience, text: str, language: str,
           today: date) -> int:
    """Queue one single-use link per address; the addresses live until the round closes."""
    if is_closed(round_, today):
        raise DomainError(_("This round has closed."))
    if language not in round_.languages:
        raise DomainError(_("Choose one of the round's languages."), "language")
    addresses, bad = parse_addresses(text)
    if bad:
        raise DomainError(_("These are not e-mail addresses: %(bad)s", bad=", ".join(bad[:5])),
                          "addresses")
    if not addresses:
        raise DomainError(_("Paste at least one e-mail address."), "addresses")
    if len(addresses) + sum(queries.invitee_counts([audience.id]).values()) > MAX_INVITEES:
        raise DomainError(_("An audience takes at most %(n)d invitees.", n=MAX_INVITEES),
                          "addresses")
    name = round_.plan.user.name
    for address in addresses:
        token, token_hash = new_token()
        message = outbox.queue(address, word("mail_subject", language, name=name),
                               word("mail_body", language, name=name,
                                    link=links.voice_invitee_link(token, language),
                                    date=long_date(round_.closes_on, language)))
        db.session.flush()
        db.session.add(RoundInvitee(audience_id=audience.id, email=address, language=language,
                                    token_hash=token_hash, message_ids=[message.id]))
    db.session.flush()
    return len(addresses)


def respond(audience: RoundAudience, survey, language: str, answers: dict[tuple[int, int], int],
            comments: dict[int, str], today: date, cap: int,
            invitee: RoundInvitee | None = None) -> VoiceResponse:
    """Record one anonymous response: the audience, the language, the answers, nothing else.
    An invitee's row (address and link) is deleted in the same transaction."""
    round_ = audience.round
    if is_closed(round_, today):
        raise DomainError(word("closed", language, date=long_date(round_.closes_on, language)))
    if today < round_.opens_on:
        raise DomainError(word("not_open", language, date=long_date(round_.opens_on, language)))
    if invitee is None and queries.round_response_count(round_.id) >= cap:
        raise DomainError(word("full", language))
    levels = {value for value, _words in survey.levels} | {DONT_KNOW}
    rows = []
    for (competency_id, statement), level in answers.items():
        competency = survey.competency(competency_id)
        if (competency_id not in round_.competency_ids or competency is None
                or not 0 <= statement < len(competency.statements) or level not in levels):
            continue  # a forged field: ignored, never stored
        rows.append(VoiceAnswer(competency_id=competency_id, statement=statement, level=level))
    texts = [VoiceComment(competency_id=cid, text=text.strip()) for cid, text in comments.items()
             if cid in round_.competency_ids and text.strip()]
    if any(len(c.text) > OPEN_ANSWER_MAX for c in texts):
        raise DomainError(word("too_long", language, n=OPEN_ANSWER_MAX))
    if not rows and not texts:
        raise DomainError(word("empty", language))
    response = VoiceResponse(audience_id=audience.id, language=language)
    db.session.add(response)
    db.session.flush()
    for row in (*rows, *texts):
        row.response_id = response.id
    db.session.add_all([*rows, *texts])
    if invitee is not None:
        _forget_messages(list(invitee.message_ids or []))
        db.session.delete(invitee)
    db.session.flush()
    return response


def close_round(round_: FeedbackRound) -> None:
    """Close now: no more answers, and every invitee's address and link deleted."""
    with closing.purging(db.session):  # addresses go, even from a closed year
        if round_.closed_at is None:
            round_.closed_at = utcnow()
        _forget_invitees([a.id for a in round_.audiences])
        db.session.flush()


def _forget_invitees(audience_ids: list[int]) -> None:
    """Delete the invitees of these audiences, and the outbox rows that carried their
    addresses and links."""
    if not audience_ids:
        return
    message_ids = [i for ids in db.session.execute(
        select(RoundInvitee.message_ids).where(RoundInvitee.audience_id.in_(audience_ids))
    ).scalars() for i in (ids or [])]
    _forget_messages(message_ids)
    db.session.execute(delete(RoundInvitee).where(RoundInvitee.audience_id.in_(audience_ids)),
                       execution_options={"synchronize_session": False})


def _forget_messages(message_ids: list[int]) -> None:
    if message_ids:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(message_ids)),
                           execution_options={"synchronize_session": False})


def close_due_rounds(today: date) -> int:
    """`flask plc close-rounds`: close every round past its closing date (a job)."""
    due = queries.rounds_to_close(today)
    with closing.purging(db.session):  # addresses go, even from a closed year
        for round_ in due:
            round_.closed_at = utcnow()
            _forget_invitees(list(db.session.execute(
                select(RoundAudience.id).where(RoundAudience.round_id == round_.id)).scalars()))
        db.session.flush()
    return len(due)


def remind_invitees(today: date, days_before: int = 2) -> int:
    """Remind, once, the invitees of rounds closing within ``days_before`` days."""
    sent = 0
    for invitee, audience in queries.invitees_to_remind(today + timedelta(days=days_before)):
        round_ = audience.round
        if is_closed(round_, today):
            continue
        # A reminder needs a link: the first is only a hash, so the reminder has its own.
        token, token_hash = new_token()
        invitee.reminder_hash = token_hash
        invitee.reminded = True
        name, lang = round_.plan.user.name, invitee.language
        message = outbox.queue(invitee.email, word("reminder_subject", lang, name=name),
                               word("reminder_body", lang, name=name,
                                    link=links.voice_invitee_link(token, lang),
                                    date=long_date(round_.closes_on, lang)))
        db.session.flush()
        invitee.message_ids = [*(invitee.message_ids or []), message.id]
        sent += 1
    db.session.flush()
    return sent


def invitee_for(token: str) -> RoundInvitee | None:
    return queries.invitee_by_hash(hash_token(token)) if token and len(token) <= 100 else None


def set_visibility(actor, round_: FeedbackRound, visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise DomainError(_("Choose who may see the summary."), "visibility")
    round_.visibility = visibility
    db.session.flush()


def publish_note(actor, round_: FeedbackRound, heard: str, will_do: str, today: date) -> None:
    if not is_closed(round_, today):
        raise DomainError(_("The note is published once the round has closed."))
    if not heard.strip() and not will_do.strip():
        raise DomainError(_("Write what you heard or what you will do."), "heard")
    round_.heard, round_.will_do = heard.strip(), will_do.strip()
    db.session.flush()


def add_step(actor, round_: FeedbackRound, focus_area_id: int, text: str,
             due_on: date | None):
    """A step of the plan, from what the round said."""
    return plan_services.add_action_step(actor, round_.plan, focus_area_id, text, due_on)
