"""Preparation reminders: N days before a meeting, members are asked to post a progress
update on their plan; each person once per meeting."""

from __future__ import annotations

from flask_babel import gettext as _

from plc.db import utcnow
from plc.extensions import db
from plc.meetings import queries
from plc.meetings.models import MeetingReminder
from plc.notifications.models import MEETING_REMINDER
from plc.notifications.services import notify
from plc.unit_of_work import job_transaction


def send_reminders() -> int:
    """Remind each current member of each meeting within its programme's ``reminder_days``
    who has not been reminded of it yet; returns how many were sent. A job of its own (cron),
    so it commits: the MeetingReminder row and the notification go in together, and the row's
    unique (meeting, person) key keeps a second run, even a concurrent one, from repeating."""
    with job_transaction():
        meetings = queries.meetings_to_remind(utcnow())
        due = queries.people_to_remind([m.id for m in meetings])
        for meeting_id, person in due:
            db.session.add(MeetingReminder(meeting_id=meeting_id, user_id=person.id))
            # notify() e-mails urgent events itself: no mail of our own here.
            notify(person, MEETING_REMINDER, meeting_id=meeting_id, urgent=True,
                   text=_("Post a progress update on your plan before the meeting."))
    return len(due)
