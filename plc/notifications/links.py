"""Where a notification points, as a path or as an absolute URL for e-mail (also from the
CLI, where there is no request: BASE_URL, else SERVER_NAME, says where the site lives)."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

PLAN_ENDPOINT = "plans.plan"


def plan_path(plan_id: int, update_id: int | None = None, comment_id: int | None = None) -> str:
    """The plan page, at the comment or update when there is one (the query names it too, so
    the page opens on the page of updates or conversations that holds it)."""
    if comment_id:
        return url_for(PLAN_ENDPOINT, plan_id=plan_id, comment=comment_id,
                       _anchor=f"comment-{comment_id}")
    if update_id:
        return url_for(PLAN_ENDPOINT, plan_id=plan_id, update=update_id,
                       _anchor=f"update-{update_id}")
    return url_for(PLAN_ENDPOINT, plan_id=plan_id)


def target_path(notification) -> str:
    if notification.plan_id:
        return plan_path(notification.plan_id, notification.update_id, notification.comment_id)
    if notification.meeting_id:
        return url_for("meetings.meeting", meeting_id=notification.meeting_id)
    return url_for("main.home")


def absolute(path_of, *args) -> str:
    """``path_of(*args)`` as an absolute URL, with or without a request."""
    if has_request_context():
        return request.host_url.rstrip("/") + path_of(*args)
    cfg = current_app.config
    base = cfg.get("BASE_URL") or (f"http://{cfg['SERVER_NAME']}" if cfg.get("SERVER_NAME")
                                   else "http://localhost")
    with current_app.test_request_context(base_url=base):
        return request.host_url.rstrip("/") + path_of(*args)
