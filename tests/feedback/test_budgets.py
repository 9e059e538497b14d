"""The issue's budgets: the plan's threads with 50 updates and 200 comments, the feed and the
notifications list take the same number of statements as with 1 update and 2 comments."""

from __future__ import annotations

from plc.extensions import db
from plc.feedback.models import Comment
from plc.feedback.queries import plan_threads
from plc.notifications.models import COMMENT_ON_MY_PLAN, Notification
from plc.plans.models import ProgressUpdate
from tests.conftest import login


def seed(world, updates: int, comments: int) -> None:
    """Bring plan_a to ``updates`` updates and ``comments`` comments (a third of them replies),
    with a notification to member_a for each comment."""
    plan, member = world.plan_a, world.users["member_a"]
    peer = world.users["peer_a"]
    update_ids = [world.update_a.id]
    for n in range(updates - 1):
        update = ProgressUpdate(plan_id=plan.id, author_id=member.id, did=f"Step {n}")
        db.session.add(update)
        db.session.flush()
        update_ids.append(update.id)
    tops: list[Comment] = [world.comment_a]
    for n in range(comments - 1):
        parent = tops[n % len(tops)] if n % 3 == 2 else None
        comment = Comment(plan_id=plan.id, author_id=peer.id, body=f"Comment {n} @member_a",
                          update_id=parent.update_id if parent else update_ids[n % len(update_ids)]
                          if n % 2 else None, parent_id=parent.id if parent else None)
        db.session.add(comment)
        db.session.flush()
        if parent is None:
            tops.append(comment)
        db.session.add(Notification(user_id=member.id, kind=COMMENT_ON_MY_PLAN,
                                    actor_id=peer.id, plan_id=plan.id, comment_id=comment.id))
    db.session.commit()


def statements(app, world, count_queries) -> dict[str, int]:
    counts = {}
    plan_id = world.plan_a.id
    with count_queries() as counter:
        threads = plan_threads(plan_id)
    counts["plan_threads"] = counter.count
    counts["conversations"] = len(threads.on_plan) > 0
    client = app.test_client()
    login(client, world.users["member_a"])
    for name, url in [("feed", f"/cohorts/{world.cohort_a.id}/feed"),
                      ("feed page 2", f"/cohorts/{world.cohort_a.id}/feed?page=2"),
                      ("notifications", "/notifications"),
                      ("plan page", f"/plans/{world.plan_a.id}")]:
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = counter.count
    return counts


def test_statement_counts_do_not_grow_with_50_updates_and_200_comments(app, world,
                                                                       count_queries):
    seed(world, updates=1, comments=2)
    small = statements(app, world, count_queries)
    seed(world, updates=50, comments=200)
    db.session.expire_all()
    large = statements(app, world, count_queries)
    assert small == large
    assert large["plan_threads"] == 3
    assert large["feed"] <= 12 and large["notifications"] <= 10
