"""The API's participation figures: equal to the dashboards' on the known seed, private
(no plan text, comment text or individual rating), valid against the served OpenAPI
document, and at a fixed statement count whatever the size."""

from __future__ import annotations

import json

import pytest

from plc.dashboards import figures, reports
from plc.programs import queries as program_queries
from tests import factories
from tests.api.helpers import Schemas, bearer, make_token
from tests.dashboards import seed

PROGRAM_PATH = "/programs/{program_id}/participation"
COHORT_PATH = "/cohorts/{cohort_id}/participation"


@pytest.fixture
def known(app):
    return seed.build()


def _get(client, url, secret):
    return client.get(url, headers=bearer(secret))


def test_program_figures_equal_the_dashboard(app, known):
    client = app.test_client()
    body = Schemas(client).validate(PROGRAM_PATH, _get(
        client, f"/api/v1/programs/{known.program.id}/participation", make_token(known.lead)))
    report = reports.program_report(program_queries.program(known.program.id))
    cohort = body["by_cohort"][0]
    # The seed's hand-checked figures (tests/dashboards/test_program_dashboard.py) ...
    assert (cohort["name"], cohort["members"], cohort["active_this_month"],
            cohort["plans_shared"], cohort["progress_updates"]) == ("Known", 5, 3, 3, 3)
    assert (cohort["meetings_attended"], cohort["meetings_held"],
            cohort["attendance_percent"], cohort["comments_per_member"]) == (4, 12, 33, 0.4)
    # ... and every figure equal to the dashboard's own.
    for rows, totals in ((body["by_cohort"], report.cohorts),
                         (body["by_district"], report.districts)):
        assert [(r["id"], r["name"], r["members"], r["active_this_month"], r["plans_shared"],
                 r["progress_updates"], r["meetings_held"], r["meetings_attended"],
                 r["attendance_percent"], r["comments"]) for r in rows] == [
            (t.key, t.label, t.members, t.active, t.plans_shared, t.updates, t.meetings_held,
             t.meetings_attended, t.attendance_percent, t.comments) for t in totals]
    assert {r["name"] for r in body["by_district"]} == {"North District", "South District"}
    assert body["total"]["members"] == report.total.members == 5
    assert body["months_so_far"] == report.months
    assert [(m["month"], m["active_members"], m["progress_updates"], m["comments"],
             m["self_assessments_submitted"], m["meetings_held"], m["meetings_attended"])
            for m in body["by_month"]] == [
        (f"{m.year:04d}-{m.month:02d}", m.active, m.updates, m.comments, m.worksheets,
         m.meetings_held, m.meetings_attended) for m in report.trend]
    assert sum(m["progress_updates"] for m in body["by_month"]) == 3


def test_cohort_figures_equal_the_participation_page(app, known):
    client = app.test_client()
    response = _get(client, f"/api/v1/cohorts/{known.cohort.id}/participation",
                    make_token(known.facilitator))
    body = Schemas(client).validate(COHORT_PATH, response)
    report = reports.cohort_participation(program_queries.cohort(known.cohort.id))
    members = {m["name"]: m for m in body["members"]}
    assert list(members) == [f.name for f in report.facts]
    ann = members["Ann Member"]
    assert (ann["plan_status"], ann["progress_updates"], ann["meetings_attended"],
            ann["meetings_held"], ann["attendance_percent"], ann["comments_given"],
            ann["comments_received"], ann["active_this_month"]) == (
        "shared_with_cohort", 1, 2, 3, 67, 1, 2, True)
    assert members["Ben Member"]["plan_status"] == "draft"
    assert members["Dan Member"]["plan_status"] == "none"
    assert members["Dan Member"]["attendance_percent"] is None
    for f in report.facts:
        m = members[f.name]
        assert (m["user_id"], m["district"], m["progress_updates"],
                m["self_assessments_submitted"], m["comments_given"],
                m["comments_received"], m["active_this_month"]) == (
            f.user_id, f.district, f.updates, f.worksheets_submitted, f.comments_given,
            f.comments_received, report.active_this_month(f))


def test_no_plan_text_comment_text_or_rating(app, known):
    client = app.test_client()
    secret = make_token(known.lead)
    facilitator = make_token(known.facilitator)
    bodies = [
        _get(client, f"/api/v1/programs/{known.program.id}/participation", secret).text,
        _get(client, f"/api/v1/cohorts/{known.cohort.id}/participation", secret).text,
        _get(client, f"/api/v1/cohorts/{known.cohort.id}/participation", facilitator).text,
        _get(client, "/api/v1/me", secret).text,
    ]
    for body in bodies:
        for marker in seed.MARKERS:
            assert marker not in body
        assert "rating" not in body.lower() and "level" not in body.lower()
    member = json.loads(bodies[1])["members"][0]
    assert set(member) == set(Schemas(client).document["components"]["schemas"]["Member"]
                              ["properties"])


def test_statement_count_is_fixed_whatever_the_size(app, known, count_queries):
    client = app.test_client()
    secret = make_token(known.lead)
    urls = ["/api/v1/me", f"/api/v1/programs/{known.program.id}/participation",
            f"/api/v1/cohorts/{known.cohort.id}/participation"]

    def measure():
        counts = []
        for url in urls:
            with count_queries() as counter:
                assert _get(client, url, secret).status_code == 200
            counts.append(counter.count)
        return counts

    seed.add_members(known, 2)
    small = measure()
    seed.add_members(known, 30, start=2)
    factories.make_program("Another led programme", lead=known.lead)
    assert measure() == small
    # token and owner, roles (2), the object, then the report's statements.
    assert small[1] <= 8 and small[2] <= 6


def test_reads_write_nothing(app, known, count_queries):
    client = app.test_client()
    secret = make_token(known.lead)
    with count_queries() as counter:
        for url in ("/api/v1/me", f"/api/v1/programs/{known.program.id}/participation",
                    f"/api/v1/cohorts/{known.cohort.id}/participation", "/api/v1/me"):
            assert _get(client, url, secret).status_code == 200
    writes = [s for s in counter.statements
              if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_months_in_the_api_are_the_sparklines_values(app, known):
    """The dashboard's sparklines and the API's by_month come from the same rows."""
    client = app.test_client()
    body = _get(client, f"/api/v1/programs/{known.program.id}/participation",
                make_token(known.lead)).get_json()
    report = reports.program_report(program_queries.program(known.program.id))
    lines = {s.key: s for s in figures.trend_sparklines(report.trend, report.total.members,
                                                         report.months)}
    so_far = body["by_month"][:body["months_so_far"]]
    assert len(so_far) >= 4
    assert list(lines["updates"].values)[:len(so_far)] == [m["progress_updates"]
                                                            for m in so_far]
    assert list(lines["attendance"].values)[:len(so_far)] == [m["attendance_percent"]
                                                               for m in so_far]
