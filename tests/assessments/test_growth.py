"""The growth page: the table, the changed markers and the chart."""

from __future__ import annotations

from plc.assessments import growth
from plc.assessments.queries import GrowthRating
from tests.assessments.test_visibility import make_assessment


def test_table_marks_changes_since_the_previous_checkpoint():
    ratings = [
        GrowthRating(1, 10, 1, "Delivers results", 1, "Not very much"),
        GrowthRating(2, 20, 1, "Delivers results", 3, "Mostly"),
        GrowthRating(1, 10, 2, "Learns", 3, "Mostly"),
        GrowthRating(2, 20, 2, "Learns", 2, "To some extent"),
    ]
    data = growth.table([(10, "Baseline"), (20, "Mid-year")], ratings)
    first, second = data.rows
    assert [c.value for c in first.cells] == [1, 3]
    assert first.cells[1].arrow == "↑" and first.cells[1].change_text == "+2"
    assert second.cells[1].arrow == "↓" and second.cells[1].change_text == "-1"
    assert first.cells[0].change is None


def test_growth_page_shows_table_chart_and_markers(app, login_as, sheet):
    make_assessment(sheet, sheet.member, sheet.closed_checkpoint, [1, 2, 3])
    make_assessment(sheet, sheet.member, sheet.open_checkpoint, [3, 2, 1])
    page = login_as(sheet.member).get(f"/programs/{sheet.program.id}/growth")
    assert page.status_code == 200
    html = page.text
    assert '<svg role="img" aria-labelledby="growth-chart-title growth-chart-desc"' in html
    assert '<title id="growth-chart-title">' in html and '<desc id="growth-chart-desc">' in html
    assert html.count("<polyline") == 3
    assert "↑</span> +2" in html and "↓</span> -2" in html
    assert "no change since the previous checkpoint" in html
    assert html.index("Baseline") < html.index("Mid-year")


def test_empty_growth_page(app, login_as, sheet):
    page = login_as(sheet.member).get(f"/programs/{sheet.program.id}/growth")
    assert "No submitted worksheets yet" in page.text
