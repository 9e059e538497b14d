"""Meeting notes are the cohort's (issue 17, docs/product.md): no meeting's notes or follow-ups
reach a program lead or a site admin, anywhere.

A marker is planted in the notes and the follow-ups of every meeting of the permission world
(past meetings with attendance included, so that the exports have meeting rows). Then, as the
programme's lead and as a site admin, a crawler visits every GET route of the permission
matrix, every meeting's page, notes page and .ics file, their own calendar feed and the JSON
API with their own token, and follows every link the pages it reaches give it. Every answer
is searched for the marker, whatever its status: HTML, CSV, JSON and .ics (unfolded) as text,
an XLSX (or any ZIP) member by member. The same crawl as a member and as a facilitator of the
cohort finds the marker, which proves that it is planted and that the search sees it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import pytest
from sqlalchemy import select, update

from plc.api import services as api_services
from plc.dashboards import exports
from plc.dashboards.views import XLSX
from plc.db import utcnow
from plc.extensions import db
from plc.meetings import services as meeting_services
from plc.meetings.models import Attendance, FollowUp, Meeting
from tests.permission_world import PERMISSION, World, _meeting
from tests.test_permissions import CASES, client_as
from tests.worlds import Spec, world_fixture

# Letters and digits only: no Markdown, HTML or CSV escaping changes it, and it is long enough
# never to occur by chance.
MARKER = "Zq7CohortOnlyNoteMarker"
HREF = re.compile(r'href="([^"]+)"')
# Signing out ends the crawl's session; static files hold no data.
NOT_FOLLOWED = ("/static/", "/bootstrap/", "/logout")
CRAWL_LIMIT = 1500  # pages per role: the permission world's reachable site is a few hundred


@dataclass
class Marked:
    """The permission world, and the secrets of the feeds and tokens made for the crawl."""

    world: World
    feeds: dict[str, str]
    api_tokens: dict[str, str]


def with_marked_notes(world: World) -> Marked:
    """A past meeting with attendance in each cohort, then the marker in the notes and in the
    follow-ups of every meeting; calendar feeds and API tokens for the people crawled."""
    recorder = world.users["facilitator_a"]
    for cohort, member in ((world.cohort_a, "member_a"), (world.cohort_b, "member_b")):
        past = _meeting(recorder, cohort, days_from_now=-5)
        db.session.add(Attendance(meeting_id=past.id, user_id=world.users[member].id,
                                  status="present", recorded_by_id=recorder.id))
        db.session.add(FollowUp(meeting_id=past.id, assignee_id=world.users[member].id,
                                text=f"Follow-up {MARKER} of the past meeting",
                                created_by_id=recorder.id))
    db.session.flush()
    db.session.execute(update(Meeting).values(
        notes=f"We **agreed** on it. {MARKER} (the cohort's words)"))
    db.session.execute(update(FollowUp).values(text=f"Do it: {MARKER}"))
    marked = Marked(world, {}, {})
    for role in ("program_lead", "site_admin", "facilitator_a", "member_a"):
        user = world.users[role]
        marked.feeds[role] = meeting_services.renew_calendar_token(user)
        marked.api_tokens[role] = api_services.create_token(user, "Crawler")[0]
    db.session.commit()
    return marked


marked = world_fixture("marked", Spec("notes-marker", with_marked_notes, base=PERMISSION))


# --- looking inside an answer ---------------------------------------------------------------


def texts_of(body: bytes) -> list[str]:
    """The answer as text to search: a ZIP (XLSX) member by member, anything else decoded, with
    .ics line folding undone (a long line is cut anywhere, the marker too)."""
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return [archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()]
    text = body.decode("utf-8", "replace")
    return [text, text.replace("\r\n ", "").replace("\n ", "")]


def holds_marker(body: bytes) -> bool:
    return any(MARKER in text for text in texts_of(body))


def test_the_search_looks_inside_an_xlsx_and_across_folded_ics_lines():
    book = exports.to_xlsx([("Name", f"a {MARKER} b")], "Title")
    assert MARKER.encode() not in book  # compressed: only unzipping finds it
    assert holds_marker(book)
    folded = f"DESCRIPTION:{'x' * 60}{MARKER[:7]}\r\n {MARKER[7:]}\r\n".encode()
    assert holds_marker(folded)
    assert not holds_marker(b"nothing here")


# --- the crawl --------------------------------------------------------------------------------


def seed_urls(world) -> list[str]:
    """Every GET route of the matrix, and every meeting's pages and follow-ups by id."""
    urls = [case.url(world) for case in CASES if case.method == "GET"]
    for meeting_id in db.session.execute(select(Meeting.id)).scalars():
        urls += [f"/meetings/{meeting_id}", f"/meetings/{meeting_id}.ics",
                 f"/meetings/{meeting_id}/notes", f"/meetings/{meeting_id}/follow-ups/new"]
    for follow_up_id in db.session.execute(select(FollowUp.id)).scalars():
        urls.append(f"/follow-ups/{follow_up_id}/plan")
    for cohort in (world.cohort_a, world.cohort_b):
        urls += [f"/cohorts/{cohort.id}/participation.xlsx?from=2026-01-01&to=2027-12-31",
                 f"/cohorts/{cohort.id}/participation.csv?from=2026-01-01&to=2027-12-31"]
    urls += [f"/programs/{world.program.id}/participation.xlsx?from=2026-01-01&to=2027-12-31",
             f"/programs/{world.program.id}/districts/{world.district.id}/participation.xlsx"
             "?from=2026-01-01&to=2027-12-31"]
    return urls


def followable(url: str) -> str | None:
    url = urldefrag(url.replace("&amp;", "&"))[0]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if parts.netloc != "plc.test":
            return None
        url = parts.path + (f"?{parts.query}" if parts.query else "")
    if not url.startswith("/") or url.startswith(NOT_FOLLOWED):
        return None
    return url


def crawl(app, world: World, role: str) -> tuple[list[str], dict[str, int]]:
    """Visit the seeds and every link found, as ``role``: (URLs whose answer holds the
    marker, served answers by kind)."""
    client = client_as(app, world, role)
    queue, seen, found = list(seed_urls(world)), set(), []
    kinds = {"html": 0, "ics": 0, "csv": 0, "xlsx": 0, "json": 0}
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if holds_marker(response.data):
            found.append(url)
        if response.status_code != 200:
            continue
        mimetype = response.mimetype
        kind = {"text/html": "html", "text/calendar": "ics", "text/csv": "csv",
                "application/json": "json", XLSX: "xlsx"}.get(mimetype)
        if kind:
            kinds[kind] += 1
        if kind == "html":
            queue += [link for link in map(followable, HREF.findall(response.text)) if link]
    assert len(seen) < CRAWL_LIMIT, "the crawl did not finish: raise CRAWL_LIMIT"
    return found, kinds


def outside_the_browser(app, marked: Marked, role: str) -> dict[str, tuple[int, bytes]]:
    """The person's own calendar feed (no sign-in) and the JSON API with their own token:
    path -> (status, body)."""
    world, anonymous = marked.world, app.test_client()
    feed = anonymous.get(f"/calendar/{marked.feeds[role]}.ics")
    answers = {"feed": (feed.status_code, feed.data)}
    headers = {"Authorization": f"Bearer {marked.api_tokens[role]}"}
    for path in ("/api/v1/me", f"/api/v1/programs/{world.program.id}/participation",
                 f"/api/v1/cohorts/{world.cohort_a.id}/participation",
                 f"/api/v1/cohorts/{world.cohort_b.id}/participation"):
        answer = anonymous.get(path, headers=headers)
        answers[path] = (answer.status_code, answer.data)
    return answers


@pytest.mark.parametrize("role", ["program_lead", "site_admin"])
def test_no_meeting_note_reaches_a_program_lead_or_a_site_admin(app, marked, role):
    world = marked.world
    found, kinds = crawl(app, world, role)
    assert found == [], f"{role} read meeting notes at:\n" + "\n".join(found)
    outside = outside_the_browser(app, marked, role)
    leaks = [path for path, (_status, body) in outside.items() if holds_marker(body)]
    assert leaks == [], f"{role} read meeting notes at {leaks}"
    assert kinds["html"] > 40
    if role == "program_lead":
        # The lead really was served meetings, their .ics files, every kind of export and
        # the API's figures: the search had something to look at.
        assert kinds["ics"] >= 3 and kinds["csv"] >= 3 and kinds["xlsx"] >= 3, kinds
        assert outside[f"/api/v1/programs/{world.program.id}/participation"][0] == 200
        assert outside[f"/api/v1/cohorts/{world.cohort_a.id}/participation"][0] == 200


@pytest.mark.parametrize("role", ["member_a", "facilitator_a"])
def test_the_cohorts_own_people_do_read_the_notes(app, marked, role):
    """The control: the same crawl finds the marker for cohort A's people, on the meeting
    pages (notes and follow-ups), so the search above was able to see it."""
    found, _kinds = crawl(app, marked.world, role)
    assert f"/meetings/{marked.world.meeting_a.id}" in found
    # Files leave the site and calendars sync to other devices: notes stay on the pages.
    assert not any(url.endswith(".ics") or ".csv" in url or ".xlsx" in url for url in found)
    outside = outside_the_browser(app, marked, role)
    assert outside["feed"][0] == 200 and not holds_marker(outside["feed"][1])


def test_the_world_has_notes_on_every_meeting(marked):
    world = marked.world
    meetings = db.session.execute(select(Meeting)).scalars().all()
    assert {m.cohort_id for m in meetings} == {world.cohort_a.id, world.cohort_b.id}
    assert all(MARKER in m.notes for m in meetings)
    assert any(m.ends_at < utcnow() - timedelta(days=1) for m in meetings)  # attendance held
    follow_ups = db.session.execute(select(FollowUp.text)).scalars().all()
    assert len(follow_ups) >= 3 and all(MARKER in text for text in follow_ups)
