"""Moving and cancelling one meeting of a series: the others stay, the cohort is told."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from icalendar import Calendar
from sqlalchemy import delete, select

from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.meetings import services
from plc.meetings.models import CANCELLED, SCHEDULED, Meeting


def schedule_autumn(people) -> list[Meeting]:
    services.schedule_series(
        people.facilitator, people.cohort, title="Monthly PLC", weekday=1, week_of_month=2,
        start=time(16), duration_minutes=90, first_date=date(2026, 9, 1),
        last_date=date(2026, 12, 31), place=services.Place(online_url="https://video.example/x"),
    )
    db.session.execute(delete(OutboxMessage))  # the "New meetings" mail: tested on its own
    db.session.commit()
    return meetings_now()


def meetings_now() -> list[Meeting]:
    db.session.expire_all()
    return list(db.session.execute(select(Meeting).order_by(Meeting.id)).scalars())


def mail_to() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in db.session.execute(select(OutboxMessage)).scalars():
        found.setdefault(message.to_addr, []).append(message.subject)
    return found


def test_moving_one_meeting_leaves_the_others_and_tells_the_cohort(app, people, client_for):
    before = schedule_autumn(people)
    target = before[2]  # November 10
    response = client_for(people.facilitator).post(
        f"/meetings/{target.id}/move",
        data={"day": "2026-11-17", "start": "15:30", "duration_minutes": "60",
              "version": str(target.version)},
    )
    assert response.status_code == 302
    after = meetings_now()
    moved = next(m for m in after if m.id == target.id)
    assert moved.starts_at == datetime(2026, 11, 17, 20, 30, tzinfo=UTC)  # 3:30 pm EST
    assert moved.ends_at == datetime(2026, 11, 17, 21, 30, tzinfo=UTC)
    assert [(m.starts_at, m.ends_at) for m in after if m.id != target.id] == [
        (m.starts_at, m.ends_at) for m in before if m.id != target.id
    ]
    mail = mail_to()
    # The cohort's members hear of it; the facilitator who moved it does not need to.
    assert set(mail) == {people.member.email, people.peer.email}
    assert mail[people.member.email] == ["Moved: Monthly PLC"]


def test_cancelling_one_meeting_marks_only_it_and_tells_the_cohort(app, people, client_for):
    before = schedule_autumn(people)
    target = before[1]
    client = client_for(people.lead)  # a program lead may cancel too
    response = client.post(f"/meetings/{target.id}/cancel", data={"version": target.version})
    assert response.status_code == 302
    statuses = {m.id: m.status for m in meetings_now()}
    assert statuses.pop(target.id) == CANCELLED
    assert set(statuses.values()) == {SCHEDULED}
    assert set(mail_to()) == {people.facilitator.email, people.member.email, people.peer.email}
    (event,) = Calendar.from_ical(client.get(f"/meetings/{target.id}.ics").data).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1  # calendars replace the earlier version of the event


def test_a_change_based_on_an_old_page_is_refused(app, people, client_for):
    target = schedule_autumn(people)[0]
    stale = target.version
    client = client_for(people.facilitator)
    client.post(f"/meetings/{target.id}/move", data={
        "day": "2026-09-09", "start": "16:00", "duration_minutes": "90", "version": stale})
    response = client.post(f"/meetings/{target.id}/cancel", data={"version": stale})
    assert response.status_code == 302
    assert meetings_now()[0].status == SCHEDULED


def test_members_cannot_schedule_move_or_cancel(app, people, client_for):
    target = schedule_autumn(people)[0]
    client = client_for(people.member)
    assert client.get(f"/cohorts/{people.cohort.id}/meetings/new").status_code == 403
    assert client.get(f"/cohorts/{people.cohort.id}/meetings/series/new").status_code == 403
    assert client.post(f"/meetings/{target.id}/move", data={}).status_code == 403
    assert client.post(f"/meetings/{target.id}/cancel",
                       data={"version": target.version}).status_code == 403
    assert meetings_now()[0].status == SCHEDULED and mail_to() == {}


def test_members_of_another_cohort_get_404(app, people, client_for):
    target = schedule_autumn(people)[0]
    client = client_for(people.outsider)
    assert client.get(f"/cohorts/{people.cohort.id}/meetings").status_code == 404
    assert client.get(f"/meetings/{target.id}").status_code == 404
    assert client.get(f"/meetings/{target.id}.ics").status_code == 404
    assert client.post(f"/meetings/{target.id}/cancel",
                       data={"version": target.version}).status_code == 404


def test_the_cohort_page_links_to_its_meetings(app, people, client_for):
    page = client_for(people.member).get(f"/cohorts/{people.cohort.id}").text
    assert f'href="/cohorts/{people.cohort.id}/meetings"' in page


def test_scheduling_a_series_first_tells_the_cohort(app, people, client_for):
    response = client_for(people.facilitator).post(
        f"/cohorts/{people.cohort.id}/meetings/series/new",
        data={"title": "Monthly PLC", "week_of_month": "2", "weekday": "1", "start": "16:00",
              "duration_minutes": "90", "first_date": "2026-09-01", "last_date": "2026-11-30",
              "location": "Room 12"},
    )
    assert response.status_code == 302
    mail = mail_to()
    # Members and peers of this cohort, once each for the whole series; not the outsider, not
    # the facilitator who scheduled it.
    assert mail == {people.member.email: ["New meetings: Monthly PLC"],
                    people.peer.email: ["New meetings: Monthly PLC"]}
    body = db.session.execute(select(OutboxMessage.body).where(
        OutboxMessage.to_addr == people.member.email)).scalar_one()
    assert "Tuesday, October 13, 2026, 4:00 PM" in body and "Room 12" in body


def test_scheduling_one_meeting_tells_the_cohort(app, people, client_for):
    response = client_for(people.lead).post(
        f"/cohorts/{people.cohort.id}/meetings/new",
        data={"title": "Kick-off", "day": "2026-09-15", "start": "16:00",
              "duration_minutes": "60", "online_url": "https://video.example/k"})
    assert response.status_code == 302
    assert set(mail_to()) == {people.facilitator.email, people.member.email, people.peer.email}
    assert mail_to()[people.member.email] == ["New meeting: Kick-off"]


def test_moving_can_change_the_place(app, people, client_for):
    target = schedule_autumn(people)[0]
    client = client_for(people.facilitator)
    form = client.get(f"/meetings/{target.id}/move").text
    assert 'value="https://video.example/x"' in form  # the current place is filled in
    response = client.post(f"/meetings/{target.id}/move", data={
        "day": "2026-09-08", "start": "16:00", "duration_minutes": "90",
        "version": str(target.version), "location": "Library, Lincoln Middle School",
        "online_url": ""})
    assert response.status_code == 302
    moved = meetings_now()[0]
    assert (moved.location, moved.online_url) == ("Library, Lincoln Middle School", "")
    body = db.session.execute(select(OutboxMessage.body).where(
        OutboxMessage.to_addr == people.member.email)).scalar_one()
    assert "Place: Library, Lincoln Middle School" in body
    assert "Video link: https://video.example/x" in body  # under "Was"


def test_a_new_meeting_comes_with_its_first_agenda_items(app, people, client_for):
    from plc.meetings.models import AgendaItem

    url = f"/cohorts/{people.cohort.id}/meetings/new"
    client = client_for(people.lead)
    page = client.get(url).text
    assert 'name="agenda-2-title"' in page and '<template id="agenda-row">' in page
    data = {"title": "Kick-off", "day": "2026-09-15", "start": "16:00",
            "duration_minutes": "60", "agenda-0-title": "Check-in", "agenda-0-minutes": "10",
            "agenda-1-title": "", "agenda-1-minutes": "15",  # minutes without an item
            "agenda-4-title": "Consultancy on Ana's plan", "agenda-4-minutes": ""}
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert "Name the item, or clear its minutes." in response.text
    assert db.session.execute(select(Meeting)).first() is None
    data["agenda-1-minutes"] = ""
    assert client.post(url, data=data).status_code == 302
    items = db.session.execute(select(AgendaItem.position, AgendaItem.title, AgendaItem.minutes)
                               .order_by(AgendaItem.position)).all()
    assert items == [(1, "Check-in", 10), (2, "Consultancy on Ana's plan", None)]
