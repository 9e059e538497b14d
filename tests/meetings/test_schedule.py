"""Monthly series in a programme's time zone: the local time holds across daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from plc.errors import DomainError
from plc.extensions import db
from plc.meetings import services
from plc.meetings.models import LAST_WEEK, Meeting
from plc.meetings.schedule import local_to_utc, monthly_dates, nth_weekday

NEW_YORK = ZoneInfo("America/New_York")
TUESDAY = 1


def test_second_tuesday_of_each_month_september_to_june():
    days = monthly_dates(date(2026, 9, 1), date(2027, 6, 30), TUESDAY, 2)
    assert days == [date(2026, 9, 8), date(2026, 10, 13), date(2026, 11, 10),
                    date(2026, 12, 8), date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9),
                    date(2027, 4, 13), date(2027, 5, 11), date(2027, 6, 8)]


def test_last_weekday_of_the_month():
    assert nth_weekday(2026, 9, TUESDAY, LAST_WEEK) == date(2026, 9, 29)
    assert nth_weekday(2027, 2, 6, LAST_WEEK) == date(2027, 2, 28)  # a Sunday, the last day


def test_a_time_the_clocks_skip_does_not_exist():
    # 2:30 am on March 14, 2027 never happens in New York (clocks jump from 2:00 to 3:00).
    assert local_to_utc(date(2027, 3, 14), time(2, 30), "America/New_York") is None
    # In the repeated hour of November 7, 2027 the first (daylight time) 1:30 am is meant.
    assert local_to_utc(date(2027, 11, 7), time(1, 30), "America/New_York") == datetime(
        2027, 11, 7, 5, 30, tzinfo=UTC)


def schedule_year(people) -> list[Meeting]:
    services.schedule_series(
        people.facilitator, people.cohort, title="Monthly PLC", weekday=TUESDAY,
        week_of_month=2, start=time(16), duration_minutes=90, first_date=date(2026, 9, 1),
        last_date=date(2027, 6, 30), place=services.Place("Library, Lincoln Middle School"),
    )
    db.session.commit()
    return list(db.session.execute(select(Meeting).order_by(Meeting.starts_at)).scalars())


def test_series_keeps_four_pm_local_across_daylight_saving(app, people):
    meetings = schedule_year(people)
    assert len(meetings) == 10
    for meeting in meetings:
        start, end = meeting.starts_at.astimezone(NEW_YORK), meeting.ends_at.astimezone(NEW_YORK)
        assert (start.hour, start.minute, end.hour, end.minute) == (16, 0, 17, 30)
        assert start.weekday() == TUESDAY and 8 <= start.day <= 14
    # The same local time is two different UTC hours: 20:00 in daylight time, 21:00 in winter.
    utc_hours = {m.starts_at.astimezone(UTC).hour for m in meetings}
    assert utc_hours == {20, 21}
    assert meetings[1].starts_at == datetime(2026, 10, 13, 20, tzinfo=UTC)  # EDT
    assert meetings[2].starts_at == datetime(2026, 11, 10, 21, tzinfo=UTC)  # EST


def test_ics_parses_back_with_the_same_instants(app, people, client_for):
    meetings = schedule_year(people)
    client = client_for(people.member)
    for meeting in meetings:
        response = client.get(f"/meetings/{meeting.id}.ics")
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        (event,) = Calendar.from_ical(response.data).walk("VEVENT")
        assert event.decoded("dtstart") == meeting.starts_at
        assert event.decoded("dtend") == meeting.ends_at
        assert event.decoded("dtstart").utcoffset().total_seconds() == 0  # written in UTC
        assert str(event["uid"]) == f"meeting-{meeting.id}@plc.test"
        assert str(event["status"]) == "CONFIRMED"
        assert str(event["location"]) == "Library, Lincoln Middle School"
        assert "dtstamp" in event


def test_meeting_page_shows_local_time_and_place(app, people, client_for):
    meeting = schedule_year(people)[3]  # December: winter time
    page = client_for(people.member).get(f"/meetings/{meeting.id}").text
    assert "Tuesday, December 8, 2026, 4:00 PM" in page
    assert "5:30 PM" in page and "America/New_York" in page
    assert "Library, Lincoln Middle School" in page


def test_series_form_schedules_the_year(app, people, client_for):
    response = client_for(people.facilitator).post(
        f"/cohorts/{people.cohort.id}/meetings/series/new",
        data={"title": "Monthly PLC", "week_of_month": "2", "weekday": "1", "start": "16:00",
              "duration_minutes": "90", "first_date": "2026-09-01", "last_date": "2027-06-30",
              "online_url": "https://video.example/plc"},
    )
    assert response.status_code == 302
    meetings = db.session.execute(select(Meeting)).scalars().all()
    assert len(meetings) == 10
    assert {m.online_url for m in meetings} == {"https://video.example/plc"}


def test_a_single_meeting_at_a_skipped_time_is_refused(app, people):
    with pytest.raises(DomainError) as refused:
        services.schedule_meeting(people.facilitator, people.cohort, title="Early",
                                  day=date(2027, 3, 14), start=time(2, 30),
                                  duration_minutes=60, place=services.Place())
    assert refused.value.field == "start"


def test_a_series_with_no_matching_date_is_refused(app, people):
    with pytest.raises(DomainError):
        services.schedule_series(
            people.facilitator, people.cohort, title="Never", weekday=TUESDAY,
            week_of_month=2, start=time(16), duration_minutes=90,
            first_date=date(2026, 9, 15), last_date=date(2026, 9, 30), place=services.Place(),
        )
