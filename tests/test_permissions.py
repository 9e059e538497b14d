"""The permission matrix: every route, every role, against objects inside and outside reach.

Each case names a route, how to call it and what each role must get: "ok" (served, or done and
redirected), "login" (sent to sign in), 403 (visible but not allowed) or 404 (out of reach: its
existence must not leak). A route the app registers but no case covers fails the test.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plc import permissions
from plc.accounts.models import User
from plc.extensions import db
from plc.programs.models import Cohort, Program
from tests import (
    matrix_api,
    matrix_audit,
    matrix_dashboards,
    matrix_feedback,
    matrix_meetings,
    matrix_plans,
    matrix_privacy,
    matrix_voice,
)
from tests.conftest import sign_in_with_session
from tests.matrix import (  # noqa: F401  (re-exported for tests/test_query_budgets.py)
    ADMIN_ONLY,
    ASSESSMENT_A,
    ASSESSMENT_A_AUTHOR,
    COHORT_A_LEADS,
    COHORT_A_MEETINGS,
    COHORT_A_ROSTER,
    COHORT_A_VIEW,
    COHORT_B_MEETINGS,
    COHORT_B_ROSTER,
    COHORT_B_VIEW,
    CSV,
    DEAD_LINK,
    LOGIN,
    MEETINGS_A_SCHEDULE,
    MEETINGS_B_SCHEDULE,
    NO_RATING_AGGREGATES,
    OK,
    OTHER_PROGRAM,
    OWN_SESSION,
    PROGRAM_CREATORS,
    PROGRAM_P,
    PUBLIC,
    RATING_AGGREGATES_P,
    SIGNED_IN,
    WORKSHEET,
    A,
    B,
    Case,
    P,
    Q,
    both,
    expect,
    uid,
)
from tests.permission_world import PERMISSION, ROLES, World

BASE_CASES: list[Case] = [
    Case("static", "GET", lambda w: "/static/css/plc.css", PUBLIC),
    Case("bootstrap.static", "GET", lambda w: "/bootstrap/static/css/bootstrap.min.css", PUBLIC),
    Case("main.healthz", "GET", lambda w: "/healthz", PUBLIC),
    Case("main.favicon", "GET", lambda w: "/favicon.ico", PUBLIC),
    Case("main.home", "GET", lambda w: "/", SIGNED_IN),
    *both("accounts.login", lambda w: "/login", PUBLIC),
    # The district's provider sends the browser back here; without a sign-in this browser
    # started, a page that says so (a signed-in person goes home).
    Case("accounts.district_callback", "GET", lambda w: "/login/district/callback",
         expect(OK, anonymous=400, deactivated=400)),
    # Signing out sends everyone to the sign-in page; what matters is that it needs a POST.
    Case("accounts.logout", "POST", lambda w: "/logout", expect(LOGIN)),
    *both("accounts.change_password", lambda w: "/account/password", SIGNED_IN),
    *both("accounts.profile", lambda w: "/profile", SIGNED_IN),
    *both("accounts.request_reset", lambda w: "/password-reset", PUBLIC),
    *both("accounts.reset_password", lambda w: "/password-reset/not-a-token", DEAD_LINK),
    *both("accounts.accept_invitation", lambda w: f"/invitation/{w.invitation_token}", PUBLIC),
    # The code step of signing in: without a password given first, back to the sign-in page
    # (a signed-in person goes home).
    *both("accounts.login_code", lambda w: "/login/code", SIGNED_IN),
    *both("accounts.two_factor", lambda w: "/account/two-factor", SIGNED_IN),
    Case("accounts.disable_two_factor", "POST", lambda w: "/account/two-factor/off", SIGNED_IN),
    Case("accounts.user_sessions", "GET", lambda w: "/account/sessions", SIGNED_IN),
    Case("accounts.end_session", "POST",
         lambda w: f"/account/sessions/{w.other_session_a}/end", OWN_SESSION),
    Case("accounts.end_other_sessions", "POST", lambda w: "/account/sessions/end-others",
         SIGNED_IN),
    # --- site administration
    Case("admin.index", "GET", lambda w: "/admin/", ADMIN_ONLY),
    Case("admin.organizations", "GET", lambda w: "/admin/organizations", ADMIN_ONLY),
    *both("admin.new_district", lambda w: "/admin/organizations/new", ADMIN_ONLY),
    *both("admin.new_school", lambda w: f"/admin/organizations/{w.district.id}/schools/new",
          ADMIN_ONLY),
    *both("admin.edit_organization", lambda w: f"/admin/organizations/{w.school.id}/edit",
          ADMIN_ONLY),
    Case("admin.delete_organization", "POST",
         lambda w: f"/admin/organizations/{w.school.id}/delete", ADMIN_ONLY),
    *both("admin.identity_provider", lambda w: f"/admin/organizations/{w.district.id}/sign-in",
          ADMIN_ONLY),
    Case("admin.remove_identity_provider", "POST",
         lambda w: f"/admin/organizations/{w.district.id}/sign-in/remove", ADMIN_ONLY),
    Case("admin.users", "GET", lambda w: "/admin/users", ADMIN_ONLY),
    *both("admin.new_user", lambda w: "/admin/users/new", ADMIN_ONLY),
    *both("admin.edit_user", lambda w: f"/admin/users/{w.users['member_a'].id}", ADMIN_ONLY),
    Case("admin.deactivate_user", "POST",
         lambda w: f"/admin/users/{w.users['member_a'].id}/deactivate", ADMIN_ONLY),
    Case("admin.reactivate_user", "POST",
         lambda w: f"/admin/users/{w.users['member_a'].id}/reactivate", ADMIN_ONLY),
    Case("admin.resend_invitation", "POST",
         lambda w: f"/admin/users/{w.pending.id}/invitation", ADMIN_ONLY),
    # --- programmes
    Case("programs.program_list", "GET", lambda w: "/programs", PROGRAM_CREATORS),
    *both("programs.new_program", lambda w: "/programs/new", PROGRAM_CREATORS),
    Case("programs.program", "GET", lambda w: f"/programs/{P(w)}", PROGRAM_P),
    Case("programs.program", "GET", lambda w: f"/programs/{Q(w)}", OTHER_PROGRAM, label="other"),
    *both("programs.edit_program", lambda w: f"/programs/{P(w)}/edit", PROGRAM_P),
    *both("programs.edit_program", lambda w: f"/programs/{Q(w)}/edit", OTHER_PROGRAM,
          label="other"),
    *both("programs.new_lead", lambda w: f"/programs/{P(w)}/leads/new", PROGRAM_P),
    *both("programs.new_lead", lambda w: f"/programs/{Q(w)}/leads/new", OTHER_PROGRAM,
          label="other"),
    # Closing a year (issue 17 item 5): its leads and site admins; POST closes it.
    Case("programs.close_program", "GET", lambda w: f"/programs/{P(w)}/close", PROGRAM_P),
    Case("programs.close_program", "POST", lambda w: f"/programs/{P(w)}/close", PROGRAM_P,
         lambda w: {"confirm": "y"}),
    *both("programs.close_program", lambda w: f"/programs/{Q(w)}/close", OTHER_PROGRAM,
          label="other"),
    Case("programs.remove_lead", "POST",
         lambda w: f"/programs/{P(w)}/leads/{w.users['program_lead'].id}/remove", PROGRAM_P),
    *both("programs.new_cohort", lambda w: f"/programs/{P(w)}/cohorts/new", PROGRAM_P),
    *both("programs.new_cohort", lambda w: f"/programs/{Q(w)}/cohorts/new", OTHER_PROGRAM,
          label="other"),
    # --- cohorts
    Case("programs.cohort", "GET", lambda w: f"/cohorts/{A(w)}", COHORT_A_VIEW),
    Case("programs.cohort", "GET", lambda w: f"/cohorts/{B(w)}", COHORT_B_VIEW, label="B"),
    *both("programs.edit_cohort", lambda w: f"/cohorts/{A(w)}/edit", COHORT_A_LEADS),
    *both("programs.invite", lambda w: f"/cohorts/{A(w)}/invite", COHORT_A_ROSTER),
    *both("programs.invite", lambda w: f"/cohorts/{B(w)}/invite", COHORT_B_ROSTER, label="B"),
    Case("programs.change_role", "POST",
         lambda w: f"/cohorts/{A(w)}/people/{w.users['member_a'].id}/role", COHORT_A_LEADS,
         lambda w: {"role": "facilitator"}),
    Case("programs.remove_person", "POST",
         lambda w: f"/cohorts/{A(w)}/people/{w.users['member_a'].id}/remove", COHORT_A_ROSTER),
    Case("programs.remove_person", "POST",
         lambda w: f"/cohorts/{A(w)}/people/{w.users['facilitator_a'].id}/remove",
         COHORT_A_LEADS, label="facilitator"),
    Case("programs.remove_person", "POST",
         lambda w: f"/cohorts/{B(w)}/people/{w.users['member_b'].id}/remove", COHORT_B_ROSTER,
         label="B"),
    Case("programs.resend_invitation", "POST",
         lambda w: f"/cohorts/{A(w)}/people/{w.pending.id}/resend", COHORT_A_ROSTER),
    *both("programs.import_roster", lambda w: f"/cohorts/{A(w)}/import", COHORT_A_ROSTER),
    *both("programs.import_roster", lambda w: f"/cohorts/{B(w)}/import", COHORT_B_ROSTER,
          label="B"),
    Case("programs.confirm_import", "POST", lambda w: f"/cohorts/{A(w)}/import/confirm",
         COHORT_A_ROSTER, lambda w: {"csv_text": CSV}),
    Case("programs.confirm_import", "POST", lambda w: f"/cohorts/{B(w)}/import/confirm",
         COHORT_B_ROSTER, lambda w: {"csv_text": CSV}, label="B"),
    Case("programs.roster_example", "GET", lambda w: f"/cohorts/{A(w)}/import/example.csv",
         COHORT_A_ROSTER),
    # --- rubrics
    Case("rubrics.rubric", "GET", lambda w: f"/frameworks/{w.framework.id}", SIGNED_IN),
    Case("rubrics.manage", "GET", lambda w: "/admin/frameworks", ADMIN_ONLY),
    *both("rubrics.upload", lambda w: "/admin/frameworks/upload", ADMIN_ONLY),
    Case("rubrics.export", "GET", lambda w: f"/admin/frameworks/{w.framework.id}/export.yaml",
         ADMIN_ONLY),
    Case("rubrics.export", "GET", lambda w: f"/admin/frameworks/{w.framework.id}/export.json",
         ADMIN_ONLY, label="json"),
    # The editor: site admins and program leads; members and facilitators 404; a lead edits
    # only the drafts (and frameworks) of the programmes they lead.
    Case("rubrics.drafts", "GET", lambda w: "/frameworks/editor", PROGRAM_P),
    *both("rubrics.new_draft", lambda w: "/frameworks/editor/new", PROGRAM_P,
          lambda w: {"program_id": str(P(w)), "start": "empty"}),
    *both("rubrics.edit_draft", lambda w: f"/frameworks/editor/{w.draft_p.id}", PROGRAM_P,
          lambda w: {"name": "Renamed draft", "action": "save"}),
    *both("rubrics.edit_draft", lambda w: f"/frameworks/editor/{w.draft_q.id}", OTHER_PROGRAM,
          lambda w: {"name": "Renamed draft", "action": "save"}, label="other"),
    Case("rubrics.preview_draft", "GET",
         lambda w: f"/frameworks/editor/{w.draft_p.id}/preview", PROGRAM_P),
    Case("rubrics.preview_draft", "GET",
         lambda w: f"/frameworks/editor/{w.draft_q.id}/preview", OTHER_PROGRAM, label="other"),
    Case("rubrics.preview_worksheet", "GET",
         lambda w: f"/frameworks/editor/{w.draft_p.id}/preview/worksheet", PROGRAM_P),
    Case("rubrics.preview_worksheet", "GET",
         lambda w: f"/frameworks/editor/{w.draft_q.id}/preview/worksheet", OTHER_PROGRAM,
         label="other"),
    Case("rubrics.delete_draft", "POST",
         lambda w: f"/frameworks/editor/{w.draft_p.id}/delete", PROGRAM_P),
    Case("rubrics.delete_draft", "POST",
         lambda w: f"/frameworks/editor/{w.draft_q.id}/delete", OTHER_PROGRAM, label="other"),
    # The matrix framework is P's: its lead may start a new version of it.
    Case("rubrics.new_version", "POST",
         lambda w: f"/frameworks/{w.framework.id}/new-version", PROGRAM_P),
    # --- self-assessments
    *both("assessments.checkpoints", lambda w: f"/programs/{P(w)}/checkpoints", PROGRAM_P),
    *both("assessments.checkpoints", lambda w: f"/programs/{Q(w)}/checkpoints", OTHER_PROGRAM,
          label="other"),
    *both("assessments.new_checkpoint", lambda w: f"/programs/{P(w)}/checkpoints/new",
          PROGRAM_P),
    *both("assessments.new_checkpoint", lambda w: f"/programs/{Q(w)}/checkpoints/new",
          OTHER_PROGRAM, label="other"),
    Case("assessments.remove_checkpoint", "POST",
         lambda w: f"/checkpoints/{w.checkpoint.id}/remove", PROGRAM_P),
    *both("assessments.worksheet", lambda w: f"/checkpoints/{w.checkpoint.id}/worksheet",
          WORKSHEET),
    Case("assessments.view_assessment", "GET",
         lambda w: f"/assessments/{w.assessment_a.id}", ASSESSMENT_A),
    Case("assessments.reopen", "POST", lambda w: f"/assessments/{w.assessment_a.id}/reopen",
         ASSESSMENT_A_AUTHOR),
    Case("assessments.share", "POST", lambda w: f"/assessments/{w.assessment_a.id}/share",
         ASSESSMENT_A_AUTHOR, lambda w: {"shared": "1"}),
    Case("assessments.my_growth", "GET", lambda w: f"/programs/{P(w)}/growth", WORKSHEET),
    Case("assessments.member_growth", "GET",
         lambda w: f"/programs/{P(w)}/growth/{w.users['member_a'].id}", ASSESSMENT_A),
    Case("assessments.ratings_overview", "GET", lambda w: f"/programs/{P(w)}/ratings",
         RATING_AGGREGATES_P),
    Case("assessments.ratings_overview", "GET", lambda w: f"/programs/{Q(w)}/ratings",
         NO_RATING_AGGREGATES, label="other"),
    # --- meetings
    Case("meetings.cohort_meetings", "GET", lambda w: f"/cohorts/{A(w)}/meetings",
         COHORT_A_MEETINGS),
    Case("meetings.cohort_meetings", "GET", lambda w: f"/cohorts/{B(w)}/meetings",
         COHORT_B_MEETINGS, label="B"),
    *both("meetings.new_meeting", lambda w: f"/cohorts/{A(w)}/meetings/new",
          MEETINGS_A_SCHEDULE),
    *both("meetings.new_meeting", lambda w: f"/cohorts/{B(w)}/meetings/new",
          MEETINGS_B_SCHEDULE, label="B"),
    *both("meetings.new_series", lambda w: f"/cohorts/{A(w)}/meetings/series/new",
          MEETINGS_A_SCHEDULE),
    Case("meetings.meeting", "GET", lambda w: f"/meetings/{w.meeting_a.id}", COHORT_A_MEETINGS),
    Case("meetings.meeting_ics", "GET", lambda w: f"/meetings/{w.meeting_a.id}.ics",
         COHORT_A_MEETINGS),
    *both("meetings.move_meeting", lambda w: f"/meetings/{w.meeting_a.id}/move",
          MEETINGS_A_SCHEDULE),
    Case("meetings.cancel_meeting", "POST", lambda w: f"/meetings/{w.meeting_a.id}/cancel",
         MEETINGS_A_SCHEDULE, lambda w: {"version": str(w.meeting_a.version)}),
    # The feed needs no sign-in: its secret token is the key, whoever holds it.
    Case("meetings.calendar_feed", "GET", lambda w: f"/calendar/{w.calendar_token}.ics", PUBLIC),
    Case("meetings.calendar_feed", "GET", lambda w: "/calendar/not-a-token.ics", DEAD_LINK,
         label="unknown"),
    *both("meetings.calendar_settings", lambda w: "/account/calendar", SIGNED_IN),
    Case("meetings.revoke_calendar", "POST", lambda w: "/account/calendar/revoke", SIGNED_IN),
    # more meeting cases: tests/matrix_meetings.py
]

CASES: list[Case] = [
    *BASE_CASES, *matrix_plans.CASES, *matrix_feedback.CASES, *matrix_meetings.CASES,
    *matrix_dashboards.CASES, *matrix_api.CASES, *matrix_audit.CASES, *matrix_privacy.CASES,
    *matrix_voice.CASES,
]


def outcome(response) -> str | int:
    if response.status_code in (302, 303) and "/login" in response.location:
        return LOGIN
    if response.status_code in (200, 302, 303):
        return OK
    return response.status_code


def client_as(app, world: World, role: str):
    """A client signed in as ``role`` through the world's ready-made session (signing in
    itself is proven in tests/accounts)."""
    client = app.test_client()
    if role == "anonymous":
        return client
    sign_in_with_session(client, world.session_keys[role])
    if role == "deactivated":
        # Deactivated after signing in, behind the admin screen's back: the session must die.
        db.session.get(User, world.users[role].id).active = False
        db.session.commit()
    return client


def test_every_route_is_in_the_matrix(app):
    covered = {(case.endpoint, case.method) for case in CASES}
    registered = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert registered - covered == set(), "routes missing from the permission matrix"
    assert covered - registered == set(), "matrix cases for routes that no longer exist"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matrix(app, worlds, world, second_factor_required, case: Case):
    """Every role against this route. Roles that are refused share one world (a refusal must
    change nothing); a role that is allowed to change something gets a world of its own."""
    failures = []
    for role in sorted(ROLES, key=lambda r: case.expected[r] == OK):
        if case.method != "GET" and case.expected[role] == OK:
            world = worlds.clone(PERMISSION)
        response = client_as(app, world, role).open(
            case.url(world), method=case.method, data=case.data(world)
        )
        if outcome(response) != case.expected[role]:
            failures.append(
                f"{role}: {response.status_code} {response.location or ''} "
                f"(expected {case.expected[role]})"
            )
    assert not failures, f"{case.method} {case.url(world)}\n" + "\n".join(failures)


# --- the same rules as functions and list filters ------------------------------------------


def visible_ids(model, clause) -> set[int]:
    return set(db.session.execute(select(model.id).where(clause)).scalars())


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "deactivated")])
def test_visible_filters_agree_with_can_functions(world, role):
    user = db.session.get(User, world.users[role].id)
    permissions.forget_roles()
    cohorts = db.session.execute(select(Cohort)).scalars().all()
    programs = db.session.execute(select(Program)).scalars().all()
    assert visible_ids(Cohort, permissions.visible_cohorts(user)) == {
        c.id for c in cohorts if permissions.can_view_cohort(user, c)
    }
    assert visible_ids(Program, permissions.visible_programs(user)) == {
        p.id for p in programs if permissions.can_view_program(user, p)
    }


@pytest.mark.parametrize(
    "role, cohorts_seen",
    [("member_a", {"Cohort A"}), ("member_b", {"Cohort B"}), ("facilitator_a", {"Cohort A"}),
     ("facilitator_b", {"Cohort B"}), ("program_lead", {"Cohort A", "Cohort B"}),
     ("site_admin", {"Cohort A", "Cohort B"})],
)
def test_visible_cohorts_by_role(world, role, cohorts_seen):
    user = db.session.get(User, world.users[role].id)
    permissions.forget_roles()
    names = set(db.session.execute(
        select(Cohort.name).where(permissions.visible_cohorts(user))
    ).scalars())
    assert names == cohorts_seen


def test_anonymous_sees_no_cohort_or_programme(world):
    from flask_login import AnonymousUserMixin

    nobody = AnonymousUserMixin()
    assert visible_ids(Cohort, permissions.visible_cohorts(nobody)) == set()
    assert visible_ids(Program, permissions.visible_programs(nobody)) == set()


# --- decisions that used to be made outside plc/permissions.py (issue 13) ------------------


def person(world, role: str):
    from flask_login import AnonymousUserMixin

    return AnonymousUserMixin() if role == "anonymous" else world.users[role]


@pytest.mark.parametrize("role", ROLES)
def test_an_update_is_reworded_by_its_author_alone(world, role):
    assert permissions.can_edit_update(person(world, role), world.plan_a,
                                       world.update_a) is (role == "member_a")


def test_the_plans_author_does_not_reword_an_update_someone_else_wrote(world):
    from plc.plans.models import ProgressUpdate

    by_peer = ProgressUpdate(plan_id=world.plan_a.id, author_id=world.users["member_b"].id)
    assert not permissions.can_edit_update(world.users["member_a"], world.plan_a, by_peer)
    assert not permissions.can_edit_update(world.users["member_b"], world.plan_a, by_peer)


@pytest.mark.parametrize("role", ROLES)
def test_a_notification_is_opened_by_its_recipient_alone(world, role):
    assert permissions.can_open_notification(person(world, role),
                                             world.notification_a) is (role == "member_a")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "deactivated"])
def test_meeting_notes_are_the_cohorts_alone(world, role):
    """Notes and follow-ups: cohort A's members and facilitators read them; its facilitators
    write them (and a note-taker, none here); the programme's lead sees the meeting, not its
    notes; site admins see no meeting at all (issue 17)."""
    user, cohort = person(world, role), world.cohort_a
    permissions.forget_roles()
    assert permissions.can_read_meeting_notes(user, cohort) is (
        role in ("member_a", "facilitator_a"))
    assert permissions.can_write_notes(user, world.meeting_a, cohort) is (
        role == "facilitator_a")
    assert permissions.can_view_meetings(user, cohort) is (
        role in ("member_a", "facilitator_a", "program_lead"))
