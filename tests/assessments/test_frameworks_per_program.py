"""A programme offering two frameworks (issue 19): each cohort rates on its own, and the
worksheet, plans, cohort growth, ratings overview and exports follow the cohort's framework,
never mixing the two in one figure."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from plc.assessments.models import SUBMITTED, Rating, SelfAssessment
from plc.errors import DomainError
from plc.extensions import db
from plc.plans import queries as plan_queries
from plc.programs import queries as program_queries
from plc.programs import services as program_services
from plc.programs.models import Cohort
from plc.rubrics.models import Competency, Level
from tests import factories
from tests.assessments.test_aggregates import Tables, close_midyear, login_client, section_html
from tests.assessments.test_visibility import make_assessment


def _assess(user, checkpoint, framework, values):
    ids = list(db.session.execute(select(Competency.id).where(
        Competency.framework_id == framework.id).order_by(Competency.position)).scalars())
    levels = dict(db.session.execute(select(Level.value, Level.id).where(
        Level.framework_id == framework.id)).all())
    db.session.add(SelfAssessment(
        user_id=user.id, checkpoint_id=checkpoint.id, framework_id=framework.id,
        status=SUBMITTED, ratings=[Rating(competency_id=c, level_id=levels[v])
                                   for c, v in zip(ids, values, strict=True)], changes=[]))
    db.session.commit()


@pytest.fixture
def two(app, sheet):
    """Cohort A on the programme's first framework, cohort B on a second one (two
    competencies, named apart), five members each with a submitted Mid-year worksheet."""
    second = factories.make_framework("second-framework", competencies=2)
    second.name = "Teacher leader rubric"
    for competency in db.session.execute(select(Competency).where(
            Competency.framework_id == second.id)).scalars():
        competency.name = f"Teacher skill {competency.number}"
    program_services.set_more_frameworks(sheet.lead, sheet.program, [second.id])
    program_services.update_cohort(sheet.lead, sheet.other_cohort, name="Cohort B",
                                   description="", framework_id=second.id)
    db.session.commit()
    for i in range(5):
        a = factories.make_user(f"two-a{i}@example.org")
        b = factories.make_user(f"two-b{i}@example.org")
        factories.add_member(sheet.cohort, a)
        factories.add_member(sheet.other_cohort, b)
        db.session.commit()
        make_assessment(sheet, a, sheet.open_checkpoint, [1, 2, 3])
        _assess(b, sheet.open_checkpoint, second, [4, 4])
    close_midyear(sheet)
    return second


def test_each_cohort_rates_on_its_framework(app, sheet, two, login_as):
    assert program_queries.offered_framework_ids(sheet.program) == [sheet.framework.id, two.id]
    assert program_queries.member_framework_id(sheet.member.id, sheet.program) == \
        sheet.framework.id
    assert program_queries.member_framework_id(sheet.other_member.id, sheet.program) == two.id
    assert program_queries.member_framework_id(sheet.lead.id, sheet.program) == sheet.framework.id
    assert plan_queries.rubric(sheet.program, sheet.other_member.id).framework_id == two.id
    assert plan_queries.rubric(sheet.program, sheet.member.id).framework_id == sheet.framework.id
    sheet.open_checkpoint.closes_on = sheet.open_checkpoint.closes_on.replace(year=2099)
    db.session.commit()
    html = login_as(sheet.other_member).get(
        f"/checkpoints/{sheet.open_checkpoint.id}/worksheet").text
    assert "Teacher skill 1" in html and "Competency 3" not in html


def test_the_ratings_overview_shows_each_framework_apart(app, sheet, two, login_as):
    html = login_as(sheet.lead).get(f"/programs/{sheet.program.id}/ratings").text
    assert "Teacher leader rubric" in html and "Test framework sheet-framework" in html
    tables = Tables(html)
    first = tables.table("ratings-programme", "Mid-year")
    assert [row[0] for row in first] == ["1. Competency 1", "2. Competency 2", "3. Competency 3"]
    assert first[0][1] == "5"  # cohort A's five only, not cohort B's
    second = tables.table(f"ratings-programme-{two.id}", "Mid-year")
    assert [row[0] for row in second] == ["1. Teacher skill 1", "2. Teacher skill 2"]
    assert second[0][1] == "5" and second[0][5] == "5"  # all five at level 4
    # Each cohort shows under its own framework only.
    assert "Teacher skill" not in section_html(html, f"ratings-{sheet.cohort.id}")
    assert "Teacher skill" in section_html(html, f"ratings-{sheet.other_cohort.id}")
    assert html.count(f'id="ratings-{sheet.other_cohort.id}"') == 1


def test_exports_keep_the_frameworks_apart(app, sheet, two, login_as):
    client = login_as(sheet.lead)
    base = f"/programs/{sheet.program.id}/ratings.csv"

    def rows(url):
        response = client.get(url)
        assert response.status_code == 200
        return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))

    first = rows(base)
    assert {r["Competency"] for r in first} == {"1. Competency 1", "2. Competency 2",
                                                "3. Competency 3"}
    assert "Cohort B" not in {r["Group"] for r in first}
    second = rows(f"{base}?framework={two.id}")
    assert {r["Competency"] for r in second} == {"1. Teacher skill 1", "2. Teacher skill 2"}
    assert {r["Group"] for r in second} == {"Whole programme · Teacher leader rubric", "Cohort B"}
    assert client.get(f"{base}?framework=999999").status_code == 404

    book = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/programs/{sheet.program.id}/participation.xlsx").data))
    assert book.sheetnames == ["Participation", "Attendance", "Ratings 1", "Ratings 2"]
    assert book["Ratings 2"]["A1"].value == "Framework: Teacher leader rubric"
    seen = {row[2].value for row in book["Ratings 2"].iter_rows(min_row=3)}
    assert seen == {"1. Teacher skill 1", "2. Teacher skill 2"}


def test_cohort_growth_follows_the_cohorts_framework(app, sheet, two):
    html = login_client(sheet.other_facilitator).get(
        f"/cohorts/{sheet.other_cohort.id}/growth").text
    assert "Teacher skill 1" in html and "Competency 3" not in html
    html = login_client(sheet.facilitator).get(f"/cohorts/{sheet.cohort.id}/growth").text
    assert "Competency 3" in html and "Teacher skill" not in html


def test_offering_refuses_two_versions_and_keeps_a_cohorts_framework(app, sheet, two):
    newer = factories.make_framework(sheet.framework.key, version=2)
    with pytest.raises(DomainError, match="two versions"):
        program_services.set_more_frameworks(sheet.lead, sheet.program, [two.id, newer.id])
    with pytest.raises(DomainError, match="Cohort B"):
        program_services.set_more_frameworks(sheet.lead, sheet.program, [])
    other = factories.make_framework("third-framework")
    with pytest.raises(DomainError):
        program_services.update_cohort(sheet.lead, sheet.cohort, name="Cohort A",
                                       description="", framework_id=other.id)


def test_a_lead_offers_a_second_framework_and_a_new_cohort_takes_it(app, sheet):
    second = factories.make_framework("second-framework", competencies=2)
    db.session.commit()
    client = login_client(sheet.lead)
    program = sheet.program
    page = client.get(f"/programs/{program.id}/edit").text
    assert 'name="more_framework_ids"' in page
    data = {"name": program.name, "starts_on": program.starts_on.isoformat(),
            "ends_on": program.ends_on.isoformat(), "time_zone": program.time_zone,
            "framework_id": str(sheet.framework.id), "description": "",
            "more_frameworks_shown": "1", "more_framework_ids": [str(second.id)]}
    assert client.post(f"/programs/{program.id}/edit", data=data).status_code == 302
    assert program_queries.offered_framework_ids(program) == [sheet.framework.id, second.id]
    assert 'name="framework_id"' in client.get(f"/programs/{program.id}/cohorts/new").text
    response = client.post(f"/programs/{program.id}/cohorts/new",
                           data={"name": "Teacher leaders", "framework_id": str(second.id)})
    assert response.status_code == 302
    cohort = db.session.execute(select(Cohort).where(Cohort.name == "Teacher leaders")).scalar_one()
    assert cohort.framework_id == second.id
    # A cohort created without a choice rates on the programme's first.
    client.post(f"/programs/{program.id}/cohorts/new", data={"name": "Principals"})
    cohort = db.session.execute(select(Cohort).where(Cohort.name == "Principals")).scalar_one()
    assert cohort.framework_id is None
    assert program_queries.cohort_framework_id(cohort, program) == sheet.framework.id
    page = client.get(f"/programs/{program.id}").text
    assert "Rubrics:" in page and second.label in page


def test_my_growth_follows_the_framework_of_the_persons_cohort_now(app, sheet, two, login_as):
    """Someone who moved from cohort A (the first framework) to cohort B (the second): their
    growth charts the second framework only, never a competency of each in one figure; the
    earlier worksheet stays linked."""
    mover = factories.make_user("mover@example.org")
    factories.add_member(sheet.other_cohort, mover)
    db.session.commit()
    earlier = make_assessment(sheet, mover, sheet.closed_checkpoint, [1, 2, 3])
    _assess(mover, sheet.open_checkpoint, two, [3, 4])
    html = login_as(mover).get(f"/programs/{sheet.program.id}/growth").text
    figures = html.split('id="growth-elsewhere"')[0]
    assert "Teacher skill 1" in figures and "Competency 3" not in figures
    rows = re.findall(r'<th scope="row">([^<]*)</th>', figures)
    assert rows == ["1. Teacher skill 1", "2. Teacher skill 2"]
    assert "Baseline" not in figures  # the earlier checkpoint's column: another framework
    assert f"/assessments/{earlier.id}" in html.split('id="growth-elsewhere"')[1]
    # Their facilitator in cohort B sees the same split.
    html = login_client(sheet.other_facilitator).get(
        f"/programs/{sheet.program.id}/growth/{mover.id}").text
    assert "Competency 3" not in html.split('id="growth-elsewhere"')[0]


def test_the_overview_links_one_ratings_file_per_framework(app, sheet, two, login_as):
    html = login_as(sheet.lead).get(f"/programs/{sheet.program.id}/ratings").text
    for framework_id in (sheet.framework.id, two.id):
        assert f"/programs/{sheet.program.id}/ratings.csv?framework={framework_id}" in html
