from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from plc.assessments import queries as assessment_queries
from plc.main import home as home_page
from plc.main import queries as home_queries
from plc.programs import queries as program_queries

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    # Two queries however many programmes: open checkpoints, then the user's worksheets there.
    open_checkpoints = assessment_queries.open_checkpoints_for_member(current_user.id)
    checkpoint_ids = [cp.id for cps in open_checkpoints.values() for cp in cps]
    statuses = assessment_queries.statuses(current_user.id, checkpoint_ids)
    memberships = program_queries.my_memberships(current_user)
    led_programs = program_queries.my_led_programs(current_user)
    page = home_page.home_for(current_user, memberships, open_checkpoints, statuses)
    return render_template(
        "main/home.html",
        title=_("Home"),
        todo=page.todo,
        member_cohorts=page.member_cohorts,
        facilitated=page.facilitated,
        lead=home_page.lead_summary(led_programs),
        led_programs=led_programs,
        unread_feedback=home_queries.unread_feedback_count(current_user.id),
        open_checkpoints=open_checkpoints,
        worksheet_statuses=statuses,
    )


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page says; answer rather than log a 404.
    return current_app.send_static_file("favicon.svg")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
