from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from plc import permissions
from plc.programs import queries

bp = Blueprint("programs", __name__)


@bp.get("/programs")
@login_required
def program_list():
    permissions.require(permissions.can_create_program(current_user), 403)
    return render_template(
        "programs/program_list.html",
        title="Programmes",
        programs=queries.programs(permissions.visible_programs(current_user)),
    )


@bp.get("/programs/<int:program_id>")
@login_required
def program(program_id: int):
    prog = queries.program_with_cohorts(program_id)
    permissions.require(prog is not None and permissions.can_view_program(current_user, prog))
    return render_template("programs/program.html", title=prog.name, program=prog)


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    coh = queries.cohort(cohort_id)
    permissions.require(coh is not None and permissions.can_view_cohort(current_user, coh))
    return render_template(
        "programs/cohort.html", title=coh.name, cohort=coh, roster=queries.roster(coh)
    )
