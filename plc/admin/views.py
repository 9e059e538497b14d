from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from plc import permissions

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def require_site_admin():
    permissions.require(permissions.can_administer(current_user))


@bp.get("/")
def index():
    return render_template("admin/index.html", title="Administration")
