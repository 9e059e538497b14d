from __future__ import annotations

from sqlalchemy import select

from plc.extensions import db
from plc.orgs.models import DISTRICT, SCHOOL, Organization
from tests import factories
from tests.admin.conftest import field_error


def org_named(name: str) -> Organization | None:
    db.session.expire_all()
    return db.session.execute(
        select(Organization).where(Organization.name == name)
    ).scalar_one_or_none()


def test_the_list_shows_districts_with_their_schools(admin_client):
    district = factories.make_org("Riverside Unified")
    factories.make_org("Oak Street Elementary", parent=district)
    factories.make_org("Bayview Middle", parent=factories.make_org("Harbor City"))
    db.session.commit()
    page = admin_client.get("/admin/organizations").text
    assert page.index("Harbor City") < page.index("Bayview Middle") < page.index("Riverside")
    assert page.index("Riverside Unified") < page.index("Oak Street Elementary")
    assert "<caption>" in page


def test_create_a_district(admin_client):
    response = admin_client.post("/admin/organizations/new", data={"name": "  Pine   Ridge "})
    assert response.status_code == 302
    district = org_named("Pine Ridge")
    assert district.kind == DISTRICT and district.parent_id is None
    assert "District Pine Ridge created." in admin_client.get(response.location).text


def test_a_district_name_is_unique_among_districts_whatever_its_case(admin_client):
    factories.make_org("Pine Ridge")
    db.session.commit()
    page = admin_client.post("/admin/organizations/new", data={"name": "PINE RIDGE"})
    assert page.status_code == 200
    assert "already used among the districts" in field_error(page.text, "name")
    assert 'value="PINE RIDGE"' in page.text  # what was typed stays in the field
    assert org_named("PINE RIDGE") is None


def test_a_name_is_required(admin_client):
    page = admin_client.post("/admin/organizations/new", data={"name": "   "})
    assert page.status_code == 200
    assert field_error(page.text, "name") == "Enter a name."


def test_create_a_school_in_a_district(admin_client):
    district = factories.make_org("Lakeshore")
    db.session.commit()
    response = admin_client.post(
        f"/admin/organizations/{district.id}/schools/new", data={"name": "Willow Elementary"}
    )
    assert response.status_code == 302
    school = org_named("Willow Elementary")
    assert school.kind == SCHOOL and school.parent_id == district.id


def test_a_school_name_is_unique_within_its_district_only(admin_client):
    first, second = factories.make_org("First"), factories.make_org("Second")
    factories.make_org("Central High", parent=first)
    db.session.commit()
    page = admin_client.post(
        f"/admin/organizations/{first.id}/schools/new", data={"name": "central high"}
    )
    assert "already used in this district" in field_error(page.text, "name")
    response = admin_client.post(
        f"/admin/organizations/{second.id}/schools/new", data={"name": "Central High"}
    )
    assert response.status_code == 302


def test_schools_cannot_hold_schools_and_unknown_ids_are_404(admin_client):
    school = factories.make_org("A School", parent=factories.make_org())
    db.session.commit()
    assert admin_client.get(f"/admin/organizations/{school.id}/schools/new").status_code == 404
    assert admin_client.get("/admin/organizations/9999/edit").status_code == 404
    assert admin_client.post("/admin/organizations/9999/delete").status_code == 404


def test_rename(admin_client):
    district = factories.make_org("Old Name")
    db.session.commit()
    page = admin_client.get(f"/admin/organizations/{district.id}/edit")
    assert 'value="Old Name"' in page.text
    response = admin_client.post(
        f"/admin/organizations/{district.id}/edit", data={"name": "New Name"}
    )
    assert response.status_code == 302
    assert org_named("New Name").id == district.id


def test_rename_may_change_only_the_case_but_not_take_a_siblings_name(admin_client):
    district = factories.make_org()
    school = factories.make_org("Summit Elementary", parent=district)
    factories.make_org("Ridgeline Middle", parent=district)
    db.session.commit()
    edit = f"/admin/organizations/{school.id}/edit"
    page = admin_client.post(edit, data={"name": "Ridgeline Middle"})
    assert "already used in this district" in field_error(page.text, "name")
    assert "Summit Elementary" in page.text  # the title still names the saved school
    assert admin_client.post(edit, data={"name": "SUMMIT Elementary"}).status_code == 302
    assert org_named("SUMMIT Elementary").id == school.id


def test_delete_an_empty_school_and_then_its_empty_district(admin_client):
    district = factories.make_org("Gone District")
    school = factories.make_org("Gone School", parent=district)
    db.session.commit()
    district_id, school_id = district.id, school.id
    assert admin_client.post(f"/admin/organizations/{school_id}/delete").status_code == 302
    assert admin_client.post(f"/admin/organizations/{district_id}/delete").status_code == 302
    assert org_named("Gone School") is None and org_named("Gone District") is None


def test_a_district_with_schools_is_not_deleted(admin_client):
    district = factories.make_org("Busy District")
    factories.make_org("Busy School", parent=district)
    db.session.commit()
    response = admin_client.post(f"/admin/organizations/{district.id}/delete")
    assert response.location.endswith(f"/admin/organizations/{district.id}/edit")
    assert "Busy District still has schools" in admin_client.get(response.location).text
    assert org_named("Busy District") is not None


def test_an_organization_people_belong_to_is_not_deleted(admin_client):
    school = factories.make_org("Staffed School", parent=factories.make_org())
    district = factories.make_org("Staffed District")  # no schools, but people
    factories.make_user(organization=school)
    for _ in range(2):
        factories.make_user(organization=district)
    db.session.commit()
    response = admin_client.post(f"/admin/organizations/{school.id}/delete")
    assert "1 person belongs to it" in admin_client.get(response.location).text
    response = admin_client.post(f"/admin/organizations/{district.id}/delete")
    assert "2 people belong to it" in admin_client.get(response.location).text
    assert org_named("Staffed School") is not None and org_named("Staffed District") is not None


def test_the_list_runs_the_same_number_of_queries_for_2_and_8_districts(
    admin_client, count_queries
):
    def build(n):
        for _ in range(n):
            district = factories.make_org()
            for _ in range(3):
                factories.make_user(organization=factories.make_org(parent=district))
        db.session.commit()

    build(2)
    with count_queries() as few:
        assert admin_client.get("/admin/organizations").status_code == 200
    build(6)
    with count_queries() as many:
        assert admin_client.get("/admin/organizations").status_code == 200
    assert many.count == few.count


def test_names_compare_without_case_beyond_ascii_too(admin_client):
    factories.make_org("École Saint-Jean", parent=factories.make_org("Québec"))
    db.session.commit()
    page = admin_client.post("/admin/organizations/new", data={"name": "QUÉBEC"})
    assert "already used among the districts" in field_error(page.text, "name")
