"""The rubric page, and the site admin's framework list, upload and export."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from plc.extensions import db
from plc.rubrics import schema, services
from plc.rubrics.models import Framework
from tests import factories


def upload(client, text: str, filename: str):
    return client.post("/admin/frameworks/upload",
                       data={"file": (io.BytesIO(text.encode("utf-8")), filename)},
                       content_type="multipart/form-data")


def framework_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Framework))


def test_rubric_page_shows_every_competency_at_every_level(seed_framework, client, login_as):
    login_as(factories.make_user())
    html = client.get(f"/frameworks/{seed_framework.id}").get_data(as_text=True)
    assert "<caption>" in html and html.count('scope="row"') == 7
    assert html.count('class="rubric-cell"') == 28
    assert html.count('scope="colgroup"') == 3
    for competency in seed_framework.competencies:
        assert f"{competency.number}. {competency.name}" in html
    for level in seed_framework.levels:
        assert f'<th scope="col">{level.label} ({level.value})</th>' in html
    assert "Lead – not just manage – his/her team?" in html
    assert "Does the individual:" in html


def test_rubric_page_query_count_does_not_depend_on_the_framework(
        seed_framework, app, client, login_as, count_queries, small):
    login_as(factories.make_user())
    small_fw, _ = services.import_framework(None, small)
    db.session.commit()
    counts = []
    for framework_id in (small_fw.id, seed_framework.id):
        with count_queries() as counter:
            assert client.get(f"/frameworks/{framework_id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 10


def test_unknown_framework_is_404(app, client, login_as):
    login_as(factories.make_user())
    assert client.get("/frameworks/999").status_code == 404


def test_admin_uploads_a_valid_file(app, client, login_as, admin, small):
    login_as(admin)
    response = upload(client, schema.dump(small, "yaml"), "small.yaml")
    assert response.status_code == 302 and response.location.endswith("/admin/frameworks")
    page = client.get("/admin/frameworks").get_data(as_text=True)
    assert "Imported Small framework (version 1)." in page
    assert "Small framework" in page and "small" in page
    assert framework_count() == 1


def test_an_invalid_upload_lists_the_problems_and_saves_nothing(app, client, login_as, admin,
                                                                 small):
    login_as(admin)
    small["competencies"][0]["category"] = "Leads nobody"
    small["levels"][1]["value"] = 1
    response = upload(client, schema.dump(small, "json"), "small.json")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "nothing was saved" in html
    assert "competencies[0].category: &#39;Leads nobody&#39; is not a category" in html
    assert "levels[1].value: level 1 is defined twice" in html
    assert framework_count() == 0


def test_a_control_character_is_refused_naming_its_place(app, client, login_as, admin, small):
    """JSON's \\u0000 is a NUL once parsed: PostgreSQL would refuse it with a 500."""
    login_as(admin)
    small["competencies"][0]["name"] = "Vision\x00"
    small["competencies"][0]["levels"][1] = ["Sets a\x07 direction"]
    response = upload(client, schema.dump(small, "json"), "small.json")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "nothing was saved" in html
    assert "competencies[0].name: holds the control character U+0000" in html
    assert "competencies[0].levels.1[0]: holds the control character U+0007" in html
    assert framework_count() == 0


def test_an_unreadable_or_wrongly_named_upload_is_refused(app, client, login_as, admin):
    login_as(admin)
    assert "not valid YAML" in upload(client, "key: [", "x.yaml").get_data(as_text=True)
    assert "ending in .yaml" in upload(client, "key: x", "x.txt").get_data(as_text=True)
    assert framework_count() == 0


def test_export_downloads_yaml_and_json(seed_framework, client, login_as, admin):
    login_as(admin)
    bundled = schema.normalize(services.bundled_data("k12-leadership.yaml"))
    for fmt in ("yaml", "json"):
        response = client.get(f"/admin/frameworks/{seed_framework.id}/export.{fmt}")
        assert response.status_code == 200
        assert f"filename=k12-leadership-v1.{fmt}" in response.headers["Content-Disposition"]
        data = schema.load(response.get_data(as_text=True), f"x.{fmt}")
        assert schema.normalize(data) == bundled
    assert client.get(f"/admin/frameworks/{seed_framework.id}/export.xml").status_code == 404


def test_programme_and_cohort_pages_link_the_rubric(seed_framework, client, login_as):
    lead = factories.make_user()
    program = factories.make_program(lead=lead)
    program.framework_id = seed_framework.id
    cohort = factories.make_cohort(program)
    login_as(lead)
    link = f'href="/frameworks/{seed_framework.id}"'
    for url in (f"/programs/{program.id}", f"/cohorts/{cohort.id}"):
        html = client.get(url).get_data(as_text=True)
        assert re.search(link + r">Rubric</a>", html), url
