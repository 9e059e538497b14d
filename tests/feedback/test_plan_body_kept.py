"""Page bodies kept whole by each worker (plc/stamps.py): the plan page's
(plans/views.py:_body_key) and the cohort feed's. After every kind of write that changes what
they show, the kept page is the page rendered afresh and shows the change; the pages' own
reads (the reading record, the session's "last seen") keep them; and a kept body reads none of
its rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, text, update

from plc import stamps
from plc.accounts.models import User
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.plans.models import FACILITATORS_ONLY, ProgressUpdate
from plc.privacy import services as privacy_services
from plc.programs.models import FACILITATOR, Membership
from plc.stamps import SITE, SiteStamp
from tests.feedback.conftest import add_peer
from tests.feedback.test_comments import client_of, newest_comment, post

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


PAGES = {
    "plan": lambda world: f"/plans/{world.plan_a.id}",
    "feed": lambda world: f"/cohorts/{world.cohort_a.id}/feed",
    # tests/main/test_home_kept.py, tests/meetings/test_attendance_kept.py and
    # tests/dashboards/test_cohort_dashboard_kept.py
    "home": lambda world: "/",
    "attendance": lambda world: f"/meetings/{world.meeting_a.id}/attendance",
    "cohort_dashboard": lambda world: f"/cohorts/{world.cohort_a.id}/dashboard",
}


def page_of(client, world, page: str = "plan") -> str:
    response = client.get(PAGES[page](world))
    assert response.status_code == 200
    return TOKEN.sub("", response.text)  # a token is signed with the second it was made


def kept_then_afresh(app, client, world, page: str) -> tuple[str, str]:
    kept = page_of(client, world, page)
    entries = app.config["FRAGMENT_CACHE_ENTRIES"]
    app.config["FRAGMENT_CACHE_ENTRIES"] = 0
    try:
        afresh = page_of(client, world, page)
    finally:
        app.config["FRAGMENT_CACHE_ENTRIES"] = entries
    return kept, afresh


def site_stamps() -> tuple[int, int]:
    db.session.rollback()  # a fresh read
    return db.session.execute(select(SiteStamp.site, SiteStamp.content)
                              .where(SiteStamp.id == SITE)).one()


def peer_comment(app, world, body="Which rubric row?") -> Comment:
    assert post(client_of(app, world, "peer_a"), f"/plans/{world.plan_a.id}/comments",
                body).status_code == 302
    return newest_comment()


# The writes: each readies what it needs, then returns a function that makes the write and
# returns what the page must show afterwards and what it must no longer show (None: nothing
# in words; the page must still change).


def comment_posted(app, world):
    def write():
        peer_comment(app, world, "A question about row three")
        return "A question about row three", None
    return write


def reply_posted(app, world):
    def write():
        reply = post(client_of(app, world, "peer_a"), f"/comments/{world.comment_a.id}/replies",
                     "Row three, I think")
        assert reply.status_code == 302
        return "Row three, I think", None
    return write


def comment_edited(app, world):
    comment = peer_comment(app, world)

    def write():
        comment.body, comment.edited_at = "Which row, exactly?", datetime.now(UTC)
        db.session.commit()  # the ORM bumps its version
        return "Which row, exactly?", "Which rubric row?"
    return write


def comment_removed(app, world):
    comment = peer_comment(app, world)

    def write():
        comment.deleted_at = datetime.now(UTC)
        db.session.commit()
        return None, "Which rubric row?"
    return write


def update_posted(app, world):
    def write():
        db.session.add(ProgressUpdate(plan_id=world.plan_a.id, author_id=world.plan_a.user_id,
                                      did="Ran the first data meeting", learned="", next=""))
        db.session.commit()
        return "Ran the first data meeting", None
    return write


def update_edited(app, world):
    def write():
        world.update_a.did = "Walked every classroom twice"
        db.session.commit()
        return "Walked every classroom twice", None
    return write


def step_done(app, world):
    def write():
        owner = client_of(app, world, "member_a")
        assert owner.post(f"/steps/{world.step_a.id}/done").status_code == 302
        return "1 of 1 step done", "0 of 1 step done"
    return write


def author_renamed(app, world):
    peer_comment(app, world)

    def write():
        world.users["peer_a"].name = "Patricia Peer-Renamed"
        db.session.commit()
        return "Patricia Peer-Renamed", None
    return write


def author_erased(app, world):
    peer_comment(app, world, "Words the erasure takes away")

    def write():
        privacy_services.erase_person(world.users["site_admin"], world.users["peer_a"])
        db.session.commit()
        return None, "Words the erasure takes away"
    return write


def comments_rewritten_in_bulk(app, world):
    def write():
        db.session.execute(update(Comment).where(Comment.plan_id == world.plan_a.id)
                           .values(body="Rewritten by a bulk statement"))
        db.session.commit()
        return "Rewritten by a bulk statement", None
    return write


def name_changed_by_hand_written_sql(app, world):
    def write():
        db.session.execute(text("UPDATE users SET name = 'Named By Hand' WHERE id = :id"),
                           {"id": world.plan_a.user_id})
        db.session.commit()
        return "Named By Hand", None
    return write


def name_changed_on_a_connection_of_its_own(app, world):
    author_id = world.plan_a.user_id

    def write():
        db.session.commit()  # SQLite: one writer at a time
        with db.engine.begin() as connection:
            connection.execute(update(User).where(User.id == author_id)
                               .values(name="Named Elsewhere"))
        return "Named Elsewhere", None
    return write


def meeting_renamed(app, world):
    world.update_a.meeting_id = world.meeting_a.id
    db.session.commit()

    def write():
        world.meeting_a.title = "The renamed gathering"
        db.session.commit()
        return "The renamed gathering", None
    return write


def programme_moved_to_another_time_zone(app, world):
    def write():
        world.program.time_zone = "Pacific/Auckland"  # the updates' times move
        db.session.commit()
        return None, None
    return write


def reader_made_facilitator(app, world):
    comment = peer_comment(app, world)
    world.extra = f'action="/comments/{comment.id}/delete"'

    def write():
        membership = db.session.execute(select(Membership).where(
            Membership.user_id == world.users[READER].id,
            Membership.cohort_id == world.cohort_a.id)).scalar_one()
        membership.role = FACILITATOR
        db.session.commit()
        return world.extra, None
    return write


def plan_narrowed_to_its_facilitators(app, world):
    def write():
        world.plan_a.visibility = FACILITATORS_ONLY
        db.session.commit()
        return None, world.plan_a.update_a_did
    world.plan_a.update_a_did = world.update_a.did
    return write


WRITES = [comment_posted, reply_posted, comment_edited, comment_removed, update_posted,
          update_edited, step_done, author_renamed, author_erased, comments_rewritten_in_bulk,
          name_changed_by_hand_written_sql, name_changed_on_a_connection_of_its_own,
          meeting_renamed, programme_moved_to_another_time_zone, reader_made_facilitator]
# The feed shows no step, meeting or right to remove, and a plan it no longer shows.
FEED_WRITES = [*(w for w in WRITES if w not in (step_done, meeting_renamed,
                                                reader_made_facilitator)),
               plan_narrowed_to_its_facilitators]


@pytest.mark.parametrize(("page", "ready"), [
    *(("plan", w) for w in WRITES), *(("feed", w) for w in FEED_WRITES)],
    ids=[*(f"plan-{w.__name__}" for w in WRITES), *(f"feed-{w.__name__}" for w in FEED_WRITES)])
def test_a_kept_body_shows_every_change_at_once(app, world, page, ready):
    reader = reader_of(app, world)
    assert_a_kept_page_shows(ready(app, world), app, reader, world, page)


def assert_a_kept_page_shows(write, app, reader, world, page: str) -> None:
    """``page`` is kept for ``reader``; after ``write`` the kept page is the page rendered
    afresh, changed, showing what the write says it shows."""
    before = page_of(reader, world, page)
    assert page_of(reader, world, page) == before  # kept now
    shown, gone = write()
    kept, afresh = kept_then_afresh(app, reader, world, page)
    assert kept == afresh != before
    assert (shown is None or shown in kept) and (gone is None or gone not in kept)


READER = "reader"  # a peer of cohort A reading member_a's plan and the cohort's feed


def reader_of(app, world):
    add_peer(world, READER)
    db.session.commit()
    return client_of(app, world, READER)


@pytest.mark.parametrize(("page", "statements"), [
    ("plan", 2),  # the session, the plan with its author's cohorts and its comments' and
    # updates' stamp
    ("feed", 2),  # the session, the cohort
])
def test_reading_a_page_keeps_the_stamps_and_a_kept_body_reads_none_of_its_rows(
        app, world, page, statements):
    reader = reader_of(app, world)
    url = PAGES[page](world)
    stamps = site_stamps()
    first = statements_of(lambda: reader.get(url))
    again = statements_of(lambda: reader.get(url))
    assert site_stamps() == stamps  # the reading record and "last seen" are not shown
    assert len(again) == statements < len(first), "\n".join(s[:90] for s in again)


def test_a_plan_narrowed_to_its_facilitators_is_refused_to_a_peer_who_had_it_kept(app, world):
    reader = reader_of(app, world)
    page_of(reader, world)
    world.plan_a.visibility = FACILITATORS_ONLY
    db.session.commit()
    assert reader.get(f"/plans/{world.plan_a.id}").status_code == 404


def assert_an_unstamped_write_shows_after_the_minute(monkeypatch, clock_of, reader, world,
                                                    page: str, statement) -> str:
    """Stands in for the clock, which changes what no write stamps: ``page`` is kept for
    ``reader`` at :30 of a minute (``clock_of``: the module whose ``utcnow`` keys the body by
    the minute), ``statement`` is written with the stamps off; the page is the same 29 s later
    and rendered afresh 30 s later (returned)."""
    now = utcnow().replace(second=30)
    monkeypatch.setattr(clock_of, "utcnow", lambda: now)
    before = page_of(reader, world, page)
    db.session.commit()  # SQLite: one writer at a time
    with db.engine.connect() as connection, stamps.unstamped(connection), connection.begin():
        connection.execute(statement)
    monkeypatch.setattr(clock_of, "utcnow", lambda: now + timedelta(seconds=29))
    assert page_of(reader, world, page) == before
    monkeypatch.setattr(clock_of, "utcnow", lambda: now + timedelta(seconds=30))
    after = page_of(reader, world, page)
    assert after != before
    return after


def statements_of(request) -> list[str]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):  # SQLite's own
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        request()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen
