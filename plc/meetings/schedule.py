"""Calendar arithmetic, pure: which local dates a monthly rule gives, and local wall-clock
time to UTC in a programme's time zone."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from plc.meetings.models import LAST_WEEK


def nth_weekday(year: int, month: int, weekday: int, week_of_month: int) -> date:
    """The 1st-4th (or LAST_WEEK: last) given weekday of a month."""
    if week_of_month == LAST_WEEK:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last.replace(day=last.day - (last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first.replace(day=1 + (weekday - first.weekday()) % 7 + 7 * (week_of_month - 1))


def monthly_dates(first: date, last: date, weekday: int, week_of_month: int) -> list[date]:
    """Each month's occurrence between ``first`` and ``last``, both included."""
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = nth_weekday(year, month, weekday, week_of_month)
        if first <= day <= last:
            found.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def local_to_utc(day: date, start: time, zone_name: str) -> datetime | None:
    """The UTC instant of a wall-clock time on a day in a zone; None when the clocks skip that
    time (spring forward). In the repeated hour (fall back) the first one is meant."""
    local = datetime.combine(day, start, tzinfo=ZoneInfo(zone_name))
    instant = local.astimezone(UTC)
    if instant.astimezone(local.tzinfo).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def to_local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone_name))
