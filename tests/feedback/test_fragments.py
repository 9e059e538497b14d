"""Rendered pieces kept by a worker (plc/fragments.py): whatever changes what a piece shows
shows on the next page, each reader sees their own rights and their own CSRF token, and a page
is the same with the pieces kept or rendered afresh. The suite runs with the store on, so the
pages' own tests prove the same of every write they make."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from flask import g, render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from plc import stamps
from plc.extensions import db
from plc.fragments import fragment
from plc.programs.models import FACILITATOR
from tests import factories
from tests.conftest import csrf_token_from
from tests.feedback.test_comments import client_of, newest_comment, post

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def plan_page(client, world) -> str:
    page = client.get(f"/plans/{world.plan_a.id}")
    assert page.status_code == 200
    return page.text


def comment_on_plan(app, world, role="peer_a", body="Which rubric row?"):
    client = client_of(app, world, role)
    assert post(client, f"/plans/{world.plan_a.id}/comments", body, "question").status_code == 302
    return client, newest_comment()


def article(page: str, comment_id: int) -> str:
    found = re.search(rf'<article id="comment-{comment_id}".*?</article>', page, re.S)
    assert found, f"comment {comment_id} is not on the page"
    return found.group(0)


def test_a_comment_edited_then_removed_shows_so_at_once(app, world):
    peer, comment = comment_on_plan(app, world)
    reader = client_of(app, world, "member_a")
    assert "Which rubric row?" in article(plan_page(reader, world), comment.id)

    assert peer.post(f"/comments/{comment.id}/edit", data={
        "body": "Which rubric row, exactly?", "kind": "question", "version": comment.version,
    }).status_code == 302
    edited = article(plan_page(reader, world), comment.id)
    assert "Which rubric row, exactly?" in edited and "edited" in edited

    assert peer.post(f"/comments/{comment.id}/delete").status_code == 302
    removed = article(plan_page(reader, world), comment.id)
    assert "Comment removed." in removed and "exactly" not in removed


def test_a_renamed_author_is_named_anew_on_their_comment_update_and_in_the_feed(app, world):
    _peer, comment = comment_on_plan(app, world)
    reader = client_of(app, world, "member_a")
    feed_url = f"/cohorts/{world.cohort_a.id}/feed"
    assert "Pat Peer" in article(plan_page(reader, world), comment.id)
    assert "Pat Peer" in reader.get(feed_url).text

    world.users["peer_a"].name = "Patricia Peer"
    world.users["member_a"].name = "Morgan Renamed"
    db.session.commit()

    page = plan_page(reader, world)
    assert "Patricia Peer" in article(page, comment.id)
    update = re.search(rf'<h3 id="update-{world.update_a.id}-heading".*?</h3>', page, re.S)
    assert "Morgan Renamed" in update.group(0)
    feed = reader.get(feed_url).text
    assert "Patricia Peer" in feed and "Pat Peer commented" not in feed


def test_a_progress_update_edited_shows_its_new_text_on_the_plan_and_in_the_feed(app, world):
    reader = client_of(app, world, "peer_a")
    assert world.update_a.did in plan_page(reader, world)
    update = world.update_a
    update.did = "Walked every classroom twice this week"
    update.version += 1  # what every edit does (plc/plans/services.edit_update)
    db.session.commit()
    assert "Walked every classroom twice this week" in plan_page(reader, world)
    assert "Walked every classroom twice this week" in reader.get(
        f"/cohorts/{world.cohort_a.id}/feed").text


def test_each_reader_gets_their_own_rights_on_the_same_kept_comment(app, world):
    _peer, comment = comment_on_plan(app, world)
    remove = f'action="/comments/{comment.id}/delete"'
    edit = f'href="/comments/{comment.id}/edit"'

    def seen_by(role: str) -> str:
        return article(plan_page(client_of(app, world, role), world), comment.id)

    # Rendered first for the cohort's facilitator (who may remove it), then for readers with
    # fewer and more rights over the same comment.
    as_facilitator = seen_by("facilitator_a")
    assert remove in as_facilitator and edit not in as_facilitator
    as_plan_owner = seen_by("member_a")
    assert remove not in as_plan_owner and edit not in as_plan_owner
    as_author = seen_by("peer_a")
    assert remove in as_author and edit in as_author
    again = seen_by("facilitator_a")  # from the kept piece, with this session's own token
    assert TOKEN.sub("", again) == TOKEN.sub("", as_facilitator) and again != as_facilitator


def test_a_kept_form_carries_each_readers_own_csrf_token(app, world):
    """The reply forms are kept rendered; each browser session must find its own token in
    them, or its reply would be refused."""
    _peer, comment = comment_on_plan(app, world)
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = client_of_with_csrf(app, world, "member_a"), client_of_with_csrf(
        app, world, "facilitator_a")
    tokens = [set(TOKEN.findall(plan_page(client, world))) for client in (first, second)]
    assert all(len(found) == 1 for found in tokens), tokens
    assert tokens[0] != tokens[1]
    reply = second.post(f"/comments/{comment.id}/replies",
                        data={"body": "Row three.", "kind": "", "csrf_token": tokens[1].pop()})
    assert reply.status_code == 302, reply.text[:300]
    assert newest_comment().parent_id == comment.id


def client_of_with_csrf(app, world, role):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").text)
    user = world.users[role]
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return client


def test_a_page_is_the_same_with_pieces_kept_or_rendered_afresh(app, world):
    comment_on_plan(app, world)
    reader = client_of(app, world, "facilitator_a")

    def pages() -> tuple[str, str]:  # a CSRF token is signed with the second it was made
        return (TOKEN.sub("", plan_page(reader, world)),
                TOKEN.sub("", reader.get(f"/cohorts/{world.cohort_a.id}/feed").text))

    app.config["FRAGMENT_CACHE_ENTRIES"] = 0
    afresh = pages()
    app.config["FRAGMENT_CACHE_ENTRIES"] = 100
    for _ in range(2):  # once to keep the pieces, once from them
        assert pages() == afresh
    assert len(app.extensions["plc_fragments"]) > 0


def test_a_facilitator_joining_gets_the_remove_button_on_a_comment_kept_without_it(app, world):
    _peer, comment = comment_on_plan(app, world)
    remove = f'action="/comments/{comment.id}/delete"'
    newcomer = factories.make_user("nia.new@example.org", "Nia New")
    factories.add_member(world.cohort_b, newcomer, role=FACILITATOR)
    db.session.commit()
    world.users["newcomer"] = newcomer
    outsider = client_of(app, world, "newcomer")
    assert outsider.get(f"/plans/{world.plan_a.id}").status_code == 404
    assert remove not in article(plan_page(client_of(app, world, "member_a"), world), comment.id)

    factories.add_member(world.cohort_a, newcomer, role=FACILITATOR)
    db.session.commit()
    assert remove in article(plan_page(client_of(app, world, "newcomer"), world), comment.id)


def test_a_piece_follows_a_change_of_language_within_a_request(app):
    piece = "{% call fragment('words') %}{{ _('Sign in') }}{% endcall %}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = render_template_string(piece)
        with force_locale("es"):
            spanish = render_template_string(piece)
        again = render_template_string(piece)
    assert (english, spanish, again) == ("Sign in", "Iniciar sesión", "Sign in")


def piece_for(app, clock, text: str, rendered: list[str], until=None) -> str:
    """The piece 'home' kept for ``clock``, as one request of a signed-in reader sees it;
    ``text`` is what rendering it gives (noted in ``rendered``), after ``until`` (an Event)."""
    def render():
        rendered.append(text)
        if until is not None:
            assert until.wait(10)
        return Markup(text)  # noqa: S704 (the test's own words, no markup)

    with app.test_request_context():
        g.plc_site_stamps = stamps.Stamps("site-1", "content-1")
        return str(fragment("home", 7, caller=render, clock=clock))


def test_while_one_thread_renders_a_piece_for_the_new_minute_the_others_see_the_last(app):
    rendered: list[str] = []
    assert piece_for(app, 1, "minute 1", rendered) == "minute 1"
    release = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(piece_for, app, 2, "minute 2", rendered, release)
        deadline = time.monotonic() + 10
        while rendered[-1] != "minute 2" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert piece_for(app, 2, "minute 2, again", rendered) == "minute 1"
        release.set()
        assert first.result(10) == "minute 2"
    assert piece_for(app, 2, "minute 2, a third time", rendered) == "minute 2"
    assert piece_for(app, 1, "minute 1, late", rendered) == "minute 2"  # the clock just turned
    assert piece_for(app, 3, "minute 3", rendered) == "minute 3"  # no one rendering: this one
    assert rendered == ["minute 1", "minute 2", "minute 3"]
