"""The framework file format (YAML or JSON), documented in docs/frameworks.md.

``load`` reads a file into plain data, ``validate`` lists every problem with the place it is
found (``competencies[3].levels: level 5 not defined``), ``normalize`` fills the optional keys
so that a valid file and its export compare equal, ``dump`` writes the format back.
"""

from __future__ import annotations

import hashlib
import json
import re

import yaml
from flask_babel import gettext as _

from plc.formtools import CONTROL_CHARACTERS

TOP_KEYS = ("key", "name", "description", "question_prompt", "levels", "categories",
            "competencies", "survey")
REQUIRED_TOP_KEYS = ("key", "name", "levels", "categories", "competencies")
LEVEL_KEYS = ("value", "label")
COMPETENCY_KEYS = ("number", "name", "category", "guiding_questions", "levels")
REQUIRED_COMPETENCY_KEYS = ("number", "name", "category", "levels")
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# The columns' lengths in plc/rubrics/models.py.
MAX_LENGTHS = {"key": 100, "name": 200, "question_prompt": 200, "label": 100, "category": 200}
FORMATS = ("yaml", "json")


class FrameworkFileError(ValueError):
    """The file is not YAML or JSON at all, or not a mapping at the top."""


def load(text: str, filename: str = "") -> dict:
    """Parse ``text`` as JSON or YAML: by the file name's extension, else by its first
    character (a JSON file starts with ``{``)."""
    as_json = filename.lower().endswith(".json") or (
        not filename.lower().endswith((".yaml", ".yml")) and text.lstrip().startswith("{")
    )
    try:
        data = json.loads(text) if as_json else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        kind = "JSON" if as_json else "YAML"
        raise FrameworkFileError(_("not valid %(kind)s: %(error)s", kind=kind,
                                   error=_first_line(exc))) from exc
    if not isinstance(data, dict):
        raise FrameworkFileError(_("the file must hold a mapping (key: value pairs) at the top"))
    return data


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def dump(data: dict, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        # Unicode as is (the seed's curly quotes and dashes), no line folding, file order kept.
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


# --- validation ---------------------------------------------------------------------------


def validate(data) -> list[str]:
    """Every problem in ``data``, each naming its place; an empty list means valid."""
    if not isinstance(data, dict):
        return ["(top): " + _("must be a mapping")]
    errors: list[str] = []
    errors += [f"{key}: " + _("unknown key") for key in data if key not in TOP_KEYS]
    errors += [f"{key}: " + _("required") for key in REQUIRED_TOP_KEYS if key not in data]
    _check_text(errors, data, "key", "key", required=True)
    if isinstance(data.get("key"), str) and data["key"] and not KEY_PATTERN.match(data["key"]):
        errors.append("key: " + _("use lower-case letters, digits and single hyphens, "
                                  "e.g. k12-leadership"))
    _check_text(errors, data, "name", "name", required=True)
    _check_text(errors, data, "description", "description")
    _check_text(errors, data, "question_prompt", "question_prompt")
    level_values = _check_levels(errors, data.get("levels"))
    categories = _check_categories(errors, data.get("categories"))
    _check_competencies(errors, data.get("competencies"), level_values, categories)
    if "survey" in data:
        errors += survey_problems(data["survey"], data.get("competencies"), level_values)
    errors += _control_characters(data, "")
    return errors


def _control_characters(value, place: str) -> list[str]:
    """Every text, key or value, holding a control character (databases refuse NUL in
    text, and no framework means a bell or an escape), by its place."""
    if isinstance(value, dict):
        return [problem for key, item in value.items()
                for problem in _control_characters(key, place or "(top)")
                + _control_characters(item, f"{place}.{key}" if place else str(key))]
    if isinstance(value, list):
        return [problem for i, item in enumerate(value)
                for problem in _control_characters(item, f"{place}[{i}]")]
    if isinstance(value, str) and (found := CONTROL_CHARACTERS.search(value)):
        return [f"{place}: " + _("holds the control character %(code)s",
                                 code=f"U+{ord(found.group()):04X}")]
    return []


def _check_text(errors, mapping: dict, key: str, place: str, required: bool = False,
                limit: str | None = None) -> None:
    """A string field: the right type, not blank when required, within its column's length."""
    if key not in mapping:
        return
    value = mapping[key]
    if not isinstance(value, str):
        errors.append(f"{place}: " + _("must be text, not %(type)s", type=_type_name(value)))
    elif required and not value.strip():
        errors.append(f"{place}: " + _("required"))
    elif len(value) > MAX_LENGTHS.get(limit or key, 1_000_000):
        errors.append(f"{place}: " + _("longer than %(max)s characters",
                                       max=MAX_LENGTHS[limit or key]))


def _type_name(value) -> str:
    return {dict: _("a mapping"), list: _("a list"), bool: _("true/false"), type(None): _("empty"),
            int: _("a number"), float: _("a number")}.get(type(value), type(value).__name__)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # YAML's yes/true are bools


def _check_list(errors, value, place: str) -> bool:
    if value is None:
        return False  # reported as "required" already
    if not isinstance(value, list):
        errors.append(f"{place}: " + _("must be a list, not %(type)s", type=_type_name(value)))
        return False
    if not value:
        errors.append(f"{place}: " + _("must not be empty"))
        return False
    return True


def _check_levels(errors, levels) -> set[int]:
    values: set[int] = set()
    if not _check_list(errors, levels, "levels"):
        return values
    for i, level in enumerate(levels):
        place = f"levels[{i}]"
        if not isinstance(level, dict):
            errors.append(f"{place}: " + _("must be a mapping with value and label"))
            continue
        errors += [f"{place}.{k}: " + _("unknown key") for k in level if k not in LEVEL_KEYS]
        errors += [f"{place}.{k}: " + _("required") for k in LEVEL_KEYS if k not in level]
        _check_text(errors, level, "label", f"{place}.label", required=True)
        value = level.get("value")
        if "value" in level and not _is_int(value):
            errors.append(f"{place}.value: " + _("must be a whole number, not %(type)s",
                                                 type=_type_name(value)))
        elif _is_int(value):
            if value in values:
                errors.append(f"{place}.value: " + _("level %(value)s is defined twice",
                                                     value=value))
            values.add(value)
    return values


def _check_categories(errors, categories) -> set[str]:
    names: set[str] = set()
    if not _check_list(errors, categories, "categories"):
        return names
    for i, name in enumerate(categories):
        place = f"categories[{i}]"
        if not isinstance(name, str) or not name.strip():
            errors.append(f"{place}: " + _("must be a category name (text)"))
        elif name in names:
            errors.append(f"{place}: " + _("%(name)s is listed twice", name=repr(name)))
        elif len(name) > MAX_LENGTHS["category"]:
            errors.append(f"{place}: " + _("longer than %(max)s characters",
                                           max=MAX_LENGTHS['category']))
        else:
            names.add(name)
    return names


def _check_competencies(errors, competencies, level_values: set[int], categories: set[str]):
    if not _check_list(errors, competencies, "competencies"):
        return
    numbers: set[int] = set()
    for i, competency in enumerate(competencies):
        place = f"competencies[{i}]"
        if not isinstance(competency, dict):
            errors.append(f"{place}: " + _("must be a mapping"))
            continue
        errors += [f"{place}.{k}: " + _("unknown key")
                   for k in competency if k not in COMPETENCY_KEYS]
        errors += [f"{place}.{k}: " + _("required") for k in REQUIRED_COMPETENCY_KEYS
                   if k not in competency]
        number = competency.get("number")
        if "number" in competency and not _is_int(number):
            errors.append(f"{place}.number: " + _("must be a whole number, not %(type)s",
                                                  type=_type_name(number)))
        elif _is_int(number):
            if number in numbers:
                errors.append(f"{place}.number: " + _("competency %(number)s is defined twice",
                                                      number=number))
            numbers.add(number)
        _check_text(errors, competency, "name", f"{place}.name", required=True)
        _check_category(errors, competency, place, categories)
        _check_bullets(errors, competency.get("guiding_questions", []),
                       f"{place}.guiding_questions", allow_empty=True)
        _check_descriptors(errors, competency.get("levels"), f"{place}.levels", level_values)


def _check_category(errors, competency: dict, place: str, categories: set[str]) -> None:
    category = competency.get("category")
    if "category" not in competency:
        return
    if not isinstance(category, str):
        errors.append(f"{place}.category: " + _("must be text, not %(type)s",
                                                type=_type_name(category)))
    elif categories and category not in categories:
        errors.append(f"{place}.category: " + _("%(category)s is not a category",
                                                category=repr(category)))


def _check_descriptors(errors, descriptors, place: str, level_values: set[int]) -> None:
    """``levels`` of a competency: level value -> the bullets of that cell, one per level."""
    if descriptors is None:
        return
    if not isinstance(descriptors, dict):
        errors.append(f"{place}: " + _("must be a mapping of level -> bullets, not %(type)s",
                                       type=_type_name(descriptors)))
        return
    seen: set[int] = set()
    for raw_key, bullets in descriptors.items():
        value = _level_key(raw_key)
        if value is None:
            errors.append(f"{place}: " + _("%(key)s is not a level number", key=repr(raw_key)))
            continue
        if value in seen:
            errors.append(f"{place}: " + _("level %(value)s is given twice", value=value))
        seen.add(value)
        if level_values and value not in level_values:
            errors.append(f"{place}: " + _("level %(value)s not defined", value=value))
        _check_bullets(errors, bullets, f"{place}[{value}]")
    for value in sorted(level_values - seen):
        errors.append(f"{place}: " + _("no descriptor for level %(value)s", value=value))


def _level_key(raw) -> int | None:
    """Level keys are numbers in YAML and strings in JSON ("1"): both mean level 1."""
    if _is_int(raw):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw)
    return None


def _check_bullets(errors, bullets, place: str, allow_empty: bool = False) -> None:
    if not isinstance(bullets, list):
        errors.append(f"{place}: " + _("must be a list of text, not %(type)s",
                                       type=_type_name(bullets)))
        return
    if not bullets and not allow_empty:
        errors.append(f"{place}: " + _("must have at least one bullet"))
    for j, bullet in enumerate(bullets):
        if not isinstance(bullet, str):
            errors.append(f"{place}[{j}]: " + _("must be text, not %(type)s",
                                                type=_type_name(bullet)))
        elif not bullet.strip():
            errors.append(f"{place}[{j}]: " + _("empty"))


# --- the optional survey section (stakeholder feedback rounds, plc/voice) ---------------------

SURVEY_KEYS = ("languages", "levels", "dont_know", "competencies")
SURVEY_COMPETENCY_KEYS = ("number", "statements", "open_question")
SURVEY_LANGUAGES = ("en", "es")


def survey_problems(survey, competencies, level_values: set[int]) -> list[str]:
    """Problems of ``survey``: every text in each of its languages, level words for every
    level, and only the framework's own competencies (a survey for another framework is
    refused)."""
    errors: list[str] = []
    if not isinstance(survey, dict):
        return ["survey: " + _("must be a mapping, not %(type)s", type=_type_name(survey))]
    errors += [f"survey.{key}: " + _("unknown key") for key in survey if key not in SURVEY_KEYS]
    errors += [f"survey.{key}: " + _("required") for key in SURVEY_KEYS if key not in survey]
    languages = survey.get("languages")
    if not isinstance(languages, list) or not languages or "en" not in languages:
        errors.append("survey.languages: " + _("a list of languages including en"))
        languages = ["en"]
    for lang in languages:
        if lang not in SURVEY_LANGUAGES:
            errors.append("survey.languages: " + _("%(lang)s is not one of %(languages)s",
                                                   lang=repr(lang),
                                                   languages=", ".join(SURVEY_LANGUAGES)))
    languages = [lang for lang in languages if lang in SURVEY_LANGUAGES]
    words = survey.get("levels")
    if isinstance(words, dict):
        keys = {_level_key(k) for k in words}
        errors += ["survey.levels: " + _("no words for level %(value)s", value=v)
                   for v in sorted(level_values - keys)]
        errors += ["survey.levels: " + _("level %(value)s not defined", value=k) for k in sorted(
            k for k in keys if k is None or (level_values and k not in level_values))]
        for key, text in words.items():
            _check_translated(errors, text, f"survey.levels[{key}]", languages)
    elif "levels" in survey:
        errors.append("survey.levels: " + _("must be a mapping of level -> text per language"))
    if "dont_know" in survey:
        _check_translated(errors, survey["dont_know"], "survey.dont_know", languages)
    numbers = {c.get("number") for c in competencies or [] if isinstance(c, dict)}
    items = survey.get("competencies")
    if not isinstance(items, list) or not items:
        errors.append("survey.competencies: " + _("a list of at least one competency"))
        return errors
    seen: set = set()
    for i, item in enumerate(items):
        place = f"survey.competencies[{i}]"
        if not isinstance(item, dict):
            errors.append(f"{place}: " + _("must be a mapping"))
            continue
        errors += [f"{place}.{k}: " + _("unknown key")
                   for k in item if k not in SURVEY_COMPETENCY_KEYS]
        errors += [f"{place}.{k}: " + _("required")
                   for k in SURVEY_COMPETENCY_KEYS if k not in item]
        number = item.get("number")
        if number not in numbers:
            errors.append(f"{place}.number: " + _("competency %(number)s is not in this framework",
                                                  number=repr(number)))
        elif number in seen:
            errors.append(f"{place}.number: " + _("competency %(number)s is given twice",
                                                  number=number))
        seen.add(number)
        statements = item.get("statements")
        if not isinstance(statements, list) or not statements:
            errors.append(f"{place}.statements: " + _("a list of at least one statement"))
        else:
            for j, text in enumerate(statements):
                _check_translated(errors, text, f"{place}.statements[{j}]", languages)
        if "open_question" in item:
            _check_translated(errors, item["open_question"], f"{place}.open_question", languages)
    return errors


def _check_translated(errors, text, place: str, languages: list[str]) -> None:
    """A text given in every language of the survey."""
    if not isinstance(text, dict):
        errors.append(f"{place}: " + _("must be a mapping of language -> text"))
        return
    for lang in languages:
        value = text.get(lang)
        if not isinstance(value, str) or not value.strip():
            errors.append(f"{place}.{lang}: " + _("required"))
    errors += [f"{place}.{lang}: " + _("not one of the survey's languages") for lang in text
               if lang not in languages]


def _normal_survey(survey: dict) -> dict:
    return {
        "languages": list(survey["languages"]),
        "levels": {_level_key(k): dict(v) for k, v in survey["levels"].items()},
        "dont_know": dict(survey["dont_know"]),
        "competencies": [{"number": c["number"],
                          "statements": [dict(s) for s in c["statements"]],
                          "open_question": dict(c["open_question"])}
                         for c in survey["competencies"]],
    }


# --- normal form ------------------------------------------------------------------------------


def normalize(data: dict) -> dict:
    """A valid file in its normal form: every key present, in the documented order, level keys
    as numbers in level order. The export of an imported file equals this."""
    levels = sorted(data["levels"], key=lambda level: level["value"])  # the database's order
    order = [level["value"] for level in levels]
    return {
        "key": data["key"],
        "name": data["name"],
        "description": data.get("description", ""),
        "question_prompt": data.get("question_prompt", ""),
        "levels": [{"value": lv["value"], "label": lv["label"]} for lv in levels],
        "categories": list(data["categories"]),
        "competencies": [_normal_competency(c, order) for c in data["competencies"]],
        # Only when given: a file without a survey keeps its normal form and content hash.
        **({"survey": _normal_survey(data["survey"])} if data.get("survey") else {}),
    }


def _normal_competency(competency: dict, level_order: list[int]) -> dict:
    cells = {_level_key(k): list(v) for k, v in competency["levels"].items()}
    return {
        "number": competency["number"],
        "name": competency["name"],
        "category": competency["category"],
        "guiding_questions": list(competency.get("guiding_questions", [])),
        "levels": {value: cells[value] for value in level_order},
    }


def content_hash(data: dict) -> str:
    """SHA-256 of the canonical JSON of the normal form: same content, same hash."""
    canonical = json.dumps(normalize(data), ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
