"""Site administration: organizations and user accounts.

Every handler: load or 404 -> validate -> service -> flash and redirect (the request commits
once, plc/unit_of_work.py). Access is checked once, for the whole blueprint, in require_site_admin.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.accounts import queries as account_queries
from plc.accounts import services as account_services
from plc.accounts.models import User
from plc.admin import forms
from plc.orgs import queries as org_queries
from plc.orgs import services as org_services
from plc.orgs.forms import IdentityProviderForm, OrganizationForm
from plc.orgs.models import Organization
from plc.privacy import forms as privacy_forms
from plc.privacy import queries as privacy_queries
from plc.privacy import services as privacy_services
from plc.unit_of_work import refusal_flashed, refusal_shown_on

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def require_site_admin():
    permissions.require(permissions.can_administer(current_user))


@bp.get("/")
def index():
    return render_template("admin/index.html", title=_("Administration"))


# --- organizations -----------------------------------------------------------------------


@bp.get("/organizations")
def organizations():
    return render_template(
        "admin/organizations.html",
        title=_("Organizations"),
        districts=org_queries.districts_with_schools(),
        people=org_queries.people_counts(),
        with_provider=org_queries.provider_district_ids(),
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
def new_district():
    form = OrganizationForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            org = org_services.create_district(current_user, name=form.name.data)
            flash(_("District %(org_name)s created.", org_name=org.name), "success")
            return redirect(url_for("admin.organizations"))
    return render_template(
        "admin/organization_form.html", title=_("New district"), form=form,
        submit=_("Create district"))


@bp.route("/organizations/<int:org_id>/schools/new", methods=["GET", "POST"])
def new_school(org_id: int):
    district = _organization_or_404(org_id)
    if not district.is_district:
        abort(404)
    form = OrganizationForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            org = org_services.create_school(current_user, district, name=form.name.data)
            flash(_("School %(org_name)s created in %(district_name)s.", org_name=org.name,
                    district_name=district.name), "success")
            return redirect(url_for("admin.organizations"))
    return render_template(
        "admin/organization_form.html",
        title=_("New school in %(district_name)s", district_name=district.name),
        form=form,
        submit=_("Create school"),
    )


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
def edit_organization(org_id: int):
    org = _organization_or_404(org_id)
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            org_services.rename_organization(current_user, org, name=form.name.data)
            flash(_("Renamed to %(org_name)s.", org_name=org.name), "success")
            return redirect(url_for("admin.organizations"))
    kind = "district" if org.is_district else "school"
    return render_template(
        "admin/organization_form.html",
        title=_("Rename the %(kind)s %(org_name)s", kind=kind, org_name=org.name),
        form=form,
        submit=_("Save name"),
        org=org,
    )


@bp.post("/organizations/<int:org_id>/delete")
def delete_organization(org_id: int):
    org = _organization_or_404(org_id)
    name = org.name
    with refusal_flashed():
        org_services.delete_organization(current_user, org)
        flash(_("%(name)s deleted.", name=name), "success")
        return redirect(url_for("admin.organizations"))
    return redirect(url_for("admin.edit_organization", org_id=org_id))


@bp.route("/organizations/<int:org_id>/sign-in", methods=["GET", "POST"])
def identity_provider(org_id: int):
    """The district's OpenID Connect provider: its people sign in with the district's account."""
    district = _organization_or_404(org_id)
    if not district.is_district:
        abort(404)
    provider = org_queries.identity_provider_of(district.id)
    form = IdentityProviderForm(obj=provider)
    if request.method == "GET":
        form.client_secret.data = ""
        form.email_domains.data = provider.email_domains if provider else ""
        form.password_sign_in.data = provider.password_sign_in if provider else True
    if form.validate_on_submit():
        with refusal_shown_on(form):
            org_services.save_identity_provider(
                current_user, district, issuer=form.issuer.data, client_id=form.client_id.data,
                client_secret=form.client_secret.data, email_domains=form.email_domains.data,
                password_sign_in=form.password_sign_in.data)
            flash(_("%(district_name)s signs in with its identity provider.",
                    district_name=district.name), "success")
            return redirect(url_for("admin.identity_provider", org_id=district.id))
    return render_template(
        "admin/identity_provider.html", title=_("Sign-in for %(district_name)s",
                                                district_name=district.name), form=form,
        district=district, provider=provider,
        callback_url=url_for("accounts.district_callback", _external=True))


@bp.post("/organizations/<int:org_id>/sign-in/remove")
def remove_identity_provider(org_id: int):
    district = _organization_or_404(org_id)
    if not district.is_district:
        abort(404)
    org_services.remove_identity_provider(current_user, district)
    flash(_("%(district_name)s’s people sign in with a password again.",
            district_name=district.name), "success")
    return redirect(url_for("admin.identity_provider", org_id=district.id))


def _organization_or_404(org_id: int) -> Organization:
    org = org_queries.organization(org_id)
    if org is None:
        abort(404)
    return org


# --- users -------------------------------------------------------------------------------


@bp.get("/users")
def users():
    search = forms.UserSearchForm(request.args)
    status = search.status.data if search.validate() else ""
    page = account_queries.users_page(
        search=search.q.data or "", status=status, page=request.args.get("page", 1, type=int)
    )
    title = _("Users") if page.page == 1 else _("Users, page %(page)s", page=page.page)
    return render_template(
        "admin/users.html",
        title=title,
        search=search,
        page=page,
        status_of=account_queries.status_of,
        page_args={"q": search.q.data or None, "status": status or None},
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = forms.UserCreateForm()
    form.organization_id.choices = org_queries.organization_choices_or_none()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            user = account_services.create_user(current_user, **_user_values(form),
                                                email=form.email.data)
            flash(_("%(user_name)s is invited: an e-mail is on its way to %(user_email)s.",
                    user_name=user.name, user_email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", title=_("Invite a new user"), form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = forms.UserEditForm(obj=user)
    form.organization_id.choices = org_queries.organization_choices_or_none()
    if request.method == "GET":
        form.organization_id.data = user.organization_id or org_queries.NO_ORGANIZATION
    if form.validate_on_submit():
        with refusal_shown_on(form):
            account_services.update_user(current_user, user, **_user_values(form))
            flash(_("%(user_name)s’s account is saved.", user_name=user.name), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "admin/user_edit.html",
        title=_("Account of %(user_name)s", user_name=user.name),
        form=form,
        user=user,
        status=account_queries.status_of(user),
    )


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    return _user_action(
        user, account_services.deactivate_user, _("%(user_name)s is deactivated and signed out.",
                                                  user_name=user.name)
    )


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int):
    user = _user_or_404(user_id)
    return _user_action(
        user, account_services.reactivate_user, _("%(user_name)s is active again and can sign in.",
                                                  user_name=user.name)
    )


@bp.post("/users/<int:user_id>/invitation")
def resend_invitation(user_id: int):
    user = _user_or_404(user_id)
    return _user_action(
        user, account_services.resend_invitation, _("A new invitation is on its way to "
                                                    "%(user_email)s.", user_email=user.email)
    )


@bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
def erase_user(user_id: int):
    """Erase a person on request: what will be removed, counted; confirm; done."""
    person = _user_or_404(user_id)
    permissions.require(permissions.can_erase_person(current_user, person), 403)
    form = privacy_forms.EraseForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            privacy_services.erase_person(current_user, person)
            flash(_("The person is erased: their content is removed and the account is "
                    "anonymised."), "success")
            return redirect(url_for("admin.edit_user", user_id=person.id))
    return render_template(
        "admin/user_erase.html", title=_("Erase %(person_name)s",
                                         person_name=person.name), user=person, form=form,
        preview=privacy_queries.erasure_preview(person.id),
        erased=person.email == privacy_services.erased_email(person.id),
    )


def _user_action(user: User, service, done: str):
    """The POST buttons of the account page: one service call, back to the page."""
    with refusal_flashed():
        service(current_user, user)
        flash(done, "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _user_or_404(user_id: int) -> User:
    user = account_queries.user_for_admin(user_id)
    if user is None:
        abort(404)
    return user


def _user_values(form) -> dict:
    return {
        "name": form.name.data,
        "title": form.title.data or "",
        "organization_id": form.organization_id.data or None,
        "is_site_admin": form.is_site_admin.data,
    }
