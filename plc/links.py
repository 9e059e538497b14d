"""Links: where a notification points (a path, for redirects and pages) and the absolute links
that e-mail carries.

Services queue mail from requests and from jobs (CLI commands, reminders, digests) alike, so
they build no URL themselves: they ask here for the link to a thing. It is made absolute where
the site lives: BASE_URL (PLC_BASE_URL) when it is set, even in a request, so that a forged
Host header cannot point a password-reset or invitation link elsewhere; without it the
request's host, else SERVER_NAME, else localhost.
"""

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


# --- absolute links, for e-mail ---------------------------------------------------------------


def notification_link(notification) -> str:
    return _absolute(target_path, notification)


def password_reset_link(token: str) -> str:
    return _absolute(url_for, "accounts.reset_password", token=token)


def invitation_link(token: str) -> str:
    return _absolute(url_for, "accounts.accept_invitation", token=token)


def profile_link() -> str:
    return _absolute(url_for, "accounts.profile")


def cohort_link(cohort_id: int) -> str:
    return _absolute(url_for, "programs.cohort", cohort_id=cohort_id)


def cohort_meetings_link(cohort_id: int) -> str:
    return _absolute(url_for, "meetings.cohort_meetings", cohort_id=cohort_id)


def meeting_link(meeting_id: int) -> str:
    return _absolute(url_for, "meetings.meeting", meeting_id=meeting_id)


def _absolute(path_of, *args, **kwargs) -> str:
    """``path_of(*args, **kwargs)`` as an absolute URL, with or without a request."""
    cfg = current_app.config
    if has_request_context() and not cfg.get("BASE_URL"):
        return request.host_url.rstrip("/") + path_of(*args, **kwargs)
    base = cfg.get("BASE_URL") or (f"http://{cfg['SERVER_NAME']}" if cfg.get("SERVER_NAME")
                                   else "http://localhost")
    with current_app.test_request_context(base_url=base):
        return request.host_url.rstrip("/") + path_of(*args, **kwargs)


def voice_invitee_link(token: str, lang: str) -> str:
    """A respondent's single-use link to a feedback round (plc/voice)."""
    return _absolute(url_for, "voice.respond_invited", token=token, lang=lang)
