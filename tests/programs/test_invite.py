"""Inviting one person to a cohort, and resending invitations."""

from __future__ import annotations

from sqlalchemy import select

from plc.accounts.models import User
from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.programs.models import FACILITATOR, MEMBER, Invitation, Membership
from tests import factories
from tests.programs.conftest import table_counts


def invite(client, cohort_id: int, **values):
    data = {"email": "new.person@example.org", "name": "New Person", "role": MEMBER,
            "organization_id": "0"}
    data.update(values)
    return client.post(f"/cohorts/{cohort_id}/invite", data=data)


def membership(cohort_id: int, user_id: int) -> Membership | None:
    return db.session.execute(
        select(Membership).where(Membership.cohort_id == cohort_id, Membership.user_id == user_id)
    ).scalar_one_or_none()


def mails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.execute(
        select(OutboxMessage).where(OutboxMessage.to_addr == address)
    ).scalars())


def test_inviting_a_new_person_makes_an_account_without_password(world, client, login_as):
    school = factories.make_org("Oak Elementary", parent=factories.make_org("North"))
    db.session.commit()
    login_as(world.facilitator)
    before = table_counts()

    response = invite(client, world.cohort.id, email=" New.Person@Example.org ",
                      organization_id=str(school.id))

    assert response.status_code == 302
    user = db.session.execute(
        select(User).where(User.email == "new.person@example.org")
    ).scalar_one()
    assert user.password_hash is None and user.name == "New Person"
    assert user.organization_id == school.id
    assert membership(world.cohort.id, user.id).role == MEMBER
    (mail,) = mails_to("new.person@example.org")
    assert "/invitation/" in mail.body and "Cohort A" in mail.subject
    invitation = db.session.execute(
        select(Invitation).where(Invitation.user_id == user.id)
    ).scalar_one()
    assert invitation.cohort_id == world.cohort.id
    assert invitation.invited_by_id == world.facilitator.id
    after = table_counts()
    assert after["User"] == before["User"] + 1 and after["OutboxMessage"] == before[
        "OutboxMessage"] + 1
    assert "New Person is in Cohort A" in client.get(response.headers["Location"]).text


def test_inviting_an_existing_user_adds_them_without_a_new_account(world, client, login_as):
    login_as(world.lead)
    before = table_counts()

    response = invite(client, world.cohort.id, email="OTHER@example.org", name="Ignored Name")

    assert response.status_code == 302
    assert table_counts()["User"] == before["User"]
    person = db.session.get(User, world.other_member.id)
    assert person.name == "Otto Other"  # not overwritten
    assert membership(world.cohort.id, person.id).role == MEMBER
    (mail,) = mails_to("other@example.org")
    assert mail.subject == "You were added to Cohort A on PLC"
    assert f"http://plc.test/cohorts/{world.cohort.id}" in mail.body


def test_an_existing_person_without_password_gets_an_invitation(world, client, login_as):
    pending = factories.make_user("pending@example.org", "Pat Pending", password=None)
    db.session.commit()
    login_as(world.lead)
    invite(client, world.cohort.id, email="pending@example.org")
    (mail,) = mails_to("pending@example.org")
    assert "/invitation/" in mail.body
    assert membership(world.cohort.id, pending.id) is not None


def test_inviting_someone_already_in_the_cohort_is_a_field_error(world, client, login_as):
    login_as(world.lead)
    before = table_counts()
    page = invite(client, world.cohort.id, email="member@example.org")
    assert page.status_code == 200
    assert 'id="email-error"' in page.text and "already in this cohort" in page.text
    assert table_counts() == before


def test_typed_values_are_kept_when_the_form_has_an_error(world, client, login_as):
    login_as(world.lead)
    page = invite(client, world.cohort.id, email="not-an-address", name="Kept Name")
    assert page.status_code == 200
    assert 'value="not-an-address"' in page.text and 'value="Kept Name"' in page.text
    assert 'aria-invalid="true"' in page.text


def test_only_leads_may_invite_facilitators(world, client, login_as):
    login_as(world.facilitator)
    form = client.get(f"/cohorts/{world.cohort.id}/invite")
    assert '<option value="facilitator"' not in form.text
    before = table_counts()
    refused = invite(client, world.cohort.id, role=FACILITATOR)
    assert refused.status_code == 200 and 'id="role-error"' in refused.text
    assert table_counts() == before

    client.post("/logout")
    login_as(world.lead)
    assert '<option value="facilitator"' in client.get(
        f"/cohorts/{world.cohort.id}/invite").text
    assert invite(client, world.cohort.id, role=FACILITATOR).status_code == 302
    user = db.session.execute(
        select(User).where(User.email == "new.person@example.org")
    ).scalar_one()
    assert membership(world.cohort.id, user.id).role == FACILITATOR


def test_member_gets_403_and_member_of_another_cohort_404(world, client, login_as):
    login_as(world.member)
    assert client.get(f"/cohorts/{world.cohort.id}/invite").status_code == 403
    assert invite(client, world.cohort.id).status_code == 403
    client.post("/logout")
    login_as(world.other_member)
    assert client.get(f"/cohorts/{world.cohort.id}/invite").status_code == 404
    assert invite(client, world.cohort.id).status_code == 404
    client.post("/logout")
    login_as(world.outsider)
    assert client.get(f"/cohorts/{world.cohort.id}/invite").status_code == 404


def test_resend_invitation_to_a_pending_person(world, client, login_as):
    login_as(world.facilitator)
    invite(client, world.cohort.id)
    user = db.session.execute(
        select(User).where(User.email == "new.person@example.org")
    ).scalar_one()
    roster = client.get(f"/cohorts/{world.cohort.id}")
    assert "Invited" in roster.text and "Resend invitation" in roster.text

    response = client.post(f"/cohorts/{world.cohort.id}/people/{user.id}/resend")

    assert response.status_code == 302
    mails = mails_to("new.person@example.org")
    assert len(mails) == 2 and all("/invitation/" in m.body for m in mails)


def test_resend_to_someone_who_has_joined_is_refused(world, client, login_as):
    login_as(world.facilitator)
    response = client.post(f"/cohorts/{world.cohort.id}/people/{world.member.id}/resend")
    assert response.status_code == 302
    assert "already set a password" in client.get(response.headers["Location"]).text
    assert mails_to("member@example.org") == []


def test_resend_is_for_roster_managers_only(world, client, login_as):
    pending = factories.make_user("pending@example.org", password=None)
    factories.add_member(world.cohort, pending)
    db.session.commit()
    login_as(world.member)
    assert client.post(
        f"/cohorts/{world.cohort.id}/people/{pending.id}/resend").status_code == 403
    assert client.get(
        f"/cohorts/{world.cohort.id}/people/{pending.id}/resend").status_code == 405
