"""Permission-matrix cases for the dashboards (see tests/matrix.py for the vocabulary).

The cohort dashboard, its growth page and nudges show ratings member by member: the cohort's
facilitators only. Participation (status, dates, counts) of a cohort: its facilitators and
the programme's leads. The programme dashboard and its exports (the programme's, a district's,
its rating aggregates): the programme's leads (site admins run the site, not the programmes).
A district export answers 404 to everyone for an org that is not a district."""

from __future__ import annotations

from tests.matrix import LOGIN, RATING_AGGREGATES_P, A, B, Case, P, Q, expect, uid

FACILITATOR_A = expect(404, anonymous=LOGIN, deactivated=LOGIN, facilitator_a="ok")
FACILITATOR_B = expect(404, anonymous=LOGIN, deactivated=LOGIN, facilitator_b="ok")
# Whoever sees cohort A but is not its facilitator is refused (403); others do not learn of it.
NUDGE_A = expect(403, anonymous=LOGIN, deactivated=LOGIN, member_b=404, facilitator_b=404,
                 facilitator_a="ok")
PARTICIPATION_A = expect(404, anonymous=LOGIN, deactivated=LOGIN, facilitator_a="ok",
                         program_lead="ok")
LEADS_OF_P = expect(404, anonymous=LOGIN, deactivated=LOGIN, program_lead="ok")
NOBODY = expect(404, anonymous=LOGIN, deactivated=LOGIN)
D = lambda w: w.district.id  # noqa: E731


def _nudge(w):
    return {"user_ids": [uid("member_a")(w)], "message": "Please post an update"}


CASES: list[Case] = [
    Case("dashboards.cohort_dashboard", "GET", lambda w: f"/cohorts/{A(w)}/dashboard",
         FACILITATOR_A),
    Case("dashboards.cohort_dashboard", "GET",
         lambda w: f"/cohorts/{A(w)}/dashboard?filter=nudge&sort=update", FACILITATOR_A,
         label="filtered"),
    Case("dashboards.cohort_dashboard", "GET", lambda w: f"/cohorts/{B(w)}/dashboard",
         FACILITATOR_B, label="cohort B"),
    Case("dashboards.nudge", "POST", lambda w: f"/cohorts/{A(w)}/nudges", NUDGE_A, _nudge),
    Case("dashboards.cohort_growth", "GET", lambda w: f"/cohorts/{A(w)}/growth", FACILITATOR_A),
    Case("dashboards.cohort_growth", "GET", lambda w: f"/cohorts/{B(w)}/growth", FACILITATOR_B,
         label="cohort B"),
    Case("dashboards.cohort_participation", "GET", lambda w: f"/cohorts/{A(w)}/participation",
         PARTICIPATION_A),
    Case("dashboards.cohort_csv", "GET", lambda w: f"/cohorts/{A(w)}/participation.csv",
         PARTICIPATION_A),
    Case("dashboards.cohort_xlsx", "GET", lambda w: f"/cohorts/{A(w)}/participation.xlsx",
         PARTICIPATION_A),
    Case("dashboards.program_dashboard", "GET", lambda w: f"/programs/{P(w)}/dashboard",
         LEADS_OF_P),
    Case("dashboards.program_dashboard", "GET", lambda w: f"/programs/{Q(w)}/dashboard",
         NOBODY, label="other programme"),
    Case("dashboards.program_csv", "GET",
         lambda w: f"/programs/{P(w)}/participation.csv?from=2026-09-01&to=2027-06-30",
         LEADS_OF_P),
    Case("dashboards.program_csv", "GET", lambda w: f"/programs/{Q(w)}/participation.csv",
         NOBODY, label="other programme"),
    Case("dashboards.program_xlsx", "GET", lambda w: f"/programs/{P(w)}/participation.xlsx",
         LEADS_OF_P),
    Case("dashboards.district_csv", "GET",
         lambda w: f"/programs/{P(w)}/districts/{D(w)}/participation.csv"
                   "?from=2026-09-01&to=2027-06-30", LEADS_OF_P),
    Case("dashboards.district_csv", "GET",
         lambda w: f"/programs/{P(w)}/districts/{w.school.id}/participation.csv", NOBODY,
         label="a school, not a district"),
    Case("dashboards.district_csv", "GET",
         lambda w: f"/programs/{Q(w)}/districts/{D(w)}/participation.csv", NOBODY,
         label="other programme"),
    Case("dashboards.district_xlsx", "GET",
         lambda w: f"/programs/{P(w)}/districts/{D(w)}/participation.xlsx", LEADS_OF_P),
    Case("dashboards.district_xlsx", "GET",
         lambda w: f"/programs/{Q(w)}/districts/{D(w)}/participation.xlsx", NOBODY,
         label="other programme"),
    Case("dashboards.program_ratings_csv", "GET", lambda w: f"/programs/{P(w)}/ratings.csv",
         RATING_AGGREGATES_P),
    Case("dashboards.program_ratings_csv", "GET", lambda w: f"/programs/{Q(w)}/ratings.csv",
         NOBODY, label="other programme"),
]

# Statement budgets of this area's pages where they need more than the default (see
# tests/test_query_budgets.py), with the reason.
# Every page fits the default: the cohort dashboard, for one, is the session and roles, the
# cohort, the member facts (one grouped statement), checkpoints, focus ratings, recent
# attendance and the nudge form's member choices.
BUDGETS: dict[str, int] = {
    # Session and roles (3), the programme, its cohorts, the member facts, the attendance
    # records, and the "Ratings" sheet: the ratings overview's own seven statements (the
    # frameworks offered, checkpoints, cohorts, and per framework competencies, levels, and the
    # counts for the programme and by cohort).
    "dashboards.program_xlsx": 13,
    # Session, roles and unread count (4), the cohort, the member choices of the nudge form,
    # the counted figures (member facts, checkpoints, focus ratings, recent attendance: kept
    # per worker for FIGURES_CACHE_SECONDS, counted on every request in the tests) and the
    # latest nudges, read fresh so that a nudge shows at once.
    "dashboards.cohort_dashboard": 11,
}
