from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from plc.accounts import forms, services, sessions
from plc.accounts.models import User
from plc.errors import DomainError
from plc.extensions import db
from plc.orgs import queries as org_queries
from plc.unit_of_work import refusal_flashed, refusal_shown_on

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.LoginForm()
    if form.validate_on_submit():
        # The failure is recorded although the sign-in is refused: the throttle counts it.
        with refusal_shown_on(form, show=_refused_sign_in, keep_writes=True):
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr or ""
            )
            sessions.start_session(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form, title="Sign in")


def _refused_sign_in(form, error: DomainError) -> None:
    if isinstance(error, services.TooManyAttempts):
        abort(429, error.message)
    form.password.errors.append(error.message)


@bp.post("/logout")
@login_required
def logout():
    sessions.end_session(current_user)
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.change_password(current_user, form.current_password.data, form.password.data)
            flash("Your password is changed. Your other devices are signed out.", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form, title="Change password")


@bp.route("/password-reset", methods=["GET", "POST"])
def request_reset():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_reset(form.email.data)
        flash(
            "If that address belongs to an account, a reset link is on its way. "
            "It works once, for 30 minutes.",
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form, title="Reset your password")


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    reset = services.usable_reset(token)
    if reset is None:
        return _dead_link("password reset")
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        with refusal_flashed():
            services.reset_password(reset, form.password.data)
            flash("Your password is set. Please sign in.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, title="Choose a new password")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = services.usable_invitation(token)
    if invitation is None:
        return _dead_link("invitation")
    form = forms.AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = db.session.get(User, invitation.user_id).name
    if form.validate_on_submit():
        if current_user.is_authenticated:  # someone else's browser: their session ends here
            sessions.end_session(current_user)
        user = services.accept_invitation(invitation, form.name.data, form.password.data)
        sessions.start_session(user, remember=False)
        flash(f"Welcome, {user.name}.", "success")
        if invitation.cohort_id:
            return redirect(url_for("programs.cohort", cohort_id=invitation.cohort_id))
        return redirect(url_for("main.home"))
    return render_template(
        "accounts/accept_invitation.html", form=form, title="Accept your invitation"
    )


def _dead_link(what: str):
    title = f"This {what} link has expired"
    return render_template("accounts/dead_link.html", what=what, title=title), 404


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = forms.ProfileForm(obj=current_user)
    form.organization_id.choices = org_queries.organization_choices_or_none()
    form.time_zone.choices = forms.time_zone_choices()
    if request.method == "GET":
        form.organization_id.data = current_user.organization_id or 0
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            name=form.name.data,
            title=form.title.data or "",
            organization_id=form.organization_id.data or None,
            time_zone=form.time_zone.data,
            notify=form.notify.data,
        )
        flash("Your profile is saved.", "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, title="Your profile")
