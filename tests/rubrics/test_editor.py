"""The framework editor (issue 19): drafts edited freely and seen by their editors only,
publishing validated as an import is (every problem named by its place, nothing published),
an unchanged published framework making no new version, buttons that work without
JavaScript."""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from plc.audit.models import AuditEvent
from plc.extensions import db
from plc.programs import queries as program_queries
from plc.rubrics import editor, queries, services
from plc.rubrics.models import Framework, FrameworkDraft
from tests import factories


class FormFields(HTMLParser):
    """The fields the editor's form would post, as a browser fills them in unchanged."""

    def __init__(self, html: str):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea = self._select = None
        self._in_editor = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_editor = "framework-editor" in (attrs.get("class") or "")
        if not self._in_editor:
            return
        if tag == "input" and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_editor = False

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def posted(client, url, action="save", **changes):
    fields = MultiDict(FormFields(client.get(url).text).fields)
    for name, value in changes.items():
        fields[name.replace("_", "-") if name.startswith(("comp_", "level_", "category_"))
               else name] = value
    fields["action"] = action
    return client.post(url, data=fields)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Framework))


def test_the_bundled_rubric_published_unchanged_from_the_editor_makes_no_new_version(
        seed_framework, admin, client, login_as):
    login_as(admin)
    before = count()
    response = client.post(f"/frameworks/{seed_framework.id}/new-version")
    assert response.status_code == 302
    editor_url = response.headers["Location"]
    page = client.get(editor_url).text
    assert "Delivers results" in page and 'value="k12-leadership"' in page
    response = posted(client, editor_url, "publish")
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == f"/frameworks/{seed_framework.id}"
    assert count() == before
    assert db.session.scalar(select(func.count()).select_from(FrameworkDraft)) == 0
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "framework.published")).scalar_one()
    assert event.details["outcome"] == services.UNCHANGED


def test_publishing_an_invalid_draft_names_each_place_and_publishes_nothing(
        app, admin, client, login_as):
    login_as(admin)
    before = count()
    response = client.post("/frameworks/editor/new", data={"program_id": "0", "start": "empty"})
    url = response.headers["Location"]
    response = posted(client, url, "publish", name="Mine")
    assert response.status_code == 422
    for place in ("key: required", "levels[0].label: required", "categories: must not be empty",
                  "competencies: must not be empty"):
        assert place in response.text, place
    posted(client, url, "add-category")
    posted(client, url, "add-competency")
    response = posted(client, url, "publish", key="Bad Key!", name="Mine",
                      comp_0_name="Listens", comp_0_category="Nowhere",
                      **{"level-0-label": "Low", "comp-0-level-0": "Rarely listens.",
                         "category-0": "Self"})
    assert response.status_code == 422
    html = response.text
    for place in ("key: use lower-case", "levels[1].label: required",
                  "competencies[0].category: &#39;Nowhere&#39; is not a category",
                  "competencies[0].levels[2]: must have at least one bullet"):
        assert place in html, place
    assert count() == before
    draft = db.session.execute(select(FrameworkDraft)).scalar_one()
    assert draft.data["name"] == "Mine"  # the draft keeps what was written


def test_a_lead_writes_a_framework_for_their_programme_and_it_is_offered(app, client, login_as):
    lead = factories.make_user("lead@example.org", "Lena Lead")
    program = factories.make_program("Lead Programme", lead=lead)
    db.session.commit()
    login_as(lead)
    response = client.post("/frameworks/editor/new",
                           data={"program_id": str(program.id), "start": "empty"})
    url = response.headers["Location"]
    for action in ("add-level", "add-category", "add-category", "add-competency"):
        assert posted(client, url, action).status_code == 302
    data = {"name": "Teacher leaders", "key": "teacher-leaders",
            "level-0-label": "Emerging", "level-1-label": "Developing",
            "level-2-label": "Leading", "category-0": "Leads learning",
            "category-1": "Leads colleagues"}
    posted(client, url, "save", **data)
    posted(client, url, "add-competency")
    cells = {f"comp-{j}-level-{i}": f"C{j} at {i + 1}." for j in (0, 1) for i in (0, 1, 2)}
    posted(client, url, "save", **data, **cells,
           **{"comp-0-name": "Coaches", "comp-0-category": "Leads learning",
              "comp-1-name": "Facilitates", "comp-1-category": "Leads colleagues",
              "comp-1-questions": "Listen?\nAsk?"})
    worksheet = client.get(f"{url}/preview/worksheet").text
    assert worksheet.count('type="radio"') == 2 * 3 and "Facilitates" in worksheet
    rubric = client.get(f"{url}/preview").text
    assert rubric.count('class="rubric-cell"') == 2 * 3 and "Leads colleagues" in rubric
    response = posted(client, url, "publish")  # the saved draft, as the page shows it
    assert response.status_code == 302, response.text
    framework = queries.newest_version("teacher-leaders")
    assert framework.version == 1
    assert framework.id in program_queries.offered_framework_ids(program)
    exported = services.export_framework(queries.full_framework(framework.id))
    assert exported["competencies"][1]["guiding_questions"] == ["Listen?", "Ask?"]
    assert [lv["label"] for lv in exported["levels"]] == ["Emerging", "Developing", "Leading"]
    # The export imports back unchanged.
    assert services.import_framework(None, exported)[1] == services.UNCHANGED


def test_the_buttons_add_remove_and_move(app):
    data = editor.empty()
    assert len(editor.apply(data, "remove-level")["levels"]) == 2  # never fewer than 2
    for _ in range(6):
        data = editor.apply(data, "add-level")
    assert len(data["levels"]) == 6  # never more than 6
    data = editor.apply(editor.apply(data, "add-category"), "add-category")
    data["categories"] = ["A", "B"]
    for _ in range(3):
        data = editor.apply(data, "add-competency")
    data["competencies"][0]["name"] = "First"
    data = editor.apply(data, "down-competency-0")
    assert [c["name"] for c in data["competencies"]][:2] == ["", "First"]
    assert editor.focus_after("down-competency-0", data) == "down-competency-1"
    data = editor.apply(data, "up-category-1")
    assert data["categories"] == ["B", "A"]
    names = [c["name"] for c in data["competencies"]]
    moved = editor.apply(data, "move-competency-1-to-0")  # a drag and drop
    assert [c["name"] for c in moved["competencies"]] == [names[1], names[0], names[2]]
    assert editor.apply(data, "move-competency-1-to-9") == data  # out of range: nothing
    data = editor.apply(data, "remove-competency-1")
    assert "First" not in [c["name"] for c in data["competencies"]]
    form = MultiDict({"name": "N", "key": "k", "level-0-value": "1", "level-0-label": "L",
                      "comp-0-name": "C", "comp-0-number": "7", "comp-0-category": "A",
                      "comp-0-questions": "Q1\r\n\r\nQ2", "comp-0-level-0": "b1\r\nb2"})
    read = editor.read(form)
    assert read["competencies"][0] == {"number": 7, "name": "C", "category": "A",
                                       "guiding_questions": ["Q1", "Q2"],
                                       "levels": {1: ["b1", "b2"]}}


def test_a_draft_is_seen_by_its_editors_only(app, client, login_as):
    lead = factories.make_user("lead@example.org")
    other_lead = factories.make_user("other@example.org")
    program = factories.make_program("P", lead=lead)
    factories.make_program("Q", lead=other_lead)
    db.session.commit()
    draft = services.start_draft(lead, program_id=program.id)
    db.session.commit()
    login_as(other_lead)
    assert client.get(f"/frameworks/editor/{draft.id}").status_code == 404
    assert client.get(f"/frameworks/editor/{draft.id}/preview").status_code == 404
    assert "Untitled" not in client.get("/frameworks/editor").text


def test_a_leads_change_to_a_rubric_other_programmes_offer_is_a_new_version(
        seed_framework, client, login_as):
    lead = factories.make_user("lead@example.org")
    mine = factories.make_program("Mine", lead=lead)
    theirs = factories.make_program("Theirs")
    mine.framework_id = theirs.framework_id = seed_framework.id
    db.session.commit()
    login_as(lead)
    url = client.post(f"/frameworks/{seed_framework.id}/new-version").headers["Location"]
    response = posted(client, url, "publish", name="K-12, our words")
    assert response.status_code == 302, response.text
    newest = queries.newest_version(services.DEFAULT_KEY)
    assert newest.version == 2 and newest.name == "K-12, our words"
    db.session.expire_all()
    assert db.session.get(Framework, seed_framework.id).name != "K-12, our words"
    # Both programmes keep the version they offer (a new version is chosen on a programme's
    # form).
    assert db.session.get(type(theirs), theirs.id).framework_id == seed_framework.id


def test_a_levels_new_value_keeps_its_descriptors(app):
    form = MultiDict({"name": "N", "level-0-value": "0", "level-0-label": "Low",
                      "level-1-value": "5", "level-1-label": "High", "comp-0-name": "C",
                      "comp-0-level-0": "low bullet", "comp-0-level-1": "high bullet"})
    assert editor.read(form)["competencies"][0]["levels"] == {0: ["low bullet"],
                                                              5: ["high bullet"]}
