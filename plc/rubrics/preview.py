"""A draft shown as the rubric page shows a published framework: the same Rubric shape
(queries.Rubric) built from the draft's content instead of rows, so that the preview renders
through the very template of the rubric page. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass, field

from plc.rubrics.queries import Rubric, RubricRow, RubricSection


@dataclass(frozen=True)
class _Framework:
    name: str
    description: str
    question_prompt: str
    version: str = "draft (not published)"

    @property
    def label(self) -> str:
        return f"{self.name} (draft)"


@dataclass(frozen=True)
class _Level:
    value: int
    label: str


@dataclass(frozen=True)
class _Category:
    name: str


@dataclass(frozen=True)
class _Competency:
    number: int
    name: str
    guiding_questions: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.number}. {self.name}"


def rubric(data: dict) -> Rubric:
    """Competencies down (under their category, in order; one whose category is not in the
    list is shown under it, named), levels across in value order."""
    levels = sorted((_Level(lv["value"], lv["label"]) for lv in data["levels"]),
                    key=lambda lv: lv.value)
    names = list(dict.fromkeys(data["categories"]))
    for c in data["competencies"]:
        if c["category"] not in names:
            names.append(c["category"])
    rows: dict[str, list[RubricRow]] = {name: [] for name in names}
    for c in data["competencies"]:
        competency = _Competency(c["number"], c["name"], list(c["guiding_questions"]))
        rows[c["category"]].append(RubricRow(
            competency, [list(c["levels"].get(lv.value, [])) for lv in levels]))
    framework = _Framework(data["name"] or "Untitled framework", data["description"],
                           data["question_prompt"])
    return Rubric(framework, levels, [RubricSection(_Category(n), rows[n]) for n in names])
