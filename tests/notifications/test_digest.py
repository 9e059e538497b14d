"""The daily digest: one e-mail per person per day with everything not yet e-mailed, never
twice, leaving out what the person can no longer see; over real SMTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plc.accounts.models import NOTIFY_DIGEST, NOTIFY_EACH
from plc.db import utcnow
from plc.extensions import db
from plc.mail import outbox
from plc.notifications import services
from plc.notifications.digest import send_digests
from plc.notifications.models import (
    COMMENT_ON_MY_PLAN,
    MENTION,
    PEER_UPDATED_PLAN,
    DigestRun,
    Notification,
)
from plc.plans.models import DRAFT


@pytest.fixture
def smtp_app(app, smtp_sink, world):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    outbox.deliver()  # what building the world queued
    smtp_sink.messages.clear()
    return app


def mails_to(sink, address: str) -> list:
    return [m for m in sink.messages if m["To"] == address]


def test_one_digest_per_person_per_day_with_everything_and_nothing_twice(
        smtp_app, smtp_sink, world):
    member, peer = world.users["member_a"], world.users["peer_a"]
    member.notify = NOTIFY_DIGEST
    peer.notify = NOTIFY_EACH  # not a digest reader: never in a digest
    world.notification_a.emailed_at = utcnow() - timedelta(days=1)  # went out yesterday
    for kind in (COMMENT_ON_MY_PLAN, MENTION):
        services.notify(member, kind, actor=world.users["facilitator_a"],
                        plan_id=world.plan_a.id, comment_id=world.comment_a.id)
    services.notify(member, PEER_UPDATED_PLAN, actor=world.users["facilitator_a"],
                    plan_id=world.plan_a.id, update_id=world.update_a.id)
    db.session.commit()
    smtp_sink.messages.clear()

    assert send_digests() == 1
    [digest] = mails_to(smtp_sink, "member_a@example.org")
    body = digest.get_content()
    assert "3 new items" in digest["Subject"]
    assert body.count("\n- ") == 3
    assert "Facilitator A commented on your action plan" in body
    assert "Facilitator A mentioned you in a comment" in body
    assert f"/plans/{world.plan_a.id}?update={world.update_a.id}#update-{world.update_a.id}" in body
    assert smtp_sink.messages == [digest]
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == member.id, Notification.emailed_at.is_(None))) == 0

    # Run again, by function and by the CLI: nothing goes out twice, even with news today.
    services.notify(member, MENTION, actor=world.users["peer_a"], plan_id=world.plan_a.id)
    db.session.commit()
    assert send_digests() == 0
    result = smtp_app.test_cli_runner().invoke(args=["plc", "send-digests"])
    assert result.exit_code == 0 and "Digests sent: 0" in result.output
    assert smtp_sink.messages == [digest]
    assert db.session.scalar(select(func.count()).select_from(DigestRun)) == 1

    # The next day, the news of today goes out, alone.
    run = db.session.execute(select(DigestRun)).scalar_one()
    run.day = run.day - timedelta(days=1)
    db.session.commit()
    result = smtp_app.test_cli_runner().invoke(args=["plc", "send-digests"])
    assert "Digests sent: 1" in result.output
    later = mails_to(smtp_sink, "member_a@example.org")[-1]
    assert "1 new item)" in later["Subject"] and "Pat Peer mentioned you" in later.get_content()


def test_the_cli_sends_the_digest_once(smtp_app, smtp_sink, world):
    member = world.users["member_a"]
    member.notify = NOTIFY_DIGEST
    db.session.commit()
    runner = smtp_app.test_cli_runner()
    assert "Digests sent: 1" in runner.invoke(args=["plc", "send-digests"]).output
    assert "Digests sent: 0" in runner.invoke(args=["plc", "send-digests"]).output
    assert len(mails_to(smtp_sink, "member_a@example.org")) == 1


def test_what_the_person_can_no_longer_see_is_left_out(smtp_app, smtp_sink, world):
    """facilitator_a was told about member_a's plan; the plan went back to draft."""
    facilitator = world.users["facilitator_a"]
    facilitator.notify = NOTIFY_DIGEST
    services.notify(facilitator, PEER_UPDATED_PLAN, actor=world.users["member_a"],
                    plan_id=world.plan_a.id, update_id=world.update_a.id)
    world.plan_a.visibility = DRAFT
    db.session.commit()
    assert send_digests() == 0
    assert mails_to(smtp_sink, "facilitator_a@example.org") == []
