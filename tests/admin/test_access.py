"""Who reaches the admin area, what every page looks like, and that state changes need POST."""

from __future__ import annotations

import re

import pytest

from plc.extensions import db
from tests import factories
from tests.conftest import csrf_token_from, login

# One URL per admin endpoint, built from the ids of the objects the `objects` fixture makes.
ADMIN_URLS = {
    "admin.index": ("GET", "/admin/"),
    "admin.organizations": ("GET", "/admin/organizations"),
    "admin.new_district": ("GET", "/admin/organizations/new"),
    "admin.new_school": ("GET", "/admin/organizations/{district}/schools/new"),
    "admin.edit_organization": ("GET", "/admin/organizations/{school}/edit"),
    "admin.delete_organization": ("POST", "/admin/organizations/{school}/delete"),
    "admin.identity_provider": ("GET", "/admin/organizations/{district}/sign-in"),
    "admin.remove_identity_provider": ("POST", "/admin/organizations/{district}/sign-in/remove"),
    "admin.users": ("GET", "/admin/users"),
    "admin.new_user": ("GET", "/admin/users/new"),
    "admin.edit_user": ("GET", "/admin/users/{person}"),
    "admin.deactivate_user": ("POST", "/admin/users/{person}/deactivate"),
    "admin.reactivate_user": ("POST", "/admin/users/{person}/reactivate"),
    "admin.resend_invitation": ("POST", "/admin/users/{person}/invitation"),
    "admin.erase_user": ("GET", "/admin/users/{person}/erase"),
}
PAGES = [name for name, (method, _) in ADMIN_URLS.items() if method == "GET"]


@pytest.fixture
def objects(app):
    district = factories.make_org("North District")
    school = factories.make_org("North High", parent=district)
    person = factories.make_user(name="Pat Person", organization=school, password=None)
    db.session.commit()
    return {"district": district.id, "school": school.id, "person": person.id}


def url(name: str, objects: dict) -> tuple[str, str]:
    method, pattern = ADMIN_URLS[name]
    return method, pattern.format(**objects)


def test_every_admin_endpoint_is_listed_here(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")}
    assert endpoints == set(ADMIN_URLS)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_renders_for_an_admin(admin_client, objects, name):
    _, path = url(name, objects)
    page = admin_client.get(path)
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert 'style="' not in page.text
    assert "<script>" not in page.text and "<script >" not in page.text


def test_every_page_has_its_own_title(admin_client, objects):
    titles = []
    for name in PAGES:
        page = admin_client.get(url(name, objects)[1])
        titles.append(re.search(r"<title>(.*?)</title>", page.text, re.S).group(1).strip())
    assert len(set(titles)) == len(titles), titles


@pytest.mark.parametrize("name", list(ADMIN_URLS))
def test_a_user_who_is_not_a_site_admin_gets_404(app, client, objects, name):
    cohort = factories.make_cohort()
    lead = factories.make_user()
    factories.make_program(lead=lead)
    facilitator = factories.make_user()
    factories.add_member(cohort, facilitator, role="facilitator")
    db.session.commit()
    method, path = url(name, objects)
    for person in (lead, facilitator):
        assert login(client, person).status_code == 302
        response = client.open(path, method=method)
        assert response.status_code == 404, (person, path)
        client.post("/logout")


@pytest.mark.parametrize("name", list(ADMIN_URLS))
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, objects, name):
    method, path = url(name, objects)
    response = client.open(path, method=method)
    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize(
    "name", [n for n, (method, _) in ADMIN_URLS.items() if method == "POST"]
)
def test_state_changes_refuse_get(admin_client, objects, name):
    _, path = url(name, objects)
    assert admin_client.get(path).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(app, admin_client, objects):
    app.config["WTF_CSRF_ENABLED"] = True
    person = f"/admin/users/{objects['person']}"
    assert admin_client.post(f"{person}/deactivate").status_code == 400
    assert "Invited" in admin_client.get(person).text  # still active
    token = csrf_token_from(admin_client.get(person).text)
    response = admin_client.post(f"{person}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Deactivated" in admin_client.get(person).text


def test_the_index_links_to_each_area(admin_client):
    page = admin_client.get("/admin/").text
    for path in ("/admin/organizations", "/admin/users", "/programs"):
        assert f'href="{path}"' in page
