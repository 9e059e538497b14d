"""Who edits which framework (issue 19's permission point, beside the matrix's cases in
tests/test_permissions.py): members and facilitators never reach the editor; a lead edits
only the frameworks and drafts of the programmes they lead; site admins all."""

from __future__ import annotations

from sqlalchemy import select

from plc.extensions import db
from plc.rubrics import queries, services
from plc.rubrics.models import Framework
from tests import factories
from tests.assessments.test_aggregates import login_client
from tests.rubrics.test_editor import posted


def test_a_lead_edits_their_programmes_frameworks_only(seed_framework, admin):
    lead = factories.make_user("lead@example.org")
    mine = factories.make_program("Mine", lead=lead)
    theirs = factories.make_program("Theirs")
    mine.framework_id = seed_framework.id
    bundled = services.bundled_data("k12-leadership.yaml")
    their_framework, _ = services.import_framework(
        None, {**bundled, "key": "their-framework", "name": "Their rubric"})
    theirs.framework_id = their_framework.id
    cohort = factories.make_cohort(mine)
    member, facilitator = factories.make_user("m@example.org"), factories.make_user("f@example.org")
    factories.add_member(cohort, member)
    factories.add_member(cohort, facilitator, "facilitator")
    their_draft = services.start_draft(admin, program_id=theirs.id)
    db.session.commit()

    for person in (member, facilitator):
        client = login_client(person)
        assert client.get("/frameworks/editor").status_code == 404
        assert client.get("/frameworks/editor/new").status_code == 404
        assert client.post(f"/frameworks/{seed_framework.id}/new-version").status_code == 404

    client = login_client(lead)
    page = client.get("/frameworks/editor").text
    assert seed_framework.name in page and "Their rubric" not in page
    assert client.post(f"/frameworks/{their_framework.id}/new-version").status_code == 404
    assert client.get(f"/frameworks/editor/{their_draft.id}").status_code == 404
    # A draft of their own programme may not take the other programme's framework's key.
    stolen = services.start_draft(lead, program_id=mine.id,
                                  data={**bundled, "key": "their-framework", "name": "Mine now"})
    db.session.commit()
    response = posted(client, f"/frameworks/editor/{stolen.id}", "publish")
    assert response.status_code == 422
    assert "belongs to another framework" in response.text
    assert db.session.execute(select(Framework.name).where(
        Framework.key == "their-framework")).scalars().all() == ["Their rubric"]
    assert client.post(f"/frameworks/{seed_framework.id}/new-version").status_code == 302

    client = login_client(admin)  # site admins edit every framework and draft
    assert client.post(f"/frameworks/{their_framework.id}/new-version").status_code == 302
    assert client.get(f"/frameworks/editor/{their_draft.id}").status_code == 200
    assert client.get(f"/frameworks/editor/{stolen.id}").status_code == 200
    assert queries.newest_version("their-framework").id == their_framework.id
