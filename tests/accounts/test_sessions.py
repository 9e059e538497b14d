"""The "Your sessions" page (issue 17 item 7): each signed-in browser with its device and when
it was last seen; one or all others signed out; "last seen" written at most once per
interval, never a write per request."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from plc.accounts import devices
from plc.accounts.models import UserSession
from plc.db import utcnow
from plc.extensions import db
from tests import factories
from tests.conftest import login

FIREFOX_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 "
                   "Firefox/128.0")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.fixture
def member(app):
    user = factories.make_user("member@example.org", "Mia Member")
    db.session.commit()
    return user


def browser(app, user, agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    assert login(client, user).status_code == 302
    return client


def rows(page: str) -> list[str]:
    return re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>", page, re.S)


def session_ids(user) -> list[int]:
    return list(db.session.execute(
        select(UserSession.id).where(UserSession.user_id == user.id,
                                     UserSession.revoked_at.is_(None))
        .order_by(UserSession.id)).scalars())


def test_the_page_lists_each_browser_and_marks_this_one(app, member):
    laptop = browser(app, member, FIREFOX_WINDOWS)
    browser(app, member, SAFARI_IPHONE)
    page = laptop.get("/account/sessions").text
    listed = rows(page)
    assert len(listed) == 2
    assert any("Firefox on Windows" in row and "This session" in row for row in listed)
    assert any("Safari on iPhone" in row and "This session" not in row for row in listed)
    assert page.count('aria-current="true"') == 1
    assert "Sign out everywhere else" in page


def test_signing_out_one_session(app, member):
    laptop = browser(app, member, FIREFOX_WINDOWS)
    phone = browser(app, member, SAFARI_IPHONE)
    phone_id = session_ids(member)[1]
    response = laptop.post(f"/account/sessions/{phone_id}/end")
    assert response.status_code == 302
    assert phone.get("/").status_code == 302  # sent to sign in
    assert laptop.get("/").status_code == 200
    assert "Safari on iPhone" not in laptop.get("/account/sessions").text


def test_signing_out_this_session_from_the_list_signs_out(app, member):
    laptop = browser(app, member, FIREFOX_WINDOWS)
    own = session_ids(member)[0]
    response = laptop.post(f"/account/sessions/{own}/end")
    assert response.location.endswith("/login")
    assert laptop.get("/").status_code == 302


def test_someone_elses_or_an_ended_session_is_404(app, member):
    other = factories.make_user("other@example.org")
    db.session.commit()
    laptop = browser(app, member, FIREFOX_WINDOWS)
    theirs = browser(app, other, SAFARI_IPHONE)
    their_id = session_ids(other)[0]
    assert laptop.post(f"/account/sessions/{their_id}/end").status_code == 404
    assert theirs.get("/").status_code == 200
    phone = browser(app, member, SAFARI_IPHONE)
    phone_id = session_ids(member)[1]
    laptop.post(f"/account/sessions/{phone_id}/end")
    assert laptop.post(f"/account/sessions/{phone_id}/end").status_code == 404
    assert phone.get("/").status_code == 302


def test_sign_out_everywhere_else(app, member):
    laptop = browser(app, member, FIREFOX_WINDOWS)
    phones = [browser(app, member, SAFARI_IPHONE) for _ in range(2)]
    assert laptop.post("/account/sessions/end-others").status_code == 302
    assert [p.get("/").status_code for p in phones] == [302, 302]
    assert laptop.get("/").status_code == 200
    assert len(rows(laptop.get("/account/sessions").text)) == 1


def test_sessions_unused_for_30_days_are_not_listed(app, member):
    laptop = browser(app, member, FIREFOX_WINDOWS)
    browser(app, member, SAFARI_IPHONE)
    old = db.session.get(UserSession, session_ids(member)[1])
    old.last_seen_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert len(rows(laptop.get("/account/sessions").text)) == 1


# --- last seen -------------------------------------------------------------------------------


def stamps(count_queries, client, url="/profile"):
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    updates = [s for s in counter.statements if s.lstrip().upper().startswith("UPDATE")]
    return counter.count, updates


def test_last_seen_is_written_at_most_once_per_interval(app, member, count_queries):
    app.config["SESSION_SEEN_INTERVAL_SECONDS"] = 300
    laptop = browser(app, member, FIREFOX_WINDOWS)
    row = db.session.get(UserSession, session_ids(member)[0])
    row.last_seen_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    stale_count, stale_updates = stamps(count_queries, laptop)
    assert len(stale_updates) == 1 and "user_sessions" in stale_updates[0]
    db.session.expire_all()
    seen = db.session.get(UserSession, row.id).last_seen_at
    assert utcnow() - seen < timedelta(seconds=10)
    # Within the interval: no write at all, and exactly one statement fewer.
    for _ in range(3):
        fresh_count, fresh_updates = stamps(count_queries, laptop)
        assert fresh_updates == []
        assert fresh_count == stale_count - 1
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at == seen


def test_a_post_stamps_last_seen_in_its_own_transaction(app, member):
    app.config["SESSION_SEEN_INTERVAL_SECONDS"] = 300
    laptop = browser(app, member, FIREFOX_WINDOWS)
    row = db.session.get(UserSession, session_ids(member)[0])
    row.last_seen_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    assert laptop.post("/account/sessions/end-others").status_code == 302
    db.session.expire_all()
    assert utcnow() - db.session.get(UserSession, row.id).last_seen_at < timedelta(seconds=10)


@pytest.mark.parametrize("agent, words", [
    (FIREFOX_WINDOWS, "Firefox on Windows"),
    (SAFARI_IPHONE, "Safari on iPhone"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0 Safari/537.36 Edg/126.0", "Edge on macOS"),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
     "Chrome on Android"),
    ("curl/8.0", "Unknown device"),
    ("", "Unknown device"),
])
def test_devices_are_named_from_the_user_agent(agent, words):
    assert devices.describe(agent) == words
