"""Permission-matrix cases for stakeholder voice (see tests/matrix.py).

member_a's plan is shared with cohort A. Its rounds: round_a kept to member_a, round_shared
shared with cohort A, round_closed closed with its note. Results are the leader's, and their
cohort's or facilitators' once shared: never a program lead's (counts only) or a site
admin's. Respondents' links need no account: their token is the key.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.matrix import DEAD_LINK, LOGIN, OK, PUBLIC, Case, P, Q, expect

PLAN_A_READERS = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK, facilitator_a=OK)
PLAN_A_AUTHOR = {**PLAN_A_READERS, "facilitator_a": 403}
ROUND_A = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK)
ROUND_SHARED = PLAN_A_READERS
ROUND_SHARED_AUTHOR = PLAN_A_AUTHOR
COUNTS_P = expect(404, anonymous=LOGIN, deactivated=LOGIN, program_lead=OK)
COUNTS_Q = expect(404, anonymous=LOGIN, deactivated=LOGIN)

R = lambda w: w.round_a.id  # noqa: E731
C = lambda w: w.focus_area_a.competency_id  # noqa: E731


def _new_round(w) -> dict:
    today = date.today()
    return {"competency_ids": [str(C(w))], "audiences": ["staff", "other"],
            "languages": ["en", "es"], "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=10)).isoformat(),
            "other_label": "Bus drivers"}


ANSWER = lambda w: {f"a-{C(w)}-0": "3", f"open-{C(w)}": "Keep listening"}  # noqa: E731

CASES: list[Case] = [
    Case("voice.plan_rounds", "GET", lambda w: f"/plans/{w.plan_a.id}/voice", PLAN_A_READERS),
    Case("voice.plan_rounds", "POST", lambda w: f"/plans/{w.plan_a.id}/voice", PLAN_A_AUTHOR,
         _new_round),
    Case("voice.round_page", "GET", lambda w: f"/voice/rounds/{R(w)}", ROUND_A),
    Case("voice.round_page", "GET", lambda w: f"/voice/rounds/{w.round_shared.id}",
         ROUND_SHARED, label="shared"),
    Case("voice.round_page", "GET", lambda w: f"/voice/rounds/{w.round_closed.id}", ROUND_A,
         label="closed"),
    Case("voice.invite", "POST", lambda w: f"/voice/rounds/{R(w)}/invite", ROUND_A,
         lambda w: {"audience_id": str(w.voice_links['a'][0][0]), "language": "es",
                    "addresses": "someone@example.org, other@example.org"}),
    Case("voice.share", "POST", lambda w: f"/voice/rounds/{R(w)}/share", ROUND_A,
         lambda w: {"visibility": "cohort"}),
    Case("voice.share", "POST", lambda w: f"/voice/rounds/{w.round_shared.id}/share",
         ROUND_SHARED_AUTHOR, lambda w: {"visibility": "draft"}, label="shared"),
    Case("voice.close", "POST", lambda w: f"/voice/rounds/{R(w)}/close", ROUND_A),
    Case("voice.note", "POST", lambda w: f"/voice/rounds/{w.round_closed.id}/note", ROUND_A,
         lambda w: {"heard": "Heard", "will_do": "Will do"}),
    Case("voice.add_step", "POST", lambda w: f"/voice/rounds/{R(w)}/step", ROUND_A,
         lambda w: {"focus_area_id": str(w.focus_area_a.id), "text": "Hold office hours"}),
    Case("voice.flyer", "GET",
         lambda w: f"/voice/rounds/{R(w)}/flyer/{w.voice_links['a'][0][0]}?lang=es", ROUND_A),
    Case("voice.flyer", "GET",
         lambda w: f"/voice/rounds/{R(w)}/flyer/{w.voice_links['shared'][0][0]}",
         expect(404, anonymous=LOGIN, deactivated=LOGIN),
         label="other round's audience"),
    Case("voice.program_counts", "GET", lambda w: f"/programs/{P(w)}/voice", COUNTS_P),
    Case("voice.program_counts", "GET", lambda w: f"/programs/{Q(w)}/voice", COUNTS_Q,
         label="other"),
    # Respondents: anyone holding the link, signed in or not.
    Case("voice.respond_open", "GET", lambda w: f"/v/{w.voice_links['a'][0][1]}", PUBLIC),
    Case("voice.respond_open", "GET", lambda w: f"/v/{w.voice_links['a'][0][1]}?lang=es",
         PUBLIC, label="es"),
    Case("voice.respond_open", "POST", lambda w: f"/v/{w.voice_links['a'][0][1]}", PUBLIC,
         ANSWER),
    # A closed round's link shows its closing note.
    Case("voice.respond_open", "GET", lambda w: f"/v/{w.voice_links['closed'][0][1]}",
         PUBLIC, label="closed with note"),
    Case("voice.respond_open", "GET", lambda w: "/v/no-such-link", DEAD_LINK, label="unknown"),
    Case("voice.respond_invited", "GET", lambda w: f"/v/i/{w.invitee_token}", PUBLIC),
    Case("voice.respond_invited", "POST", lambda w: f"/v/i/{w.invitee_token}", PUBLIC, ANSWER),
    Case("voice.respond_invited", "GET", lambda w: "/v/i/used-or-unknown", expect(410),
         label="used"),
    Case("voice.thanks", "GET", lambda w: "/v/thanks?lang=es", PUBLIC),
]

# Statement budgets (tests/test_query_budgets.py) above the default, with the reason.
BUDGETS: dict[str, int] = {
    # the session + the round (plan, author, programme) and its audiences, the author's
    # cohorts, the survey (the author's framework, its survey, competencies), counts,
    # answers, open answers, self-ratings, invitee counts, focus areas.
    "voice.round_page": 16,
    # the session + the plan, the author's cohorts, the survey (three), the rounds (two).
    "voice.plan_rounds": 12,
    # the link's audience with round, plan, author, programme; the survey (three).
    "voice.respond_open": 10,
    "voice.respond_invited": 10,
}
