"""Roster import: upload -> preview (saves nothing) -> confirm (all rows or none)."""

from __future__ import annotations

from sqlalchemy import func, select

from plc.accounts.models import User
from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.orgs.models import DISTRICT, SCHOOL, Organization
from plc.programs.models import FACILITATOR, MEMBER, Membership
from tests import factories
from tests.programs.conftest import (
    confirm,
    generated_rows,
    roster_csv,
    table_counts,
    upload,
)


def memberships_of(cohort_id: int) -> dict[str, str]:
    rows = db.session.execute(
        select(User.email, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort_id)
    ).all()
    return dict(rows)


def test_bad_row_57_saves_nothing_and_names_the_row(world, client, login_as):
    rows = generated_rows(200)
    rows[55]["email"] = "x"  # rows[0] is on row 2, so rows[55] is on row 57
    data = roster_csv(rows)
    login_as(world.lead)
    before = table_counts()

    preview = upload(client, world.cohort.id, data)
    assert preview.status_code == 200
    assert "Row 57: e-mail &#39;x&#39; is not a valid address." in preview.text
    assert "the first person is on row 2" in preview.text
    assert "Import 200 rows" not in preview.text  # no way to import a file with problems

    # Even when the text is posted straight to the import step, it is checked again.
    response = confirm(client, world.cohort.id, data)
    assert response.status_code == 200
    assert "Row 57: e-mail &#39;x&#39; is not a valid address." in response.text
    assert table_counts() == before


def test_good_200_row_file_twice_adds_each_person_once_and_mails_once(world, client, login_as):
    data = roster_csv(generated_rows(200))
    login_as(world.lead)
    before = table_counts()

    response = confirm(client, world.cohort.id, data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cohorts/{world.cohort.id}")
    page = client.get(response.headers["Location"])
    assert "200 added, 0 already in the cohort. 200 invitations sent." in page.text
    after_first = table_counts()
    assert after_first["User"] == before["User"] + 200
    assert after_first["Membership"] == before["Membership"] + 200
    assert after_first["Invitation"] == before["Invitation"] + 200
    assert after_first["OutboxMessage"] == before["OutboxMessage"] + 200
    # Three districts with two schools each, created once however many rows name them.
    assert after_first["Organization"] == before["Organization"] + 9

    second = confirm(client, world.cohort.id, data)
    assert second.status_code == 302
    assert "0 added, 200 already in the cohort." in client.get(second.headers["Location"]).text
    assert table_counts() == after_first  # no user, membership, place or e-mail is new

    emails = db.session.execute(
        select(User.email, func.count()).where(User.email.like("person%")).group_by(User.email)
    ).all()
    assert len(emails) == 200 and all(n == 1 for _, n in emails)
    new_people = db.session.execute(
        select(User).where(User.email.like("person%"))
    ).scalars().all()
    assert all(u.password_hash is None for u in new_people)


def test_preview_saves_nothing_and_describes_every_row(world, client, login_as):
    factories.make_org("Riverside Unified")
    known = factories.make_user("known@example.org", "Known Person")
    db.session.commit()
    data = roster_csv([
        {"name": "New Person", "email": "new@example.org", "district": "riverside unified",
         "school": "Oak Elementary"},
        {"name": "Renamed", "email": "Known@Example.org"},
        {"name": "Mona", "email": "member@example.org"},
    ], bom=True)
    login_as(world.facilitator)
    before = table_counts()

    page = upload(client, world.cohort.id, data)

    assert page.status_code == 200
    assert table_counts() == before
    text = page.text
    assert "Check the roster for Cohort A" in text
    assert "New person: invited by e-mail" in text
    assert f"Already in PLC as {known.name}: added to the cohort" in text
    assert "Already in the cohort: nothing new" in text
    assert "(found)" in text and "(new school)" in text
    assert 'name="csv_text"' in text and "Import 3 rows" in text


def test_import_keeps_existing_people_as_they_are_and_tells_them(world, client, login_as):
    home = factories.make_org("Home District")
    known = factories.make_user("known@example.org", "Known Person", organization=home)
    db.session.commit()
    known_id, home_id = known.id, home.id
    data = roster_csv([{"name": "Another Name", "email": "KNOWN@example.org",
                        "district": "Elsewhere", "school": "Far School"}])
    login_as(world.lead)

    response = confirm(client, world.cohort.id, data)

    assert response.status_code == 302
    person = db.session.get(User, known_id)
    assert (person.name, person.organization_id) == ("Known Person", home_id)
    assert memberships_of(world.cohort.id)["known@example.org"] == MEMBER
    # Places named only on an existing person's row are not created.
    assert db.session.execute(
        select(func.count()).select_from(Organization).where(Organization.name == "Elsewhere")
    ).scalar_one() == 0
    (mail,) = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.to_addr == "known@example.org")
    ).scalars()
    assert mail.subject == "You were added to Cohort A on PLC"
    assert f"/cohorts/{world.cohort.id}" in mail.body
    assert "/invitation/" not in mail.body


def test_places_are_matched_ignoring_case_and_schools_go_under_their_district(
        world, client, login_as):
    district = factories.make_org("North Unified")
    school = factories.make_org("Oak Elementary", parent=district)
    db.session.commit()
    district_id, school_id = district.id, school.id
    data = roster_csv([
        {"name": "A", "email": "a@example.org", "district": "NORTH UNIFIED",
         "school": "oak elementary"},
        {"name": "B", "email": "b@example.org", "district": "north unified", "school": "Pine"},
        {"name": "C", "email": "c@example.org", "district": "South", "school": "Elm"},
        {"name": "D", "email": "d@example.org", "district": "SOUTH"},
    ])
    login_as(world.lead)

    assert confirm(client, world.cohort.id, data).status_code == 302

    people = {
        u.email: u.organization_id
        for u in db.session.execute(select(User).where(User.email.like("_@example.org")))
        .scalars()
    }
    assert people["a@example.org"] == school_id
    pine = db.session.execute(select(Organization).where(Organization.name == "Pine")).scalar_one()
    assert (pine.kind, pine.parent_id, people["b@example.org"]) == (SCHOOL, district_id, pine.id)
    south = db.session.execute(
        select(Organization).where(Organization.name == "South")
    ).scalar_one()
    elm = db.session.execute(select(Organization).where(Organization.name == "Elm")).scalar_one()
    assert (south.kind, elm.parent_id) == (DISTRICT, south.id)
    assert (people["c@example.org"], people["d@example.org"]) == (elm.id, south.id)


def test_facilitator_cannot_import_facilitators_but_a_lead_can(world, client, login_as):
    data = roster_csv([
        {"name": "Plain Member", "email": "plain@example.org", "role": "member"},
        {"name": "New Facilitator", "email": "newfac@example.org", "role": "facilitator"},
    ])
    login_as(world.facilitator)
    before = table_counts()

    preview = upload(client, world.cohort.id, data)
    assert "Row 3: role facilitator: only the programme&#39;s leads" in preview.text
    refused = confirm(client, world.cohort.id, data)
    assert refused.status_code == 200 and "Row 3: role facilitator" in refused.text
    assert table_counts() == before

    client.post("/logout")
    login_as(world.lead)
    assert confirm(client, world.cohort.id, data).status_code == 302
    roles = memberships_of(world.cohort.id)
    assert (roles["plain@example.org"], roles["newfac@example.org"]) == (MEMBER, FACILITATOR)


def test_member_gets_403_and_member_of_another_cohort_404(world, client, login_as):
    data = roster_csv(generated_rows(2))
    login_as(world.member)
    assert client.get(f"/cohorts/{world.cohort.id}/import").status_code == 403
    assert upload(client, world.cohort.id, data).status_code == 403
    assert confirm(client, world.cohort.id, data).status_code == 403
    client.post("/logout")
    login_as(world.other_member)
    assert client.get(f"/cohorts/{world.cohort.id}/import").status_code == 404
    assert confirm(client, world.cohort.id, data).status_code == 404
    assert table_counts()["Membership"] == 3


def test_upload_page_explains_the_format(world, client, login_as):
    login_as(world.facilitator)
    page = client.get(f"/cohorts/{world.cohort.id}/import")
    assert page.status_code == 200
    assert "<title>Import a roster into Cohort A · PLC</title>" in page.text
    assert "the first person is on row 2" in page.text
    assert 'enctype="multipart/form-data"' in page.text
    example = client.get(f"/cohorts/{world.cohort.id}/import/example.csv")
    assert example.mimetype == "text/csv"
    assert example.data.decode("utf-8-sig").startswith("name,email,district,school,role")


def test_file_that_is_not_utf8_is_refused_next_to_the_field(world, client, login_as):
    login_as(world.lead)
    page = upload(client, world.cohort.id, "name,email\nJosé,j@example.org\n".encode("cp1252"))
    assert page.status_code == 200
    assert 'id="roster-error"' in page.text and "CSV UTF-8" in page.text


def test_upload_without_a_file_is_a_field_error(world, client, login_as):
    login_as(world.lead)
    page = client.post(f"/cohorts/{world.cohort.id}/import", data={},
                       content_type="multipart/form-data")
    assert page.status_code == 200 and "Choose a CSV file." in page.text


def test_summary_counts_added_and_present(world, client, login_as):
    rows = generated_rows(15)
    login_as(world.lead)
    assert confirm(client, world.cohort.id, roster_csv(rows[:3])).status_code == 302
    response = confirm(client, world.cohort.id, roster_csv(rows))
    page = client.get(response.headers["Location"])
    assert "12 added, 3 already in the cohort. 12 invitations sent." in page.text
