"""RFC 5545 calendars of meetings (icalendar package): times in UTC, cancellations kept as
STATUS:CANCELLED so that subscribed calendars drop them, a stable UID per meeting.

An event carries the meeting's title, time, place and link, never its notes or follow-ups:
those are the cohort's (permissions.can_read_meeting_notes), and a calendar file is forwarded
and synced to other devices and services, whoever downloaded it."""

from __future__ import annotations

from icalendar import Calendar, Event

from plc.meetings.models import Meeting

PRODID = "-//PLC//Cohort meetings//EN"


def calendar_bytes(meetings: list[Meeting], *, domain: str, name: str,
                   link_for) -> bytes:
    """``link_for(meeting)`` gives the meeting page's absolute URL."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting, domain, link_for(meeting)))
    return cal.to_ical()


def _event(meeting: Meeting, domain: str, link: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{domain}")
    # When this version of the event was made: calendars compare it with SEQUENCE.
    event.add("dtstamp", meeting.updated_at)
    event.add("sequence", meeting.version - 1)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.title} ({meeting.cohort.name})")
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.online_url:
        event.add("url", meeting.online_url)
    event.add("description", _description(meeting, link))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def _description(meeting: Meeting, link: str) -> str:
    lines = []
    if meeting.online_url:
        lines.append(f"Join online: {meeting.online_url}")
    lines.append(f"Meeting page: {link}")
    return "\n".join(lines)
