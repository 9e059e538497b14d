"""The cohort page's roster and its buttons: promote, make member, remove."""

from __future__ import annotations

from sqlalchemy import select

from plc.extensions import db
from plc.programs.models import FACILITATOR, MEMBER, Invitation, Membership
from tests import factories


def role_of(cohort_id: int, user_id: int) -> str | None:
    return db.session.execute(
        select(Membership.role).where(
            Membership.cohort_id == cohort_id, Membership.user_id == user_id
        )
    ).scalar_one_or_none()


def test_roster_shows_people_with_title_role_district_and_school(world, client, login_as):
    district = factories.make_org("North Unified")
    school = factories.make_org("Oak Elementary", parent=district)
    person = factories.make_user("ana@example.org", "Ana Alvarez", organization=school)
    person.title = "Principal"
    factories.add_member(world.cohort, person)
    db.session.commit()
    login_as(world.member)
    page = client.get(f"/cohorts/{world.cohort.id}")
    assert page.status_code == 200
    row = page.text[page.text.index("Ana Alvarez"):]
    row = row[: row.index("</tr>")]
    for text in ("Principal", "Member", "North Unified", "Oak Elementary"):
        assert text in row
    # Members see the roster but none of the management tools or e-mail addresses.
    assert "Invite someone" not in page.text and "Remove" not in page.text
    assert "ana@example.org" not in page.text


def test_managers_see_invite_import_and_pending_markers(world, client, login_as):
    pending = factories.make_user("pending@example.org", "Pat Pending", password=None)
    factories.add_member(world.cohort, pending)
    db.session.commit()
    login_as(world.facilitator)
    page = client.get(f"/cohorts/{world.cohort.id}")
    text = page.text
    assert f'href="/cohorts/{world.cohort.id}/invite"' in text
    assert f'href="/cohorts/{world.cohort.id}/import"' in text
    assert "Not invited yet" in text and "Send invitation" in text
    assert "Joined" in text
    # A facilitator may remove members but not facilitators, and changes no roles.
    assert f"/people/{world.member.id}/remove" in text
    assert f"/people/{world.facilitator.id}/remove" not in text
    assert "Make facilitator" not in text


def test_lead_promotes_and_demotes(world, client, login_as):
    login_as(world.lead)
    url = f"/cohorts/{world.cohort.id}/people/{world.member.id}/role"
    assert client.post(url, data={"role": FACILITATOR}).status_code == 302
    assert role_of(world.cohort.id, world.member.id) == FACILITATOR
    assert client.post(url, data={"role": MEMBER}).status_code == 302
    assert role_of(world.cohort.id, world.member.id) == MEMBER
    assert client.post(url, data={"role": "owner"}).status_code == 400
    assert client.get(url).status_code == 405


def test_facilitator_cannot_change_roles(world, client, login_as):
    login_as(world.facilitator)
    url = f"/cohorts/{world.cohort.id}/people/{world.member.id}/role"
    assert client.post(url, data={"role": FACILITATOR}).status_code == 403
    assert role_of(world.cohort.id, world.member.id) == MEMBER


def test_facilitator_removes_a_member_but_not_a_facilitator(world, client, login_as):
    second = factories.make_user("fac2@example.org")
    factories.add_member(world.cohort, second, FACILITATOR)
    db.session.commit()
    login_as(world.facilitator)
    base = f"/cohorts/{world.cohort.id}/people"
    assert client.post(f"{base}/{second.id}/remove").status_code == 403
    assert role_of(world.cohort.id, second.id) == FACILITATOR
    assert client.post(f"{base}/{world.member.id}/remove").status_code == 302
    assert role_of(world.cohort.id, world.member.id) is None


def test_lead_removes_a_facilitator_and_their_unused_invitations_go(world, client, login_as):
    login_as(world.lead)
    client.post(f"/cohorts/{world.cohort.id}/invite",
                data={"email": "newfac@example.org", "name": "New Fac", "role": FACILITATOR,
                      "organization_id": "0"})
    invitation = db.session.execute(select(Invitation)).scalar_one()
    user_id = invitation.user_id
    response = client.post(f"/cohorts/{world.cohort.id}/people/{user_id}/remove")
    assert response.status_code == 302
    assert role_of(world.cohort.id, user_id) is None
    assert db.session.execute(select(Invitation)).first() is None


def test_people_outside_the_cohort_get_404_for_its_buttons(world, client, login_as):
    login_as(world.other_member)
    base = f"/cohorts/{world.cohort.id}/people/{world.member.id}"
    assert client.post(f"{base}/remove").status_code == 404
    assert client.post(f"{base}/role", data={"role": FACILITATOR}).status_code == 404
    assert client.get(f"/cohorts/{world.cohort.id}").status_code == 404


def test_someone_not_on_the_roster_is_404(world, client, login_as):
    login_as(world.lead)
    url = f"/cohorts/{world.cohort.id}/people/{world.other_member.id}/remove"
    assert client.post(url).status_code == 404


def test_member_cannot_remove_anyone(world, client, login_as):
    login_as(world.member)
    url = f"/cohorts/{world.cohort.id}/people/{world.facilitator.id}/remove"
    assert client.post(url).status_code == 403
