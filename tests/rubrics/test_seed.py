"""The bundled rubric is the seed document, transcribed: compared item by item with the seed
itself, read by a small HTML parser of its own (not the script that made the data file)."""

from __future__ import annotations

from html.parser import HTMLParser

from plc.rubrics import services
from tests.rubrics.conftest import seed_file

BULLET = "■"


class CellParser(HTMLParser):
    """The bold texts and list items of one table cell of the seed."""

    def __init__(self):
        super().__init__()
        self.bold: list[str] = []
        self.items: list[str] = []
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("b", "li"):
            self._in, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag == self._in:
            text = self._text.replace(BULLET, "").strip()
            (self.bold if tag == "b" else self.items).append(text)
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data


def parse_cell(html: str) -> CellParser:
    parser = CellParser()
    parser.feed(html)
    parser.close()
    return parser


def seed_rubric() -> list[dict]:
    """Every competency of the seed: number, name, category, questions, bullets per level."""
    text = seed_file().read_text(encoding="utf-8")
    rubric_part = text.split("INDIVIDUAL REFLECTION WORKSHEET")[0]
    competencies, category = [], None
    for line in rubric_part.splitlines():
        cells = line.split("\t")
        first = parse_cell(cells[0])
        if not first.bold or cells[0].startswith("Competency"):
            continue
        if not first.items:  # a category row: "<b>Leads self</b>" and empty cells
            category = first.bold[0]
            continue
        number, _, name = first.bold[0].partition(". ")
        competencies.append({
            "number": int(number), "name": name, "category": category,
            "questions": first.items,
            "levels": [parse_cell(cell).items for cell in cells[1:]],
        })
    return competencies


def test_the_seed_parser_finds_the_whole_rubric():
    rubric = seed_rubric()
    assert [c["number"] for c in rubric] == [1, 2, 3, 4, 5, 6, 7]
    assert {c["category"] for c in rubric} == {"Leads self", "Leads others", "Leads change"}
    assert all(len(c["levels"]) == 4 and all(c["levels"]) for c in rubric)


def differences(seed: list[dict], framework) -> list[str]:
    found = []
    levels = [level.id for level in framework.levels]
    categories = {c.id: c.name for c in framework.categories}
    stored = {c.number: c for c in framework.competencies}
    if sorted(stored) != [c["number"] for c in seed]:
        found.append(f"competency numbers: {sorted(stored)}")
    for item in seed:
        competency = stored.get(item["number"])
        if competency is None:
            continue
        where = f"competency {item['number']}"
        for label, expected, actual in [
            ("name", item["name"], competency.name),
            ("category", item["category"], categories[competency.category_id]),
            ("guiding questions", item["questions"], competency.guiding_questions),
        ]:
            if expected != actual:
                found.append(f"{where} {label}: {expected!r} != {actual!r}")
        bullets = {d.level_id: d.bullets for d in competency.descriptors}
        cells = zip(levels, item["levels"], strict=True)
        for value, (level_id, expected) in enumerate(cells, start=1):
            if bullets.get(level_id) != expected:
                found.append(f"{where} level {value}: {expected!r} != {bullets.get(level_id)!r}")
    return found


def test_bundled_framework_matches_the_seed_exactly(seed_framework):
    assert differences(seed_rubric(), seed_framework) == []


def test_bundled_framework_levels_categories_and_prompt(seed_framework):
    assert [(lv.value, lv.label) for lv in seed_framework.levels] == [
        (1, "Not very much"), (2, "To some extent"), (3, "Mostly"), (4, "Role model")]
    assert [c.name for c in seed_framework.categories] == [
        "Leads self", "Leads others", "Leads change"]
    assert seed_framework.question_prompt == "Does the individual:"
    assert seed_framework.name == "Leadership competency framework rubric: K-12"
    assert seed_framework.key == services.DEFAULT_KEY


def test_no_html_or_bullet_glyphs_and_typography_kept(seed_framework):
    texts = [seed_framework.description]
    for competency in seed_framework.competencies:
        texts += competency.guiding_questions
        for descriptor in competency.descriptors:
            texts += descriptor.bullets
    joined = "\n".join(texts)
    assert "<" not in joined and BULLET not in joined and "Pages 8 and 9" not in joined
    assert "“standard protocol”" in joined and "Lead – not just manage –" in joined
    assert "system’s" in joined


def test_a_changed_bullet_would_be_found(seed_framework):
    seed = seed_rubric()
    seed[3]["levels"][2][1] = "Something else."
    found = differences(seed, seed_framework)
    assert len(found) == 1 and found[0].startswith("competency 4 level 3:")
