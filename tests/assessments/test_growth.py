"""The growth page: the table, the changed markers, the chart (a line per competency told
apart by colour, shape, dash and name), the changes in words, and a single checkpoint's
baseline."""

from __future__ import annotations

import itertools
import re

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
    assert len(set(re.findall(r'class="series series-([\w-]+)"', html))) == 3  # three shapes
    names = re.findall(r'<text class="series-label"[^>]*>([^<]+)</text>', html)
    assert sorted(names) == ["Competency 1", "Competency 2", "Competency 3"]
    assert "↑</span> +2" in html and "↓</span> -2" in html
    changes = re.findall(r"<li>(Competency \d: [^<]+)</li>", html.replace("&#8594;", "→"))
    assert changes == ["Competency 1: Baseline 1 → Mid-year 3 (+2)",
                       "Competency 2: Baseline 2 → Mid-year 2 (no change)",
                       "Competency 3: Baseline 3 → Mid-year 1 (-2)"]
    assert "One checkpoint so far" not in html
    assert "no change since the previous checkpoint" in html
    assert html.index("Baseline") < html.index("Mid-year")


def test_one_checkpoint_is_a_labelled_baseline_not_a_line(app, login_as, sheet):
    make_assessment(sheet, sheet.member, sheet.closed_checkpoint, [1, 2, 3])
    html = login_as(sheet.member).get(f"/programs/{sheet.program.id}/growth").text
    assert "One checkpoint so far: Baseline is your baseline." in html
    assert "<polyline" not in html and html.count('class="baseline-bar"') == 3
    labels = re.findall(r'<text class="series-label"[^>]*>([^<]+)</text>', html)
    assert labels == ["1 Not very much", "2 To some extent", "3 Mostly"]
    assert 'text-anchor="end">Competency 1</text>' in html


def test_lines_differ_by_more_than_colour_and_names_never_overlap():
    ratings = [GrowthRating(cp, cp * 10, n, f"Competency {n}", 2, "To some extent")
               for cp in (1, 2) for n in range(1, 8)]  # seven lines, all on one level
    data = growth.table([(10, "Baseline"), (20, "Mid-year")], ratings)
    chart = growth.chart(data, [(1, "Not very much"), (2, "To some extent"), (3, "Mostly"),
                                (4, "Completely")])
    assert len({(s.shape, s.dash) for s in chart.series}) == 7
    assert len({s.shape for s in chart.series}) == 7
    ys = sorted(s.label_y for s in chart.series)
    assert all(b - a >= growth.LABEL_GAP for a, b in itertools.pairwise(ys))
    assert ys[0] > 0 and ys[-1] <= chart.height


def test_empty_growth_page(app, login_as, sheet):
    page = login_as(sheet.member).get(f"/programs/{sheet.program.id}/growth")
    assert "No submitted worksheets yet" in page.text
