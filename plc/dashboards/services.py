"""Writes for the dashboards: nudges. Services flush, never commit.
The caller has checked access (plc/permissions.py: can_view_cohort_dashboard,
can_manage_program)."""

from __future__ import annotations

from flask_babel import gettext as _

from plc.dashboards.models import Nudge
from plc.errors import DomainError
from plc.extensions import db
from plc.notifications.models import NUDGE
from plc.notifications.services import notify

MAX_MESSAGE = 500
DEFAULT_MESSAGE = (
    "A friendly reminder before our next meeting: please take a few minutes to post a "
    "progress update on your action plan, and to read and comment on a peer's plan."
)


def send_nudges(actor, cohort, recipients, message: str) -> list[Nudge]:
    """One Nudge and one urgent notification per recipient. ``recipients`` must be members
    of the cohort (the caller loads them with queries.cohort_members)."""
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Write a message to send."), field="message")
    if len(message) > MAX_MESSAGE:
        raise DomainError(_("Keep the message under %(MAX_MESSAGE)s characters.",
                            MAX_MESSAGE=MAX_MESSAGE), field="message")
    if not recipients:
        raise DomainError(_("Choose at least one member to nudge."), field="user_ids")
    nudges = []
    for person in recipients:
        nudge = Nudge(cohort_id=cohort.id, user_id=person.id, sent_by_id=actor.id,
                      message=message)
        db.session.add(nudge)
        notify(person, NUDGE, actor=actor, text=message, urgent=True)
        nudges.append(nudge)
    db.session.flush()
    return nudges


UPDATE_DAYS = (1, 365)
MISSED_MEETINGS = (1, 12)


def set_nudge_thresholds(actor, program, *, update_days: int, missed_meetings: int,
                         no_feedback: bool) -> None:
    """When the cohort dashboard flags a member for a nudge (figures.flags). The caller
    checked permissions.can_manage_program."""
    if not UPDATE_DAYS[0] <= update_days <= UPDATE_DAYS[1]:
        raise DomainError(_("Choose between 1 and 365 days."), field="nudge_update_days")
    if not MISSED_MEETINGS[0] <= missed_meetings <= MISSED_MEETINGS[1]:
        raise DomainError(_("Choose between 1 and 12 meetings."), field="nudge_missed_meetings")
    program.nudge_update_days = update_days
    program.nudge_missed_meetings = missed_meetings
    program.nudge_no_feedback = no_feedback
    db.session.flush()
