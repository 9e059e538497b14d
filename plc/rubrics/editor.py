"""The framework editor's form, without JavaScript: the whole draft is one form, posted with
the button pressed (save, publish, add, remove, move up/down); this module reads the posted
fields into the file format (docs/frameworks.md) and applies the button. Pure functions: no
database, no request.

Field names: name, key, description, question_prompt; level-<i>-value, level-<i>-label;
category-<i>; comp-<j>-number, comp-<j>-name, comp-<j>-category, comp-<j>-questions (one a
line), comp-<j>-level-<value> (the descriptor bullets, one a line).
"""

from __future__ import annotations

import copy
import re

from plc.formtools import CONTROL_CHARACTERS, TOO_LONG

MIN_LEVELS, MAX_LEVELS = 2, 6
LONG_TEXT = 20_000  # a text area: the description, the questions, a cell's bullets
_ONE_LINE = re.compile(r"^(name|key|question_prompt|level-\d+-label|category-\d+|"
                       r"comp-\d+-(name|category))$")
_LIMITS = {"key": 100, "label": 100}  # else 200 for one line (schema.MAX_LENGTHS)


def empty() -> dict:
    """A new framework: two unnamed levels, nothing else."""
    return {"key": "", "name": "", "description": "", "question_prompt": "",
            "levels": [{"value": 1, "label": ""}, {"value": 2, "label": ""}],
            "categories": [], "competencies": []}


def _text(value) -> str:
    """Text as the editor keeps it: control characters dropped, line breaks as \\n; spaces
    kept (the content's hash, and so its version, depends on every character)."""
    text = str(value) if value is not None else ""
    return CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def too_long(form) -> list[str]:
    """The posted fields longer than they may be, in the house's words; nothing is saved
    then."""
    found = []
    for name in form:
        value = form.get(name) or ""
        if _ONE_LINE.match(name):
            limit = _LIMITS.get(name.rsplit("-", 1)[-1] if name.startswith("level-") else name,
                                200)
        elif name in ("description",) or name.startswith("comp-"):
            limit = LONG_TEXT
        else:
            continue
        if len(value) > limit:
            found.append(f"{name}: " + TOO_LONG % {"max": limit, "length": len(value)})
    return found


def _lines(value) -> list[str]:
    return [line for line in _text(value).split("\n") if line.strip()]


def _number(value, fallback):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return fallback


def read(form) -> dict:
    """The draft as posted: ``form`` is a MultiDict (request.form)."""
    levels = []
    i = 0
    while f"level-{i}-value" in form:
        levels.append({"value": _number(form.get(f"level-{i}-value"), i + 1),
                       "label": _text(form.get(f"level-{i}-label"))})
        i += 1
    categories = []
    i = 0
    while f"category-{i}" in form:
        categories.append(_text(form.get(f"category-{i}")))
        i += 1
    competencies = []
    j = 0
    while f"comp-{j}-name" in form:
        p = f"comp-{j}-"
        competencies.append({
            "number": _number(form.get(p + "number"), j + 1),
            "name": _text(form.get(p + "name")),
            "category": _text(form.get(p + "category")),
            "guiding_questions": _lines(form.get(p + "questions")),
            # By the level's place, not its value: a value changed in the same post keeps
            # its descriptors.
            "levels": {lv["value"]: _lines(form.get(f"{p}level-{i}"))
                       for i, lv in enumerate(levels)},
        })
        j += 1
    return {"key": _text(form.get("key")).strip(), "name": _text(form.get("name")),
            "description": _text(form.get("description")),
            "question_prompt": _text(form.get("question_prompt")),
            "levels": levels, "categories": categories, "competencies": competencies}


def loaded(data) -> dict:
    """Stored or uploaded content as the editor shows it, whatever its shape (an uploaded
    file may be anything): every key there with its type, level keys as numbers (JSON keeps
    them as text); what does not fit is left out."""
    data = data if isinstance(data, dict) else {}
    levels = [{"value": _number(lv.get("value"), i + 1), "label": _text(lv.get("label"))}
              for i, lv in enumerate(_list(data.get("levels"))) if isinstance(lv, dict)]
    competencies = []
    for j, c in enumerate(_list(data.get("competencies"))):
        if not isinstance(c, dict):
            continue
        cells = c.get("levels") if isinstance(c.get("levels"), dict) else {}
        competencies.append({
            "number": _number(c.get("number"), j + 1), "name": _text(c.get("name")),
            "category": _text(c.get("category")),
            "guiding_questions": [_text(q) for q in _list(c.get("guiding_questions"))],
            "levels": {_number(k, k): [_text(b) for b in _list(v)] for k, v in cells.items()},
        })
    return {"key": _text(data.get("key")), "name": _text(data.get("name")),
            "description": _text(data.get("description")),
            "question_prompt": _text(data.get("question_prompt")),
            "levels": levels, "categories": [_text(c) for c in _list(data.get("categories"))],
            "competencies": competencies, **_survey_of(data)}


def _survey_of(data: dict) -> dict:
    """The stakeholder survey section (plc/voice), carried through as it is: the editor shows
    no field for it, publishing validates it against the competencies."""
    return {"survey": data["survey"]} if isinstance(data.get("survey"), dict) else {}


def with_survey_of(previous, data: dict) -> dict:
    """``data`` as posted by the editor's form, keeping the survey of the draft it replaces."""
    return {**data, **_survey_of(previous if isinstance(previous, dict) else {})}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def apply(data: dict, action: str) -> dict:
    """The draft after the button ``action``: "add-level", "remove-level", "add-category",
    "remove-category-<i>", "up-category-<i>", "down-category-<i>", "add-competency",
    "remove-competency-<j>", "up-competency-<j>", "down-competency-<j>",
    "move-category-<i>-to-<k>", "move-competency-<j>-to-<k>"; anything else
    (save, publish) changes nothing."""
    data = copy.deepcopy(data)
    levels, categories, comps = data["levels"], data["categories"], data["competencies"]
    verb, _, rest = action.partition("-")
    what, _, index = rest.partition("-")
    i = _number(index, -1)
    if action == "add-level" and len(levels) < MAX_LEVELS:
        value = max((lv["value"] for lv in levels), default=0) + 1
        levels.append({"value": value, "label": ""})
        for c in comps:
            c["levels"][value] = []
    elif action == "remove-level" and len(levels) > MIN_LEVELS:
        gone = levels.pop()["value"]
        for c in comps:
            c["levels"].pop(gone, None)
    elif action == "add-category":
        categories.append("")
    elif action == "add-competency":
        number = max((c["number"] for c in comps if isinstance(c["number"], int)), default=0) + 1
        comps.append({"number": number, "name": "",
                      "category": categories[-1] if categories else "",
                      "guiding_questions": [],
                      "levels": {lv["value"]: [] for lv in levels}})
    elif verb == "move" and what in ("category", "competency"):
        # "move-competency-<i>-to-<j>": a drag and drop (plc/static/js/framework_editor.js).
        source, _, target = index.partition("-to-")
        items = categories if what == "category" else comps
        i, j = _number(source, -1), _number(target, -1)
        if 0 <= i < len(items) and 0 <= j < len(items):
            items.insert(j, items.pop(i))
    elif what in ("category", "competency"):
        items = categories if what == "category" else comps
        if 0 <= i < len(items):
            if verb == "remove":
                items.pop(i)
            elif verb == "up" and i > 0:
                items[i - 1], items[i] = items[i], items[i - 1]
            elif verb == "down" and i < len(items) - 1:
                items[i + 1], items[i] = items[i], items[i + 1]
    return data


def focus_after(action: str, data: dict) -> str | None:
    """The id of the button or field the keyboard should land on after ``action``, so that
    pressing "Move up" again moves the same item again."""
    verb, _, rest = action.partition("-")
    what, _, index = rest.partition("-")
    i = _number(index, -1)
    if verb in ("up", "down") and what in ("category", "competency"):
        count = len(data["categories"] if what == "category" else data["competencies"])
        j = max(0, i - 1) if verb == "up" else min(count - 1, i + 1)
        return f"{verb}-{what}-{j}"
    if action == "add-category":
        return f"category-{len(data['categories']) - 1}"
    if action == "add-competency":
        return f"comp-{len(data['competencies']) - 1}-name"
    if action == "add-level":
        return f"level-{len(data['levels']) - 1}-label"
    return None
