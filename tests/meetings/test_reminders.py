"""Preparation reminders (flask plc send-reminders): each current member once per meeting,
within the programme's reminder_days; never to someone who left or was deactivated."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import delete, select

from plc.db import utcnow
from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.meetings.models import CANCELLED, MeetingReminder
from plc.meetings.reminders import send_reminders
from plc.notifications.models import MEETING_REMINDER, Notification
from plc.programs.models import Membership, Program
from tests import factories
from tests.meetings.conftest import make_meeting


def reminded() -> set[tuple[int, int]]:
    db.session.expire_all()
    return {(n.meeting_id, n.user_id) for n in db.session.execute(
        select(Notification).where(Notification.kind == MEETING_REMINDER)).scalars()}


def run_cli(app) -> str:
    result = app.test_cli_runner().invoke(args=["plc", "send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_member_is_reminded_once_even_when_run_again(app, people):
    soon = make_meeting(people.cohort, utcnow() + timedelta(days=2))
    make_meeting(people.cohort, utcnow() + timedelta(days=5))  # not yet: 3 days by default
    make_meeting(people.cohort, utcnow() + timedelta(days=1), status=CANCELLED)
    make_meeting(people.cohort, utcnow() - timedelta(days=1))  # over
    db.session.commit()

    assert "Reminders sent: 2" in run_cli(app)
    expected = {(soon.id, people.member.id), (soon.id, people.peer.id)}  # not the facilitator
    assert reminded() == expected
    assert send_reminders() == 0
    assert send_reminders() == 0
    assert "Reminders sent: 0" in run_cli(app)
    assert reminded() == expected
    assert len(db.session.execute(select(MeetingReminder)).scalars().all()) == 2
    # notify() mails urgent events itself; the reminder adds no mail of its own.
    per_person = Counter(m.to_addr for m in db.session.execute(select(OutboxMessage)).scalars())
    assert all(count <= 1 for count in per_person.values()), per_person


def test_people_who_left_or_were_deactivated_are_not_reminded(app, people):
    soon = make_meeting(people.cohort, utcnow() + timedelta(days=1))
    newcomer = factories.make_user("new@example.org", "Nia Newcomer")
    factories.add_member(people.cohort, newcomer)
    db.session.execute(delete(Membership).where(Membership.user_id == people.peer.id,
                                                Membership.cohort_id == people.cohort.id))
    people.member.active = False
    db.session.commit()
    assert send_reminders() == 1
    assert reminded() == {(soon.id, newcomer.id)}


def test_reminder_days_come_from_the_programme(app, people):
    later = make_meeting(people.cohort, utcnow() + timedelta(days=5))
    db.session.commit()
    assert send_reminders() == 0
    program = db.session.get(Program, people.cohort.program_id)
    program.reminder_days = 7
    db.session.commit()
    assert send_reminders() == 2
    assert reminded() == {(later.id, people.member.id), (later.id, people.peer.id)}
    # The other cohort (the outsider's) has no meeting: nobody there hears of this one.
    assert people.outsider.id not in {user_id for _, user_id in reminded()}
