"""Permission-matrix cases for the feedback and notifications areas (see tests/matrix.py)."""

from __future__ import annotations

from tests.matrix import LOGIN, OK, SIGNED_IN, A, B, Case, expect

# member_a's plan is shared with cohort A: its people read and comment on it (deactivated is
# sent to sign in); nobody else may know it exists, program leads and site admins included.
PLAN_A_READERS = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK, facilitator_a=OK)
# comment_a is member_a's: only its author edits it ...
COMMENT_A_AUTHOR = {**PLAN_A_READERS, "facilitator_a": 403}
# ... and its author or a facilitator of the plan author's cohort removes it.
COMMENT_A_MODERATORS = PLAN_A_READERS
# The feed shows plan and comment text: the cohort's own people only.
FEED_A = PLAN_A_READERS
FEED_B = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_b=OK, facilitator_b=OK)
# notification_a is member_a's; anyone else's does not exist for you.
NOTIFICATION_A = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK)

BODY = lambda w: {"body": "Matrix comment", "kind": "warm"}  # noqa: E731

CASES: list[Case] = [
    Case("feedback.comment_on_plan", "POST", lambda w: f"/plans/{w.plan_a.id}/comments",
         PLAN_A_READERS, BODY),
    Case("feedback.comment_on_update", "POST", lambda w: f"/updates/{w.update_a.id}/comments",
         PLAN_A_READERS, BODY),
    Case("feedback.reply", "POST", lambda w: f"/comments/{w.comment_a.id}/replies",
         PLAN_A_READERS, BODY),
    Case("feedback.edit_comment", "GET", lambda w: f"/comments/{w.comment_a.id}/edit",
         COMMENT_A_AUTHOR),
    Case("feedback.edit_comment", "POST", lambda w: f"/comments/{w.comment_a.id}/edit",
         COMMENT_A_AUTHOR, lambda w: {"body": "Edited", "version": str(w.comment_a.version)}),
    Case("feedback.delete_comment", "POST", lambda w: f"/comments/{w.comment_a.id}/delete",
         COMMENT_A_MODERATORS),
    Case("feedback.cohort_feed", "GET", lambda w: f"/cohorts/{A(w)}/feed", FEED_A),
    Case("feedback.cohort_feed", "GET", lambda w: f"/cohorts/{B(w)}/feed", FEED_B, label="B"),
    Case("feedback.cohort_feed", "GET", lambda w: f"/cohorts/{A(w)}/feed?page=2", FEED_A,
         label="page 2"),
    Case("notifications.index", "GET", lambda w: "/notifications", SIGNED_IN),
    Case("notifications.index", "GET", lambda w: "/notifications?page=2", SIGNED_IN,
         label="page 2"),
    Case("notifications.open_notification", "POST",
         lambda w: f"/notifications/{w.notification_a.id}", NOTIFICATION_A),
    Case("notifications.mark_all_read", "POST", lambda w: "/notifications/read", SIGNED_IN),
]

# Statement budgets of this area's pages where they need more than the default (see
# tests/test_query_budgets.py), with the reason.
BUDGETS: dict[str, int] = {
    # the session (with roles and the unread count) + the cohort, the page of
    # events (one UNION), then its plans with authors, its updates, its comments with authors.
    "feedback.cohort_feed": 12,
}
