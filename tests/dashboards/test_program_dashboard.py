"""The program lead's programme dashboard and cohort participation: figures against the known
events, privacy (no plan text, comment text or individual rating), fixed statement counts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from plc.dashboards import figures, queries, reports
from plc.extensions import db
from plc.plans.models import ActionPlan, ProgressUpdate
from tests.conftest import login
from tests.dashboards import seed


@pytest.fixture
def known(app):
    return seed.build()


def _month_start(known) -> datetime:
    return reports.month_start(known.program)


def test_group_facts_by_cohort_and_district(known):
    groups = queries.group_facts(known.program.id, _month_start(known),
                                 known.program.time_zone)
    cohort = figures.by_cohort(groups, queries.cohorts(known.program.id))
    assert len(cohort) == 1
    c = cohort[0]
    # 5 members; active this month: Ann (update, comment), Cat (comment), Eve (update).
    assert (c.members, c.active, c.plans_shared, c.updates) == (5, 3, 3, 3)
    # Present or late: Ann 2, Ben 1, Cat 1, Eve 0, out of 3 held each (Dan none).
    assert (c.meetings_attended, c.meetings_held, c.attendance_percent) == (4, 12, 33)
    assert c.comments_per_member == pytest.approx(2 / 5)
    districts = {t.label: t for t in figures.by_district(groups)}
    assert set(districts) == {"North District", "South District"}
    north, south = districts["North District"], districts["South District"]
    assert (north.members, north.active, north.plans_shared, north.updates) == (3, 2, 2, 2)
    assert (north.meetings_attended, north.meetings_held) == (4, 9)
    assert (south.members, south.active, south.plans_shared, south.comments) == (2, 1, 1, 0)


def test_monthly_trend_counts_each_month(known):
    month = (known.today.year, known.today.month)
    trend = queries.monthly(known.program.id, queries.LocalMonths(
        known.program.time_zone, known.program.starts_on, known.program.ends_on), known.now)
    this = trend[month]
    # This month: Ann's and Eve's updates, Ann's and Cat's comments (the facilitator is no
    # member; the deleted one does not count).
    assert (this.updates, this.comments) == (2, 2)
    assert this.active >= 3
    assert sum(m.updates for m in trend.values()) == 3
    assert sum(m.meetings_held for m in trend.values()) == 12
    assert sum(m.meetings_attended for m in trend.values()) == 4
    table = figures.trend(known.program.starts_on, known.program.ends_on, trend)
    assert len(table) >= 10 and table[0].year * 12 + table[0].month < month[0] * 12 + month[1]


def _lead_pages(client, known) -> dict[str, str]:
    p, c = known.program.id, known.cohort.id
    pages = {}
    for url in (f"/programs/{p}/dashboard", f"/cohorts/{c}/participation",
                f"/programs/{p}/participation.csv", f"/cohorts/{c}/participation.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.data.decode("utf-8")
    return pages


def test_lead_sees_participation_without_private_text_or_ratings(app, known):
    client = app.test_client()
    login(client, known.lead)
    pages = _lead_pages(client, known)
    for url, body in pages.items():
        for marker in seed.MARKERS:
            assert marker not in body, f"{marker} leaked on {url}"
        # No individual rating: no level labels, no rating changes.
        for words in ("Not very much", "To some extent", "Mostly", "Role model",
                      "Rating change", "→ Mid-year"):
            assert words not in body, f"{words!r} on {url}"
    dashboard = pages[f"/programs/{known.program.id}/dashboard"]
    assert "North District" in dashboard and "South District" in dashboard
    # The cohort row: 5 members, 3 active, 3 plans shared, 3 updates (per month too), 33%,
    # 0.4 comments per member.
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>Known</a></th>(.*?)</tr>", dashboard,
                    re.S).group(1)
    months = figures.months_so_far(known.program.starts_on, known.program.ends_on,
                                   known.today)
    assert 4 <= months <= 6  # the programme began 120 days ago
    assert re.findall(r"<td>([^<]*)</td>", row) == [
        "5", "3", "3", "3", f"{3 / months:.1f}", "33%", "0.4"]
    # The months so far, not rows of zeros for the months to come.
    month_rows = re.findall(r'<th scope="row"><time datetime="\d{4}-\d{2}">', dashboard)
    assert len(month_rows) == months
    assert "still to come appear as they begin" in dashboard
    # Ratings: only through the ratings overview's aggregates.
    assert f"/programs/{known.program.id}/ratings" in dashboard
    participation = pages[f"/cohorts/{known.cohort.id}/participation"]
    assert "Ann Member" in participation and "Facilitators only" in participation


def test_lead_gets_no_cohort_dashboard_or_growth(app, known):
    client = app.test_client()
    login(client, known.lead)
    assert client.get(f"/cohorts/{known.cohort.id}/dashboard").status_code == 404
    assert client.get(f"/cohorts/{known.cohort.id}/growth").status_code == 404


def test_facilitator_gets_no_programme_dashboard(app, known):
    client = app.test_client()
    login(client, known.facilitator)
    assert client.get(f"/programs/{known.program.id}/dashboard").status_code == 404
    assert client.get(f"/programs/{known.program.id}/participation.csv").status_code == 404
    assert client.get(f"/cohorts/{known.cohort.id}/participation.csv").status_code == 200


def test_statement_count_is_fixed_as_cohorts_and_members_grow(app, known, count_queries):
    client = app.test_client()
    login(client, known.lead)
    p = known.program.id
    urls = [f"/programs/{p}/dashboard", f"/programs/{p}/participation.csv",
            f"/programs/{p}/participation.xlsx"]

    def measure():
        counts = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts.append(counter.count)
        return counts

    seed.add_members(known, 2)  # each adds a cohort too
    small = measure()
    seed.add_members(known, 30, start=2)
    assert measure() == small


def test_months_are_the_programmes_not_utcs():
    """A New York programme's November ends at 05:00 UTC on 1 December (04:00 UTC began it:
    daylight saving time ended that morning)."""
    months = queries.LocalMonths("America/New_York", date(2026, 11, 15), date(2026, 12, 2))
    assert months.keys() == [(2026, 11), (2026, 12)]
    assert months.starts() == [datetime(2026, 11, 1, 4, tzinfo=UTC),
                               datetime(2026, 12, 1, 5, tzinfo=UTC),
                               datetime(2027, 1, 1, 5, tzinfo=UTC)]


def test_an_update_after_midnight_utc_counts_in_the_programmes_month(known):
    plan = db.session.execute(select(ActionPlan).where(
        ActionPlan.user_id == known.people["Ann"].id)).scalar_one()
    months = queries.LocalMonths(known.program.time_zone, date(2026, 11, 1), date(2026, 12, 1))
    before = queries.monthly(known.program.id, months, known.now)
    for at in (datetime(2026, 12, 1, 3, tzinfo=UTC), datetime(2026, 12, 1, 6, tzinfo=UTC)):
        db.session.add(ProgressUpdate(plan_id=plan.id, author_id=plan.user_id, created_at=at))
    db.session.commit()

    after = queries.monthly(known.program.id, months, known.now)

    def updates(found, key):
        return found[key].updates if key in found else 0

    assert updates(after, (2026, 11)) - updates(before, (2026, 11)) == 1  # 22:00 in New York
    assert updates(after, (2026, 12)) - updates(before, (2026, 12)) == 1  # 01:00 in New York
