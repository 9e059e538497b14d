"""The framework file format: reading YAML and JSON, and every kind of invalid file refused
with a message that names the place."""

from __future__ import annotations

import copy
import json

import pytest

from plc.rubrics import schema
from tests.rubrics.conftest import SMALL


def broken(change) -> dict:
    data = copy.deepcopy(SMALL)
    change(data)
    return data


def test_a_valid_file_has_no_errors(small):
    assert schema.validate(small) == []


def test_optional_keys_may_be_left_out(small):
    for key in ("description", "question_prompt"):
        del small[key]
    del small["competencies"][0]["guiding_questions"]
    assert schema.validate(small) == []
    assert schema.normalize(small)["description"] == ""


def test_level_keys_from_json_are_the_same_levels(small):
    data = json.loads(json.dumps(small))  # JSON keys are strings: "1"
    assert schema.validate(data) == []
    assert schema.normalize(data) == schema.normalize(small)
    assert schema.content_hash(data) == schema.content_hash(small)


def test_any_number_of_levels_with_their_own_labels(small):
    small["levels"].append({"value": 3, "label": "Expert"})
    for competency in small["competencies"]:
        competency["levels"][3] = ["Teaches it."]
    assert schema.validate(small) == []


INVALID = [
    ("unknown top-level key", lambda d: d.update(colour="blue"), "colour: unknown key"),
    ("missing key", lambda d: d.pop("name"), "name: required"),
    ("blank name", lambda d: d.update(name="  "), "name: required"),
    ("key format", lambda d: d.update(key="My Rubric"),
     "key: use lower-case letters, digits and single hyphens, e.g. k12-leadership"),
    ("wrong type", lambda d: d.update(description=["a"]), "description: must be text, not a list"),
    ("levels not a list", lambda d: d.update(levels={"1": "x"}),
     "levels: must be a list, not a mapping"),
    ("no levels", lambda d: d.update(levels=[]), "levels: must not be empty"),
    ("level label missing", lambda d: d["levels"][1].pop("label"), "levels[1].label: required"),
    ("level value not a number", lambda d: d["levels"][0].update(value="one"),
     "levels[0].value: must be a whole number, not str"),
    ("level value true/false", lambda d: d["levels"][0].update(value=True),
     "levels[0].value: must be a whole number, not true/false"),
    ("duplicate level value", lambda d: d["levels"][1].update(value=1),
     "levels[1].value: level 1 is defined twice"),
    ("unknown level key", lambda d: d["levels"][0].update(colour="red"),
     "levels[0].colour: unknown key"),
    ("duplicate category", lambda d: d["categories"].append("Self"),
     "categories[2]: 'Self' is listed twice"),
    ("empty category", lambda d: d["categories"].append(""),
     "categories[2]: must be a category name (text)"),
    ("unknown category", lambda d: d["competencies"][0].update(category="Leads nobody"),
     "competencies[0].category: 'Leads nobody' is not a category"),
    ("duplicate competency number", lambda d: d["competencies"][1].update(number=1),
     "competencies[1].number: competency 1 is defined twice"),
    ("competency number not a number", lambda d: d["competencies"][1].update(number="2"),
     "competencies[1].number: must be a whole number, not str"),
    ("competency name missing", lambda d: d["competencies"][1].pop("name"),
     "competencies[1].name: required"),
    ("unknown competency key", lambda d: d["competencies"][1].update(colour="red"),
     "competencies[1].colour: unknown key"),
    ("descriptor for an undefined level", lambda d: d["competencies"][1]["levels"].update(
        {5: ["Beyond."]}), "competencies[1].levels: level 5 not defined"),
    ("missing descriptor for a level", lambda d: d["competencies"][0]["levels"].pop(2),
     "competencies[0].levels: no descriptor for level 2"),
    ("level key not a number", lambda d: d["competencies"][0]["levels"].update(top=["x"]),
     "competencies[0].levels: 'top' is not a level number"),
    ("descriptors not a mapping", lambda d: d["competencies"][0].update(levels=["x"]),
     "competencies[0].levels: must be a mapping of level -> bullets, not a list"),
    ("no bullets", lambda d: d["competencies"][0]["levels"].update({1: []}),
     "competencies[0].levels[1]: must have at least one bullet"),
    ("empty bullet", lambda d: d["competencies"][1]["levels"][2].append("  "),
     "competencies[1].levels[2][2]: empty"),
    ("bullet not text", lambda d: d["competencies"][1]["levels"][2].append(3),
     "competencies[1].levels[2][2]: must be text, not a number"),
    ("guiding questions not a list", lambda d: d["competencies"][0].update(
        guiding_questions="Listen?"), "competencies[0].guiding_questions: must be a list of text, "
     "not str"),
    ("name too long", lambda d: d.update(name="x" * 201), "name: longer than 200 characters"),
    ("competency not a mapping", lambda d: d["competencies"].append("Leads"),
     "competencies[2]: must be a mapping"),
]


@pytest.mark.parametrize("change, message", [(c, m) for _, c, m in INVALID],
                         ids=[name for name, _, _ in INVALID])
def test_invalid_file_is_refused_naming_the_place(change, message):
    assert message in schema.validate(broken(change))


def test_every_problem_is_reported_at_once():
    def many(d):
        d.pop("name")
        d["levels"][1].pop("label")
        d["competencies"][0]["category"] = "Leads nobody"

    assert len(schema.validate(broken(many))) == 3


def test_top_level_must_be_a_mapping():
    assert schema.validate(["a"]) == ["(top): must be a mapping"]
    with pytest.raises(schema.FrameworkFileError, match="mapping"):
        schema.load("- a\n- b\n", "list.yaml")


@pytest.mark.parametrize("text, filename, kind", [
    ("key: [unclosed", "f.yaml", "YAML"),
    ('{"key": ', "f.json", "JSON"),
    ('{"key": ', "", "JSON"),
])
def test_unreadable_files_say_which_syntax_failed(text, filename, kind):
    with pytest.raises(schema.FrameworkFileError, match=f"not valid {kind}"):
        schema.load(text, filename)


def test_load_reads_yaml_and_json_by_extension_or_content(small):
    as_yaml, as_json = schema.dump(small, "yaml"), schema.dump(small, "json")
    for text, name in [(as_yaml, "a.yml"), (as_json, "a.json"), (as_yaml, ""), (as_json, "")]:
        assert schema.normalize(schema.load(text, name)) == schema.normalize(small)


def test_dump_keeps_typographic_characters():
    data = broken(lambda d: d.update(name="Leads – “well”"))
    assert "Leads – “well”" in schema.dump(data, "yaml")
    assert "Leads – “well”" in schema.dump(data, "json")
    with pytest.raises(ValueError):
        schema.dump(data, "xml")
