"""The programme's nudge thresholds, edited on the programme form, and the programme
dashboard's month-by-month sparklines."""

from __future__ import annotations

import re

import pytest

from plc.dashboards import figures
from plc.dashboards.queries import MonthFacts
from plc.extensions import db
from plc.programs.models import Program
from tests import factories
from tests.conftest import login
from tests.dashboards import seed


def _values(program: Program, **changes) -> dict:
    values = {
        "name": program.name, "starts_on": program.starts_on.isoformat(),
        "ends_on": program.ends_on.isoformat(), "time_zone": program.time_zone,
        "framework_id": str(program.framework_id), "description": "",
        "nudge_update_days": "14", "nudge_missed_meetings": "3", "nudge_no_feedback": "",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def led(app):
    lead = factories.make_user("lead@example.org", "Lea Lead")
    program = factories.make_program("Threshold Programme", lead=lead)
    program.framework_id = factories.make_framework("threshold-framework").id
    db.session.commit()
    return lead, program


def test_lead_edits_the_nudge_thresholds(app, client, led):
    lead, program = led
    login(client, lead)
    url = f"/programs/{program.id}/edit"
    page = client.get(url).text
    assert 'name="nudge_update_days"' in page and 'value="30"' in page
    assert 'for="nudge_missed_meetings"' in page and 'for="nudge_no_feedback"' in page
    response = client.post(url, data=_values(program))
    assert response.status_code == 302, response.text
    saved = db.session.get(Program, program.id)
    db.session.refresh(saved)
    assert (saved.nudge_update_days, saved.nudge_missed_meetings,
            saved.nudge_no_feedback) == (14, 3, False)
    client.post(url, data=_values(program, nudge_no_feedback="y"))
    db.session.refresh(saved)
    assert saved.nudge_no_feedback is True


@pytest.mark.parametrize("field, value", [
    ("nudge_update_days", "0"), ("nudge_update_days", "366"), ("nudge_update_days", "x"),
    ("nudge_missed_meetings", "0"), ("nudge_missed_meetings", "13"),
])
def test_thresholds_out_of_range_are_refused(app, client, led, field, value):
    lead, program = led
    login(client, lead)
    response = client.post(f"/programs/{program.id}/edit", data=_values(program, **{field: value}))
    assert response.status_code == 200
    assert "Choose between" in response.text or "Not a valid integer" in response.text
    assert f'id="{field}-error"' in response.text
    saved = db.session.get(Program, program.id)
    db.session.refresh(saved)
    assert (saved.nudge_update_days, saved.nudge_missed_meetings) == (30, 2)


def test_thresholds_left_out_keep_their_values(app, client, led):
    lead, program = led
    login(client, lead)
    data = _values(program, nudge_update_days=None, nudge_missed_meetings=None)
    assert client.post(f"/programs/{program.id}/edit", data=data).status_code == 302
    saved = db.session.get(Program, program.id)
    db.session.refresh(saved)
    assert (saved.nudge_update_days, saved.nudge_missed_meetings) == (30, 2)


def test_the_cohort_dashboard_uses_the_edited_threshold(app, client):
    known = seed.build()
    login(client, known.facilitator)
    url = f"/cohorts/{known.cohort.id}/dashboard"
    assert "no progress update in 30 days" in client.get(url).text
    known.program.nudge_update_days = 7
    db.session.commit()
    assert "no progress update in 7 days" in client.get(url).text


def test_sparkline_scales_months_and_leaves_gaps():
    line = figures.sparkline("x", "X", [0, 5, None, 10], width=100, height=20, pad=0)
    assert [(round(x), round(y), v) for x, y, v in line.points] == [
        (0, 20, 0), (33, 10, 5), (100, 0, 10)]
    assert (line.latest, line.highest, line.show(None)) == (10, 10, "none")
    flat = figures.sparkline("y", "Y", [0, 0])
    assert all(y == flat.height - 4 for _x, y, _v in flat.points)


def test_trend_sparklines_follow_the_table():
    trend = [MonthFacts(2026, 9, active=2, updates=3, comments=4, meetings_held=4,
                        meetings_attended=3),
             MonthFacts(2026, 10), MonthFacts(2026, 11, active=9)]
    lines = {s.key: s for s in figures.trend_sparklines(trend, members=8, months_so_far=2)}
    # November is still to come: no point, not a zero.
    assert lines["active"].values == (2, 0, None)
    assert lines["updates"].values == (3, 0, None)
    assert lines["attendance"].values == (75, None, None)
    assert lines["comments"].values == (0.5, 0, None)
    assert lines["active"].latest == 0 and len(lines["active"].points) == 2


def test_program_dashboard_draws_four_described_sparklines(app, client):
    known = seed.build()
    login(client, known.lead)
    page = client.get(f"/programs/{known.program.id}/dashboard").text
    svgs = re.findall(r"<svg role=\"img\".*?</svg>", page, re.S)
    assert len(svgs) == 4
    titles = [re.search(r"<title[^>]*>(.*?)</title>", s).group(1) for s in svgs]
    assert titles == ["Active members, month by month", "Progress updates, month by month",
                      "Attendance rate, month by month", "Comments per member, month by month"]
    for svg in svgs:
        assert "<desc" in svg and "polyline" in svg
    # The table stays as the text alternative.
    assert "<caption>The programme year so far, month by month (UTC months)" in page
