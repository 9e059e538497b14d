"""Programme years, their leads and their cohorts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from plc.extensions import db
from plc.programs.models import Cohort, Program, ProgramLead
from plc.rubrics.services import default_framework
from tests import factories
from tests.programs.conftest import count_rows

VALUES = {
    "name": "PLC 2027-28",
    "starts_on": "2027-09-01",
    "ends_on": "2028-06-30",
    "time_zone": "America/Chicago",
    "description": "Year two.",
}


def create(client, **values):
    return client.post("/programs/new", data={**VALUES, **values})


def program_named(name: str) -> Program | None:
    return db.session.execute(select(Program).where(Program.name == name)).scalar_one_or_none()


def lead_ids(program_id: int) -> set[int]:
    return set(db.session.execute(
        select(ProgramLead.user_id).where(ProgramLead.program_id == program_id)
    ).scalars())


def test_a_program_lead_creates_a_programme_and_leads_it(world, client, login_as):
    login_as(world.lead)
    response = create(client)
    program = program_named("PLC 2027-28")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/programs/{program.id}")
    assert (program.starts_on, program.ends_on) == (date(2027, 9, 1), date(2028, 6, 30))
    assert (program.time_zone, program.description) == ("America/Chicago", "Year two.")
    assert lead_ids(program.id) == {world.lead.id}
    page = client.get(f"/programs/{program.id}")
    assert page.status_code == 200 and "Lena Lead" in page.text


def test_a_site_admin_creates_a_programme_without_becoming_its_lead(world, client, login_as):
    login_as(world.admin)
    assert create(client).status_code == 302
    program = program_named("PLC 2027-28")
    assert lead_ids(program.id) == set()
    assert "No program leads yet" in client.get(f"/programs/{program.id}").text


def test_others_may_not_create_programmes(world, client, login_as):
    login_as(world.facilitator)
    assert client.get("/programs/new").status_code == 403
    assert create(client).status_code == 403
    assert client.get("/programs").status_code == 403
    assert program_named("PLC 2027-28") is None


def test_end_date_before_start_date_is_an_error_next_to_the_field(world, client, login_as):
    login_as(world.lead)
    page = create(client, ends_on="2027-08-31")
    assert page.status_code == 200
    assert 'id="ends_on-error"' in page.text
    assert "The end date must be after the start date." in page.text
    assert 'value="2027-08-31"' in page.text  # what was typed is kept
    assert program_named("PLC 2027-28") is None
    assert 'id="ends_on-error"' in create(client, ends_on="2027-09-01").text  # same day


def test_programme_names_are_unique(world, client, login_as):
    login_as(world.lead)
    page = create(client, name="plc 2026-27")
    assert page.status_code == 200
    assert 'id="name-error"' in page.text and "already has this name" in page.text


def test_new_programme_form_defaults_to_the_site_time_zone(world, client, login_as):
    login_as(world.lead)
    page = client.get("/programs/new")
    assert '<option selected value="America/New_York">' in page.text


def test_edit_programme(world, client, login_as):
    login_as(world.lead)
    url = f"/programs/{world.program.id}/edit"
    assert 'value="PLC 2026-27"' in client.get(url).text
    response = client.post(url, data={**VALUES, "name": "PLC 2026-27 (renamed)"})
    assert response.status_code == 302
    assert db.session.get(Program, world.program.id).name == "PLC 2026-27 (renamed)"


def test_programme_pages_hide_from_people_who_do_not_lead_it(world, client, login_as):
    other_lead = factories.make_user("other.lead@example.org")
    factories.make_program("Elsewhere", lead=other_lead)
    db.session.commit()
    login_as(other_lead)
    for url in (f"/programs/{world.program.id}", f"/programs/{world.program.id}/edit",
                f"/programs/{world.program.id}/cohorts/new",
                f"/programs/{world.program.id}/leads/new"):
        assert client.get(url).status_code == 404, url
    assert "PLC 2026-27" not in client.get("/programs").text
    client.post("/logout")
    login_as(world.facilitator)
    assert client.get(f"/programs/{world.program.id}").status_code == 404


def test_programme_list_shows_what_the_user_leads(world, client, login_as):
    login_as(world.lead)
    page = client.get("/programs")
    assert page.status_code == 200
    assert "PLC 2026-27" in page.text and "<caption>" in page.text


def test_programme_page_lists_cohorts_with_counts_and_leads(world, client, login_as):
    login_as(world.lead)
    page = client.get(f"/programs/{world.program.id}")
    text = page.text
    assert "Cohort A" in text and "Cohort B" in text
    # Cohort A: one facilitator, one member.
    row_a = text[text.index("Cohort A"): text.index("</tr>", text.index("Cohort A"))]
    assert row_a.count('<td class="text-end">1</td>') == 2
    assert "Program leads" in text and "lead@example.org" in text


def test_appoint_and_remove_program_leads(world, client, login_as):
    login_as(world.lead)
    url = f"/programs/{world.program.id}/leads/new"
    response = client.post(url, data={"email": "FAC@example.org"})
    assert response.status_code == 302
    assert lead_ids(world.program.id) == {world.lead.id, world.facilitator.id}

    again = client.post(url, data={"email": "fac@example.org"})
    assert 'id="email-error"' in again.text and "already leads" in again.text
    unknown = client.post(url, data={"email": "nobody@example.org"})
    assert 'id="email-error"' in unknown.text and "No one with this e-mail" in unknown.text

    remove = client.post(f"/programs/{world.program.id}/leads/{world.facilitator.id}/remove")
    assert remove.status_code == 302
    assert lead_ids(world.program.id) == {world.lead.id}


def test_the_last_lead_cannot_be_removed(world, client, login_as):
    login_as(world.lead)
    response = client.post(f"/programs/{world.program.id}/leads/{world.lead.id}/remove")
    assert response.status_code == 302
    assert "at least one lead" in client.get(response.headers["Location"]).text
    assert lead_ids(world.program.id) == {world.lead.id}


def test_a_lead_who_steps_down_goes_home(world, client, login_as):
    db.session.add(ProgramLead(program_id=world.program.id, user_id=world.admin.id))
    db.session.commit()
    login_as(world.lead)
    response = client.post(f"/programs/{world.program.id}/leads/{world.lead.id}/remove")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert lead_ids(world.program.id) == {world.admin.id}


def test_only_managers_change_leads(world, client, login_as):
    login_as(world.facilitator)
    assert client.post(f"/programs/{world.program.id}/leads/{world.lead.id}/remove",
                       ).status_code == 404
    assert client.get(f"/programs/{world.program.id}/leads/{world.lead.id}/remove",
                      ).status_code == 405


def test_create_and_edit_cohorts(world, client, login_as):
    login_as(world.lead)
    response = client.post(f"/programs/{world.program.id}/cohorts/new",
                           data={"name": "Cohort C", "description": "Family engagement"})
    assert response.status_code == 302
    cohort = db.session.execute(select(Cohort).where(Cohort.name == "Cohort C")).scalar_one()
    assert cohort.program_id == world.program.id
    assert response.headers["Location"].endswith(f"/cohorts/{cohort.id}")

    duplicate = client.post(f"/programs/{world.program.id}/cohorts/new",
                            data={"name": "cohort a"})
    assert duplicate.status_code == 200 and 'id="name-error"' in duplicate.text

    edited = client.post(f"/cohorts/{cohort.id}/edit", data={"name": "Cohort C2"})
    assert edited.status_code == 302
    assert db.session.get(Cohort, cohort.id).name == "Cohort C2"
    assert count_rows(Cohort) == 3


def test_facilitators_may_not_create_or_rename_cohorts(world, client, login_as):
    login_as(world.facilitator)
    assert client.get(f"/cohorts/{world.cohort.id}/edit").status_code == 403
    assert client.post(f"/cohorts/{world.cohort.id}/edit",
                       data={"name": "Mine"}).status_code == 403
    assert client.get(f"/cohorts/{world.other_cohort.id}/edit").status_code == 404


def test_a_programme_uses_the_framework_chosen_for_it(world, client, login_as):
    other = factories.make_framework("another-rubric")
    bundled_id = default_framework().id
    db.session.commit()
    login_as(world.lead)
    page = client.get("/programs/new")
    assert f'<option selected value="{bundled_id}">' in page.text
    assert create(client, framework_id=str(other.id)).status_code == 302
    program = program_named("PLC 2027-28")
    assert program.framework_id == other.id
    bad = client.post(f"/programs/{program.id}/edit", data={
        "name": "PLC 2027-28", "starts_on": "2027-09-01", "ends_on": "2028-06-30",
        "time_zone": "America/Chicago", "framework_id": "99999"})
    assert bad.status_code == 200 and "Choose a framework from the list." in bad.text
