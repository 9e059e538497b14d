"""A district's participation export, and the programme's rating aggregates as CSV and as the
programme XLSX's "Ratings" sheet: scope, refusals, suppression of small groups, formula
neutralisation and fixed statement counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from plc.accounts.models import User
from plc.assessments.models import SUBMITTED, Checkpoint, Rating, SelfAssessment
from plc.extensions import db
from plc.orgs.models import Organization
from plc.rubrics.models import Level
from tests import factories
from tests.conftest import login
from tests.dashboards import seed

NORTH = {"ann@example.org", "ben@example.org", "cat@example.org"}  # North High, North itself


@pytest.fixture
def known(app):
    return seed.build()


def _org(name: str) -> Organization:
    return db.session.execute(select(Organization).where(Organization.name == name)).scalar_one()


def _client(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def _district_url(known, org, ext="csv", query=""):
    return f"/programs/{known.program.id}/districts/{org.id}/participation.{ext}{query}"


# --- the district export ------------------------------------------------------------------------


def test_a_district_export_holds_exactly_its_members(app, known):
    client = _client(app, known.lead)
    north = _org("North District")
    response = client.get(_district_url(known, north))
    rows = _csv(response)
    # Ann and Ben are at North High, Cat at the district itself; Dan and Eve (South) are absent.
    assert {r["E-mail"] for r in rows} == NORTH
    assert {r["District"] for r in rows} == {"North District"}
    assert "participation-known-programme-north-district-" in \
        response.headers["Content-Disposition"]
    south = {r["E-mail"] for r in _csv(client.get(_district_url(known, _org("South District"))))}
    assert south == {"dan@example.org", "eve@example.org"}

    book = openpyxl.load_workbook(io.BytesIO(client.get(_district_url(known, north, "xlsx")).data))
    assert book.sheetnames == ["Participation", "Attendance"]  # no ratings for a district
    emails = {row[1].value for row in book["Participation"].iter_rows(min_row=2)}
    assert emails == NORTH
    attendance = {row[4].value for row in book["Attendance"].iter_rows(min_row=2)}
    assert attendance == NORTH
    assert len(list(book["Attendance"].iter_rows(min_row=2))) == 9  # 3 members x 3 held


def test_the_district_export_applies_the_date_range(app, known):
    client = _client(app, known.lead)
    today = known.now.date()
    week = f"?from={(today - timedelta(days=7)).isoformat()}&to={today.isoformat()}"
    rows = {r["E-mail"]: r for r in _csv(client.get(
        _district_url(known, _org("North District"), query=week)))}
    assert rows["cat@example.org"]["Progress updates"] == "0"  # 45 days ago: outside
    assert rows["ann@example.org"]["Progress updates"] == "1"  # today


def test_out_of_scope_orgs_are_not_found(app, known):
    client = _client(app, known.lead)
    empty = factories.make_org("West District")  # no member in the programme
    elsewhere = factories.make_org("East District")
    other = factories.make_cohort(factories.make_program("Other Programme"), "Other")
    factories.add_member(other, factories.make_user(organization=elsewhere))
    db.session.commit()
    for org in (_org("North High"), empty, elsewhere):  # a school; two empty districts
        assert client.get(_district_url(known, org)).status_code == 404, org.name
        assert client.get(_district_url(known, org, "xlsx")).status_code == 404, org.name
    assert client.get(f"/programs/{known.program.id}/districts/999999/participation.csv"
                      ).status_code == 404


def test_facilitators_and_members_get_no_district_or_ratings_export(app, known):
    north = _org("North District")
    for user in (known.facilitator, known.people["Ann"]):
        client = _client(app, user)
        assert client.get(_district_url(known, north)).status_code == 404
        assert client.get(_district_url(known, north, "xlsx")).status_code == 404
        assert client.get(f"/programs/{known.program.id}/ratings.csv").status_code == 404
    assert app.test_client().get(_district_url(known, north)).status_code == 302  # sign in


def test_the_programme_dashboard_links_each_district_export(app, known):
    html = _client(app, known.lead).get(f"/programs/{known.program.id}/dashboard").text
    for name in ("North District", "South District"):
        org = _org(name)
        for ext, words in (("csv", "Participation CSV"),
                           ("xlsx", "Participation and attendance XLSX")):
            link = re.search(rf'<a href="{re.escape(_district_url(known, org, ext))}">'
                             rf'([^<]*)<span class="visually-hidden">([^<]*)</span></a>', html)
            assert link, (name, ext)
            assert link.groups() == (words, f" for {name}")
    assert f'href="/programs/{known.program.id}/ratings.csv"' in html


# --- the rating aggregates ----------------------------------------------------------------------


def _extras_level(known) -> int:
    """The level add_members rates its extra people at."""
    return db.session.execute(
        select(Level.value).join(Rating, Rating.level_id == Level.id)
        .join(SelfAssessment, SelfAssessment.id == Rating.assessment_id)
        .join(User, User.id == SelfAssessment.user_id).where(User.email.like("extra%"))
    ).scalars().first()


def _close_baseline(known) -> None:
    """Baseline closes (yesterday): a checkpoint's figures show only once it has closed."""
    baseline = db.session.execute(select(Checkpoint).where(
        Checkpoint.program_id == known.program.id, Checkpoint.name == "Baseline")).scalar_one()
    baseline.closes_on = known.today - timedelta(days=1)
    db.session.commit()


def _ratings_by_key(rows: list[dict]) -> dict[tuple[str, str, str], dict]:
    return {(r["Group"], r["Checkpoint"], r["Competency"]): r for r in rows}


LEVELS = ("1 Not very much", "2 To some extent", "3 Mostly", "4 Role model")
NUMBER = re.compile(r"\d+(\.\d+)?")


def _assert_known_figures(by_key, level: int, group: str) -> None:
    # Baseline, competency 1: Ann 2, Ben 1, Cat 2 and three extras at ``level``: 6 people.
    big = by_key[(group, "Baseline", "1. Competency 1")]
    assert big["People"] == "6"
    counts = {1: 1, 2: 2, 3: 0, 4: 0}
    counts[level] += 3
    assert [big[h] for h in LEVELS] == [str(counts[v]) for v in (1, 2, 3, 4)]
    assert float(big["Average"]) == pytest.approx((2 + 1 + 2 + 3 * level) / 6, abs=0.005)
    assert big["Note"] == ""
    # Baseline, competency 2: Ann alone: no figure at all.
    small = by_key[(group, "Baseline", "2. Competency 2")]
    assert small["People"] == "fewer than 5"
    for header in (*LEVELS, "Average"):
        assert small[header] == "fewer than 5"
        assert not NUMBER.fullmatch(small[header])


def test_the_ratings_csv_has_the_overviews_figures_and_suppression(app, known):
    seed.add_members(known, 3)
    known.cohort.name = "=Evil cohort"
    _close_baseline(known)
    client = _client(app, known.lead)
    response = client.get(f"/programs/{known.program.id}/ratings.csv")
    rows = _csv(response)
    assert 'filename="ratings-known-programme.csv"' in response.headers["Content-Disposition"]
    assert list(rows[0]) == ["Group", "Checkpoint", "Competency", "People", *LEVELS,
                             "Average", "Note"]
    by_key = _ratings_by_key(rows)
    level = _extras_level(known)
    _assert_known_figures(by_key, level, "Whole programme")
    # The cohort holds all six too; its name, formula-like, is neutralised.
    _assert_known_figures(by_key, level, "'=Evil cohort")
    # Each extra's own cohort has no rater: suppressed, never 0.
    assert by_key[("Extra cohort 0", "Baseline", "1. Competency 1")]["People"] == \
        "fewer than 5"
    # The same figures as the ratings overview page.
    page = client.get(f"/programs/{known.program.id}/ratings").text
    assert re.findall(r'agg-people">(\d+)<', page) == [
        r["People"] for r in rows if NUMBER.fullmatch(r["People"])]
    assert page.count("agg-suppressed\">fewer than 5<") == sum(
        r["People"] == "fewer than 5" for r in rows)
    # No individual rating: nobody's name or e-mail, and no rating text.
    text = response.data.decode("utf-8-sig")
    assert "Ann" not in text and "@example.org" not in text
    assert seed.RATING_MARKER not in text


def test_a_large_group_that_would_reveal_a_small_one_is_hidden(app, known):
    # Six extras in the Known cohort; one person in a second cohort rates too: the second
    # cohort is under 5 and the whole programme minus Known would reveal it, so Known hides.
    seed.add_members(known, 3)
    other = factories.make_cohort(known.program, "Second")
    person = factories.make_user("solo@example.org", "Solo")
    factories.add_member(other, person)
    competencies, levels = factories.rubric(known.program.framework_id)
    baseline = db.session.execute(select(Checkpoint.id).where(
        Checkpoint.program_id == known.program.id, Checkpoint.name == "Baseline")).scalar_one()
    db.session.add(SelfAssessment(user_id=person.id, checkpoint_id=baseline,
                                  framework_id=known.program.framework_id, status=SUBMITTED,
                                  submitted_at=known.now, changes=[],
                                  ratings=[Rating(competency_id=competencies[0].id,
                                                  level_id=levels[3].id)]))
    _close_baseline(known)
    rows = _csv(_client(app, known.lead).get(f"/programs/{known.program.id}/ratings.csv"))
    hidden = [r for r in rows if r["People"] == "hidden"]
    assert hidden, "the complementary suppression should hide a group"
    for r in hidden:
        assert all(not NUMBER.fullmatch(r[h]) for h in ("People", *LEVELS, "Average"))
        assert "would reveal" in r["Note"]


def test_the_programme_xlsx_has_a_ratings_sheet_and_cohorts_none(app, known):
    seed.add_members(known, 3)
    _close_baseline(known)
    client = _client(app, known.lead)
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/programs/{known.program.id}/participation.xlsx").data))
    assert book.sheetnames == ["Participation", "Attendance", "Ratings"]
    sheet = book["Ratings"]
    header = [c.value for c in sheet[1]]
    sheet_rows = [dict(zip(header, ("" if c.value is None else str(c.value) for c in row),
                           strict=True)) for row in sheet.iter_rows(min_row=2)]
    csv_rows = _csv(client.get(f"/programs/{known.program.id}/ratings.csv"))
    assert sheet_rows == csv_rows
    _assert_known_figures(_ratings_by_key(sheet_rows), _extras_level(known), "Whole programme")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    cohort_book = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/cohorts/{known.cohort.id}/participation.xlsx").data))
    assert cohort_book.sheetnames == ["Participation", "Attendance"]


# --- statement counts ---------------------------------------------------------------------------


def _counts(app, known, count_queries, urls) -> list[int]:
    client = _client(app, known.lead)
    found = []
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200, url
        found.append(len(counter.statements))
    return found


def test_statement_counts_do_not_grow(app, known, count_queries):
    seed.add_members(known, 2)
    district = _org("Extra District 0")
    urls = [_district_url(known, district), _district_url(known, district, "xlsx"),
            f"/programs/{known.program.id}/ratings.csv",
            f"/programs/{known.program.id}/participation.xlsx"]
    small = _counts(app, known, count_queries, urls)
    seed.add_members(known, 8, start=2)
    for user in db.session.execute(select(User).where(User.email.like("extra%"))).scalars():
        db.session.get(Organization, user.organization_id).parent_id = district.id
    db.session.commit()
    # Ten extras at its schools, and the first call's two people of its own extra cohorts.
    assert len(_csv(_client(app, known.lead).get(_district_url(known, district)))) == 12
    assert _counts(app, known, count_queries, urls) == small


def test_an_open_checkpoint_has_no_figure_in_either_export(app, known):
    """Baseline is open: its rows in the CSV and the "Ratings" sheet hold the word "open" and
    say when they will show, never a number (tests/assessments/test_aggregates.py proves that
    a further submission changes nothing while it is open)."""
    seed.add_members(known, 3)
    client = _client(app, known.lead)
    rows = _csv(client.get(f"/programs/{known.program.id}/ratings.csv"))
    baseline = [r for r in rows if r["Checkpoint"] == "Baseline"]
    assert baseline and all(r["Note"].startswith("shown when the checkpoint closes (after ")
                            for r in baseline)
    for r in baseline:
        assert {r[h] for h in ("People", *LEVELS, "Average")} == {"open"}
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/programs/{known.program.id}/participation.xlsx").data))
    sheet_rows = [[c.value for c in row] for row in book["Ratings"].iter_rows(min_row=2)]
    assert [r for r in sheet_rows if r[1] == "Baseline"] == [
        list(r.values()) for r in baseline]
