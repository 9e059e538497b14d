"""The audit log page (site admins only): administrative acts, newest first, a page at a time.

Read-only: the log is written by the acts themselves (plc/audit/services.py:record).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.audit import forms, queries
from plc.audit.services import ACTIONS

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@login_required
def events():
    permissions.require(permissions.can_view_audit_log(current_user))
    search = forms.AuditFilterForm(request.args)
    valid = search.validate()
    action = search.action.data if valid else ""
    person = (search.person.data or "") if valid else ""
    page = queries.events_page(action=action, person=person,
                               page=request.args.get("page", 1, type=int))
    title = _("Audit log") if page.number == 1 else _("Audit log, page %(number)s",
                                                      number=page.number)
    return render_template(
        "audit/events.html", title=title, search=search, page=page, actions=ACTIONS,
        page_args={"action": action or None, "person": person or None},
    )
