"""The notifications list, opening one (marks it read, then goes to what it is about), and
"mark all read". The navigation's unread count comes from here too: read with the session
(accounts/sessions.py), so a page pays no statement for it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import links, permissions
from plc.notifications import queries, services

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_count_in_navigation():
    def unread_notification_count() -> int:
        if not current_user.is_authenticated:
            return 0
        return queries.unread_count_of_signed_in(current_user.id)

    return {"unread_notification_count": unread_notification_count}


@bp.app_template_global("describe_notification")
def describe_notification(notification) -> str:
    actor = notification.actor
    return services.describe(notification.kind, actor.name if actor else None)


@bp.get("/notifications")
@login_required
def index():
    page = queries.page_of(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "notifications/list.html",
        title=(_("Notifications · page %(page)s", page=page.page) if page.page > 1
               else _("Notifications")), page=page,
    )


@bp.post("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Someone else's notification does not exist for you (404)."""
    notification = queries.notification(notification_id)
    permissions.require(notification is not None
                        and permissions.can_open_notification(current_user, notification))
    services.mark_read(current_user, notification)
    available = queries.is_available(
        notification, queries.visible_plan_ids(current_user, {notification.plan_id} - {None})
    )
    if not available:
        flash(_("That is no longer available to you."), "info")
        return redirect(url_for("notifications.index"))
    return redirect(links.target_path(notification))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    services.mark_all_read(current_user)
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))
