"""The cast of the permission matrix: two cohorts of one programme and every role around them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import time, timedelta

from plc.accounts.models import User, UserSession
from plc.assessments.models import SUBMITTED, Checkpoint, Rating, SelfAssessment
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings import services as meeting_services
from plc.meetings.models import AgendaItem, FollowUp, Meeting
from plc.notifications.models import COMMENT_ON_MY_PLAN, Notification
from plc.orgs.models import Organization
from plc.plans.models import (
    NOT_STARTED,
    SHARED_WITH_COHORT,
    ActionPlan,
    ActionStep,
    Barrier,
    FocusArea,
    ProgressUpdate,
)
from plc.privacy import exports
from plc.privacy.models import READY, DataExport
from plc.programs.models import FACILITATOR, Cohort, Invitation, Program, ProgramLead
from plc.rubrics import services as rubric_services
from plc.rubrics.models import Framework, FrameworkDraft
from plc.tokens import new_token
from tests import (
    factories,
    world_audit,
    world_dashboards,
    world_feedback,
    world_meetings,
    world_plans,
    world_voice,
)
from tests.worlds import Spec, world_fixture

ROLES = (
    "anonymous",
    "member_a",
    "member_b",
    "facilitator_a",
    "facilitator_b",
    "program_lead",
    "site_admin",
    "deactivated",
)


@dataclass
class World:
    program: Program
    other_program: Program
    cohort_a: Cohort
    cohort_b: Cohort
    district: Organization
    school: Organization
    users: dict[str, User]
    pending: User  # invited to cohort A, no password yet
    invitation_token: str
    framework: Framework
    checkpoint: Checkpoint  # the programme's open Baseline
    assessment_a: SelfAssessment | None = None  # member_a's draft worksheet on ``checkpoint``
    meeting_a: Meeting | None = None  # an upcoming meeting of cohort A
    calendar_token: str | None = None  # member_a's private calendar feed token
    # member_a's action plan, shared with cohort A: one focus area with a barrier and a step,
    # one progress update, and member_a's own comment on the plan.
    plan_a: ActionPlan | None = None
    focus_area_a: FocusArea | None = None
    step_a: ActionStep | None = None
    update_a: ProgressUpdate | None = None
    comment_a: Comment | None = None
    notification_a: Notification | None = None  # member_a's: a comment on their plan
    agenda_item_a: AgendaItem | None = None  # on meeting_a
    follow_up_a: FollowUp | None = None  # from meeting_a, assigned to member_a
    # role -> the key of a server-side session already signed in (tests/conftest.py's
    # sign_in_with_session), so that the matrix's thousands of requests skip the sign-in form.
    session_keys: dict[str, str] = field(default_factory=dict)
    # Another signed-in browser of member_a's (the "Your sessions" page signs it out).
    other_session_a: int | None = None
    # member_a's ready "my data" export (its file is written by tests/matrix_privacy.py).
    export_a: DataExport | None = None
    export_a_data: dict = field(default_factory=dict)
    # Stakeholder voice (tests/world_voice.py): on plan_a, an open round kept to member_a
    # (5 staff responses), one shared with cohort A, a closed one with its note; and the
    # single-use link of an invitee of round_a.
    round_a: object = None
    round_shared: object = None
    round_closed: object = None
    invitee_token: str = ""
    voice_links: dict = field(default_factory=dict)  # round -> [(audience id, token)]
    # Framework drafts in the editor: one for programme P (its lead edits it), one for Q.
    draft_p: FrameworkDraft | None = None
    draft_q: FrameworkDraft | None = None

    def user(self, role: str) -> User | None:
        return self.users.get(role)


def build_world() -> World:
    district = factories.make_org("Matrix District")
    school = factories.make_org("Matrix School", parent=district)
    users = {
        role: factories.make_user(f"{role}@example.org", role.replace("_", " ").title(),
                                  organization=school)
        for role in ROLES
        if role != "anonymous"
    }
    users["site_admin"].is_site_admin = True
    # Site admins and program leads must sign in with a second factor (PLC_REQUIRE_TOTP_FOR):
    # these two have one, and their ready-made sessions passed it.
    factories.enrol(users["site_admin"])
    factories.enrol(users["program_lead"])
    framework = factories.make_framework("matrix-framework")
    program = factories.make_program("Matrix Programme", lead=users["program_lead"])
    program.framework_id = framework.id
    checkpoint = factories.make_checkpoint(program)
    other_program = factories.make_program("Other Programme")
    cohort_a = factories.make_cohort(program, "Cohort A")
    cohort_b = factories.make_cohort(program, "Cohort B")
    factories.add_member(cohort_a, users["member_a"])
    factories.add_member(cohort_a, users["deactivated"])
    factories.add_member(cohort_b, users["member_b"])
    factories.add_member(cohort_a, users["facilitator_a"], FACILITATOR)
    factories.add_member(cohort_b, users["facilitator_b"], FACILITATOR)
    pending = factories.make_user("pending@example.org", "Pending Person", password=None)
    factories.add_member(cohort_a, pending)
    token, token_hash = new_token()
    db.session.add(Invitation(user_id=pending.id, cohort_id=cohort_a.id, token_hash=token_hash,
                              expires_at=utcnow() + timedelta(days=7)))
    assessment_a = SelfAssessment(user_id=users["member_a"].id, checkpoint_id=checkpoint.id,
                                  framework_id=framework.id, ratings=[], changes=[])
    db.session.add(assessment_a)
    meeting_a = _meeting(users["facilitator_a"], cohort_a, days_from_now=10)
    calendar_token = meeting_services.renew_calendar_token(users["member_a"])
    world = World(program, other_program, cohort_a, cohort_b, district, school, users, pending,
                  token, framework, checkpoint, assessment_a, meeting_a, calendar_token)
    _add_plan(world)
    _add_meeting_detail(world)
    _add_sessions(world)
    _add_export(world)
    world_voice.add(world)
    world.draft_p = rubric_services.start_draft(users["program_lead"], program_id=program.id)
    world.draft_q = rubric_services.start_draft(users["site_admin"],
                                                program_id=other_program.id)
    db.session.commit()
    return world


def _add_export(world: World) -> None:
    world.export_a = DataExport(user_id=world.users["member_a"].id, status=READY, done=8,
                                parts=8, file_name="matrix-export-a.zip", size_bytes=1000,
                                finished_at=utcnow(), expires_at=utcnow() + timedelta(days=7))
    db.session.add(world.export_a)
    db.session.flush()
    world.export_a_data = {"exported_at": utcnow().isoformat(), "account": {
        "name": "Member A", "email": "member_a@example.org", "title": "", "organization": "",
        "time_zone": "UTC", "created_at": "", "cohorts": []}, **{
        key: [] for key, _title, _read in exports.PARTS if key != "account"}}


def _add_sessions(world: World) -> None:
    for role, user in world.users.items():
        key, key_hash = new_token()
        db.session.add(UserSession(user_id=user.id, key_hash=key_hash, user_agent="matrix"))
        world.session_keys[role] = key
    phone = UserSession(user_id=world.users["member_a"].id, key_hash=new_token()[1],
                        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
                                   "AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1")
    db.session.add(phone)
    db.session.flush()
    world.other_session_a = phone.id


def _add_plan(world: World) -> None:
    member = world.users["member_a"]
    competencies, levels = factories.rubric(world.framework.id)
    competency = competencies[0]
    world.step_a = ActionStep(position=1, text="Observe two classes", status=NOT_STARTED)
    world.focus_area_a = FocusArea(
        position=1, competency_id=competency.id, change="Listen before deciding",
        current_level_id=levels[1].id, target_level_id=levels[2].id,
        barriers=[Barrier(position=1, kind="skill", text="I interrupt")], steps=[world.step_a],
    )
    world.plan_a = ActionPlan(user_id=member.id, program_id=world.program.id,
                              visibility=SHARED_WITH_COHORT, shared_at=utcnow(),
                              focus_areas=[world.focus_area_a])
    db.session.add(world.plan_a)
    db.session.flush()
    world.update_a = ProgressUpdate(plan_id=world.plan_a.id, author_id=member.id,
                                    did="Observed one class", learned="Wait time matters",
                                    next="Observe another")
    db.session.add(world.update_a)
    db.session.flush()
    world.comment_a = Comment(plan_id=world.plan_a.id, author_id=member.id,
                              body="Happy to hear ideas")
    db.session.add(world.comment_a)
    db.session.flush()
    world.notification_a = Notification(user_id=member.id, kind=COMMENT_ON_MY_PLAN,
                                        actor_id=world.users["facilitator_a"].id,
                                        plan_id=world.plan_a.id,
                                        comment_id=world.comment_a.id)
    db.session.add(world.notification_a)
    db.session.flush()


def _add_meeting_detail(world: World) -> None:
    world.agenda_item_a = AgendaItem(meeting_id=world.meeting_a.id, position=1,
                                     title="Check-in", minutes=10, protocol="check_in")
    world.follow_up_a = FollowUp(meeting_id=world.meeting_a.id,
                                 assignee_id=world.users["member_a"].id,
                                 text="Share the observation tool",
                                 created_by_id=world.users["facilitator_a"].id)
    db.session.add_all([world.agenda_item_a, world.follow_up_a])
    db.session.flush()


def _meeting(actor: User, cohort: Cohort, days_from_now: int) -> Meeting:
    return meeting_services.schedule_meeting(
        actor, cohort, title="Cohort meeting",
        day=(utcnow() + timedelta(days=days_from_now)).date(), start=time(16),
        duration_minutes=90, place=meeting_services.Place("Room 101", "https://video.example/a"),
    )


_grown = itertools.count()


def grow_once(world: World) -> World:
    grow(world, 1)
    return world


def grow_four_more(world: World) -> World:
    grow(world, 4)
    return world


def grow(world: World, factor: int) -> None:
    """Add rows to every list a page shows, ``factor`` times over: more districts and schools,
    people in both cohorts (some pending), more cohorts and programmes, more leads."""
    for _ in range(factor):
        i = next(_grown)
        district = factories.make_org(f"Grown District {i}")
        schools = [factories.make_org(f"Grown School {i}.{j}", parent=district) for j in range(3)]
        for j, school in enumerate(schools):
            member = factories.make_user(f"grown{i}.{j}@example.org", organization=school)
            factories.add_member(world.cohort_a if j % 2 else world.cohort_b, member)
        pending = factories.make_user(f"grown-pending{i}@example.org", password=None,
                                      organization=district)
        factories.add_member(world.cohort_a, pending)
        factories.add_member(world.cohort_a, factories.make_user(organization=schools[0]),
                             FACILITATOR)
        factories.make_cohort(world.program, f"Grown Cohort {i}")
        lead = factories.make_user(f"grown-lead{i}@example.org")
        program = factories.make_program(f"Grown Programme {i}", lead=lead)
        factories.make_cohort(program)
        db.session.add(ProgramLead(program_id=world.program.id, user_id=lead.id))
        _grow_worksheets(world, i)
        _grow_meetings(world, i)
        for grow_area in (world_plans.grow, world_feedback.grow, world_meetings.grow,
                          world_voice.grow, world_dashboards.grow, world_audit.grow):
            grow_area(world, i)
    db.session.commit()


def _grow_worksheets(world: World, i: int) -> None:
    """Another open checkpoint with member_a's submitted (and shared) worksheet: the growth
    page gains a column, the cohort page and home page more statuses."""
    checkpoint = factories.make_checkpoint(world.program, f"Grown checkpoint {i}", 100 + i)
    competencies, levels = factories.rubric(world.framework.id)
    db.session.add(SelfAssessment(
        user_id=world.users["member_a"].id, checkpoint_id=checkpoint.id,
        framework_id=world.framework.id, status=SUBMITTED, shared_with_cohort=True,
        ratings=[Rating(competency_id=c.id, level_id=levels[(i + n) % len(levels)].id)
                 for n, c in enumerate(competencies)],
        changes=[],
    ))


def _grow_meetings(world: World, i: int) -> None:
    """Past and upcoming meetings (one cancelled) in both cohorts: the meeting list, the
    feed and the .ics pages gain rows."""
    actor = world.users["program_lead"]
    for cohort in (world.cohort_a, world.cohort_b):
        _meeting(actor, cohort, days_from_now=-30 * (i + 1))
        _meeting(actor, cohort, days_from_now=30 * (i + 1)).status = "cancelled"
        _meeting(actor, cohort, days_from_now=31 * (i + 1))


# The permission world, cloned into each test that names the fixture; grown once (a row more in
# every list a page shows) and five times, for the statement budgets.
PERMISSION = Spec("permission", build_world)
GROWN = Spec("grown-1", grow_once, base=PERMISSION)
GROWN_5 = Spec("grown-5", grow_four_more, base=GROWN)
world = world_fixture("world", PERMISSION)
grown_world = world_fixture("grown_world", GROWN)
grown5_world = world_fixture("grown5_world", GROWN_5)
