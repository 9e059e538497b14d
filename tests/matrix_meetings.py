"""Permission-matrix cases for the meetings area (see tests/matrix.py for the vocabulary)."""

from __future__ import annotations

from tests.matrix import (
    COHORT_A_MEETINGS,
    MEETINGS_A_SCHEDULE,
    OK,
    A,
    Case,
    both,
)

# Agenda and attendance of cohort A's meeting: its facilitators and the programme's leads;
# members of cohort A see the meeting but may not act (403: "members cannot take
# attendance"); cohort B's people and site admins get 404 (site admins see no meeting).
MEETING_A_STAFF = MEETINGS_A_SCHEDULE
# Notes, the note-taker and new follow-ups: the cohort's facilitators (and a note-taker, who
# member_a is not). Program leads see the meeting but not its notes (docs/product.md): 403.
MEETING_A_NOTES = {**MEETING_A_STAFF, "program_lead": 403}
# follow_up_a itself is part of the notes: whoever may not read them gets 404, leads included.
FOLLOW_UP_A_STAFF = {**MEETING_A_NOTES, "program_lead": 404}
# Marking follow_up_a done: its assignee (member_a) too.
FOLLOW_UP_A_DONE = {**FOLLOW_UP_A_STAFF, "member_a": OK}
# Turning follow_up_a into a plan step: its assignee alone.
FOLLOW_UP_A_ASSIGNEE = {**FOLLOW_UP_A_STAFF, "member_a": OK, "facilitator_a": 403}

M = lambda w: w.meeting_a.id  # noqa: E731
ITEM = lambda w: w.agenda_item_a.id  # noqa: E731
FU = lambda w: w.follow_up_a.id  # noqa: E731


def _agenda_data(w) -> dict:
    return {"title": "Consultancy on Mo's plan", "minutes": "20", "protocol": "consultancy",
            "presenters": [str(w.users["member_a"].id)]}


CASES: list[Case] = [
    # --- agenda
    *both("meetings.agenda_new", lambda w: f"/meetings/{M(w)}/agenda/new", MEETING_A_STAFF,
          _agenda_data),
    *both("meetings.agenda_edit", lambda w: f"/meetings/{M(w)}/agenda/{ITEM(w)}/edit",
          MEETING_A_STAFF, _agenda_data),
    Case("meetings.agenda_delete", "POST",
         lambda w: f"/meetings/{M(w)}/agenda/{ITEM(w)}/delete", MEETING_A_STAFF),
    Case("meetings.agenda_move", "POST", lambda w: f"/meetings/{M(w)}/agenda/{ITEM(w)}/move",
         MEETING_A_STAFF, lambda w: {"direction": "down"}),
    # --- attendance
    *both("meetings.attendance", lambda w: f"/meetings/{M(w)}/attendance", MEETING_A_STAFF,
          # meeting_a is ten days ahead: saving asks for the "record it anyway" tick.
          lambda w: {f"status-{w.users['member_a'].id}": "present", "confirm_early": "y"}),
    Case("meetings.my_attendance", "GET", lambda w: f"/cohorts/{A(w)}/my-attendance",
         COHORT_A_MEETINGS),
    # --- notes and follow-ups
    *both("meetings.notes", lambda w: f"/meetings/{M(w)}/notes", MEETING_A_NOTES,
          lambda w: {"notes": "We **agreed** on peer visits.", "notes_version": "0"}),
    Case("meetings.note_taker", "POST", lambda w: f"/meetings/{M(w)}/note-taker",
         MEETING_A_NOTES, lambda w: {"user_id": str(w.users["member_a"].id)}),
    *both("meetings.follow_up_new", lambda w: f"/meetings/{M(w)}/follow-ups/new",
          MEETING_A_NOTES,
          lambda w: {"assignee_id": str(w.users["member_a"].id), "text": "Share the tool",
                     "due_on": "2030-01-15"}),
    Case("meetings.follow_up_done", "POST", lambda w: f"/follow-ups/{FU(w)}/done",
         FOLLOW_UP_A_DONE),
    Case("meetings.follow_up_delete", "POST", lambda w: f"/follow-ups/{FU(w)}/delete",
         FOLLOW_UP_A_STAFF),
    # The POST without a focus area re-shows the form: the step itself is the plans area's
    # (tests/meetings/test_follow_ups.py turns a follow-up into a step).
    *both("meetings.follow_up_to_plan", lambda w: f"/follow-ups/{FU(w)}/plan",
          FOLLOW_UP_A_ASSIGNEE),
]

# Statement budgets of this area's pages where they need more than the default (see
# tests/test_query_budgets.py), with the reason.
BUDGETS: dict[str, int] = {
    # the session (with roles and unread count), the meeting, agenda, presenters, presenters' plans
    # with their cohorts, preparation (one grouped statement), the viewer's own attendance or
    # the note-taker roster, follow-ups, the note-taker's name.
    "meetings.meeting": 12,
}
