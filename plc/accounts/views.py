from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.accounts import devices, forms, oidc, queries, services, sessions, two_factor
from plc.accounts.models import User
from plc.db import utcnow
from plc.errors import JSON_PREFIX, DomainError, show_on_form
from plc.extensions import db
from plc.orgs import queries as org_queries
from plc.unit_of_work import refusal_flashed, refusal_shown_on, writes_on_get

bp = Blueprint("accounts", __name__)

# What a person who must set up a second factor (and has not) may still reach.
OPEN_BEFORE_ENROLMENT = frozenset({"accounts.two_factor", "accounts.logout", "static",
                                   "bootstrap.static", "main.healthz", "main.favicon"})
# The recovery codes travel from the enrolment POST to the page that shows them once.
_FRESH_CODES = "plc_fresh_recovery_codes"


@bp.before_app_request
def second_factor_first():
    """Someone who must sign in with a second factor and has none is sent to set it up
    before any other page (the JSON API reads no cookie: its tokens are not affected)."""
    if request.endpoint in OPEN_BEFORE_ENROLMENT or request.path.startswith(JSON_PREFIX):
        return None
    if current_user.is_authenticated and two_factor.must_enrol(current_user):
        flash(_("Your role needs two-factor sign-in. Please set it up to go on."), "info")
        return redirect(url_for("accounts.two_factor"))
    return None


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
        provider = org_queries.provider_for_email(form.email.data)
        if form.district.data or not form.password.data:
            return _district_sign_in(form, provider)
        # The failure is recorded although the sign-in is refused: the throttle counts it.
        with refusal_shown_on(form, show=_refused_sign_in, keep_writes=True):
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr or ""
            )
            if not permissions.can_sign_in_with_password(user, provider):
                raise DomainError(_("%(district)s signs you in with its own account: "
                                    "choose “Continue with my district’s account”.",
                                    district=provider.organization.name))
            target = safe_next(request.args.get("next"))
            if queries.second_factor(user.id) is not None:
                sessions.begin_second_step(user, form.remember.data, target)
                return redirect(url_for("accounts.login_code"))
            sessions.start_session(user, remember=form.remember.data)
            return redirect(target)
    return render_template("accounts/login.html", form=form, title=_("Sign in"))


def _district_sign_in(form, provider):
    """To the district's sign-in page, when a district vouches for the address."""
    if provider is None:
        field = form.email if form.district.data else form.password
        field.errors.append(_("No district signs in this address: enter your password.")
                            if form.district.data else _("Enter your password."))
        return render_template("accounts/login.html", form=form, title=_("Sign in"))
    with refusal_shown_on(form, show=_refused_sign_in):
        services.check_throttle(form.email.data, request.remote_addr or "")
        try:
            url = oidc.begin(provider, services.normalize_email(form.email.data),
                             form.remember.data, safe_next(request.args.get("next")),
                             url_for("accounts.district_callback", _external=True))
        except oidc.ProviderFailure as failure:
            return _district_refused(provider, failure.message, 503)
        # A page that moves on (meta refresh, and a link), not a redirect: the sign-in form's
        # CSP (form-action 'self') would stop a redirect to another site, and a provider may
        # send the browser on through hosts of its own (a district's federation server).
        return render_template("accounts/district_go.html", url=url, provider=provider,
                               title=_("On to your district’s sign-in"))
    return render_template("accounts/login.html", form=form, title=_("Sign in"))


@bp.get("/login/district/callback")
@writes_on_get
def district_callback():
    """The district's provider sends the browser back here. Authlib checks state, code, PKCE
    and the ID token (plc/accounts/oidc.py); services.sign_in_with_district finds and links the
    account. Any refusal writes nothing but the failed sign-in the throttle counts."""
    pending = oidc.take_pending()
    if pending is None:
        if current_user.is_authenticated:
            return redirect(url_for("main.home"))
        return _district_refused(None, _("This sign-in was not started in this browser, or it "
                                         "took longer than ten minutes. Please start again."), 400)
    provider = org_queries.identity_provider(pending.provider_id)
    if provider is None:
        return _district_refused(None, _("Your district no longer signs in through PLC with its "
                                         "own account. Please sign in with your password."), 400)
    address = request.remote_addr or ""
    try:
        services.check_throttle(pending.email, address)
    except services.TooManyAttempts as error:
        abort(429, error.message)
    try:
        user = services.sign_in_with_district(provider, oidc.finish(provider))
    except (oidc.ProviderFailure, DomainError) as error:
        db.session.rollback()  # nothing linked, nothing accepted: only the failure is kept
        services.record_failure(pending.email, address)
        cancelled = getattr(error, "cancelled", False)
        return _district_refused(provider, error.message, 200 if cancelled else 403,
                                 cancelled=cancelled)
    if current_user.is_authenticated:  # someone else's browser: their session ends here
        sessions.end_session(current_user)
    if queries.second_factor(user.id) is not None:
        sessions.begin_second_step(user, pending.remember, pending.next_url)
        return redirect(url_for("accounts.login_code"))
    sessions.start_session(user, remember=pending.remember)
    flash(_("Signed in with your %(organization_name)s account.",
            organization_name=provider.organization.name), "success")
    return redirect(pending.next_url)


def _district_refused(provider, message: str, status: int, cancelled: bool = False):
    title = _("Sign-in cancelled") if cancelled else _("You are not signed in")
    return render_template("accounts/district_refused.html", title=title, message=message,
                           provider=provider), status


def _refused_sign_in(form, error: DomainError) -> None:
    if isinstance(error, services.TooManyAttempts):
        abort(429, error.message)
    form.password.errors.append(error.message)


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of signing in: the password was right, the code is asked for."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    pending = sessions.pending_sign_in()
    if pending is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("accounts.login"))
    form = forms.SecondFactorForm()
    if form.validate_on_submit():
        # A wrong code is recorded although the sign-in is refused: the throttle counts it.
        with refusal_shown_on(form, show=_refused_code, keep_writes=True):
            used = two_factor.verify(pending.user, form.code.data, request.remote_addr or "")
            sessions.start_session(pending.user, remember=pending.remember)
            if used == two_factor.RECOVERY:
                left = queries.recovery_codes_left(pending.user.id)
                flash(_("You signed in with a recovery code; it will not work again. "
                        "%(left)s left.", left=left), "warning")
            return redirect(pending.next_url)
    return render_template("accounts/login_code.html", form=form, title=_("Enter your code"))


def _refused_code(form, error: DomainError) -> None:
    if isinstance(error, two_factor.TooManyCodes):
        abort(429, error.message)
    show_on_form(form, error)


@bp.route("/account/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@login_required
def two_factor_page():
    if current_user.has_second_factor:
        if request.method == "POST":  # already on: nothing to confirm
            return redirect(url_for("accounts.two_factor"))
        return _render_two_factor_status(forms.DisableTwoFactorForm())
    form = forms.EnrolForm()
    # A form sent back (an empty code, a wrong one) keeps the key the app already holds.
    secret = (two_factor.secret_from_enrolment(current_user, form.enrolment.data)
              if request.method == "POST" else None)
    if form.validate_on_submit():
        if secret is None:
            form.code.errors.append(_("This set-up page was too old. Scan the new QR code below "
                                      "(or type the new key), then enter a new code."))
        else:
            with refusal_shown_on(form):
                session[_FRESH_CODES] = two_factor.enrol(current_user, secret, form.code.data)
                flash(_("Two-factor sign-in is on. Your other sessions are signed out."),
                      "success")
                return redirect(url_for("accounts.two_factor"))
    secret = secret or two_factor.new_secret()
    form.enrolment.data = two_factor.enrolment_token(current_user, secret)
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor_enrol.html", form=form, title=_("Set up two-factor sign-in"),
        qr_code=two_factor.qr_code_data_uri(uri), secret=two_factor.grouped(secret),
        required=two_factor.is_required(current_user))


def _render_two_factor_status(form):
    fresh = session.pop(_FRESH_CODES, None) if request.method == "GET" else None
    return render_template(
        "accounts/two_factor.html", form=form, title=_("Two-factor sign-in"), fresh_codes=fresh,
        codes_left=queries.recovery_codes_left(current_user.id),
        required=two_factor.is_required(current_user))


@bp.post("/account/two-factor/off")
@login_required
def disable_two_factor():
    if not current_user.has_second_factor:
        return redirect(url_for("accounts.two_factor"))
    form = forms.DisableTwoFactorForm()
    if form.validate_on_submit():
        # A wrong code or password is counted although refused, as at sign-in.
        with refusal_shown_on(form, show=_refused_code, keep_writes=True):
            two_factor.disable(current_user, form.proof.data, request.remote_addr or "")
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_two_factor_status(form)


@bp.get("/account/sessions")
@login_required
def user_sessions():
    seen_since = utcnow() - timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])
    rows = queries.active_sessions(current_user.id, seen_since)
    return render_template(
        "accounts/sessions.html", title=_("Your sessions"), describe=devices.describe,
        rows=rows, current_id=current_user.session_id)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    row = queries.user_session(session_id)
    permissions.require(permissions.can_end_session(current_user, row))
    if row.id == current_user.session_id:
        sessions.end_session(current_user)
        flash(_("You are signed out."), "info")
        return redirect(url_for("accounts.login"))
    sessions.revoke_session(row)
    flash(_("%(describe)s is signed out.", describe=devices.describe(row.user_agent)), "success")
    return redirect(url_for("accounts.user_sessions"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    sessions.revoke_sessions(current_user, keep_current=True)
    flash(_("You are signed out everywhere else."), "success")
    return redirect(url_for("accounts.user_sessions"))


@bp.post("/logout")
@login_required
def logout():
    sessions.end_session(current_user)
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.change_password(current_user, form.current_password.data, form.password.data)
            flash(_("Your password is changed. Your other devices are signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form, title=_("Change password"))


@bp.route("/password-reset", methods=["GET", "POST"])
def request_reset():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_reset(form.email.data)
        flash(
            _("If that address belongs to an account, a reset link is on its way. It works once, "
              "for 30 minutes."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form, title=_("Reset your password"))


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    reset = services.usable_reset(token)
    if reset is None:
        return _dead_link("password reset")
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        with refusal_flashed():
            services.reset_password(reset, form.password.data)
            flash(_("Your password is set. Please sign in."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, title=_("Choose a new "
                                                                              "password"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = services.usable_invitation(token)
    if invitation is None:
        return _dead_link("invitation")
    form = forms.AcceptInvitationForm()
    invited = db.session.get(User, invitation.user_id)
    if request.method == "GET":
        form.name.data = invited.name
    provider = org_queries.provider_for_email(invited.email)
    password_allowed = permissions.can_sign_in_with_password(invited, provider)
    if request.method == "POST" and not password_allowed:
        flash(_("%(organization_name)s signs you in with its own account: choose “Join with my "
                "district’s account”.", organization_name=provider.organization.name), "error")
    elif form.validate_on_submit():
        if current_user.is_authenticated:  # someone else's browser: their session ends here
            sessions.end_session(current_user)
        user = services.accept_invitation(invitation, form.name.data, form.password.data)
        sessions.start_session(user, remember=False)
        flash(_("Welcome, %(user_name)s.", user_name=user.name), "success")
        if invitation.cohort_id:
            return redirect(url_for("programs.cohort", cohort_id=invitation.cohort_id))
        return redirect(url_for("main.home"))
    return render_template(
        "accounts/accept_invitation.html", form=form, title=_("Accept your invitation"),
        provider=provider, password_allowed=password_allowed, email=invited.email,
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
        form.language.data = current_user.language or ""
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            name=form.name.data,
            title=form.title.data or "",
            organization_id=form.organization_id.data or None,
            time_zone=form.time_zone.data,
            notify=form.notify.data,
            language=form.language.data or None,
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, title=_("Your profile"))
