"""The framework editor's form, without JavaScript: the whole draft is one form, posted with
the button pressed (save, publish, add, remove, move up/down); this module reads the posted
fields into the file format (docs/frameworks.md) and applies the button. Pure functions: no
database, no request.

Field names: name, key, description, question_prompt; level-<i>-value, level-<i>-label;
category-<i>; comp-<j>-number, comp-<j>-name, comp-<j>-category, comp-<j>-questions (one a
line), comp-<j>-level-<value> (the descriptor bullets, one a line).

The optional stakeholder survey (plc/voice; the file's ``survey`` section): survey-on (present
when the draft has one), survey-language (one hidden field per language, in order),
survey-level-<i>-<lang> (the words of the level at place i), survey-dont_know-<lang>;
per competency comp-<j>-in-survey (present when the survey asks about it),
comp-<j>-statement-<k>-<lang> and comp-<j>-open-<lang>.
"""

from __future__ import annotations

import copy
import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from plc.formtools import CONTROL_CHARACTERS, TOO_LONG
from plc.rubrics.schema import SURVEY_LANGUAGES

MIN_LEVELS, MAX_LEVELS = 2, 6
LONG_TEXT = 20_000  # a text area: the description, the questions, a cell's bullets
_ONE_LINE = re.compile(r"^(name|key|question_prompt|level-\d+-label|category-\d+|"
                       r"comp-\d+-(name|category))$")
_LIMITS = {"key": 100, "label": 100}  # else 200 for one line (schema.MAX_LENGTHS)
# The survey's languages as the editor names them (its own page is in the site's language).
LANGUAGE_NAMES = {"en": _l("English"), "es": _l("Spanish")}


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
        elif name in ("description",) or name.startswith(("comp-", "survey-")):
            limit = LONG_TEXT
        else:
            continue
        if len(value) > limit:
            found.append(f"{name}: " + gettext(TOO_LONG, max=limit, length=len(value)))
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
            "levels": levels, "categories": categories, "competencies": competencies,
            **_read_survey(form, levels, competencies)}


def _read_survey(form, levels: list[dict], competencies: list[dict]) -> dict:
    """The survey section as posted: {} when the draft has none. Words follow their level's
    place and statements their competency's place, as descriptors do, so that a number or
    value changed in the same post keeps them."""
    if "survey-on" not in form:
        return {}
    languages = list(dict.fromkeys(_text(lang).strip() for lang in form.getlist("survey-language")))

    def translated(prefix: str) -> dict:
        return {lang: _text(form.get(f"{prefix}-{lang}")) for lang in languages}

    items = []
    for j, competency in enumerate(competencies):
        p = f"comp-{j}-"
        if p + "in-survey" not in form:
            continue
        statements = []
        k = 0
        while any(f"{p}statement-{k}-{lang}" in form for lang in languages):
            statements.append(translated(f"{p}statement-{k}"))
            k += 1
        items.append({"number": competency["number"], "statements": statements,
                      "open_question": translated(p + "open")})
    return {"survey": {
        "languages": languages,
        "levels": {lv["value"]: translated(f"survey-level-{i}") for i, lv in enumerate(levels)},
        "dont_know": translated("survey-dont_know"),
        "competencies": items,
    }}


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
    """The stakeholder survey section (plc/voice) as the editor shows it: texts as text, level
    keys as numbers; what does not fit is left out (publishing validates the rest against the
    competencies, as an import does)."""
    survey = data.get("survey")
    if not isinstance(survey, dict):
        return {}
    words = survey.get("levels") if isinstance(survey.get("levels"), dict) else {}
    return {"survey": {
        "languages": [_text(lang) for lang in _list(survey.get("languages"))],
        "levels": {_number(k, k): _translated(v) for k, v in words.items()},
        "dont_know": _translated(survey.get("dont_know")),
        "competencies": [
            {"number": _number(item.get("number"), item.get("number")),
             "statements": [_translated(s) for s in _list(item.get("statements"))],
             "open_question": _translated(item.get("open_question"))}
            for item in _list(survey.get("competencies")) if isinstance(item, dict)],
    }}


def _translated(value) -> dict:
    """language -> text."""
    return {_text(k): _text(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def apply(data: dict, action: str) -> dict:
    """The draft after the button ``action``: "add-level", "remove-level", "add-category",
    "remove-category-<i>", "up-category-<i>", "down-category-<i>", "add-competency",
    "remove-competency-<j>", "up-competency-<j>", "down-competency-<j>",
    "move-category-<i>-to-<k>", "move-competency-<j>-to-<k>", and the survey's (see
    _apply_to_survey); anything else (save, publish) changes nothing."""
    data = copy.deepcopy(data)
    levels, categories, comps = data["levels"], data["categories"], data["competencies"]
    verb, _, rest = action.partition("-")
    what, _, index = rest.partition("-")
    i = _number(index, -1)
    if what in ("survey", "language", "statement"):
        return _apply_to_survey(data, verb, what, index)
    if verb == "remove" and what == "competency" and 0 <= i < len(comps):
        _forget_in_survey(data, comps[i]["number"], keep=comps[:i] + comps[i + 1:])
    if action == "add-level" and len(levels) < MAX_LEVELS:
        value = max((lv["value"] for lv in levels), default=0) + 1
        levels.append({"value": value, "label": ""})
        for c in comps:
            c["levels"][value] = []
        if "survey" in data:
            data["survey"]["levels"][value] = _blank(data["survey"]["languages"])
    elif action == "remove-level" and len(levels) > MIN_LEVELS:
        gone = levels.pop()["value"]
        for c in comps:
            c["levels"].pop(gone, None)
        if "survey" in data:
            data["survey"]["levels"].pop(gone, None)
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
    if what == "competency" and "survey" in data:
        _follow_competencies(data)
    return data


def _apply_to_survey(data: dict, verb: str, what: str, index: str) -> dict:
    """The survey's buttons: "add-survey", "remove-survey", "add-language-<lang>",
    "remove-language-<lang>" (English stays: the survey's source language),
    "add-statement-<j>" (asks about competency j, if the survey did not),
    "remove-statement-<j>-<k>", "leave-survey-<j>" (the survey no longer asks about
    competency j). ``data`` is a copy."""
    survey = data.get("survey")
    if what == "survey" and verb == "add" and survey is None:
        data["survey"] = {"languages": list(SURVEY_LANGUAGES),
                          "levels": {lv["value"]: _blank(SURVEY_LANGUAGES)
                                     for lv in data["levels"]},
                          "dont_know": _blank(SURVEY_LANGUAGES), "competencies": []}
        for j in range(len(data["competencies"])):
            _survey_item(data, j)["statements"].append(_blank(SURVEY_LANGUAGES))
    elif survey is None:
        return data
    elif what == "survey" and verb == "remove":
        del data["survey"]
    elif what == "language" and index in SURVEY_LANGUAGES:
        if verb == "add" and index not in survey["languages"]:
            survey["languages"].append(index)
        elif verb == "remove" and index != "en" and index in survey["languages"]:
            survey["languages"].remove(index)
        for text in _texts(survey):  # a new language's fields start empty
            text.pop(index, None)
            if index in survey["languages"]:
                text[index] = ""
    elif what == "statement":
        j, _, k = index.partition("-")
        j, k = _number(j, -1), _number(k, -1)
        if 0 <= j < len(data["competencies"]):
            statements = _survey_item(data, j)["statements"]
            if verb == "add":
                statements.append(_blank(survey["languages"]))
            elif verb == "remove" and 0 <= k < len(statements):
                statements.pop(k)
    elif verb == "leave":  # "leave-survey-<j>"
        j = _number(index, -1)
        if 0 <= j < len(data["competencies"]):
            _forget_in_survey(data, data["competencies"][j]["number"],
                              keep=data["competencies"][:j] + data["competencies"][j + 1:])
    return data


def _blank(languages) -> dict:
    return {lang: "" for lang in languages}


def _texts(survey: dict) -> list[dict]:
    """Every language -> text mapping of the survey."""
    return [*survey["levels"].values(), survey["dont_know"],
            *(text for item in survey["competencies"]
              for text in [*item["statements"], item["open_question"]])]


def survey_item(data: dict, number) -> dict | None:
    """The survey's questions about competency ``number``; None when it asks none."""
    survey = data.get("survey") or {}
    return next((item for item in survey.get("competencies", [])
                 if item["number"] == number), None)


def _survey_item(data: dict, j: int) -> dict:
    """The survey's questions about competency j, made (with no statement yet) if need be."""
    number = data["competencies"][j]["number"]
    item = survey_item(data, number)
    if item is None:
        item = {"number": number, "statements": [],
                "open_question": _blank(data["survey"]["languages"])}
        data["survey"]["competencies"].append(item)
        _follow_competencies(data)
    return item


def _forget_in_survey(data: dict, number, keep: list[dict]) -> None:
    """The survey stops asking about competency ``number`` (unless another competency in
    ``keep`` holds that number too)."""
    if "survey" in data and number not in {c["number"] for c in keep}:
        data["survey"]["competencies"] = [item for item in data["survey"]["competencies"]
                                          if item["number"] != number]


def _follow_competencies(data: dict) -> None:
    """The survey's competencies in the framework's order (as the form posts them)."""
    order = {c["number"]: j for j, c in reversed(list(enumerate(data["competencies"])))}
    data["survey"]["competencies"].sort(key=lambda item: order.get(item["number"], len(order)))


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
    return _survey_focus(verb, what, index, data)


def _survey_focus(verb: str, what: str, index: str, data: dict) -> str | None:
    survey = data.get("survey")
    if what == "survey" and verb == "add":
        return "survey-level-0-en" if data["levels"] else "remove-survey"
    if what == "survey" and verb == "remove":
        return "add-survey"
    if survey is None:
        return None
    if what == "language":
        return f"survey-dont_know-{index}" if verb == "add" else "survey-dont_know-en"
    j = _number(index.partition("-")[0], -1)
    if not 0 <= j < len(data["competencies"]):
        return None
    if what == "statement" and verb == "add":
        k = len(survey_item(data, data["competencies"][j]["number"])["statements"]) - 1
        return f"comp-{j}-statement-{k}-{survey['languages'][0]}"
    if what == "statement" or verb == "leave":
        return f"add-statement-{j}"
    return None


_SURVEY_PLACE = re.compile(r"^survey(?:\.competencies\[(\d+)\])?((?:\.[a-z_]+|\[[^\]]*\])*): ")
_PLACE_WORDS = {"statements": _l("statements"), "open_question": _l("open question"),
                "levels": _l("answer words"), "dont_know": _l("“I don’t know”"),
                "languages": _l("languages"), "number": _l("number")}


def in_words(problem: str, data: dict) -> str:
    """A survey problem's place in the editor's words: "survey.competencies[2].statements[1].es:
    required" -> "Survey, competency 3, statement 2, Spanish: required" (the competency by its
    number). Other problems are left as they are (the file's places, as an import names
    them)."""
    found = _SURVEY_PLACE.match(problem)
    if not found:
        return problem
    words = [str(_l("Survey"))]
    if found.group(1) is not None:
        items = (data.get("survey") or {}).get("competencies") or []
        i = int(found.group(1))
        number = items[i].get("number") if i < len(items) and isinstance(items[i], dict) else i + 1
        words.append(gettext("competency %(number)s", number=number))
    previous = ""
    for name, index in re.findall(r"\.([a-z_]+)|\[([^\]]*)\]", found.group(2)):
        if index and previous == "levels":  # the words are keyed by the level's value
            words[-1] = gettext("answer words for level %(value)s", value=index)
        elif index and previous == "statements" and index.isdigit():  # counted from 1
            words[-1] = gettext("statement %(n)s", n=int(index) + 1)
        elif index:
            words[-1] += f" [{index}]"
        elif name in LANGUAGE_NAMES:
            words.append(str(LANGUAGE_NAMES[name]))
        else:
            words.append(str(_PLACE_WORDS.get(name, name)))
        previous = name or previous
    return ", ".join(words) + problem[found.end() - 2:]
