"""Programme, cohort and roster writes.

Each function takes the acting user, the object and explicit values; it enforces the product's
rules (raising DomainError), adds and flushes, and never commits: the request commits once.
The caller has checked access (plc/permissions.py) before the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete

from plc import links
from plc.accounts import services as account_services
from plc.accounts.models import User
from plc.assessments import services as assessment_services
from plc.audit import services as audit
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.mail import outbox
from plc.orgs.models import DISTRICT, SCHOOL, Organization
from plc.programs import closing, queries
from plc.programs.models import (
    COHORT_ROLES,
    Cohort,
    Invitation,
    Membership,
    Program,
    ProgramFramework,
    ProgramLead,
)
from plc.programs.roster import (
    ADD_EXISTING,
    ALREADY_IN_COHORT,
    CREATE,
    NEW_PERSON,
    PlannedRow,
    RosterPlan,
    name_key,
)
from plc.rubrics import queries as rubric_queries
from plc.rubrics.services import default_framework

# --- programmes ------------------------------------------------------------------------


def create_program(actor: User, *, name: str, starts_on: date, ends_on: date, time_zone: str,
                   description: str, framework_id: int | None = None) -> Program:
    """A new programme year. Its creator leads it, unless a site admin made it for others.
    Without a framework it uses the newest version of the bundled rubric."""
    name = name.strip()
    _check_program(name, starts_on, ends_on)
    program = Program(name=name, starts_on=starts_on, ends_on=ends_on, time_zone=time_zone,
                      description=description.strip(),
                      framework_id=framework_id or default_framework().id)
    db.session.add(program)
    if not actor.is_site_admin:
        db.session.add(ProgramLead(program=program, user_id=actor.id))
    db.session.flush()
    assessment_services.create_default_checkpoints(program)
    return program


def update_program(actor: User, program: Program, *, name: str, starts_on: date, ends_on: date,
                   time_zone: str, description: str, framework_id: int | None = None) -> None:
    """Changing the framework applies to worksheets started from now on; those already
    started keep the version they were made on."""
    name = name.strip()
    _check_program(name, starts_on, ends_on, exclude_id=program.id)
    program.name = name
    program.starts_on = starts_on
    program.ends_on = ends_on
    program.time_zone = time_zone
    program.description = description.strip()
    program.framework_id = framework_id or default_framework().id
    db.session.flush()


def offer_framework(actor: User, program_id: int, framework) -> None:
    """A framework published from the editor for the programme: offered there (as a further
    framework) unless a version of its key already is; each cohort then may choose it."""
    program = db.session.get(Program, program_id)
    if program.is_closed:
        return
    if program.framework_id is None:
        program.framework_id = framework.id
        db.session.flush()
        return
    offered = queries.offered_framework_ids(program)
    keys = rubric_queries.framework_keys(offered)
    if framework.key in keys.values():
        return
    set_more_frameworks(actor, program, [*offered[1:], framework.id])


def set_more_frameworks(actor: User, program: Program, framework_ids: list[int]) -> None:
    """The frameworks the programme offers besides its first, in this order. Two versions of
    one framework (same key) are never offered together: their figures would be one; a
    framework a cohort rates on stays offered."""
    wanted = [f for f in dict.fromkeys(framework_ids) if f != program.framework_id]
    if [program.framework_id, *wanted] == queries.offered_framework_ids(program):
        return
    keys = rubric_queries.framework_keys([program.framework_id, *wanted])
    if len(set(keys.values())) < len(keys):
        raise DomainError(_("Choose each framework once: two versions of one framework cannot "
                            "both be offered."), field="more_framework_ids")
    offered = {program.framework_id, *wanted}
    for cohort_id, chosen in queries.cohort_frameworks(program).items():
        if chosen not in offered:
            name = queries.cohort_name(cohort_id)
            raise DomainError(_("The cohort %(name)s rates on a framework you took out; choose "
                                "another for it first.", name=name), field="more_framework_ids")
    db.session.execute(delete(ProgramFramework).where(ProgramFramework.program_id == program.id))
    db.session.add_all([ProgramFramework(program_id=program.id, framework_id=f, position=i)
                        for i, f in enumerate(wanted, start=1)])
    db.session.flush()


def _check_program(name: str, starts_on: date, ends_on: date, exclude_id: int | None = None):
    if ends_on <= starts_on:
        raise DomainError(_("The end date must be after the start date."), field="ends_on")
    if queries.program_name_taken(name, exclude_id):
        raise DomainError(_("Another programme already has this name."), field="name")


def add_program_lead(actor: User, program: Program, email: str) -> User:
    """Appoint an existing account as a lead of the programme."""
    user = account_services.user_by_email(email)
    if user is None:
        raise DomainError(
            _("No one with this e-mail has an account yet. Invite them to a cohort first, or ask "
              "a site admin to create the account."),
            field="email",
        )
    if not user.active:
        raise DomainError(_("This account is deactivated."), field="email")
    if queries.program_lead(program.id, user.id) is not None:
        raise DomainError(_("%(user_name)s already leads this programme.", user_name=user.name),
                          field="email")
    db.session.add(ProgramLead(program_id=program.id, user_id=user.id))
    db.session.flush()
    audit.record("lead.appointed", actor=actor, target_type="user", target_id=user.id,
                 target_label=audit.user_label(user),
                 details={"program_id": program.id, "program": program.name})
    return user


def remove_program_lead(actor: User, program: Program, user_id: int) -> None:
    lead = queries.program_lead(program.id, user_id)
    if lead is None:
        raise DomainError(_("That person does not lead this programme."))
    if queries.lead_count(program.id) <= 1:
        raise DomainError(_("A programme needs at least one lead. Appoint another lead first."))
    db.session.delete(lead)
    db.session.flush()
    audit.record("lead.removed", actor=actor, target_type="user", target_id=user_id,
                 target_label=audit.person_label(user_id),
                 details={"program_id": program.id, "program": program.name})


def close_program(actor: User, program: Program) -> None:
    """Close the programme year: from now on its content is read-only (plc/programs/closing.py)
    and it is deleted PLC_RETENTION_YEARS later (``flask plc purge-expired``)."""
    if program.closed_at is not None:
        raise DomainError(_("%(program_name)s is already closed.", program_name=program.name))
    program.closed_at = utcnow()
    db.session.flush()
    closing.forget_closed(db.session())
    audit.record("year.closed", actor=actor, target_type="program", target_id=program.id,
                 target_label=program.name,
                 details={"starts_on": program.starts_on.isoformat(),
                          "ends_on": program.ends_on.isoformat()})


# --- cohorts ---------------------------------------------------------------------------


def create_cohort(actor: User, program: Program, *, name: str, description: str,
                  framework_id: int | None = None) -> Cohort:
    """Without a framework the cohort rates on the programme's first."""
    name = name.strip()
    if queries.cohort_name_taken(program.id, name):
        raise DomainError(_("This programme already has a cohort with this name."), field="name")
    cohort = Cohort(program_id=program.id, name=name, description=description.strip(),
                    framework_id=_chosen_framework(program, framework_id))
    db.session.add(cohort)
    db.session.flush()
    return cohort


def update_cohort(actor: User, cohort: Cohort, *, name: str, description: str,
                  framework_id: int | None = None) -> None:
    """``framework_id`` None keeps the cohort's framework. Worksheets already started keep
    the framework they were made on; figures never mix frameworks (by key)."""
    name = name.strip()
    if queries.cohort_name_taken(cohort.program_id, name, exclude_id=cohort.id):
        raise DomainError(_("This programme already has a cohort with this name."), field="name")
    cohort.name = name
    cohort.description = description.strip()
    if framework_id is not None:
        cohort.framework_id = _chosen_framework(db.session.get(Program, cohort.program_id),
                                                framework_id)
    db.session.flush()


def _chosen_framework(program: Program, framework_id: int | None) -> int | None:
    """What a cohort stores: None for the programme's first (it follows the programme's
    choice), else one of the frameworks the programme offers."""
    if not framework_id or framework_id == program.framework_id:
        return None
    if framework_id not in queries.offered_framework_ids(program):
        raise DomainError(_("Choose one of the programme's frameworks."), field="framework_id")
    return framework_id


# --- the roster: one person at a time ----------------------------------------------------


@dataclass(frozen=True)
class InviteResult:
    user: User
    new_account: bool


def invite_to_cohort(actor: User, cohort: Cohort, *, email: str, name: str, role: str,
                     organization_id: int | None) -> InviteResult:
    """Add a person to the cohort, creating their account (and inviting them) if need be.

    An existing account keeps its own name and organization; only the membership is new.
    """
    _check_role(role)
    user = account_services.user_by_email(email)
    if user is None:
        user = _new_person(email, name, organization_id, _time_zone_of(cohort))
        db.session.add(Membership(cohort_id=cohort.id, user_id=user.id, role=role))
        account_services.invite_user(actor, user, cohort)
        _record_added(actor, cohort, user, role, new_account=True)
        return InviteResult(user, new_account=True)
    if not user.active:
        raise DomainError(
            _("This account is deactivated; a site admin must reactivate it first."), field="email"
        )
    if queries.membership(cohort.id, user.id) is not None:
        raise DomainError(
            _("%(user_name)s is already in this cohort. To change their role, use the roster.",
              user_name=user.name),
            field="email",
        )
    db.session.add(Membership(cohort_id=cohort.id, user_id=user.id, role=role))
    _welcome(actor, user, cohort)
    db.session.flush()
    _record_added(actor, cohort, user, role, new_account=False)
    return InviteResult(user, new_account=False)


def _record_added(actor: User, cohort: Cohort, user: User, role: str, *,
                  new_account: bool) -> None:
    audit.record("membership.added", actor=actor, target_type="user", target_id=user.id,
                 target_label=audit.user_label(user),
                 details={"cohort_id": cohort.id, "cohort": cohort.name, "role": role,
                          "new_account": new_account})


def resend_invitation(actor: User, cohort: Cohort, membership: Membership) -> None:
    user = membership.user
    if not user.active:
        raise DomainError(_("%(user_name)s's account is deactivated.", user_name=user.name))
    if user.has_password:
        raise DomainError(_("%(user_name)s has already set a password and can sign in.",
                            user_name=user.name))
    if user.has_joined:
        raise DomainError(_("%(user_name)s has already joined through their district and can sign "
                            "in.", user_name=user.name))
    account_services.invite_user(actor, user, cohort)


def change_role(actor: User, cohort: Cohort, membership: Membership, role: str) -> None:
    _check_role(role)
    old = membership.role
    membership.role = role
    db.session.flush()
    if old != role:
        audit.record("role.changed", actor=actor, target_type="user",
                     target_id=membership.user_id,
                     target_label=audit.person_label(membership.user_id),
                     details={"cohort_id": cohort.id, "cohort": cohort.name,
                              "changes": {"role": [old, role]}})


def remove_from_cohort(actor: User, cohort: Cohort, membership: Membership) -> None:
    """Take the person off the roster; their account stays. Unused invitations to this cohort
    go too, so an old link cannot lead them back to a cohort they have left."""
    db.session.execute(
        delete(Invitation).where(
            Invitation.cohort_id == cohort.id,
            Invitation.user_id == membership.user_id,
            Invitation.accepted_at.is_(None),
        )
    )
    user_id, role = membership.user_id, membership.role
    db.session.delete(membership)
    db.session.flush()
    audit.record("membership.removed", actor=actor, target_type="user", target_id=user_id,
                 target_label=audit.person_label(user_id),
                 details={"cohort_id": cohort.id, "cohort": cohort.name, "role": role})


def _check_role(role: str) -> None:
    if role not in COHORT_ROLES:
        raise DomainError(_("The role must be member or facilitator."), field="role")


def _time_zone_of(cohort: Cohort) -> str:
    # New people start in their programme's time zone. get() reads the identity map first.
    return db.session.get(Program, cohort.program_id).time_zone


def _new_person(email: str, name: str, organization_id: int | None, time_zone: str) -> User:
    user = User(
        email=account_services.normalize_email(email),
        name=name.strip(),
        password_hash=None,  # set when they accept the invitation
        organization_id=organization_id,
        time_zone=time_zone,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _welcome(actor: User, user: User, cohort: Cohort) -> None:
    """Tell a person that they are now in the cohort: an invitation if they have never set a
    password (the link to the cohort would be useless to them), a short note otherwise."""
    if not user.has_joined:
        account_services.invite_user(actor, user, cohort)
        return
    link = links.cohort_link(cohort.id)
    outbox.queue(
        user.email,
        _("You were added to %(cohort)s on PLC", cohort=cohort.name),
        _("Hello %(name)s,\n\n%(actor)s added you to the cohort %(cohort)s on PLC.\n\n"
          "See the cohort here:\n\n%(link)s\n", name=user.name, actor=actor.name,
          cohort=cohort.name, link=link),
    )


# --- the roster: a whole CSV file --------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    added: int
    invited: int
    already_in_cohort: int

    def message(self) -> str:
        text = _("%(added)s added, %(already)s already in the cohort.", added=self.added,
                 already=self.already_in_cohort)
        if self.invited:
            text += " " + ngettext("%(num)d invitation sent.", "%(num)d invitations sent.",
                                   self.invited)
        return text


def import_roster(actor: User, cohort: Cohort, plan: RosterPlan) -> ImportSummary:
    """Carry out a checked plan (roster.plan) in the caller's transaction.

    Importing the same file again adds nothing: people are matched by e-mail, districts and
    schools by name, and people already in the cohort are left as they are.
    """
    if not plan.ok:
        raise DomainError(_("The roster has problems; nothing was imported."))
    to_add = [p for p in plan.rows if p.person in (NEW_PERSON, ADD_EXISTING)]
    org_ids = _organizations_for(p for p in to_add if p.person == NEW_PERSON)
    time_zone = _time_zone_of(cohort)
    people: list[User] = []
    for planned in to_add:
        row = planned.row
        user = planned.user
        if planned.person == NEW_PERSON:
            user = User(email=row.email, name=row.name, password_hash=None,
                        organization_id=org_ids.get(row.number), time_zone=time_zone)
            db.session.add(user)
        people.append(user)
    db.session.flush()  # one flush: every new account gets its id for the memberships
    db.session.add_all(
        Membership(cohort_id=cohort.id, user_id=user.id, role=planned.row.role)
        for planned, user in zip(to_add, people, strict=True)
    )
    for user in people:
        _welcome(actor, user, cohort)
    db.session.flush()
    summary = ImportSummary(
        added=len(to_add),
        invited=sum(1 for user in people if not user.has_joined),
        already_in_cohort=plan.count(ALREADY_IN_COHORT),
    )
    audit.record("roster.imported", actor=actor, target_type="cohort", target_id=cohort.id,
                 target_label=cohort.name,
                 details={"added": summary.added, "invited": summary.invited,
                          "already_in_cohort": summary.already_in_cohort,
                          "new_accounts": sum(1 for p in to_add if p.person == NEW_PERSON)})
    return summary


def _organizations_for(rows) -> dict[int, int | None]:
    """Row number -> organization id for new people: the school if given, else the district.
    Missing districts and schools are created once each, however many rows name them."""
    rows = list(rows)
    districts: dict[str, Organization] = {}
    schools: dict[tuple[str, str], Organization] = {}
    for planned in rows:
        district_key = name_key(planned.row.district)
        if planned.district == CREATE and district_key not in districts:
            districts[district_key] = Organization(name=planned.row.district, kind=DISTRICT)
        school_key = (district_key, name_key(planned.row.school))
        if planned.school == CREATE and school_key not in schools:
            school = Organization(name=planned.row.school, kind=SCHOOL)
            if planned.district_id is not None:
                school.parent_id = planned.district_id
            else:
                school.parent = districts[district_key]
            schools[school_key] = school
    db.session.add_all([*districts.values(), *schools.values()])
    db.session.flush()
    return {planned.row.number: _org_id(planned, districts, schools) for planned in rows}


def _org_id(planned: PlannedRow, districts, schools) -> int | None:
    row = planned.row
    if row.school:
        if planned.school_id is not None:
            return planned.school_id
        return schools[(name_key(row.district), name_key(row.school))].id
    if row.district:
        if planned.district_id is not None:
            return planned.district_id
        return districts[name_key(row.district)].id
    return None
