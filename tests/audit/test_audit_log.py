"""The audit log (issue 17 item 6): every administrative act leaves exactly one event naming
who did it, to what, and from where; the log is append-only; its page is for site admins."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import delete, func, select, update

from plc.accounts.models import User
from plc.api.models import ApiToken
from plc.audit import services as audit
from plc.audit.models import AuditEvent, AuditLogIsAppendOnly
from plc.extensions import db
from plc.programs.models import Cohort, ProgramLead
from plc.rubrics import schema
from plc.rubrics.models import Framework
from tests.matrix import CSV
from tests.test_permissions import client_as

ADDRESS = "203.0.113.7"


def events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())


def act(app, world, role: str, url: str, data=None, **kwargs):
    """Post as ``role`` from ADDRESS; the act's new events."""
    before = len(events())
    response = client_as(app, world, role).post(url, data=data or {},
                                                environ_base={"REMOTE_ADDR": ADDRESS}, **kwargs)
    assert response.status_code in (302, 303), (url, response.status_code)
    return events()[before:]


def the_one(new: list[AuditEvent], action: str, actor: User, target_type: str,
            target_id: int | None) -> AuditEvent:
    assert [e.action for e in new] == [action]
    event = new[0]
    assert (event.actor_id, event.target_type, event.target_id) == (actor.id, target_type,
                                                                     target_id)
    assert event.actor_label == f"Account #{actor.id}"  # no name: erasure could not remove it
    assert event.remote_address == ADDRESS
    assert event.created_at is not None
    return event


def user_id(email: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == email))


# --- site admins' acts ------------------------------------------------------------------------


def test_inviting_a_new_account(app, world):
    new = act(app, world, "site_admin", "/admin/users/new",
              {"email": "brand.new@example.org", "name": "Brand New", "title": "",
               "organization_id": str(world.school.id)})
    event = the_one(new, "user.invited", world.users["site_admin"], "user",
                    user_id("brand.new@example.org"))
    assert event.target_label == f"Account #{event.target_id}"
    assert "Brand New" not in str(event.details)
    assert "brand.new@example.org" not in str(event.details)


def test_making_someone_site_admin_is_a_role_change(app, world):
    member = world.users["member_a"]
    new = act(app, world, "site_admin", f"/admin/users/{member.id}",
              {"name": member.name, "title": "", "organization_id": str(world.school.id),
               "is_site_admin": "y"})
    event = the_one(new, "role.changed", world.users["site_admin"], "user", member.id)
    assert event.details == {"changes": {"site_admin": [False, True]}}


def test_editing_an_account_is_an_edit_and_saving_it_unchanged_records_nothing(app, world):
    member = world.users["member_a"]
    data = {"name": "Renamed Member", "title": "", "organization_id": str(world.school.id)}
    event = the_one(act(app, world, "site_admin", f"/admin/users/{member.id}", data),
                    "user.edited", world.users["site_admin"], "user", member.id)
    assert event.details == {"changes": {"name": "changed"}}  # what, not the words
    assert act(app, world, "site_admin", f"/admin/users/{member.id}", data) == []
    page = client_as(app, world, "site_admin").get("/admin/audit").text
    assert "Renamed Member" in page[page.index("<tbody>"):]  # the name as it is now


def test_deactivating_and_reactivating(app, world):
    admin, member = world.users["site_admin"], world.users["member_a"]
    the_one(act(app, world, "site_admin", f"/admin/users/{member.id}/deactivate"),
            "user.deactivated", admin, "user", member.id)
    assert act(app, world, "site_admin", f"/admin/users/{member.id}/deactivate") == []
    the_one(act(app, world, "site_admin", f"/admin/users/{member.id}/reactivate"),
            "user.reactivated", admin, "user", member.id)
    assert act(app, world, "site_admin", f"/admin/users/{member.id}/reactivate") == []


def test_sending_an_invitation_again(app, world):
    the_one(act(app, world, "site_admin", f"/admin/users/{world.pending.id}/invitation"),
            "invitation.resent", world.users["site_admin"], "user", world.pending.id)


def test_uploading_a_framework(app, world):
    from tests.rubrics.conftest import SMALL

    file = (io.BytesIO(schema.dump(SMALL, "yaml").encode()), "small.yaml")
    new = act(app, world, "site_admin", "/admin/frameworks/upload", {"file": file},
              content_type="multipart/form-data")
    framework = db.session.execute(select(Framework).where(Framework.key == SMALL["key"])
                                   ).scalar_one()
    event = the_one(new, "framework.uploaded", world.users["site_admin"], "framework",
                    framework.id)
    assert event.details == {"key": SMALL["key"], "version": 1, "outcome": "created"}


# --- program leads' and facilitators' acts on programmes and rosters --------------------------


def test_appointing_and_removing_a_program_lead(app, world):
    lead, member_b = world.users["program_lead"], world.users["member_b"]
    program = world.program
    event = the_one(act(app, world, "program_lead", f"/programs/{program.id}/leads/new",
                        {"email": member_b.email}),
                    "lead.appointed", lead, "user", member_b.id)
    assert event.details["program_id"] == program.id
    the_one(act(app, world, "program_lead",
                f"/programs/{program.id}/leads/{member_b.id}/remove"),
            "lead.removed", lead, "user", member_b.id)
    assert db.session.scalar(select(func.count(ProgramLead.id)).where(
        ProgramLead.program_id == program.id)) == 1


def test_changing_a_cohort_role(app, world):
    member = world.users["member_a"]
    event = the_one(act(app, world, "program_lead",
                        f"/cohorts/{world.cohort_a.id}/people/{member.id}/role",
                        {"role": "facilitator"}),
                    "role.changed", world.users["program_lead"], "user", member.id)
    assert event.details["changes"] == {"role": ["member", "facilitator"]}


def test_adding_and_removing_a_person(app, world):
    facilitator = world.users["facilitator_a"]
    event = the_one(act(app, world, "facilitator_a", f"/cohorts/{world.cohort_a.id}/invite",
                        {"email": "invitee@example.org", "name": "Invitee", "role": "member",
                         "organization_id": str(world.school.id)}),
                    "membership.added", facilitator, "user", user_id("invitee@example.org"))
    assert event.details == {"cohort_id": world.cohort_a.id, "cohort": "Cohort A",
                             "role": "member", "new_account": True}
    the_one(act(app, world, "facilitator_a",
                f"/cohorts/{world.cohort_a.id}/people/{world.users['member_a'].id}/remove"),
            "membership.removed", facilitator, "user", world.users["member_a"].id)


def test_importing_a_roster_is_one_event_for_the_whole_file(app, world):
    new = act(app, world, "facilitator_a", f"/cohorts/{world.cohort_a.id}/import/confirm",
              {"csv_text": CSV})
    event = the_one(new, "roster.imported", world.users["facilitator_a"], "cohort",
                    world.cohort_a.id)
    assert event.target_label == "Cohort A"
    assert event.details == {"added": 1, "invited": 1, "already_in_cohort": 0,
                             "new_accounts": 1}
    assert "new.person@example.org" not in str(event.details)


# --- anyone's own API tokens ------------------------------------------------------------------


def test_creating_and_revoking_an_api_token(app, world):
    member = world.users["member_a"]
    new = act(app, world, "member_a", "/account/api-tokens", {"name": "Board report"})
    token = db.session.execute(select(ApiToken).where(ApiToken.user_id == member.id)
                               ).scalar_one()
    event = the_one(new, "token.created", member, "api_token", token.id)
    assert event.target_label == "Board report"
    the_one(act(app, world, "member_a", "/account/api-tokens/revoke", {"token_id": token.id}),
            "token.revoked", member, "api_token", token.id)


# --- refused acts and reads leave nothing -----------------------------------------------------


def test_a_refused_act_leaves_no_event(app, world):
    admin = world.users["site_admin"]
    response = client_as(app, world, "site_admin").post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 302
    assert events() == []


def test_a_non_admin_posting_an_admin_act_leaves_no_event(app, world):
    member = world.users["member_b"]
    response = client_as(app, world, "program_lead").post(f"/admin/users/{member.id}/deactivate")
    assert response.status_code == 404
    assert events() == []


# --- the command line -------------------------------------------------------------------------


def test_command_line_acts_name_no_actor_and_cli_as_address(app, world):
    admin = world.users["site_admin"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plc", "reset-second-factor", admin.email])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["plc", "create-admin", "--email", "root@example.org",
                                 "--name", "Root", "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    reset, created = events()
    assert (reset.action, reset.actor_id, reset.actor_label, reset.remote_address,
            reset.target_type, reset.target_id) == (
        "second_factor.reset", None, "Command line", "cli", "user", admin.id)
    assert (created.action, created.target_id, created.remote_address) == (
        "site_admin.created", user_id("root@example.org"), "cli")
    # A person with no second factor left: nothing reset, nothing recorded.
    runner.invoke(args=["plc", "reset-second-factor", admin.email])
    assert len(events()) == 2


def test_importing_a_framework_on_the_command_line(app, world, tmp_path):
    from tests.rubrics.conftest import SMALL

    path = tmp_path / "small.yaml"
    path.write_text(schema.dump(SMALL, "yaml"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["plc", "import-framework", str(path)])
    assert result.exit_code == 0, result.output
    (event,) = events()
    assert (event.action, event.actor_id, event.remote_address) == (
        "framework.uploaded", None, "cli")


def test_outside_any_request_the_address_is_cli(app, world):
    from flask import has_request_context

    assert not has_request_context()
    event = audit.record("year.closed", target_type="program", target_id=1,
                         target_label="x" * 300)
    assert event.remote_address == "cli" and event.actor_id is None
    assert len(event.target_label) == 200
    db.session.rollback()


# --- append-only ----------------------------------------------------------------------------


@pytest.fixture
def one_event(app, world):
    event = audit.record("user.deactivated", actor=world.users["site_admin"],
                         target_type="user", target_id=world.users["member_a"].id,
                         target_label="Member A")
    db.session.commit()
    return event


def test_an_event_cannot_be_changed_through_the_orm(one_event):
    one_event.target_label = "Someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert events()[0].target_label == "Member A"


def test_an_event_cannot_be_deleted_through_the_orm(one_event):
    db.session.delete(one_event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert len(events()) == 1


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(actor_label="Nobody"),
    delete(AuditEvent),
], ids=["update", "delete"])
def test_bulk_statements_on_events_are_refused(one_event, statement):
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert [e.actor_label for e in events()] == [one_event.actor_label]


def test_other_tables_are_still_updated_and_deleted_in_bulk(one_event, world):
    db.session.execute(update(Cohort).where(Cohort.id == world.cohort_b.id)
                       .values(description="x"))
    db.session.execute(delete(ApiToken))
    db.session.rollback()


# --- the page -------------------------------------------------------------------------------


def test_the_page_lists_events_newest_first_with_who_what_and_where(app, world):
    admin = world.users["site_admin"]
    act(app, world, "site_admin", f"/admin/users/{world.users['member_a'].id}/deactivate")
    act(app, world, "site_admin", f"/admin/users/{world.pending.id}/invitation")
    page = client_as(app, world, "site_admin").get("/admin/audit").text
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    assert body.index("Invitation sent again") < body.index("Account deactivated")
    assert f"{admin.name} (#{admin.id})" in body and ADDRESS in body
    assert "2 events" in page


def test_the_page_filters_by_action_and_by_person(app, world):
    admin = world.users["site_admin"]
    act(app, world, "site_admin", f"/admin/users/{world.users['member_a'].id}/deactivate")
    act(app, world, "site_admin", f"/admin/users/{world.users['member_b'].id}/deactivate")
    act(app, world, "site_admin", f"/admin/users/{world.pending.id}/invitation")
    client = client_as(app, world, "site_admin")

    def shown(query: str) -> set[str]:
        page = client.get(f"/admin/audit?{query}").text
        body = page[page.index("<tbody>"):page.index("</tbody>")]
        return {n for n in ("Member A", "Member B", "Pending Person") if n in body}

    assert shown("action=user.deactivated") == {"Member A", "Member B"}
    assert shown("person=member_b@example") == {"Member B"}  # by the account's e-mail now
    assert shown("person=pending") == {"Pending Person"}
    assert shown("person=member&action=invitation.resent") == set()
    assert shown(f"person={admin.email}") == {"Member A", "Member B", "Pending Person"}
    assert shown("action=not-an-action") == {"Member A", "Member B", "Pending Person"}


def test_the_page_shows_50_events_a_page(app, world):
    admin = world.users["site_admin"]
    for n in range(55):
        audit.record("token.created", actor=admin, target_type="token", target_id=n,
                     target_label=f"Person {n:02}")
    db.session.commit()
    client = client_as(app, world, "site_admin")
    first = client.get("/admin/audit").text
    assert "Person 54" in first and "Person 05" in first and "Person 04" not in first
    assert "page 1 of 2" in first
    second = client.get("/admin/audit?page=2").text
    assert "Person 04" in second and "Person 05" not in second
    assert "page 2 of 2" in client.get("/admin/audit?page=99").text


def test_admin_index_links_to_the_log(app, world):
    assert "/admin/audit" in client_as(app, world, "site_admin").get("/admin/").text
