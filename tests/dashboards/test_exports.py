"""CSV and XLSX exports: formula-like cells are neutralised, file names are safe, the date
range is applied, and the files read back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plc.assessments import aggregates
from plc.assessments.queries import RatingCount
from plc.dashboards import exports
from plc.dashboards.queries import AttendanceRecord, MemberFacts
from tests.conftest import login
from tests.dashboards import seed

# What spreadsheets read as a formula or DDE start (OWASP "CSV injection"), spelled out here
# rather than taken from the code under test.
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_LIKE = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "=cmd|' /C calc'!A0",
                                "=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)"])
TEXT = st.one_of(st.text(max_size=40), st.builds(lambda a, b: a + b, FORMULA_LIKE,
                                                  st.text(max_size=20)))


def _facts(name: str, email: str, org: str, district: str) -> MemberFacts:
    now = datetime(2026, 10, 5, tzinfo=UTC)
    return MemberFacts(1, 1, name, email, org, 1, district, now, 1, "cohort", now, 2, now,
                       1, 1, 1, now, now, 3, 2, None)


def _assert_no_formula(value) -> None:
    if isinstance(value, str):
        assert not value.startswith(DANGEROUS_STARTS), repr(value)


def _overview(cohort: str, checkpoint: str, competency: str, level: str):
    """Ratings aggregates with every name given: one shown group (the programme, 6 people)
    and one suppressed (the cohort, 2 people)."""
    counts = [RatingCount(None, 1, 1, 1, 4), RatingCount(None, 1, 1, 2, 2),
              RatingCount(1, 1, 1, 2, 2)]
    return aggregates.overview([(1, checkpoint)], [(1, cohort)], [(1, competency)],
                               [(1, level), (2, "Two")], counts, program_name=cohort)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.tuples(TEXT, TEXT, TEXT, TEXT), min_size=1, max_size=4),
       cohort=TEXT)
def test_exports_hold_no_formula_whatever_the_text(names, cohort):
    facts = [_facts(*n) for n in names]
    table = exports.rows(facts, {1: cohort})

    read = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"),
                                       newline="")))
    assert read[0] == list(exports.HEADER)
    assert len(read) == len(facts) + 1
    for row in read[1:]:
        for value in row:
            _assert_no_formula(value)
    for row, fact in zip(read[1:], facts, strict=True):
        # The name reads back, apostrophe-prefixed exactly when it looked like a formula.
        expected = ("'" + fact.name) if fact.name.startswith(DANGEROUS_STARTS) \
            else fact.name
        assert row[0] == expected

    records = [AttendanceRecord(1, email, datetime(2026, 10, 5, tzinfo=UTC), name, org, None)
               for name, email, org, _ in names]
    name, _e, org, district = names[0]
    overview = _overview(cohort, name, org, district)
    ratings = (exports.ratings_header(overview), exports.ratings_rows(overview))
    assert [r[3] for r in ratings[1]] == [6, "fewer than 5"]
    read = list(csv.reader(io.StringIO(exports.to_csv(ratings[1], ratings[0]).decode(
        "utf-8-sig"), newline="")))
    assert len(read) == 3
    for row in read:
        for value in row:
            _assert_no_formula(value)
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(
        table, cohort, exports.attendance_rows(records, {1: cohort}), ratings)))
    assert len(list(book["Participation"].iter_rows(min_row=2))) == len(facts)
    assert len(list(book["Attendance"].iter_rows(min_row=2))) == len(records)
    assert len(list(book["Ratings"].iter_rows(min_row=2))) == 2
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f"
                _assert_no_formula(cell.value)


@given(st.text(max_size=80))
def test_file_names_are_plain_ascii(name):
    filename = exports.filename(name, date(2026, 9, 1), date(2027, 6, 30), "csv")
    assert filename.isascii()
    assert all(ch.isalnum() or ch in "-." for ch in filename)
    assert filename.startswith("participation-")
    assert filename.endswith("-2026-09-01-to-2027-06-30.csv")


@pytest.fixture
def known(app):
    return seed.build()


def test_the_exports_apply_the_date_range_and_neutralise_names(app, known):
    known.people["Ann"].name = "=HYPERLINK(\"http://evil\",\"Ann\")"
    client = app.test_client()
    login(client, known.lead)
    today = known.now.date()
    week = f"from={(today - timedelta(days=7)).isoformat()}&to={today.isoformat()}"
    response = client.get(f"/programs/{known.program.id}/participation.csv?{week}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f"participation-known-programme-{(today - timedelta(days=7)).isoformat()}" in \
        disposition
    rows = {r["E-mail"]: r for r in csv.DictReader(
        io.StringIO(response.data.decode("utf-8-sig"), newline=""))}
    assert rows["ann@example.org"]["Name"].startswith("'=HYPERLINK")
    # Within the last week: Ann's update, one meeting held (10 days ago is outside).
    assert rows["ann@example.org"]["Progress updates"] == "1"
    assert rows["cat@example.org"]["Progress updates"] == "0"  # 45 days ago
    assert rows["ann@example.org"]["Meetings held"] == "0"
    whole = {r["E-mail"]: r for r in csv.DictReader(io.StringIO(client.get(
        f"/programs/{known.program.id}/participation.csv").data.decode("utf-8-sig"),
        newline=""))}
    assert whole["cat@example.org"]["Progress updates"] == "1"
    assert whole["ann@example.org"]["Meetings held"] == "3"
    assert whole["ann@example.org"]["Attendance %"] == "67"
    assert whole["dan@example.org"]["Plan status"] == "No plan"

    response = client.get(f"/cohorts/{known.cohort.id}/participation.xlsx?{week}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    values = [c.value for row in book["Participation"].iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://evil\",\"Ann\")" in values
    assert all(c.data_type != "f" for row in book["Participation"].iter_rows() for c in row)
    whole = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/cohorts/{known.cohort.id}/participation.xlsx").data))
    ben = [tuple(c.value for c in row)[1:] for row in whole["Attendance"].iter_rows(min_row=2)
           if row[4].value == "ben@example.org"]
    assert [(meeting, status) for meeting, _c, _n, _e, status in ben] == [
        ("Meeting 60", "present"), ("Meeting 30", "absent"), ("Meeting 10", "no record")]


def test_a_bad_date_is_refused(app, known):
    client = app.test_client()
    login(client, known.lead)
    url = f"/programs/{known.program.id}/participation.csv"
    assert client.get(url + "?from=yesterday").status_code == 400
    assert client.get(url + "?from=2027-01-02&to=2027-01-01").status_code == 400
