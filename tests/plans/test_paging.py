"""The plan page shows its progress updates and its own conversations a page at a time (a
year of weekly updates and their threads is too much for every visit); links to a comment or
an update open the page that holds it."""

from __future__ import annotations

from datetime import timedelta

from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.feedback.queries import CONVERSATIONS_PER_PAGE
from plc.plans.models import ProgressUpdate
from plc.plans.queries import UPDATES_PER_PAGE
from tests.conftest import login
from tests.plans.test_views import share, started_plan, text_of

UPDATES = 2 * UPDATES_PER_PAGE + 2
CONVERSATIONS = CONVERSATIONS_PER_PAGE + 3


def _year_of_activity(setting):
    """UPDATES weekly updates (update n says "Week n"), CONVERSATIONS conversations on the plan
    ("Talk n", each with a reply) and one comment on the oldest update."""
    plan = started_plan(setting)
    share(setting, plan.id)
    start = utcnow() - timedelta(weeks=UPDATES + 1)
    updates = []
    for n in range(1, UPDATES + 1):
        update = ProgressUpdate(plan_id=plan.id, author_id=setting.member.id, did=f"Week {n}",
                                created_at=start + timedelta(weeks=n))
        db.session.add(update)
        updates.append(update)
    db.session.flush()
    talks = []
    for n in range(1, CONVERSATIONS + 1):
        talk = Comment(plan_id=plan.id, author_id=setting.peer.id, body=f"Talk {n}",
                       created_at=start + timedelta(days=n))
        db.session.add(talk)
        db.session.flush()
        db.session.add(Comment(plan_id=plan.id, author_id=setting.member.id, parent_id=talk.id,
                               body=f"Reply to talk {n}", created_at=talk.created_at))
        talks.append(talk)
    on_oldest = Comment(plan_id=plan.id, author_id=setting.peer.id, update_id=updates[0].id,
                        body="About week 1", created_at=updates[0].created_at)
    db.session.add(on_oldest)
    db.session.commit()
    return plan, updates, talks, on_oldest


def test_updates_come_newest_first_a_page_at_a_time(client, setting):
    plan, _updates, _talks, _comment = _year_of_activity(setting)
    login(client, setting.peer)
    first = text_of(client.get(f"/plans/{plan.id}"))
    assert f"Progress updates ({UPDATES})" in first
    assert f"Week {UPDATES}" in first and f"Week {UPDATES - UPDATES_PER_PAGE + 1}" in first
    assert f"Week {UPDATES - UPDATES_PER_PAGE}<" not in first
    assert "Older updates" in first and "Newer updates" not in first
    last = text_of(client.get(f"/plans/{plan.id}?updates=3"))
    assert "Week 1<" in last and "Week 2<" in last and f"Week {UPDATES}<" not in last
    assert "Newer updates" in last and "Older updates" not in last
    assert "Page 3 of 3" in last
    # A comment on an update is shown with its update, on that update's page only.
    assert "About week 1" in last and "About week 1" not in first


def test_the_latest_conversations_come_first_with_their_replies(client, setting):
    plan, _updates, _talks, _comment = _year_of_activity(setting)
    login(client, setting.peer)
    first = text_of(client.get(f"/plans/{plan.id}"))
    assert f"Feedback ({CONVERSATIONS} conversations)" in first
    assert f"Talk {CONVERSATIONS}<" in first and f"Reply to talk {CONVERSATIONS}<" in first
    assert "Talk 3<" not in first and "Earlier conversations" in first
    second = text_of(client.get(f"/plans/{plan.id}?feedback=2"))
    assert "Talk 1<" in second and "Reply to talk 3<" in second
    assert f"Talk {CONVERSATIONS}<" not in second
    # Within a page, a conversation reads oldest first.
    assert second.index("Talk 1<") < second.index("Talk 2<") < second.index("Talk 3<")


def test_a_link_to_an_old_comment_or_update_opens_the_page_that_holds_it(client, setting):
    plan, updates, talks, on_oldest = _year_of_activity(setting)
    login(client, setting.peer)
    oldest_talk = text_of(client.get(f"/plans/{plan.id}?comment={talks[0].id}"))
    assert f'id="comment-{talks[0].id}"' in oldest_talk
    on_update = text_of(client.get(f"/plans/{plan.id}?comment={on_oldest.id}"))
    assert f'id="comment-{on_oldest.id}"' in on_update and "Week 1<" in on_update
    middle = updates[UPDATES_PER_PAGE]  # the newest update of page 2
    by_update = text_of(client.get(f"/plans/{plan.id}?update={middle.id}"))
    assert f'id="update-{middle.id}"' in by_update and "Page 2 of 3" in by_update


def test_a_page_past_the_end_says_so_and_links_back(client, setting):
    plan, _updates, _talks, _comment = _year_of_activity(setting)
    login(client, setting.peer)
    html = text_of(client.get(f"/plans/{plan.id}?updates=9"))
    assert "No progress updates on this page" in html and "See the newest updates" in html
