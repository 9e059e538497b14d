"""Who hears about what: plan events reach exactly the people who may see the plan, never the
actor, each once; e-mail goes out by each person's preference, over real SMTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plc import permissions
from plc.accounts.models import NOTIFY_DIGEST, NOTIFY_EACH, NOTIFY_NONE
from plc.extensions import db
from plc.notifications import events, services
from plc.notifications.models import (
    NUDGE,
    PEER_SHARED_PLAN,
    PEER_UPDATED_PLAN,
    Notification,
)
from plc.plans.models import DRAFT, FACILITATORS_ONLY
from tests import factories
from tests.conftest import login


def told(kind: str) -> set[str]:
    """The e-mail addresses of everyone who has a notification of ``kind``."""
    from plc.accounts.models import User

    return set(db.session.execute(
        select(User.email).join(Notification, Notification.user_id == User.id)
        .where(Notification.kind == kind)
    ).scalars())


def test_a_shared_plan_tells_the_cohort_but_not_the_author_or_outsiders(app, world):
    events.plan_shared(world.plan_a, world.users["member_a"])
    assert told(PEER_SHARED_PLAN) == {
        "peer_a@example.org", "facilitator_a@example.org", "deactivated@example.org"}
    # pending@example.org was invited to cohort A but has not joined: not told.


def test_inactive_people_are_not_told(app, world):
    world.users["deactivated"].active = False
    events.plan_shared(world.plan_a, world.users["member_a"])
    assert "deactivated@example.org" not in told(PEER_SHARED_PLAN)


def test_a_facilitators_only_plans_update_notifies_no_peer(app, world):
    """The issue's acceptance point."""
    world.plan_a.visibility = FACILITATORS_ONLY
    db.session.flush()
    events.plan_updated(world.plan_a, world.update_a, world.users["member_a"])
    assert told(PEER_UPDATED_PLAN) == {"facilitator_a@example.org"}
    [notification] = db.session.execute(select(Notification).where(
        Notification.kind == PEER_UPDATED_PLAN)).scalars()
    assert notification.update_id == world.update_a.id


def test_an_update_on_a_shared_plan_tells_peers_and_facilitators(app, world):
    events.plan_updated(world.plan_a, world.update_a, world.users["member_a"])
    assert told(PEER_UPDATED_PLAN) >= {"peer_a@example.org", "facilitator_a@example.org"}
    assert not told(PEER_UPDATED_PLAN) & {
        "member_a@example.org", "member_b@example.org", "facilitator_b@example.org",
        "program_lead@example.org", "site_admin@example.org"}


def test_a_draft_tells_nobody(app, world):
    world.plan_a.visibility = DRAFT
    db.session.flush()
    events.plan_shared(world.plan_a, world.users["member_a"])
    events.plan_updated(world.plan_a, world.update_a, world.users["member_a"])
    assert db.session.execute(select(Notification.id).where(
        Notification.kind.in_((PEER_SHARED_PLAN, PEER_UPDATED_PLAN)))).first() is None


def test_nobody_is_notified_of_their_own_doing(app, world):
    member = world.users["member_a"]
    assert services.notify(member, NUDGE, actor=member) is None


def tell_readers(event: str, world) -> None:
    if event == "shared":
        events.plan_shared(world.plan_a, world.users["member_a"])
    else:
        events.plan_updated(world.plan_a, world.update_a, world.users["member_a"])


@pytest.mark.parametrize("event", ["shared", "updated"])
def test_telling_every_reader_reads_the_same_for_3_or_23_readers(app, world, count_queries,
                                                                  event):
    """The fan-out reads all the readers' roles in one statement (it used to ask two per
    reader): what it reads does not grow with the readers. It writes in one flush, which
    PostgreSQL sends as one INSERT per table; SQLite's driver gets one per row."""
    for person in world.users.values():
        person.notify = NOTIFY_EACH  # e-mail too is part of the fan-out
    db.session.flush()

    def statements() -> list[str]:
        permissions.forget_roles()  # each fan-out reads the roles afresh
        with count_queries() as counter:
            tell_readers(event, world)
        return counter.statements

    def reads(sent: list[str]) -> list[str]:
        return [s for s in sent if s.lstrip().upper().startswith("SELECT")]

    few = statements()
    for n in range(20):
        reader = factories.make_user(f"reader{n}@example.org", f"Reader {n}")
        reader.notify = NOTIFY_EACH
        factories.add_member(world.cohort_a, reader)
    db.session.flush()
    many = statements()
    kind = PEER_SHARED_PLAN if event == "shared" else PEER_UPDATED_PLAN
    assert {f"reader{n}@example.org" for n in range(20)} <= told(kind)
    # The author's cohorts, the readers, all their roles.
    assert len(reads(many)) == len(reads(few)) == 3
    if db.engine.dialect.name == "postgresql":
        assert len(many) == len(few)


# --- e-mail, over real SMTP ------------------------------------------------------------------


@pytest.fixture
def smtp_app(app, smtp_sink):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    return app


def comment_as_peer(app, world, body="Looks good"):
    client = app.test_client()
    login(client, world.users["peer_a"])
    assert client.post(f"/plans/{world.plan_a.id}/comments",
                       data={"body": body}).status_code == 302


def test_each_event_is_mailed_at_once_to_who_chose_each(smtp_app, smtp_sink, world):
    world.users["member_a"].notify = NOTIFY_EACH
    comment_as_peer(smtp_app, world)
    [message] = smtp_sink.messages
    assert message["To"] == "member_a@example.org"
    assert message["Subject"] == "PLC: Pat Peer commented on your action plan"
    assert f"/plans/{world.plan_a.id}?comment=" in message.get_content()
    notification = db.session.execute(select(Notification).order_by(
        Notification.id.desc())).scalars().first()
    assert notification.emailed_at is not None


@pytest.mark.parametrize("preference", [NOTIFY_DIGEST, NOTIFY_NONE])
def test_digest_and_none_get_no_mail_at_once(smtp_app, smtp_sink, world, preference):
    world.users["member_a"].notify = preference
    comment_as_peer(smtp_app, world)
    assert smtp_sink.messages == []
    notification = db.session.execute(select(Notification).order_by(
        Notification.id.desc())).scalars().first()
    assert notification.user_id == world.users["member_a"].id
    assert notification.emailed_at is None


@pytest.mark.parametrize("preference, mailed", [
    (NOTIFY_EACH, True), (NOTIFY_DIGEST, True), (NOTIFY_NONE, False)])
def test_urgent_is_mailed_at_once_unless_none(smtp_app, smtp_sink, world, preference, mailed):
    person = factories.make_user("urgent@example.org", "Urgent Person")
    person.notify = preference
    from plc.mail import outbox

    outbox.deliver()  # what building the world queued
    smtp_sink.messages.clear()
    with smtp_app.test_request_context():
        services.notify(person, NUDGE, actor=world.users["facilitator_a"],
                        text="Please post your update", urgent=True)
        db.session.commit()
        outbox.deliver()
    assert [m["To"] for m in smtp_sink.messages] == (["urgent@example.org"] if mailed else [])
    if mailed:
        assert "Please post your update" in smtp_sink.messages[0].get_content()
