from __future__ import annotations

import pytest
from sqlalchemy import select

from plc.accounts import services
from plc.accounts.models import User, UserSession
from plc.extensions import db
from plc.programs.models import Invitation
from tests import factories
from tests.admin.conftest import field_error, invitation_path, outbox
from tests.conftest import login

NEW_USER = {
    "email": "  New.Person@Example.ORG ",
    "name": "Nia Newcomer",
    "title": "Principal",
    "organization_id": "0",
}


def table_body(html: str) -> str:
    """The rows of the list only (the admin's own name is also in the navigation bar)."""
    return html[html.index("<tbody>"):html.index("</tbody>")]


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# --- the list ----------------------------------------------------------------------------


def test_the_list_shows_each_persons_details(admin_client):
    school = factories.make_org("Oak Elementary", parent=factories.make_org("Riverside"))
    factories.make_user("ana@example.org", "Ana Alvarez", organization=school)
    factories.make_user("ben@example.org", "Ben Brooks", password=None)
    factories.make_user("cy@example.org", "Cy Cole", active=False)
    db.session.commit()
    page = admin_client.get("/admin/users").text
    row = page[page.index("Ana Alvarez"):]
    row = row[: row.index("</tr>")]
    assert "ana@example.org" in row and "Riverside" in row and "Oak Elementary" in row
    assert "Active" in row
    assert "Invited, no password yet" in page[page.index("Ben Brooks"):]
    assert "Deactivated" in page[page.index("Cy Cole"):]
    assert "<caption>" in page and 'scope="col"' in page


def test_search_by_name_or_email_and_filter_by_status(admin_client):
    factories.make_user("ana@riverside.org", "Ana Alvarez")
    factories.make_user("ben@harbor.org", "Ben Brooks", password=None)
    factories.make_user("cy@harbor.org", "Cy Cole", active=False)
    db.session.commit()

    def names(query: str) -> set[str]:
        rows = table_body(admin_client.get(f"/admin/users?{query}").text)
        return {n for n in ("Ana Alvarez", "Ben Brooks", "Cy Cole", "Ada Admin") if n in rows}

    assert names("q=alvarez") == {"Ana Alvarez"}
    assert names("q=HARBOR.org") == {"Ben Brooks", "Cy Cole"}
    assert names("q=%25") == set()  # a wildcard typed by the admin matches only itself
    assert names("status=invited") == {"Ben Brooks"}
    assert names("status=deactivated") == {"Cy Cole"}
    assert names("status=active") == {"Ana Alvarez", "Ada Admin"}
    assert names("q=harbor&status=deactivated") == {"Cy Cole"}
    assert names("status=nonsense") == {"Ana Alvarez", "Ben Brooks", "Cy Cole", "Ada Admin"}


def test_the_list_shows_50_people_a_page_and_keeps_the_filters_in_page_links(admin_client):
    for n in range(55):
        factories.make_user(f"p{n:02}@example.org", f"Person {n:02}", password=None)
    db.session.commit()
    first = admin_client.get("/admin/users?status=invited").text
    assert "Person 49" in first and "Person 50" not in first
    assert table_body(first).count("<tr>") == 50
    assert "page 1 of 2" in first
    assert 'href="/admin/users?page=2&amp;status=invited"' in first
    second = admin_client.get("/admin/users?status=invited&page=2").text
    assert "Person 50" in second and "Person 54" in second and "Person 49" not in second


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_people(
    admin_client, count_queries
):
    def add_people(n):
        district = factories.make_org()
        for _ in range(n):
            factories.make_user(organization=factories.make_org(parent=district))
        db.session.commit()

    add_people(2)  # with the admin: 3
    with count_queries() as few:
        assert admin_client.get("/admin/users").status_code == 200
    add_people(27)
    with count_queries() as many:
        assert admin_client.get("/admin/users").status_code == 200
    assert "User" in admin_client.get("/admin/users").text
    assert many.count == few.count


# --- creating and inviting ---------------------------------------------------------------


def test_create_a_user_sends_one_invitation_that_lets_them_choose_a_password(
    app, admin_client
):
    school = factories.make_org("Harbor Academy", parent=factories.make_org("Harbor City"))
    db.session.commit()
    data = {**NEW_USER, "organization_id": str(school.id), "is_site_admin": "y"}
    response = admin_client.post("/admin/users/new", data=data)
    assert response.status_code == 302

    user = services.user_by_email("new.person@example.org")
    assert user.email == "new.person@example.org"  # normalized
    assert (user.name, user.title, user.organization_id) == ("Nia Newcomer", "Principal", school.id)
    assert user.is_site_admin and not user.has_password
    [message] = outbox()
    assert message.to_addr == "new.person@example.org"
    assert "Ada Admin" in message.body  # who invited them

    newcomer = app.test_client()
    path = invitation_path(message.body)
    assert newcomer.get(path).status_code == 200
    accepted = newcomer.post(
        path, data={"name": "Nia Newcomer", "password": "a long new password",
                    "confirm": "a long new password"}
    )
    assert accepted.status_code == 302
    assert newcomer.get("/").status_code == 200  # signed in by accepting

    fresh = app.test_client()
    assert login(fresh, "new.person@example.org", "a long new password").status_code == 302


def test_a_duplicate_email_is_refused_next_to_the_field(admin_client):
    factories.make_user("taken@example.org")
    db.session.commit()
    page = admin_client.post("/admin/users/new", data={**NEW_USER, "email": " TAKEN@example.org"})
    assert page.status_code == 200
    assert "already exists" in field_error(page.text, "email")
    assert 'value="Nia Newcomer"' in page.text  # what was typed is kept
    assert outbox() == []


def test_an_invalid_email_is_refused_next_to_the_field(admin_client):
    page = admin_client.post("/admin/users/new", data={**NEW_USER, "email": "not-an-address"})
    assert page.status_code == 200
    assert "Enter an e-mail address like" in field_error(page.text, "email")
    assert outbox() == []


def test_invite_user_to_a_cohort_names_the_cohort_and_the_inviter(app, admin):
    cohort = factories.make_cohort(factories.make_program("PLC 2026-27"), "Cohort A")
    person = factories.make_user(password=None)
    with app.test_request_context():
        invitation = services.invite_user(admin, person, cohort)
    db.session.commit()
    assert invitation.cohort_id == cohort.id and invitation.invited_by_id == admin.id
    [message] = outbox()
    assert "Cohort A" in message.subject
    assert "Cohort A (PLC 2026-27)" in message.body and "Ada Admin" in message.body
    lifetime = invitation.expires_at - invitation.created_at
    assert round(lifetime.total_seconds() / 86400) == app.config["INVITATION_DAYS"]


def test_resend_an_invitation(admin_client):
    person = factories.make_user(password=None)
    db.session.commit()
    response = admin_client.post(f"/admin/users/{person.id}/invitation")
    assert response.status_code == 302
    assert len(outbox()) == 1
    assert invitation_path(outbox()[0].body)
    count = db.session.execute(select(Invitation).where(Invitation.user_id == person.id)).all()
    assert len(count) == 1


def test_no_invitation_for_someone_who_has_a_password(admin_client):
    person = factories.make_user()
    db.session.commit()
    response = admin_client.post(f"/admin/users/{person.id}/invitation")
    assert "already set a password" in admin_client.get(response.location).text
    assert outbox() == []


# --- editing -----------------------------------------------------------------------------


def test_edit_name_title_organization_and_admin_flag(admin_client):
    district = factories.make_org("Pine Ridge")
    person = factories.make_user(name="Old Name")
    db.session.commit()
    page = admin_client.get(f"/admin/users/{person.id}").text
    assert 'value="Old Name"' in page
    response = admin_client.post(
        f"/admin/users/{person.id}",
        data={"name": "New Name", "title": "Director", "organization_id": str(district.id),
              "is_site_admin": "y"},
    )
    assert response.status_code == 302
    person = reload(person)
    assert (person.name, person.title, person.organization_id) == (
        "New Name", "Director", district.id)
    assert person.is_site_admin


def test_an_admin_cannot_remove_their_own_admin_flag(admin_client, admin):
    page = admin_client.post(
        f"/admin/users/{admin.id}", data={"name": "Ada Renamed", "organization_id": "0"}
    )
    assert page.status_code == 200
    assert "your own site-admin rights" in field_error(page.text, "is_site_admin")
    assert 'value="Ada Renamed"' in page.text
    assert reload(admin).is_site_admin and reload(admin).name == "Ada Admin"


def test_an_unknown_organization_is_refused(admin_client):
    person = factories.make_user()
    db.session.commit()
    page = admin_client.post(
        f"/admin/users/{person.id}", data={"name": "X", "organization_id": "9999"}
    )
    assert page.status_code == 200
    assert field_error(page.text, "organization_id")


# --- deactivating and reactivating --------------------------------------------------------


def test_deactivation_ends_the_users_sessions_and_blocks_sign_in(app, admin_client):
    person = factories.make_user("pat@example.org")
    db.session.commit()
    theirs = app.test_client()
    assert login(theirs, person, remember=True).status_code == 302
    assert theirs.get("/").status_code == 200

    assert admin_client.post(f"/admin/users/{person.id}/deactivate").status_code == 302

    response = theirs.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")
    person = reload(person)
    assert not person.active and person.deactivated_at is not None
    open_sessions = db.session.execute(
        select(UserSession).where(UserSession.user_id == person.id,
                                  UserSession.revoked_at.is_(None))
    ).all()
    assert open_sessions == []
    assert login(app.test_client(), person).status_code == 200  # the form again: refused


def test_reactivation_allows_sign_in_again(app, admin_client):
    person = factories.make_user(active=False)
    db.session.commit()
    assert admin_client.post(f"/admin/users/{person.id}/reactivate").status_code == 302
    person = reload(person)
    assert person.active and person.deactivated_at is None
    assert login(app.test_client(), person).status_code == 302


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    page = admin_client.get(f"/admin/users/{admin.id}").text
    assert f"/admin/users/{admin.id}/deactivate" not in page  # no button offered
    response = admin_client.post(f"/admin/users/{admin.id}/deactivate")
    assert "cannot deactivate your own account" in admin_client.get(response.location).text
    assert reload(admin).active


@pytest.mark.parametrize("path", ["/admin/users/9999", "/admin/users/9999/deactivate"])
def test_unknown_users_are_404(admin_client, path):
    method = "GET" if path.endswith("9999") else "POST"
    assert admin_client.open(path, method=method).status_code == 404
