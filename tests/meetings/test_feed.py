"""The private calendar feed: only its owner's meetings, and dead once revoked or renewed."""

from __future__ import annotations

import re
from datetime import date, time

from icalendar import Calendar

from plc.extensions import db
from plc.meetings import services


def feed_path(client) -> str:
    assert client.post("/account/calendar").status_code == 302
    page = client.get("/account/calendar").text
    match = re.search(r'value="https?://[^/"]+(/calendar/[^"]+\.ics)"', page)
    assert match, "the new feed address is shown once"
    return match.group(1)


def schedule(people, cohort, title: str):
    services.schedule_meeting(people.facilitator, cohort, title=title, day=date(2026, 10, 13),
                              start=time(16), duration_minutes=90, place=services.Place())


def test_feed_shows_only_the_owners_cohorts(app, people, client_for):
    schedule(people, people.cohort, "North meeting")
    schedule(people, people.other_cohort, "South meeting")
    db.session.commit()
    path = feed_path(client_for(people.member))
    response = app.test_client().get(path)  # no sign-in: calendar apps cannot sign in
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    summaries = [str(e["summary"]) for e in Calendar.from_ical(response.data).walk("VEVENT")]
    assert summaries == ["North meeting (North)"]


def test_the_address_is_shown_only_once(app, people, client_for):
    client = client_for(people.member)
    feed_path(client)
    assert ".ics" not in client.get("/account/calendar").text


def test_renewing_kills_the_old_address(app, people, client_for):
    client = client_for(people.member)
    old = feed_path(client)
    new = feed_path(client)
    anonymous = app.test_client()
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200


def test_revoking_kills_the_address(app, people, client_for):
    client = client_for(people.member)
    path = feed_path(client)
    assert client.post("/account/calendar/revoke").status_code == 302
    assert app.test_client().get(path).status_code == 404


def test_an_unknown_token_is_404(app, people):
    assert app.test_client().get("/calendar/no-such-token.ics").status_code == 404


def test_a_deactivated_persons_feed_stops(app, people, client_for):
    path = feed_path(client_for(people.member))
    people.member.active = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404
