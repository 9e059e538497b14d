"""A draft shown as the rubric page shows a published framework: the same Rubric shape
(queries.Rubric) built from the draft's content instead of rows, so that the preview renders
through the very template of the rubric page. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from plc.assessments.queries import Sheet, SheetCompetency, SheetLevel
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
    framework = _Framework(data["name"] or _("Untitled framework"), data["description"],
                           data["question_prompt"])
    return Rubric(framework, levels, [RubricSection(_Category(n), rows[n]) for n in names])


@dataclass(frozen=True)
class PreviewCheckpoint:
    """Stands in for a checkpoint on the worksheet's preview."""

    name: str = "Preview"
    opens_on: date = field(default_factory=date.today)
    closes_on: date = field(default_factory=date.today)


@dataclass(frozen=True)
class PreviewProgram:
    name: str


def sheet(data: dict) -> Sheet:
    """The draft as the worksheet needs it (queries.Sheet's plain values), with made-up ids:
    levels numbered 1.. in value order, competencies 1.. in order."""
    ordered = sorted(data["levels"], key=lambda lv: lv["value"])
    levels = tuple(SheetLevel(i, lv["value"], lv["label"]) for i, lv in enumerate(ordered, 1))
    competencies = tuple(
        SheetCompetency(
            id=j, number=c["number"], name=c["name"], category=c["category"],
            guiding_questions=tuple(c["guiding_questions"]),
            bullets={lv.id: tuple(c["levels"].get(lv.value, ())) for lv in levels},
        )
        for j, c in enumerate(data["competencies"], start=1)
    )
    grouped: dict[str, list[SheetCompetency]] = {}
    for competency in competencies:
        grouped.setdefault(competency.category, []).append(competency)
    return Sheet(0, data["question_prompt"], levels, competencies,
                 tuple((name, tuple(items)) for name, items in grouped.items()))
