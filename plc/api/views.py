"""The read-only JSON API (blueprint "api.v1", bearer tokens only) and the pages around it
(blueprint "api"): the personal token page and the human guide to the API. Its errors, routing
404s and 405s included, are answered in its documented JSON by plc/errors.py.

The API answers with the same figures as the dashboards (plc/dashboards/reports.py), under
the same rules (permissions.can_view_program_dashboard, can_view_participation). It reads no
cookie: a request without a bearer token is 401 even from a signed-in browser, so another
site cannot make a visitor's browser read it. Its routes are GET only, so CSRF does not
apply to them.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from plc import permissions
from plc.api import forms, openapi, queries, serialize, services
from plc.dashboards import reports
from plc.programs import queries as program_queries
from plc.tokens import hash_token
from plc.unit_of_work import refusal_flashed, refusal_shown_on

bp = Blueprint("api", __name__)
v1 = Blueprint("v1", __name__, url_prefix="/api/v1")

# The new token travels from the POST to the page that shows it once (only its hash is kept).
_FRESH_TOKEN = "plc_fresh_api_token"  # noqa: S105  # nosec B105 (a session key name)
_HOW_TO_AUTHENTICATE = "A valid API token is needed: send 'Authorization: Bearer <token>'."


# --- the JSON API ------------------------------------------------------------------------------


@v1.after_request
def never_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _bearer() -> str | None:
    kind, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() or None if kind.lower() == "bearer" else None


def _token_user():
    """The owner of the request's bearer token, or 401. Cookies are never looked at."""
    secret = _bearer()
    found = queries.live_token(hash_token(secret)) if secret else None
    if found is None:
        raise Unauthorized(_HOW_TO_AUTHENTICATE, www_authenticate=WWWAuthenticate("bearer",
                                                                            {"realm": "plc"}))
    g.api_user, g.api_token = found
    return g.api_user


@v1.get("/me")
def me():
    user = _token_user()
    return jsonify(serialize.me(user, g.api_token, queries.readable_programs(user),
                                queries.readable_cohorts(user)))


@v1.get("/programs/<int:program_id>/participation")
def program_participation(program_id: int):
    user = _token_user()
    program = program_queries.program(program_id)
    permissions.require(program is not None
                        and permissions.can_view_program_dashboard(user, program))
    return jsonify(serialize.program_participation(reports.program_report(program)))


@v1.get("/cohorts/<int:cohort_id>/participation")
def cohort_participation(cohort_id: int):
    user = _token_user()
    cohort = program_queries.cohort(cohort_id)
    permissions.require(cohort is not None and permissions.can_view_participation(user, cohort))
    return jsonify(serialize.cohort_participation(reports.cohort_participation(cohort)))


@v1.get("/openapi.json")
def openapi_document():
    """Public: it describes the API and holds no data."""
    return jsonify(openapi.document(url_for("api.v1.me", _external=True).rsplit("/", 1)[0]))


bp.register_blueprint(v1)


# --- the pages around it ------------------------------------------------------------------------


@bp.get("/api")
def guide():
    return render_template("api/guide.html", title=_("The participation API"),
                           base_url=url_for("api.v1.me", _external=True).rsplit("/", 1)[0])


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = forms.NewTokenForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            secret, token = services.create_token(current_user, form.name.data)
            session[_FRESH_TOKEN] = secret
            flash(_("Token “%(token_name)s” made. Copy it now: it is shown only once.",
                    token_name=token.name), "success")
            return redirect(url_for("api.tokens"))
    return render_template(
        "api/tokens.html", title=_("API tokens"), form=form,
        tokens=queries.live_tokens(current_user.id),
        fresh_token=session.pop(_FRESH_TOKEN, None) if request.method == "GET" else None,
    ), 200 if request.method == "GET" else 422


@bp.post("/account/api-tokens/revoke")
@login_required
def revoke():
    form = forms.RevokeTokenForm()
    token = queries.token(form.token_id.data) if form.validate_on_submit() else None
    permissions.require(token is not None and permissions.can_revoke_api_token(current_user,
                                                                               token))
    with refusal_flashed():
        services.revoke_token(current_user, token)
        flash(_("Token “%(token_name)s” revoked: it no longer works.", token_name=token.name),
              "success")
    return redirect(url_for("api.tokens"))
