"""Account writes: sign-in checks, passwords, resets, invitations sent and accepted, profiles,
and the site admin's account management.

Services flush and raise DomainError; the request commits once.
The caller has checked access (plc/permissions.py: can_edit_profile, can_administer); signing
in, resets and accepting an invitation carry their own proof (a password or a token).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from plc import links
from plc.accounts import passwords, sessions
from plc.accounts.models import IdentityLink, LoginFailure, PasswordReset, User
from plc.audit import services as audit
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.i18n import N_
from plc.mail import outbox
from plc.orgs.models import IdentityProvider
from plc.programs.models import Cohort, Invitation, Program
from plc.tokens import hash_token, new_token

GENERIC_LOGIN_ERROR = N_("That e-mail and password do not match an active account.")


class TooManyAttempts(DomainError):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalize_email(email))
    ).scalar_one_or_none()


# --- signing in --------------------------------------------------------------------------


def check_throttle(email: str, address: str) -> None:
    cfg = current_app.config
    since = utcnow() - timedelta(seconds=cfg["LOGIN_FAILURE_WINDOW_SECONDS"])
    per_email, per_address = db.session.execute(
        select(
            func.count().filter(LoginFailure.email == normalize_email(email)),
            func.count().filter(LoginFailure.address == address),
        ).where(
            LoginFailure.created_at >= since,
            or_(LoginFailure.email == normalize_email(email), LoginFailure.address == address),
        )
    ).one()
    # One address may be a whole school district behind a NAT or the site's own proxy: it
    # gets a larger allowance than one account, so one person mistyping cannot lock out
    # everyone else, while a guesser from one address is still stopped.
    if (per_email >= cfg["LOGIN_MAX_FAILURES"]
            or per_address >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        raise TooManyAttempts(_("Too many failed sign-ins. Please wait a minute and try again."))


def authenticate(email: str, password: str, address: str) -> User:
    """The active user with this e-mail and password, or DomainError (the same for every cause)."""
    check_throttle(email, address)
    user = user_by_email(email)
    ok = passwords.verify(user.password_hash if user else None, password)
    if not (ok and user and user.active):
        _record_failure(email, address)
        raise DomainError(_(GENERIC_LOGIN_ERROR))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def record_failure(email: str, address: str) -> None:
    """A refused sign-in through a district's provider counts as a failed sign-in too."""
    _record_failure(email, address)


def _record_failure(email: str, address: str) -> None:
    db.session.add(LoginFailure(email=normalize_email(email)[:254], address=address[:64]))
    # Keep the table small: nothing older than a day is ever counted.
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.created_at < utcnow() - timedelta(days=1))
    )


# --- signing in with a district's account (plc/accounts/oidc.py checked the ID token) ------


def sign_in_with_district(provider: IdentityProvider, claims: dict) -> User:
    """The account the provider's verified claims name, linked to the provider's subject on
    first use; DomainError (nothing written) for every refusal.

    No self-registration: the person must have an account; one still invited (no password, no
    link yet) accepts the invitation by this sign-in. Once linked, the subject finds the
    account, whatever address the district now gives.
    """
    issuer, subject = provider.issuer, str(claims.get("sub") or "")
    email = normalize_email(str(claims.get("email") or ""))
    district = provider.organization.name
    # email_verified (OpenID Connect), or Microsoft Entra ID's own claim for the same fact
    # (xms_edov: the address is in a domain the tenant has verified); nothing else counts.
    if claims.get("email_verified") is not True and claims.get("xms_edov") is not True:
        raise DomainError(_("%(district)s has not verified the e-mail address of this account, so "
                            "PLC cannot accept it.", district=district))
    if not email or not provider.vouches_for(email):
        raise DomainError(_("%(district)s’s sign-in does not vouch for %(account)s: PLC accepts "
                            "it only for the district’s own e-mail domains.",
                            district=district, account=email or _("this account")))
    if not subject:
        raise DomainError(_("%(district)s’s sign-in did not say who you are.", district=district))
    link = db.session.execute(select(IdentityLink).where(
        IdentityLink.issuer == issuer, IdentityLink.subject == subject)).scalar_one_or_none()
    if link is not None:
        user = db.session.get(User, link.user_id)
    else:
        user = user_by_email(email)
        if user is None:
            raise DomainError(_("There is no PLC account for %(email)s. PLC accounts are made by "
                                "invitation: ask your programme lead or facilitator.", email=email))
        linked_elsewhere = db.session.execute(select(IdentityLink.id).where(
            IdentityLink.user_id == user.id, IdentityLink.issuer == issuer)).first()
        if linked_elsewhere:
            raise DomainError(_("The PLC account for %(email)s is linked to another account at "
                                "%(district)s. Sign in with that one, or ask a site admin.",
                                email=email, district=district))
    if not user.active:
        raise DomainError(_("This PLC account is deactivated. Ask a site admin if you think this "
                            "is a mistake."))
    if link is None:
        if not user.has_joined:
            _accept_invitations_by_district(user)
        db.session.add(IdentityLink(user_id=user.id, issuer=issuer, subject=subject))
        db.session.flush()
    return user


def _accept_invitations_by_district(user: User) -> None:
    """A first sign-in through the district accepts an open invitation; without one (all
    expired) there is nothing to accept, and no account is opened."""
    now = utcnow()
    invitations = db.session.execute(select(Invitation).where(
        Invitation.user_id == user.id, Invitation.accepted_at.is_(None),
        Invitation.expires_at > now)).scalars().all()
    if not invitations:
        raise DomainError(_("Your invitation to PLC has expired. Ask for a new one, then sign in "
                            "with your district’s account again."))
    for invitation in invitations:
        invitation.accepted_at = now
    user.joined_by_district_at = now


# --- passwords ---------------------------------------------------------------------------


def set_password(user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not passwords.verify(user.password_hash, current_password):
        raise DomainError(_("That is not your current password."), field="current_password")
    set_password(user, new_password)
    sessions.revoke_sessions(user, keep_current=True)


def request_reset(email: str) -> None:
    """Mail a reset link if the account exists and is active; say nothing either way."""
    user = user_by_email(email)
    if user is None or not user.active or not user.has_password:
        return
    token, token_hash = new_token()
    minutes = current_app.config["RESET_TOKEN_MINUTES"]
    db.session.add(
        PasswordReset(
            user_id=user.id, token_hash=token_hash, expires_at=utcnow() + timedelta(minutes=minutes)
        )
    )
    link = links.password_reset_link(token)
    outbox.queue(
        user.email,
        _("Reset your PLC password"),
        _("Hello %(name)s,\n\nSomeone (we hope you) asked to reset your PLC password.\n"
          "Choose a new one here within %(minutes)s minutes:\n\n%(link)s\n\n"
          "The link works once. If you did not ask, ignore this e-mail: nothing changes.\n",
          name=user.name, minutes=minutes, link=link),
    )


def usable_reset(token: str) -> PasswordReset | None:
    reset = db.session.execute(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset


def reset_password(reset: PasswordReset, new_password: str) -> User:
    user = db.session.get(User, reset.user_id)
    if user is None or not user.active:
        raise DomainError(_("This account is not active."))
    reset.used_at = utcnow()
    set_password(user, new_password)
    sessions.revoke_sessions(user)
    return user


# --- invitations -------------------------------------------------------------------------


def usable_invitation(token: str) -> Invitation | None:
    invitation = db.session.execute(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.expires_at <= utcnow()
    ):
        return None
    user = db.session.get(User, invitation.user_id)
    # Once the person has joined (a password, or a sign-in through the district), an older
    # invitation must not let anyone set a password.
    if user is None or not user.active or user.has_joined:
        return None
    return invitation


def accept_invitation(invitation: Invitation, name: str, password: str) -> User:
    user = db.session.get(User, invitation.user_id)
    invitation.accepted_at = utcnow()
    user.name = name.strip()
    set_password(user, password)
    return user


# --- profile -----------------------------------------------------------------------------


def update_profile(user: User, *, name: str, title: str, organization_id: int | None,
                   time_zone: str, notify: str, language: str | None = None) -> None:
    user.name = name.strip()
    user.title = title.strip()
    user.organization_id = organization_id
    user.time_zone = time_zone
    user.notify = notify
    user.language = language


# --- administration (site admins) --------------------------------------------------------


def create_user(actor: User, *, email: str, name: str, title: str,
                organization_id: int | None, is_site_admin: bool) -> User:
    """A new account without a password, and the invitation that lets its owner set one."""
    email = normalize_email(email)
    if user_by_email(email) is not None:
        raise DomainError(_("An account with this e-mail address already exists."), field="email")
    user = User(
        email=email,
        name=name.strip(),
        title=title.strip(),
        organization_id=organization_id,
        is_site_admin=is_site_admin,
        time_zone=current_app.config["DEFAULT_TIME_ZONE"],
    )
    db.session.add(user)
    db.session.flush()
    invite_user(actor, user)
    audit.record("user.invited", actor=actor, target_type="user", target_id=user.id,
                 target_label=audit.user_label(user),
                 details={"site_admin": is_site_admin, "organization_id": organization_id})
    return user


def update_user(actor: User, user: User, *, name: str, title: str,
                organization_id: int | None, is_site_admin: bool) -> None:
    # An admin who drops their own flag could leave the site with nobody to administer it.
    if user.id == actor.id and user.is_site_admin and not is_site_admin:
        raise DomainError(_("You cannot remove your own site-admin rights."), field="is_site_admin")
    before = _admin_fields(user)
    user.name = name.strip()
    user.title = title.strip()
    user.organization_id = organization_id
    user.is_site_admin = is_site_admin
    db.session.flush()
    after = _admin_fields(user)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    for key in _PERSONAL_FIELDS & changes.keys():
        changes[key] = "changed"  # the log keeps no one's words: erasure could not remove them
    if changes:
        # A change of the site-admin flag is a change of role; anything else an edit.
        audit.record("role.changed" if "site_admin" in changes else "user.edited",
                     actor=actor, target_type="user", target_id=user.id,
                     target_label=audit.user_label(user), details={"changes": changes})


_PERSONAL_FIELDS = {"name", "title"}


def _admin_fields(user: User) -> dict:
    return {"name": user.name, "title": user.title, "organization_id": user.organization_id,
            "site_admin": user.is_site_admin}


def deactivate_user(actor: User, user: User) -> None:
    """Blocks sign-in and ends every session the person has open, on every device."""
    if user.id == actor.id:
        raise DomainError(_("You cannot deactivate your own account."))
    if not user.active:
        return
    user.active = False
    user.deactivated_at = utcnow()
    sessions.revoke_sessions(user)
    db.session.flush()
    audit.record("user.deactivated", actor=actor, target_type="user", target_id=user.id,
                 target_label=audit.user_label(user))


def reactivate_user(actor: User, user: User) -> None:
    if user.active:
        return
    user.active = True
    user.deactivated_at = None
    db.session.flush()
    audit.record("user.reactivated", actor=actor, target_type="user", target_id=user.id,
                 target_label=audit.user_label(user))


def resend_invitation(actor: User, user: User) -> Invitation:
    if not user.active:
        raise DomainError(_("This account is deactivated. Reactivate it before inviting again."))
    if user.has_password:
        raise DomainError(_("This person has already set a password; they can sign in."))
    if user.has_joined:
        raise DomainError(_("This person has already joined through their district; they can sign "
                            "in."))
    invitation = invite_user(actor, user)
    audit.record("invitation.resent", actor=actor, target_type="user", target_id=user.id,
                 target_label=audit.user_label(user))
    return invitation


# --- invitations sent ----------------------------------------------------------------------


def invite_user(actor: User, user: User, cohort: Cohort | None = None) -> Invitation:
    """Create an invitation for ``user`` (who has no password yet) and queue its e-mail.

    The e-mail says who invites them and, for a cohort invitation, to which cohort. Earlier
    invitations stay valid until they expire: they all go to the same address, and the first
    one accepted makes the others useless (usable_invitation refuses once a password is set).
    """
    token, token_hash = new_token()
    days = current_app.config["INVITATION_DAYS"]
    expires_at = utcnow() + timedelta(days=days)
    invitation = Invitation(
        user_id=user.id,
        cohort_id=cohort.id if cohort else None,
        invited_by_id=actor.id,
        token_hash=token_hash,
        expires_at=expires_at,
    )
    db.session.add(invitation)
    link = links.invitation_link(token)
    outbox.queue(user.email, _invitation_subject(cohort), _invitation_body(actor, user, cohort,
                                                                            link, days))
    return invitation


def _invitation_subject(cohort: Cohort | None) -> str:
    return (_("You are invited to join %(cohort)s on PLC", cohort=cohort.name) if cohort
            else _("You are invited to PLC"))


def _invitation_body(actor: User, user: User, cohort: Cohort | None, link: str,
                     days: int) -> str:
    if cohort is None:
        what = _("to PLC, the site where school and district leaders grow together")
    else:
        # get() reads the identity map first: no query when the caller already loaded it.
        program = db.session.get(Program, cohort.program_id)
        what = _("to join the cohort %(cohort)s (%(program)s) on PLC", cohort=cohort.name,
                 program=program.name)
    return _(
        "Hello %(name)s,\n\n"
        "%(actor)s (%(actor_email)s) has invited you %(what)s.\n\n"
        "Choose your password here within %(days)s days:\n\n%(link)s\n\n"
        "The link works once. If you did not expect this invitation, ignore this e-mail.\n",
        name=user.name, actor=actor.name, actor_email=actor.email, what=what, days=days,
        link=link)
