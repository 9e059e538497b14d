"""The home page's body, kept whole by each worker (plc/main/home.py:body_key): after every kind
of write that changes someone's home, the kept page is the page rendered afresh and shows the
change; what changes with the clock alone (a step falling overdue, a meeting that is today, a
member to nudge) shows within the minute; and a kept body reads none of its rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import QUESTION, Comment
from plc.main import home
from plc.plans.models import ActionStep, ProgressUpdate
from plc.stamps import SiteStamp
from tests.feedback.test_comments import client_of
from tests.feedback.test_plan_body_kept import (
    assert_a_kept_page_shows,
    assert_an_unstamped_write_shows_after_the_minute,
    page_of,
    programme_moved_to_another_time_zone,
    site_stamps,
    statements_of,
)

# The writes: each readies what it needs, then returns a function that makes the write and
# returns what the home page must show afterwards and what it must no longer show.


def question_asked(app, world):
    def write():
        db.session.add(Comment(plan_id=world.plan_a.id, author_id=world.users["facilitator_a"].id,
                               kind=QUESTION, body="Which row is hardest for you?"))
        db.session.commit()
        return "Which row is hardest for you?", None
    return write


def step_done(app, world):
    def write():
        owner = client_of(app, world, "member_a")
        assert owner.post(f"/steps/{world.step_a.id}/done").status_code == 302
        return None, "Next step: Observe two classes"
    return write


def step_rewritten(app, world):
    def write():
        world.step_a.text = "Observe three classes"
        db.session.commit()
        return "Next step: Observe three classes", "Next step: Observe two classes"
    return write


def update_posted(app, world):
    def write():
        db.session.add(ProgressUpdate(plan_id=world.plan_a.id, author_id=world.plan_a.user_id,
                                      did="Walked the building", learned="", next=""))
        db.session.commit()
        return None, "Post your progress update"
    world.update_a.created_at = utcnow() - timedelta(days=40)  # before the last meeting
    world.meeting_a.starts_at = utcnow() - timedelta(days=2)
    world.meeting_a.ends_at = world.meeting_a.starts_at + timedelta(hours=1)
    db.session.commit()
    return write


def meeting_moved(app, world):
    def write():
        world.meeting_a.starts_at += timedelta(days=1)
        world.meeting_a.ends_at += timedelta(days=1)
        db.session.commit()
        return None, None
    return write


def cohort_renamed(app, world):
    def write():
        world.cohort_a.name = "The Renamed Cohort"
        db.session.commit()
        return "The Renamed Cohort", None
    return write


WRITES = [question_asked, step_done, step_rewritten, update_posted, meeting_moved,
          cohort_renamed, programme_moved_to_another_time_zone]
HOME = "member_a"  # the author of plan_a, a member of cohort A


@pytest.mark.parametrize("ready", WRITES, ids=[w.__name__ for w in WRITES])
def test_a_kept_home_shows_every_change_at_once(app, world, ready):
    reader = client_of(app, world, HOME)
    assert_a_kept_page_shows(ready(app, world), app, reader, world, "home")


def test_what_the_clock_alone_changes_shows_within_the_minute(app, world, monkeypatch):
    reader = client_of(app, world, HOME)
    changed = update(ActionStep).where(ActionStep.id == world.step_a.id).values(
        text="Changed unseen")
    assert "Next step: Changed unseen" in assert_an_unstamped_write_shows_after_the_minute(
        monkeypatch, home, reader, world, "home", changed)


def test_reading_home_keeps_the_stamps_and_a_kept_body_reads_none_of_its_rows(app, world):
    reader = client_of(app, world, HOME)
    stamps_before = site_stamps()
    first = statements_of(lambda: reader.get("/"))
    again = statements_of(lambda: reader.get("/"))
    assert site_stamps() == stamps_before  # "last seen" is not shown
    # The session, and the unread feedback above the body (a notification moves no stamp).
    assert len(again) == 2 < len(first), "\n".join(s[:90] for s in again)


def test_a_stamp_row_gone_comes_back_with_the_next_write_and_home_is_kept_again(app, world):
    # A database emptied whole (TRUNCATE) loses the one stamp row; until it is back, nothing
    # may be kept (the stamps are unknown), so every request reads every row.
    db.session.execute(delete(SiteStamp))
    db.session.commit()
    reader = client_of(app, world, HOME)
    reader.get("/")
    assert len(statements_of(lambda: reader.get("/"))) > 2
    step_rewritten(app, world)()
    assert site_stamps()  # the write made the row again
    reader.get("/")
    assert len(statements_of(lambda: reader.get("/"))) == 2


def test_another_persons_home_is_kept_apart(app, world):
    page_of(client_of(app, world, HOME), world, "home")
    other = page_of(client_of(app, world, "member_b"), world, "home")
    assert "Observe two classes" not in other and "Start your action plan" in other
