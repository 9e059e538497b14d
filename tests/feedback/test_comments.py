"""Comments: who may post, reply, edit and remove them; threading; edits; mentions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from plc.extensions import db
from plc.feedback import services
from plc.feedback.models import Comment
from plc.notifications.models import (
    COMMENT_ON_MY_PLAN,
    MENTION,
    REPLY_TO_MY_COMMENT,
    Notification,
)
from plc.plans.models import DRAFT
from tests.conftest import login

OUTSIDERS = ("member_b", "facilitator_b", "program_lead", "site_admin")


def client_of(app, world, role):
    client = app.test_client()
    assert login(client, world.users[role]).status_code == 302
    return client


def notifications_of(user) -> list[tuple[str, int | None]]:
    return [(n.kind, n.comment_id) for n in db.session.execute(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).scalars()]


def newest_comment() -> Comment:
    return db.session.execute(select(Comment).order_by(Comment.id.desc())).scalars().first()


def post(client, url, body, kind=""):
    return client.post(url, data={"body": body, "kind": kind})


def test_a_peer_comments_and_the_plan_author_is_told(app, world):
    peer = client_of(app, world, "peer_a")
    response = post(peer, f"/plans/{world.plan_a.id}/comments", "Great *start*", "warm")
    comment = newest_comment()
    assert response.status_code == 302
    assert response.location.endswith(
        f"/plans/{world.plan_a.id}?comment={comment.id}#comment-{comment.id}")
    assert (comment.body, comment.kind, comment.author_id) == (
        "Great *start*", "warm", world.users["peer_a"].id)
    assert (COMMENT_ON_MY_PLAN, comment.id) in notifications_of(world.users["member_a"])
    assert notifications_of(world.users["peer_a"]) == []
    page = peer.get(f"/plans/{world.plan_a.id}").text
    assert "<em>start</em>" in page and "Warm" in page


def test_a_comment_on_an_update_belongs_to_that_update(app, world):
    peer = client_of(app, world, "peer_a")
    assert post(peer, f"/updates/{world.update_a.id}/comments", "Nice step").status_code == 302
    comment = newest_comment()
    assert (comment.plan_id, comment.update_id) == (world.plan_a.id, world.update_a.id)
    assert notifications_of(world.users["member_a"])[-1] == (COMMENT_ON_MY_PLAN, comment.id)


def test_a_reply_to_a_reply_hangs_under_the_top_level_comment(app, world):
    peer = client_of(app, world, "peer_a")
    facilitator = client_of(app, world, "facilitator_a")
    post(peer, f"/updates/{world.update_a.id}/comments", "Top")
    top = newest_comment()
    post(facilitator, f"/comments/{top.id}/replies", "First reply")
    first = newest_comment()
    post(peer, f"/comments/{first.id}/replies", "Reply to the reply")
    second = newest_comment()
    assert first.parent_id == top.id and second.parent_id == top.id
    assert second.update_id == world.update_a.id
    # The facilitator's reply tells the peer it answers and the plan's author.
    assert (REPLY_TO_MY_COMMENT, first.id) in notifications_of(world.users["peer_a"])
    assert (COMMENT_ON_MY_PLAN, first.id) in notifications_of(world.users["member_a"])
    from plc.feedback.queries import plan_threads

    threads = plan_threads(world.plan_a.id)
    [thread] = threads.on_update(world.update_a.id)
    assert thread.comment.id == top.id
    assert [r.id for r in thread.replies] == [first.id, second.id]


def test_a_draft_takes_no_comments(app, world):
    world.plan_a.visibility = DRAFT
    db.session.commit()
    assert post(client_of(app, world, "member_a"), f"/plans/{world.plan_a.id}/comments",
                "Note to self").status_code == 403
    assert post(client_of(app, world, "peer_a"), f"/plans/{world.plan_a.id}/comments",
                "Hi").status_code == 404


@pytest.mark.parametrize("role", OUTSIDERS)
def test_every_comment_url_is_404_to_those_who_cannot_see_the_plan(app, world, role):
    client = client_of(app, world, role)
    comment = world.comment_a
    before = db.session.scalar(select(Comment.body).where(Comment.id == comment.id))
    for method, url, data in [
        ("POST", f"/plans/{world.plan_a.id}/comments", {"body": "x"}),
        ("POST", f"/updates/{world.update_a.id}/comments", {"body": "x"}),
        ("POST", f"/comments/{comment.id}/replies", {"body": "x"}),
        ("GET", f"/comments/{comment.id}/edit", {}),
        ("POST", f"/comments/{comment.id}/edit", {"body": "x", "version": "1"}),
        ("POST", f"/comments/{comment.id}/delete", {}),
    ]:
        assert client.open(url, method=method, data=data).status_code == 404, (method, url)
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).body == before
    assert db.session.scalar(select(Comment.id).where(Comment.id != comment.id)) is None


def test_only_the_author_edits_and_the_comment_is_marked_edited(app, world):
    comment_url = f"/comments/{world.comment_a.id}/edit"
    for role in ("facilitator_a", "peer_a"):
        client = client_of(app, world, role)
        assert client.get(comment_url).status_code == 403
        assert client.post(comment_url, data={"body": "hijack", "version": "1"}).status_code == 403
    author = client_of(app, world, "member_a")
    assert author.get(comment_url).status_code == 200
    response = author.post(comment_url, data={"body": "Better words", "kind": "question",
                                              "version": str(world.comment_a.version)})
    assert response.status_code == 302
    db.session.expire_all()
    comment = db.session.get(Comment, world.comment_a.id)
    assert (comment.body, comment.kind, comment.version) == ("Better words", "question", 2)
    assert comment.edited_at is not None
    page = author.get(f"/plans/{world.plan_a.id}").text
    assert "Better words" in page and ">edited<" in page


def test_a_stale_edit_is_refused_and_the_text_kept(app, world):
    author = client_of(app, world, "member_a")
    loaded = world.comment_a.version
    services.edit_comment(world.users["member_a"], world.comment_a, world.plan_a, frozenset(),
                          body="Saved in another window", kind=None, loaded_version=loaded)
    db.session.commit()
    response = author.post(f"/comments/{world.comment_a.id}/edit",
                           data={"body": "My careful rewrite", "version": str(loaded)})
    assert response.status_code == 200
    assert "Someone changed this comment" in response.text
    assert "My careful rewrite</textarea>" in response.text
    assert "Saved in another window" in response.text  # the saved version is shown too
    db.session.expire_all()
    assert db.session.get(Comment, world.comment_a.id).body == "Saved in another window"
    # Saving again from that page (it now carries the current version) goes through.
    version = re.search(r'name="version"[^>]*value="(\d+)"', response.text).group(1)
    assert author.post(f"/comments/{world.comment_a.id}/edit",
                       data={"body": "My careful rewrite", "version": version}).status_code == 302


def test_an_empty_comment_comes_back_with_the_form(app, world):
    response = post(client_of(app, world, "peer_a"), f"/plans/{world.plan_a.id}/comments", "  ")
    assert response.status_code == 200 and 'name="body"' in response.text
    assert newest_comment().id == world.comment_a.id


def test_removal_by_author_or_facilitator_keeps_replies(app, world):
    peer = client_of(app, world, "peer_a")
    post(peer, f"/comments/{world.comment_a.id}/replies", "A reply that stays")
    assert peer.post(f"/comments/{world.comment_a.id}/delete").status_code == 403
    facilitator = client_of(app, world, "facilitator_a")
    assert facilitator.post(f"/comments/{world.comment_a.id}/delete").status_code == 302
    db.session.expire_all()
    removed = db.session.get(Comment, world.comment_a.id)
    assert removed.is_deleted and removed.deleted_by_id == world.users["facilitator_a"].id
    assert removed.body == ""
    page = peer.get(f"/plans/{world.plan_a.id}").text
    assert "Comment removed." in page and "A reply that stays" in page
    assert "Happy to hear ideas" not in page
    # Removed once is removed: nobody removes or edits it again.
    assert facilitator.post(f"/comments/{world.comment_a.id}/delete").status_code == 403
    assert client_of(app, world, "member_a").get(
        f"/comments/{world.comment_a.id}/edit").status_code == 403


def test_the_author_removes_their_own(app, world):
    peer = client_of(app, world, "peer_a")
    post(peer, f"/plans/{world.plan_a.id}/comments", "Oops")
    mine = newest_comment()
    assert peer.post(f"/comments/{mine.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, mine.id).is_deleted


# --- mentions --------------------------------------------------------------------------------


def test_mentions_resolve_only_among_readers_of_the_plan_in_its_cohort(app, world):
    peer = client_of(app, world, "peer_a")
    post(peer, f"/plans/{world.plan_a.id}/comments",
         "Asking @facilitator_a and @member_b and @program_lead, cc @nobody.")
    comment = newest_comment()
    assert notifications_of(world.users["facilitator_a"]) == [(MENTION, comment.id)]
    for outsider in ("member_b", "program_lead"):
        assert notifications_of(world.users[outsider]) == []
    page = peer.get(f"/plans/{world.plan_a.id}").text
    assert "<strong>@Facilitator A</strong>" in page
    assert "@member_b" in page  # not someone one may mention here: stays as typed
    assert "<code>@facilitator_a</code>" in page  # the list of people one can mention


def test_mentioning_the_plan_author_tells_them_once(app, world):
    post(client_of(app, world, "peer_a"), f"/plans/{world.plan_a.id}/comments",
         "Thanks @member_a! @Member_A again")
    comment = newest_comment()
    assert [n for n in notifications_of(world.users["member_a"]) if n[1] == comment.id] == [
        (MENTION, comment.id)]


def test_a_mention_added_by_an_edit_tells_only_the_newly_mentioned(app, world):
    world.users["deactivated"].active = False
    peer = client_of(app, world, "peer_a")
    post(peer, f"/plans/{world.plan_a.id}/comments", "Hi @facilitator_a")
    comment = newest_comment()
    peer.post(f"/comments/{comment.id}/edit", data={
        "body": "Hi @facilitator_a and @deactivated", "version": "1"})
    assert notifications_of(world.users["facilitator_a"]) == [(MENTION, comment.id)]
    # deactivated is in the cohort but inactive: not mentionable, not told.
    assert notifications_of(world.users["deactivated"]) == []
    peer.post(f"/comments/{comment.id}/edit", data={
        "body": "Hi @facilitator_a and @member_a", "version": "2"})
    assert notifications_of(world.users["member_a"])[-1] == (MENTION, comment.id)


def test_a_facilitators_only_plan_mentions_no_peer(app, world):
    from plc.plans.models import FACILITATORS_ONLY

    world.plan_a.visibility = FACILITATORS_ONLY
    db.session.commit()
    author = client_of(app, world, "member_a")
    post(author, f"/plans/{world.plan_a.id}/comments", "@peer_a and @facilitator_a")
    assert notifications_of(world.users["peer_a"]) == []
    assert notifications_of(world.users["facilitator_a"])[-1][0] == MENTION
