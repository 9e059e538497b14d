"""The stakeholder survey in the framework editor (issue 19, item 4): its fields read into
the file's ``survey`` section, its buttons, publishing validated by the import's rules with
places in the editor's words, and a published change reaching plc/voice."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from plc.extensions import db
from plc.rubrics import editor, queries, schema, services
from plc.rubrics.models import Framework
from plc.voice import queries as voice_queries
from tests.rubrics.test_editor import FormFields, posted

FIELDS = {"name": "N", "key": "k", "level-0-value": "1", "level-0-label": "Low",
          "level-1-value": "2", "level-1-label": "High", "category-0": "A",
          "comp-0-name": "First", "comp-0-number": "5", "comp-0-category": "A",
          "comp-1-name": "Second", "comp-1-number": "6", "comp-1-category": "A"}


def two_competencies() -> dict:
    data = editor.read(MultiDict(FIELDS))
    assert "survey" not in data  # no survey-on field: no survey
    return data


def test_the_survey_is_read_from_its_fields_by_place():
    form = MultiDict({**FIELDS, "survey-on": "1", "survey-level-0-en": "Rarely",
                      "survey-level-0-es": "Rara vez", "survey-level-1-en": "Often",
                      "survey-level-1-es": "A menudo", "survey-dont_know-en": "Not sure",
                      "survey-dont_know-es": "No sé", "comp-1-in-survey": "1",
                      "comp-1-statement-0-en": "One.\r\n", "comp-1-statement-0-es": "Uno.",
                      "comp-1-statement-1-en": "Two.", "comp-1-statement-1-es": "",
                      "comp-1-open-en": "Why?", "comp-1-open-es": "¿Por qué?",
                      # a competency the survey does not ask about: its fields are ignored
                      "comp-0-statement-0-en": "ignored"})
    form.setlist("survey-language", ["en", "es"])
    assert editor.read(form)["survey"] == {
        "languages": ["en", "es"],
        "levels": {1: {"en": "Rarely", "es": "Rara vez"}, 2: {"en": "Often", "es": "A menudo"}},
        "dont_know": {"en": "Not sure", "es": "No sé"},
        "competencies": [{"number": 6,  # the number posted for competency 2, its place
                          "statements": [{"en": "One.\n", "es": "Uno."},
                                         {"en": "Two.", "es": ""}],
                          "open_question": {"en": "Why?", "es": "¿Por qué?"}}],
    }


def test_the_survey_buttons():
    data = editor.apply(two_competencies(), "add-survey")
    blank = {"en": "", "es": ""}
    assert data["survey"] == {
        "languages": ["en", "es"], "levels": {1: blank, 2: blank}, "dont_know": blank,
        "competencies": [{"number": 5, "statements": [blank], "open_question": blank},
                         {"number": 6, "statements": [blank], "open_question": blank}]}
    assert editor.focus_after("add-survey", data) == "survey-level-0-en"
    assert editor.apply(data, "add-survey") == data  # once only

    # Languages: English stays; removing one drops its texts, adding one gives empty fields.
    assert editor.apply(data, "remove-language-en") == data
    english = editor.apply(data, "remove-language-es")
    assert english["survey"]["languages"] == ["en"]
    assert english["survey"]["competencies"][0]["statements"] == [{"en": ""}]
    assert editor.apply(english, "add-language-es") == data
    assert editor.apply(data, "add-language-xx") == data

    # Statements: added and removed in place; a competency left out and asked about again.
    more = editor.apply(data, "add-statement-1")
    assert len(more["survey"]["competencies"][1]["statements"]) == 2
    assert editor.focus_after("add-statement-1", more) == "comp-1-statement-1-en"
    more["survey"]["competencies"][1]["statements"][0]["en"] = "Keep"
    fewer = editor.apply(more, "remove-statement-1-1")
    assert fewer["survey"]["competencies"][1]["statements"] == [{"en": "Keep", "es": ""}]
    left = editor.apply(data, "leave-survey-0")
    assert [item["number"] for item in left["survey"]["competencies"]] == [6]
    assert editor.focus_after("leave-survey-0", left) == "add-statement-0"
    back = editor.apply(left, "add-statement-0")
    assert [item["number"] for item in back["survey"]["competencies"]] == [5, 6]  # in order

    # The framework's own buttons keep the survey in step.
    moved = editor.apply(more, "down-competency-0")
    assert [item["number"] for item in moved["survey"]["competencies"]] == [6, 5]
    gone = editor.apply(more, "remove-competency-1")
    assert [item["number"] for item in gone["survey"]["competencies"]] == [5]
    assert sorted(editor.apply(data, "add-level")["survey"]["levels"]) == [1, 2, 3]
    assert "survey" not in editor.apply(data, "remove-survey")
    assert editor.focus_after("remove-survey", {"levels": []}) == "add-survey"


def test_the_survey_is_validated_by_the_imports_rules_with_places_in_words():
    data = editor.apply(two_competencies(), "add-survey")
    for j in range(2):
        data["competencies"][j]["levels"] = {1: ["x"], 2: ["y"]}
    problems = schema.validate(data)
    assert "survey.competencies[1].statements[0].es: required" in problems
    words = [editor.in_words(problem, data) for problem in problems]
    assert "Survey, competency 6, statement 1, Spanish: required" in words
    assert "Survey, answer words for level 2, English: required" in words
    assert "Survey, “I don’t know”, Spanish: required" in words
    assert "Survey, competency 5, open question, English: required" in words
    assert editor.in_words("key: required", data) == "key: required"  # the file's place


def test_a_spanish_statement_changed_in_the_editor_reaches_the_survey_of_rounds(
        seed_framework, admin, client, login_as):
    login_as(admin)
    url = client.post(f"/frameworks/{seed_framework.id}/new-version").headers["Location"]
    page = client.get(url).text
    assert "Stakeholder survey" in page and "Mi director(a) une a las personas" in page
    # An empty Spanish statement: refused, named in the editor's words, nothing published.
    before = db.session.scalar(select(func.count()).select_from(Framework))
    response = posted(client, url, "publish", **{"comp-2-statement-1-es": " "})
    assert response.status_code == 422
    assert "Survey, competency 3, statement 2, Spanish: required" in response.text
    assert db.session.scalar(select(func.count()).select_from(Framework)) == before
    new = "Mi director(a) reúne a todos alrededor de metas comunes."
    response = posted(client, url, "publish", **{"comp-2-statement-1-es": new})
    assert response.status_code == 302, response.text
    # No one rated against it: replaced in place (a typo fix), as an import would.
    newest = queries.newest_version(services.DEFAULT_KEY)
    survey = voice_queries.survey(newest.id)
    assert survey.competencies[2].statements[1]["es"] == new
    assert survey.competencies[2].statements[1]["en"] == (
        "My principal brings people together around shared goals.")
    # Export and import back: identical.
    exported = services.export_framework(queries.full_framework(newest.id))
    assert services.import_framework(None, schema.load(services.dump(exported, "json"),
                                                       "x.json"))[1] == services.UNCHANGED


def test_a_framework_gets_a_survey_and_drops_it_in_the_editor(app, admin, client, login_as):
    login_as(admin)
    url = client.post("/frameworks/editor/new",
                      data={"program_id": "0", "start": "empty"}).headers["Location"]
    posted(client, url, "add-competency")
    page = client.get(url).text
    assert "Add a stakeholder survey" in page and "survey-on" not in page
    response = posted(client, url, "add-survey")
    assert response.headers["Location"].endswith("#survey-level-0-en")
    fields = dict(FormFields(client.get(url).text).fields)
    assert {"survey-on", "survey-level-1-es", "survey-dont_know-es", "comp-0-statement-0-es",
            "comp-0-open-en"} <= set(fields)
    posted(client, url, "remove-language-es")
    assert "comp-0-statement-0-es" not in dict(FormFields(client.get(url).text).fields)
    posted(client, url, "remove-survey")
    assert "survey-on" not in client.get(url).text


def test_the_preview_shows_the_survey(seed_framework, admin, client, login_as):
    login_as(admin)
    url = client.post(f"/frameworks/{seed_framework.id}/new-version").headers["Location"]
    page = client.get(url + "/preview").text
    assert "Stakeholder survey" in page
    assert '<span lang="es" class="d-block text-body-secondary">Mi director(a) une' in page
