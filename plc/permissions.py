"""Every access rule of docs/product.md, in one place.

``can_*(user, obj)`` answers one question about one object; ``visible_*(user)`` gives the
matching filter for list queries. Views call ``require(...)``; templates get these functions
as Jinja globals. An object a user may not even know about answers 404, not 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, g
from sqlalchemy import false, or_, true

from plc.accounts.models import User, UserSession
from plc.db import utcnow
from plc.plans.models import FACILITATORS_ONLY, SHARED_WITH_COHORT
from plc.programs import queries as program_queries
from plc.programs.models import FACILITATOR, MEMBER, Cohort, Membership, Program
from plc.rubrics.models import Framework, FrameworkDraft
from plc.voice import models as voice


@dataclass(frozen=True)
class Roles:
    """What one user holds: site admin, the programmes they lead, their cohort roles."""

    is_admin: bool = False
    led_program_ids: frozenset[int] = frozenset()
    cohort_roles: dict[int, str] = field(default_factory=dict)

    def facilitates(self, cohort_id: int) -> bool:
        return self.cohort_roles.get(cohort_id) == FACILITATOR

    def belongs_to(self, cohort_id: int) -> bool:
        return cohort_id in self.cohort_roles

    def leads(self, program_id: int) -> bool:
        return program_id in self.led_program_ids


NO_ROLES = Roles()


def roles_of(user) -> Roles:
    """The user's roles, read once per request (one statement) and cached."""
    if user is None or not user.is_authenticated:
        return NO_ROLES
    read_roles([user])
    return g._plc_roles[user.id]


def read_roles(users) -> None:
    """Read the roles of all these people not read yet, in one statement: whoever asks a
    can_* question of each reader of a plan in turn (a notification fan-out) asks this first."""
    cache = g.setdefault("_plc_roles", {})
    unread = {user.id: user for user in users if user.id not in cache}
    if not unread:
        return
    cohort_roles: dict[int, dict[int, str]] = {user_id: {} for user_id in unread}
    led: dict[int, set[int]] = {user_id: set() for user_id in unread}
    for user_id, place_id, role in program_queries.roles_of_people(unread):
        if role == program_queries.PROGRAM_LEAD:
            led[user_id].add(place_id)
        else:
            cohort_roles[user_id][place_id] = role
    for user_id, user in unread.items():
        cache[user_id] = Roles(user.is_site_admin, frozenset(led[user_id]),
                               cohort_roles[user_id])


def remember_roles(user, cohort_roles: dict[int, str], led_program_ids: frozenset[int]) -> None:
    """The roles of the signed-in person, read with their session (accounts/sessions.py), so
    that ``roles_of`` needs no statement of its own."""
    g.setdefault("_plc_roles", {})[user.id] = Roles(user.is_site_admin, led_program_ids,
                                                     cohort_roles)


def forget_roles() -> None:
    """Call after changing someone's roles within a request."""
    g.pop("_plc_roles", None)


def require(allowed: bool, status: int = 404) -> None:
    if not allowed:
        abort(status)


# --- accounts -----------------------------------------------------------------------------


def needs_second_factor(user, required: frozenset[str]) -> bool:
    """Whether this person must sign in with a second factor: site admins and program leads,
    those of the two that ``required`` (PLC_REQUIRE_TOTP_FOR, read by plc.config) names."""
    if not required or user is None or not user.is_authenticated:
        return False
    roles = roles_of(user)
    return (("admins" in required and roles.is_admin)
            or ("leads" in required and bool(roles.led_program_ids)))


def can_end_session(user, user_session: UserSession | None) -> bool:
    """A signed-in browser is signed out by its own person only (the "Your sessions" page)."""
    return (user is not None and user.is_authenticated and user_session is not None
            and user_session.user_id == user.id and user_session.revoked_at is None)


# --- site administration ----------------------------------------------------------------


def can_administer(user) -> bool:
    """Accounts, organizations and frameworks belong to site admins."""
    return roles_of(user).is_admin


def can_view_audit_log(user) -> bool:
    """The audit log of administrative acts (plc/audit): site admins, and no one else (not
    the program leads whose acts are in it)."""
    return roles_of(user).is_admin


def can_sign_in_with_password(user, provider) -> bool:
    """A password signs in, unless the identity provider that vouches for the person's e-mail
    domain (``provider``, or None) belongs to a district that allows only its own sign-in.
    Site admins keep their password: the way in when a district's provider is down or
    misconfigured."""
    return provider is None or provider.password_sign_in or bool(user.is_site_admin)


# --- programmes ------------------------------------------------------------------------


def can_create_program(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or bool(roles.led_program_ids)


def can_view_program(user, program: Program) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.leads(program.id)


def can_manage_program(user, program: Program) -> bool:
    """Edit the programme, create cohorts, appoint facilitators and program leads."""
    return can_view_program(user, program)


def can_close_program(user, program: Program) -> bool:
    """Close a programme year (read-only from then on, its content deleted some years later):
    site admins and the programme's leads, while it is open."""
    return program.closed_at is None and can_manage_program(user, program)


def visible_programs(user):
    roles = roles_of(user)
    if roles.is_admin:
        return true()
    if not roles.led_program_ids:
        return false()
    return Program.id.in_(roles.led_program_ids)


# --- cohorts ---------------------------------------------------------------------------


def can_view_cohort(user, cohort: Cohort) -> bool:
    """The cohort page and roster: its people, the programme's leads, site admins."""
    roles = roles_of(user)
    return roles.is_admin or roles.belongs_to(cohort.id) or roles.leads(cohort.program_id)


def can_manage_roster(user, cohort: Cohort) -> bool:
    """Invite members and import rosters: the cohort's facilitators and the programme's leads."""
    roles = roles_of(user)
    return roles.is_admin or roles.facilitates(cohort.id) or roles.leads(cohort.program_id)


def can_appoint_facilitators(user, cohort: Cohort) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.leads(cohort.program_id)


def can_grant_role(user, cohort: Cohort, role: str) -> bool:
    if role == FACILITATOR:
        return can_appoint_facilitators(user, cohort)
    return can_manage_roster(user, cohort)


def visible_cohorts(user):
    roles = roles_of(user)
    if roles.is_admin:
        return true()
    clauses = []
    if roles.cohort_roles:
        clauses.append(Cohort.id.in_(roles.cohort_roles))
    if roles.led_program_ids:
        clauses.append(Cohort.program_id.in_(roles.led_program_ids))
    return or_(*clauses) if clauses else false()


# --- people ----------------------------------------------------------------------------


def can_edit_profile(user, person: User) -> bool:
    return user.is_authenticated and (user.id == person.id or roles_of(user).is_admin)


# --- programmes area (added) ---


def can_manage_cohort(user, cohort: Cohort) -> bool:
    """Rename and describe a cohort: the programme's leads (can_manage_program, by id)."""
    roles = roles_of(user)
    return roles.is_admin or roles.leads(cohort.program_id)


def can_change_cohort_role(user, cohort: Cohort) -> bool:
    """Promote a member to facilitator or back: whoever may appoint facilitators."""
    return can_appoint_facilitators(user, cohort)


def can_remove_from_cohort(user, cohort: Cohort, membership: Membership) -> bool:
    """Facilitators and leads take members off the roster; only leads remove a facilitator."""
    if membership.is_facilitator:
        return can_appoint_facilitators(user, cohort)
    return can_manage_roster(user, cohort)


# --- rubrics ---


def can_view_framework(user, framework: Framework) -> bool:
    """A rubric is no secret: everyone signed in may read every framework."""
    return bool(user is not None and user.is_authenticated)


def can_manage_frameworks(user) -> bool:
    """Import, list and export frameworks: site admins."""
    return can_administer(user)


def can_author_frameworks(user) -> bool:
    """Write frameworks in the browser's editor: site admins and program leads."""
    roles = roles_of(user)
    return roles.is_admin or bool(roles.led_program_ids)


def editable_program_ids(user) -> frozenset[int] | None:
    """The programmes whose frameworks and drafts the user edits; None: all (site admins)."""
    roles = roles_of(user)
    return None if roles.is_admin else roles.led_program_ids


def can_edit_draft(user, draft: FrameworkDraft) -> bool:
    """A draft is seen only by its editors: site admins, and the leads of its programme."""
    roles = roles_of(user)
    return roles.is_admin or (draft.program_id is not None and roles.leads(draft.program_id))


def can_edit_framework_everywhere(user, offering_program_ids: frozenset[int]) -> bool:
    """Change a published version in place (no one has rated against it yet): site admins,
    and a lead who leads every programme offering it (else the change is a new version)."""
    roles = roles_of(user)
    return roles.is_admin or offering_program_ids <= roles.led_program_ids


def can_edit_framework(user, offering_program_ids: frozenset[int]) -> bool:
    """Make a new draft version of a published framework (``offering_program_ids``: the
    programmes offering any version of its key): site admins, and the leads of one of them."""
    roles = roles_of(user)
    return roles.is_admin or bool(roles.led_program_ids & offering_program_ids)


# --- self-assessments --------------------------------------------------------------------
# "author_cohort_ids": the cohorts of the worksheet's programme where its author is a member
# (programs.queries.member_cohort_ids). Program leads and site admins get no individual
# ratings: only the author, the facilitators of the author's cohorts, and peers there when it
# is shared.


def can_keep_worksheet(user, own_cohort_ids) -> bool:
    """Fill in one's own worksheets in a programme: members of one of its cohorts."""
    return bool(getattr(user, "is_authenticated", False) and own_cohort_ids)


def can_view_assessment(user, assessment, author_cohort_ids) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.id == assessment.user_id:
        return True
    roles = roles_of(user)
    if any(roles.facilitates(cohort_id) for cohort_id in author_cohort_ids):
        return True
    return assessment.shared_with_cohort and any(
        roles.belongs_to(cohort_id) for cohort_id in author_cohort_ids
    )


def can_edit_assessment(user, assessment) -> bool:
    """Save, submit, reopen and share: the author alone."""
    return getattr(user, "is_authenticated", False) and user.id == assessment.user_id


def can_view_growth(user, person_id: int, person_cohort_ids, assessments) -> bool:
    """A person's growth page: themselves and their facilitators; a peer only when at least
    one of the person's worksheets is shared with them (they then see only those)."""
    if not getattr(user, "is_authenticated", False) or not person_cohort_ids:
        return False
    if user.id == person_id:
        return True
    roles = roles_of(user)
    if any(roles.facilitates(cohort_id) for cohort_id in person_cohort_ids):
        return True
    return any(can_view_assessment(user, a, person_cohort_ids) for a in assessments)


# Program leads see self-assessment ratings only as aggregates over this many people or more:
# a group with fewer shows no rating figure at all (plc/assessments/aggregates.py applies it).
MIN_AGGREGATE_GROUP = 5


def can_view_rating_aggregates(user, program: Program) -> bool:
    """The programme's ratings overview: its program leads (not site admins: docs/product.md gives
    them no ratings, not even aggregated)."""
    return roles_of(user).leads(program.id)


def can_view_worksheet_status(user, cohort: Cohort) -> bool:
    """Who has started or submitted which worksheet: the cohort's facilitators."""
    return roles_of(user).facilitates(cohort.id)


# --- meetings ---------------------------------------------------------------------------
# docs/product.md: a cohort's meetings (date, place, agenda, .ics) are seen by its people and
# the programme's leads; attendance figures by its facilitators and the leads; the notes and
# follow-ups, the cohort's own discussion, by its members and facilitators only. Site admins
# run the site, not the cohorts: no meeting at all (unless they are in the cohort).


def can_view_meetings(user, cohort: Cohort) -> bool:
    """A cohort's meetings (list, page, .ics, follow-up links): its people and the programme's
    leads. Everyone else, site admins included, gets 404."""
    roles = roles_of(user)
    return roles.belongs_to(cohort.id) or roles.leads(cohort.program_id)


def can_read_meeting_notes(user, cohort: Cohort) -> bool:
    """A meeting's notes and follow-ups: the cohort's members and facilitators. Program leads
    see the meeting, its agenda and attendance figures, not what was said; site admins none."""
    return roles_of(user).belongs_to(cohort.id)


def can_schedule_meetings(user, cohort: Cohort) -> bool:
    """Schedule, move and cancel a cohort's meetings: its facilitators and the programme's
    leads (site admins run the site, not the cohorts' calendars)."""
    roles = roles_of(user)
    return roles.facilitates(cohort.id) or roles.leads(cohort.program_id)


def keeps_attendance_record(user, cohort_id: int) -> bool:
    """Members have their own attendance record in a cohort; facilitators are not on the
    roster."""
    return roles_of(user).cohort_roles.get(cohort_id) == MEMBER


def can_manage_agenda(user, cohort: Cohort) -> bool:
    """Build a meeting's agenda: whoever schedules the cohort's meetings."""
    return can_schedule_meetings(user, cohort)


def can_take_attendance(user, cohort: Cohort) -> bool:
    """Take and correct attendance: the cohort's facilitators and the programme's leads."""
    return can_schedule_meetings(user, cohort)


def can_view_attendance(user, cohort: Cohort) -> bool:
    """A whole meeting's attendance: facilitators and program leads (docs/product.md); members
    see only their own record, site admins none."""
    return can_schedule_meetings(user, cohort)


def can_write_notes(user, meeting, cohort: Cohort) -> bool:
    """Notes and follow-ups: the cohort's facilitators and the meeting's note-taker (a person
    of the cohort). Not program leads: one does not write what one may not read."""
    roles = roles_of(user)
    if roles.facilitates(cohort.id):
        return True
    return bool(getattr(user, "is_authenticated", False) and meeting.note_taker_id == user.id
                and roles.belongs_to(cohort.id))


def can_choose_note_taker(user, cohort: Cohort) -> bool:
    """Ask a member to take a meeting's notes: the cohort's facilitators."""
    return roles_of(user).facilitates(cohort.id)


# --- action plans ------------------------------------------------------------------------
# "author_cohort_ids": the cohorts of the plan's programme where its author is a member
# (programs.queries.member_cohort_ids). docs/product.md: a draft is the author's alone; shared
# with the cohort, its peers and facilitators read it; facilitators-only, the facilitators.
# Program leads see status and dates (dashboards), never the text, unless they are also in
# the cohort; site admins see no plan.


def can_keep_plan(user, own_cohort_ids) -> bool:
    """Write one's own plan in a programme: members of one of its cohorts."""
    return can_keep_worksheet(user, own_cohort_ids)


def can_view_plan(user, plan, author_cohort_ids) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.id == plan.user_id:
        return True
    roles = roles_of(user)
    if plan.visibility in (SHARED_WITH_COHORT, FACILITATORS_ONLY) and any(
        roles.facilitates(cohort_id) for cohort_id in author_cohort_ids
    ):
        return True
    return plan.visibility == SHARED_WITH_COHORT and any(
        roles.belongs_to(cohort_id) for cohort_id in author_cohort_ids
    )


def can_edit_plan(user, plan) -> bool:
    """Edit, share, unshare and post progress updates: the author alone."""
    return getattr(user, "is_authenticated", False) and user.id == plan.user_id


def can_manage_round(user, plan) -> bool:
    """Open, invite to, close, share a stakeholder feedback round (plc/voice): the plan's
    author alone."""
    return can_edit_plan(user, plan)


def can_view_round(user, round_, plan, author_cohort_ids) -> bool:
    """A round's results: its leader; the cohort or its facilitators once the leader shared
    the summary with them (like a plan). Program leads and site admins never (counts only)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.id == plan.user_id:
        return True
    roles = roles_of(user)
    if round_.visibility in (voice.SHARED_WITH_COHORT, voice.FACILITATORS_ONLY) and any(
        roles.facilitates(cohort_id) for cohort_id in author_cohort_ids
    ):
        return True
    return round_.visibility == voice.SHARED_WITH_COHORT and any(
        roles.belongs_to(cohort_id) for cohort_id in author_cohort_ids
    )


def can_view_voice_counts(user, program) -> bool:
    """How many rounds and responses a programme has, never what they say: its leads."""
    return roles_of(user).leads(program.id)


def can_edit_update(user, plan, update) -> bool:
    """Reword a progress update: the person who wrote it, on a plan that is theirs."""
    return can_edit_plan(user, plan) and update.author_id == user.id


def visible_plans(user, author_cohort_id_column, visibility_column, author_column):
    """The list filter matching can_view_plan, for feeds: rows whose author's cohort is
    ``author_cohort_id_column`` (a membership of the author as member)."""
    if not getattr(user, "is_authenticated", False):
        return false()
    roles = roles_of(user)
    facilitated = [c for c, role in roles.cohort_roles.items() if role == FACILITATOR]
    clauses = [author_column == user.id]
    if facilitated:
        clauses.append(
            author_cohort_id_column.in_(facilitated)
            & visibility_column.in_((SHARED_WITH_COHORT, FACILITATORS_ONLY))
        )
    if roles.cohort_roles:
        clauses.append(
            author_cohort_id_column.in_(list(roles.cohort_roles))
            & (visibility_column == SHARED_WITH_COHORT)
        )
    return or_(*clauses)


# --- comments ------------------------------------------------------------------------------
# A comment is seen by whoever sees its plan.


def can_comment(user, plan, author_cohort_ids) -> bool:
    """Comment and reply: whoever sees a plan that has left draft (a draft is private)."""
    return not plan.is_draft and can_view_plan(user, plan, author_cohort_ids)


def can_edit_comment(user, comment) -> bool:
    return (getattr(user, "is_authenticated", False) and comment.author_id == user.id
            and not comment.is_deleted)


def can_delete_comment(user, comment, author_cohort_ids) -> bool:
    """The comment's author, or a facilitator of the plan author's cohort (moderation)."""
    if comment.is_deleted or not getattr(user, "is_authenticated", False):
        return False
    if comment.author_id == user.id:
        return True
    roles = roles_of(user)
    return any(roles.facilitates(cohort_id) for cohort_id in author_cohort_ids)


# --- action plans area (added) ---


def can_list_cohort_plans(user, cohort: Cohort) -> bool:
    """A cohort's list of plans: its people (each sees the plans can_view_plan gives them) and
    the programme's leads (status and dates only; see plan_statuses_visible)."""
    roles = roles_of(user)
    return roles.belongs_to(cohort.id) or roles.leads(cohort.program_id)


def can_read_cohort_plans(user, cohort: Cohort) -> bool:
    """Plans' text and links in the cohort's list: people in the cohort, not leads outside it."""
    return roles_of(user).belongs_to(cohort.id)


def plan_statuses_visible(user, cohort: Cohort, visibility_column):
    """What a program lead's list shows (status and dates): plans that left draft."""
    if not roles_of(user).leads(cohort.program_id):
        return false()
    return visibility_column.in_((SHARED_WITH_COHORT, FACILITATORS_ONLY))


# --- feedback and notifications ----------------------------------------------------------


def plan_readers(plan_author_column, visibility_column):
    """can_view_plan seen from the plan's side, as a filter over Membership rows of the plan
    author's cohorts (the caller restricts them to those cohorts): whose people may read the
    plan. Used to find whom to tell about it and whom one may @mention on it."""
    return or_(
        Membership.user_id == plan_author_column,
        (Membership.role == FACILITATOR)
        & visibility_column.in_((SHARED_WITH_COHORT, FACILITATORS_ONLY)),
        visibility_column == SHARED_WITH_COHORT,
    )


def can_view_cohort_feed(user, cohort: Cohort) -> bool:
    """The cohort's recent activity (plan and comment text): its own people only. Program
    leads and site admins outside the cohort see no plan text (docs/product.md), so no feed."""
    return roles_of(user).belongs_to(cohort.id)


def can_open_notification(user, notification) -> bool:
    """A notification is its recipient's alone: anyone else's does not exist for them."""
    return bool(getattr(user, "is_authenticated", False)
                and notification.user_id == user.id)


# --- meetings: follow-ups -------------------------------------------------------------------


def can_complete_follow_up(user, follow_up, meeting, cohort: Cohort) -> bool:
    """Mark a follow-up done: its assignee, or whoever writes the meeting's notes (seeing the
    follow-up at all is can_read_meeting_notes)."""
    if getattr(user, "is_authenticated", False) and follow_up.assignee_id == user.id:
        return True
    return can_write_notes(user, meeting, cohort)


def can_plan_follow_up(user, follow_up) -> bool:
    """Turn a follow-up into a step on one's own plan: its assignee alone."""
    return bool(getattr(user, "is_authenticated", False) and follow_up.assignee_id == user.id)


# --- dashboards ------------------------------------------------------------------------------
# Facilitators see their cohort member by member, ratings included; program leads see
# participation (status, dates, counts) by cohort and district, and ratings only through the
# ratings overview's aggregates. Site admins run the site, not the programmes: no dashboards.


def can_view_cohort_dashboard(user, cohort: Cohort) -> bool:
    """The cohort dashboard (with rating changes), its growth page and nudges: the cohort's
    facilitators."""
    return roles_of(user).facilitates(cohort.id)


def can_view_participation(user, cohort: Cohort) -> bool:
    """Member-by-member participation of one cohort (no ratings, no text), and its exports:
    the cohort's facilitators and the programme's leads."""
    roles = roles_of(user)
    return roles.facilitates(cohort.id) or roles.leads(cohort.program_id)


def can_view_program_dashboard(user, program: Program) -> bool:
    """Participation across the programme's cohorts and districts, and its exports."""
    return roles_of(user).leads(program.id)


# --- api ---------------------------------------------------------------------------------------
# A personal API token reads what its owner may see on the dashboards, under the same rules.


def can_revoke_api_token(user, token) -> bool:
    """Each person lists and revokes their own tokens only."""
    return bool(getattr(user, "is_authenticated", False) and token.user_id == user.id)


def visible_participation_cohorts(user):
    """Cohorts whose participation the user may read (can_view_participation)."""
    roles = roles_of(user)
    facilitated = [cid for cid, role in roles.cohort_roles.items() if role == FACILITATOR]
    clauses = []
    if facilitated:
        clauses.append(Cohort.id.in_(facilitated))
    if roles.led_program_ids:
        clauses.append(Cohort.program_id.in_(roles.led_program_ids))
    return or_(*clauses) if clauses else false()


def visible_dashboard_programs(user):
    """Programmes whose dashboard the user may read (can_view_program_dashboard)."""
    led = roles_of(user).led_program_ids
    return Program.id.in_(led) if led else false()


# --- privacy: the reading record, my data, erasure ----------------------------------------------
# docs/product.md: who has opened a member's worksheet, or a plan not shared with the whole
# cohort, is recorded; the author alone reads that record (not peers, facilitators, program
# leads; site admins have no page for it: on request, from the database). Each person
# downloads their own data; site admins erase a person on request.


def reading_is_recorded(user, author_id: int, plan_visibility: str | None = None) -> bool:
    """Whether this opening of someone's worksheet (``plan_visibility`` None) or plan goes on
    the reading record: by anyone but its author, and for a plan only when it is not shared
    with the whole cohort (a peer reading a shared plan is what sharing is for)."""
    if not getattr(user, "is_authenticated", False) or user.id == author_id:
        return False
    return plan_visibility != SHARED_WITH_COHORT


def can_view_reading_record(user, author_id: int) -> bool:
    """"Who has seen this" on a worksheet or plan: its author alone."""
    return bool(getattr(user, "is_authenticated", False) and user.id == author_id)


def can_export_own_data(user) -> bool:
    """"My data": everyone signed in, for themselves."""
    return bool(getattr(user, "is_authenticated", False))


def can_download_export(user, export) -> bool:
    """An export is its owner's alone, and only while it is ready and not expired."""
    return bool(getattr(user, "is_authenticated", False) and export is not None
                and export.user_id == user.id and export.is_ready
                and export.expires_at is not None and export.expires_at > utcnow())


def can_erase_person(user, person: User) -> bool:
    """Erase a person on request: site admins, never themselves."""
    return roles_of(user).is_admin and person is not None and person.id != user.id


JINJA_GLOBALS = {
    name: obj
    for name, obj in dict(globals()).items()
    if name.startswith("can_") and callable(obj)
}
