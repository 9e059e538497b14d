"""The programme's ratings overview: program leads see aggregates of 5 or more people only,
and of a checkpoint only once it has closed."""

from __future__ import annotations

import io
from datetime import timedelta
from html.parser import HTMLParser

import openpyxl
import pytest

from plc.assessments import aggregates, queries
from plc.assessments.models import DRAFT, SUBMITTED, Rating, SelfAssessment
from plc.extensions import db
from plc.permissions import MIN_AGGREGATE_GROUP
from plc.programs.models import FACILITATOR
from tests import factories
from tests.assessments.conftest import form_data
from tests.assessments.test_visibility import make_assessment
from tests.conftest import login

# Ratings on the fixture's three competencies at the open Mid-year checkpoint.
COHORT_A = [[1, 2, 4], [2, 2, 4], [2, 2, 4], [3, 2, 4], [3, 3, 4], [4, 3, 1]]
COHORT_B = [[4, 1, 1], [4, 1, 2], [4, 1, 3]]
LEVELS = ["1 Not very much", "2 To some extent", "3 Mostly", "4 Role model"]


def seed(sheet, a=COHORT_A, b=COHORT_B, tag="", close=True):
    """People of cohort A and B with submitted worksheets on Mid-year (plus something that must
    not count: a draft in B); then, unless ``close`` is false, Mid-year closes (yesterday, by
    the programme's calendar): figures show only for a closed checkpoint."""
    people = []
    for cohort, rows, name in ((sheet.cohort, a, "a"), (sheet.other_cohort, b, "b")):
        for i, values in enumerate(rows):
            person = factories.make_user(f"agg-{name}{i}{tag}@example.org")
            factories.add_member(cohort, person)
            db.session.commit()
            make_assessment(sheet, person, sheet.open_checkpoint, values)
            people.append(person)
    drafter = factories.make_user(f"agg-draft{tag}@example.org")
    factories.add_member(sheet.other_cohort, drafter)
    db.session.commit()
    make_assessment(sheet, drafter, sheet.open_checkpoint, [1, 1, 1]).status = DRAFT
    if close:
        close_midyear(sheet)
    db.session.commit()
    return people


def close_midyear(sheet) -> None:
    sheet.open_checkpoint.closes_on = queries.today_in(sheet.program.time_zone) - timedelta(1)
    db.session.commit()


class Tables(HTMLParser):
    """section id -> [(caption, [[cell text, ...] per body row])] for every table on the page."""

    def __init__(self, html: str):
        super().__init__()
        self.sections: dict[str, list] = {}
        self._section = self._text = None
        self._row: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = attrs.get("id")
            self.sections[self._section] = []
        elif tag == "table":
            self.sections[self._section].append(["", []])
        elif tag in ("caption", "th", "td"):
            self._text = ""
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self.sections[self._section][-1][0] = self._text.strip()
        elif tag in ("th", "td") and self._row is not None:
            self._row.append(self._text.strip())
        elif tag == "tr":
            if self._row and not self._row[0].startswith("Competency"):
                self.sections[self._section][-1][1].append(self._row)
            self._row = None
        if tag in ("caption", "th", "td"):
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def table(self, section: str, checkpoint: str) -> list[list[str]]:
        (rows,) = [rows for caption, rows in self.sections[section] if f"· {checkpoint}:" in
                   caption]
        return rows


def section_html(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}"')
    return html[start:html.index("</section>", start)]


def overview_page(sheet):
    client = login_client(sheet.lead)
    response = client.get(f"/programs/{sheet.program.id}/ratings")
    assert response.status_code == 200
    return response.text


def login_client(user):
    from flask import current_app

    client = current_app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_threshold_is_five():
    assert MIN_AGGREGATE_GROUP == 5


def test_cell_suppresses_groups_under_the_threshold():
    values = (1, 2, 3, 4)
    assert aggregates.cell({4: 2, 1: 2}, values) == aggregates.SUPPRESSED
    assert aggregates.cell({}, values).shown is False
    shown = aggregates.cell({1: 1, 2: 2, 4: 2}, values)
    assert (shown.people, shown.counts, shown.average_text) == (5, (1, 2, 0, 2), "2.60")


def test_programme_and_cohort_tables(app, sheet):
    seed(sheet)
    html = overview_page(sheet)
    page = Tables(html)

    programme = page.table("ratings-programme", "Mid-year")
    assert programme == [
        ["1. Competency 1", "9", "1", "2", "2", "4", "3.00"],
        ["2. Competency 2", "9", "3", "4", "2", "0", "1.89"],
        ["3. Competency 3", "9", "2", "1", "1", "5", "3.00"],
    ]
    # Cohort A has 6 people, but programme (9) minus A (6) would give away B's 3: A is hidden.
    cohort_a = page.table(f"ratings-{sheet.cohort.id}", "Mid-year")
    assert [row[:2] for row in cohort_a] == [[f"{n}. Competency {n}", "hidden"] for n in (1, 2, 3)]
    assert "2.50" not in section_html(html, f"ratings-{sheet.cohort.id}")
    # Nobody submitted at Baseline: no figure there either.
    for rows in (page.table("ratings-programme", "Baseline"),
                 page.table(f"ratings-{sheet.cohort.id}", "Baseline")):
        assert [row[1:] for row in rows] == [["fewer than 5", "not shown"]] * 3


def test_cohort_figures_show_when_no_smaller_group_hides_behind_them(app, sheet):
    seed(sheet, b=[])
    page = Tables(overview_page(sheet))
    cohort_a = page.table(f"ratings-{sheet.cohort.id}", "Mid-year")
    assert cohort_a == [
        ["1. Competency 1", "6", "1", "2", "2", "1", "2.50"],
        ["2. Competency 2", "6", "0", "4", "2", "0", "2.33"],
        ["3. Competency 3", "6", "1", "0", "0", "5", "3.50"],
    ]


@pytest.mark.parametrize(
    "programme, cohorts, hidden",
    [
        (9, {"a": 6, "b": 3}, {"a", "b"}),  # 9 - 6 = 3 would reveal b
        (14, {"a": 6, "b": 3, "c": 5}, {"b", "c"}),  # hiding c (smallest shown) leaves 8 hidden
        (11, {"a": 6, "b": 5}, set()),  # nothing small: nothing hidden
        (12, {"a": 6, "b": 5}, {"b"}),  # 1 person outside the cohorts: hide b, 6 stay hidden
        (10, {"a": 6, "b": 4}, {"a", "b"}),
        (16, {"a": 6, "b": 4, "c": 6}, {"a", "b"}),  # 16 - 6 = 10 hidden: enough
    ],
)
def test_complementary_cells_are_hidden(programme, cohorts, hidden):
    assert aggregates.hidden_cohorts(programme, cohorts) == hidden


def test_small_cohort_shows_no_rating_figure(app, sheet):
    seed(sheet)
    html = overview_page(sheet)
    b_id = f"ratings-{sheet.other_cohort.id}"
    for checkpoint in ("Baseline", "Mid-year"):
        assert [row[1:] for row in Tables(html).table(b_id, checkpoint)] == [
            ["fewer than 5", "not shown"]] * 3
    b_html = section_html(html, b_id)
    assert "fewer than 5" in b_html
    for marker in ("agg-people", "agg-count", "agg-average"):
        assert marker not in b_html
    # Cohort B's own figures (3 people; averages 4.00, 1.00, 2.00) appear nowhere in its section.
    for figure in ('>3<', "4.00", "1.00", "2.00", ">0<"):
        assert figure not in b_html
    for label in LEVELS:  # level labels are column headers only
        assert b_html.count(label) == 2


def test_someone_in_two_cohorts_counts_in_each(app, sheet):
    people = seed(sheet, a=COHORT_A, b=COHORT_A[:4])  # B: 4 people, then a fifth from A
    factories.add_member(sheet.other_cohort, people[5])
    db.session.commit()
    counts = queries.rating_counts(sheet.program.id, sheet.framework.id,
                                   closed_before=queries.today_in(sheet.program.time_zone))
    people_in = {
        cohort_id: sum(c.people for c in counts if c.cohort_id == cohort_id and c.number == 1)
        for cohort_id in (None, sheet.cohort.id, sheet.other_cohort.id)
    }
    assert people_in == {None: 10, sheet.cohort.id: 6, sheet.other_cohort.id: 5}


def test_versions_line_up_by_number_and_other_frameworks_do_not_count(app, sheet):
    seed(sheet, b=[])
    newer = factories.make_framework("sheet-framework", version=2)
    unrelated = factories.make_framework("unrelated-framework")
    for framework, name in ((newer, "newer"), (unrelated, "unrelated")):
        person = factories.make_user(f"agg-{name}@example.org")
        factories.add_member(sheet.cohort, person)
        levels = {lv.value: lv.id for lv in framework.levels}
        db.session.add(SelfAssessment(
            user_id=person.id, checkpoint_id=sheet.open_checkpoint.id,
            framework_id=framework.id, status=SUBMITTED, changes=[],
            ratings=[Rating(competency_id=c.id, level_id=levels[4])
                     for c in framework.competencies],
        ))
    db.session.commit()
    first = Tables(overview_page(sheet)).table("ratings-programme", "Mid-year")[0]
    assert first == ["1. Competency 1", "7", "1", "2", "2", "2", "2.71"]


@pytest.mark.parametrize("role", ["member", "facilitator", "other_facilitator", "admin",
                                  "other_lead"])
def test_only_the_programmes_leads_get_in(app, sheet, role):
    seed(sheet)
    if role == "admin":
        user = factories.make_user("agg-admin@example.org", admin=True)
    elif role == "other_lead":
        user = factories.make_user("agg-other-lead@example.org")
        factories.make_program("Another Programme", lead=user)
    else:
        user = getattr(sheet, role)
    db.session.commit()
    response = login_client(user).get(f"/programs/{sheet.program.id}/ratings")
    assert response.status_code == 404


def test_programme_page_links_leads_only(app, sheet):
    admin = factories.make_user("agg-admin@example.org", admin=True)
    db.session.commit()
    url = f"/programs/{sheet.program.id}/ratings"
    assert url in login_client(sheet.lead).get(f"/programs/{sheet.program.id}").text
    assert url not in login_client(admin).get(f"/programs/{sheet.program.id}").text


def test_statement_count_does_not_grow_with_data(app, sheet, count_queries):
    seed(sheet, tag="-small")
    client = login_client(sheet.lead)
    url = f"/programs/{sheet.program.id}/ratings"

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    small = statements()
    for n in range(3):
        seed(sheet, tag=f"-large{n}")
        factories.make_cohort(sheet.program, f"Grown cohort {n}")
        factories.make_checkpoint(sheet.program, f"Grown checkpoint {n}", 10 + n)
        extra = factories.make_user(f"agg-fac{n}@example.org")
        factories.add_member(sheet.cohort, extra, FACILITATOR)
    db.session.commit()
    assert statements() == small


# --- figures that cannot be differenced (issue 17) --------------------------------------------


def main_of(html: str) -> str:
    """The page's own content (the layout around it holds a fresh CSRF token each time)."""
    return html[html.index('<main id="main"'):html.index("</main>")]


def ratings_sheet(client, sheet) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/programs/{sheet.program.id}/participation.xlsx").data))
    return [[cell.value for cell in row] for row in book["Ratings"].iter_rows()]


def looks(client, sheet) -> tuple:
    """Everything a program lead can read of the ratings: the page, the CSV, the XLSX sheet."""
    page = client.get(f"/programs/{sheet.program.id}/ratings")
    csv_file = client.get(f"/programs/{sheet.program.id}/ratings.csv")
    assert page.status_code == csv_file.status_code == 200
    return main_of(page.text), csv_file.data, ratings_sheet(client, sheet)


def submit_worksheet(sheet, tag: str, values: list[int]) -> None:
    """One more person of cohort A submits Mid-year through the worksheet page."""
    person = factories.make_user(f"agg-late-{tag}@example.org")
    factories.add_member(sheet.cohort, person)
    db.session.commit()
    ratings = dict(zip(sheet.competency_ids, values, strict=True))
    response = login_client(person).post(f"/checkpoints/{sheet.open_checkpoint.id}/worksheet",
                                         data=form_data(sheet, ratings, action="submit"))
    assert response.status_code == 302, response.text[:500]


def test_no_two_looks_while_a_checkpoint_is_open_differ_by_one_persons_ratings(app, sheet):
    seed(sheet, close=False)  # 9 people have submitted Mid-year, which is still open
    client = login_client(sheet.lead)
    first = looks(client, sheet)
    page, csv_text = first[0], first[1].decode("utf-8-sig")
    programme = section_html(page, "ratings-programme")
    assert "<strong>Mid-year</strong>: shown when the checkpoint closes" in programme
    assert "· Mid-year:" not in page  # no table for it at all, not even its people count
    # Distinct from a small group: Baseline (closed, nobody submitted) says "fewer than 5".
    assert [row[1:] for row in Tables(page).table("ratings-programme", "Baseline")] == [
        ["fewer than 5", "not shown"]] * 3
    midyear_rows = [line for line in csv_text.splitlines() if ",Mid-year," in line]
    assert len(midyear_rows) == 3 * 3  # the programme and both cohorts, 3 competencies each
    assert all(line.endswith("shown when the checkpoint closes (after 2099-12-31)")
               and ",open,open,open,open,open,open," in line for line in midyear_rows)

    for n, values in enumerate(([4, 4, 4], [1, 1, 1], [2, 3, 4])):
        submit_worksheet(sheet, str(n), values)
        assert looks(client, sheet) == first, f"submission {n} changed what the lead sees"

    close_midyear(sheet)
    closed = looks(client, sheet)
    assert closed != first
    assert "shown when the checkpoint closes" not in closed[0]
    assert Tables(closed[0]).table("ratings-programme", "Mid-year") == [
        ["1. Competency 1", "12", "2", "3", "2", "5", "2.83"],
        ["2. Competency 2", "12", "4", "4", "3", "1", "2.08"],
        ["3. Competency 3", "12", "3", "1", "1", "7", "3.00"],
    ]
    assert any(row[:4] == ["Whole programme", "Mid-year", "1. Competency 1", 12]
               for row in closed[2])


def test_a_checkpoint_shows_figures_from_the_day_after_it_closes(app, sheet):
    seed(sheet, close=False)
    last_day = sheet.open_checkpoint.closes_on
    on_last_day = aggregates.program_overview(sheet.program, today=last_day)
    day_after = aggregates.program_overview(sheet.program, today=last_day + timedelta(1))
    mid = {t.checkpoint_name: t for t in on_last_day.groups[0].tables}["Mid-year"]
    assert mid.pending and mid.open_until == last_day
    assert all(row.cell == aggregates.PENDING for row in mid.rows)
    mid = {t.checkpoint_name: t for t in day_after.groups[0].tables}["Mid-year"]
    assert not mid.pending and mid.rows[0].cell.people == 9
    # An open checkpoint's counts never leave the database.
    open_counts = queries.rating_counts(sheet.program.id, sheet.framework.id,
                                        closed_before=last_day)
    assert [c for c in open_counts if c.checkpoint_id == sheet.open_checkpoint.id] == []
