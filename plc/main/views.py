from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from plc.main import home as home_page
from plc.main import queries as home_queries

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template(
        "main/home.html", title=_("Home"),
        unread_feedback=home_queries.unread_feedback_count(current_user.id),
        body=home_page.HomeBody(current_user), body_key=home_page.body_key(current_user),
        body_clock=home_page.body_clock(),
    )


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page says; answer rather than log a 404.
    return current_app.send_static_file("favicon.svg")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
