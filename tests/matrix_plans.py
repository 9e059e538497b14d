"""Permission-matrix cases for the plans area (see tests/matrix.py for the vocabulary)."""

from __future__ import annotations

from tests.matrix import LOGIN, OK, WORKSHEET, A, B, Case, P, Q, both, expect

# world.plan_a is member_a's plan, shared with cohort A: its author and cohort A's facilitator
# read it (cohort A's other member is the deactivated account, sent to sign in); people of
# cohort B, program leads and site admins get 404. Only the author changes it.
PLAN_A_VIEW = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK, facilitator_a=OK)
PLAN_A_AUTHOR = {**PLAN_A_VIEW, "facilitator_a": 403}
# "My plan" in a programme: its members (member_a has one: redirected to it; member_b starts).
MY_PLAN = WORKSHEET
NOT_IN_PROGRAMME = expect(404, anonymous=LOGIN, deactivated=LOGIN)
# A cohort's list of plans: its people and the programme's leads (status and dates only);
# site admins outside the cohort get 404.
COHORT_A_PLANS = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK, facilitator_a=OK,
                        program_lead=OK)
COHORT_B_PLANS = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_b=OK, facilitator_b=OK,
                        program_lead=OK)

PLAN = lambda w: w.plan_a.id  # noqa: E731


def edit_data(w) -> dict:
    """The plan_a edit form as its author would send it: one focus area, a new step."""
    fa = w.focus_area_a
    return {
        "version": str(w.plan_a.version),
        "focus_areas-0-competency_id": str(fa.competency_id),
        "focus_areas-0-change": "Listen before deciding, always",
        "focus_areas-0-current_level_id": str(fa.current_level_id),
        "focus_areas-0-target_level_id": str(fa.target_level_id),
        "focus_areas-0-barriers-0-kind": "skill",
        "focus_areas-0-barriers-0-text": "I interrupt",
        "focus_areas-0-steps-0-id": str(w.step_a.id),
        "focus_areas-0-steps-0-text": "Observe two classes",
        "focus_areas-0-steps-0-status": "in_progress",
        "focus_areas-0-steps-1-text": "Ask for feedback",
        "focus_areas-0-steps-1-status": "not_started",
    }


CASES: list[Case] = [
    *both("plans.my_plan", lambda w: f"/programs/{P(w)}/plan", MY_PLAN,
          lambda w: {"source": "empty"}),
    *both("plans.my_plan", lambda w: f"/programs/{Q(w)}/plan", NOT_IN_PROGRAMME,
          lambda w: {"source": "empty"}, label="other"),
    Case("plans.plan", "GET", lambda w: f"/plans/{PLAN(w)}", PLAN_A_VIEW),
    Case("plans.changes", "GET", lambda w: f"/plans/{PLAN(w)}/changes?since=2026-01-01",
         PLAN_A_VIEW),
    Case("plans.edit_plan", "GET", lambda w: f"/plans/{PLAN(w)}/edit", PLAN_A_AUTHOR),
    Case("plans.edit_plan", "POST", lambda w: f"/plans/{PLAN(w)}/edit", PLAN_A_AUTHOR,
         edit_data),
    # With nothing newer than its source, the author is sent back to the plan (302).
    Case("plans.catch_up", "GET", lambda w: f"/plans/{PLAN(w)}/catch-up", PLAN_A_AUTHOR),
    Case("plans.catch_up", "POST", lambda w: f"/plans/{PLAN(w)}/catch-up", PLAN_A_AUTHOR,
         lambda w: {"version": str(w.plan_a.version), "ratings": "y"}),
    Case("plans.share", "POST", lambda w: f"/plans/{PLAN(w)}/share", PLAN_A_AUTHOR,
         lambda w: {"visibility": "facilitators", "version": str(w.plan_a.version)}),
    Case("plans.new_update", "GET", lambda w: f"/plans/{PLAN(w)}/updates/new", PLAN_A_AUTHOR),
    Case("plans.new_update", "POST", lambda w: f"/plans/{PLAN(w)}/updates/new", PLAN_A_AUTHOR,
         lambda w: {"version": str(w.plan_a.version), "did": "Observed a second class",
                    f"step_{w.step_a.id}": "done", "meeting_id": str(w.meeting_a.id)}),
    *both("plans.edit_update",
          lambda w: f"/plans/{PLAN(w)}/updates/{w.update_a.id}/edit", PLAN_A_AUTHOR,
          lambda w: {"version": str(w.update_a.version), "did": "Observed one class, twice"}),
    # "Mark done" on the home page: only the author marks a step of their own plan done.
    Case("plans.mark_step_done", "POST", lambda w: f"/steps/{w.step_a.id}/done",
         PLAN_A_AUTHOR),
    Case("plans.cohort_plans", "GET", lambda w: f"/cohorts/{A(w)}/plans", COHORT_A_PLANS),
    Case("plans.cohort_plans", "GET", lambda w: f"/cohorts/{B(w)}/plans", COHORT_B_PLANS,
         label="B"),
]

# Statement budgets of this area's pages where they need more than the default (see
# tests/test_query_budgets.py), with the reason.
BUDGETS: dict[str, int] = {
    # Every page: the session, with roles and the unread count (one statement). Then the plan
    # with author and programme, the author's cohorts, focus areas with barriers and steps (3),
    # the rubric with its descriptors (3), the updates with authors and meetings, and the
    # comment threads (plc.feedback.queries.plan_threads, 3 today).
    "plans.plan": 18,
    # 4 + plan, author's cohorts, focus areas (3), the rubric (3).
    "plans.edit_plan": 14,
    # 4 + plan, author's cohorts, the rubric (3), focus areas (3), the latest worksheet
    # (3: with its ratings and changes) and its levels in the rubric.
    "plans.catch_up": 15,
    # the same as the edit page, plus the cohort's meetings to link the update to.
    "plans.new_update": 15,
    # 4 + plan, author's cohorts, the revision at the date, focus areas (3), the rubric (3):
    # the current plan is compared with the revision, in words.
    "plans.changes": 15,
}
