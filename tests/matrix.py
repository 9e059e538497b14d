"""The permission matrix's vocabulary: what each role gets, and how a case is written.

Areas keep their cases in files of their own (tests/matrix_*.py); tests/test_permissions.py
runs them all and checks that every registered route is covered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.permission_world import ROLES, World

OK, LOGIN = "ok", "login"


def expect(default, **overrides) -> dict:
    table = {role: default for role in ROLES}
    table.update(overrides)
    return table


# Who gets what, by kind of page. The anonymous visitor and the deactivated account are sent to
# sign in wherever signing in is needed.
PUBLIC = expect(OK)
SIGNED_IN = expect(OK, anonymous=LOGIN, deactivated=LOGIN)
ADMIN_ONLY = expect(404, anonymous=LOGIN, deactivated=LOGIN, site_admin=OK)
PROGRAM_CREATORS = expect(403, anonymous=LOGIN, deactivated=LOGIN, program_lead=OK, site_admin=OK)
PROGRAM_P = expect(404, anonymous=LOGIN, deactivated=LOGIN, program_lead=OK, site_admin=OK)
OTHER_PROGRAM = ADMIN_ONLY  # the lead of P has no business in another programme
COHORT_A_VIEW = expect(OK, anonymous=LOGIN, deactivated=LOGIN, member_b=404, facilitator_b=404)
COHORT_A_ROSTER = {**COHORT_A_VIEW, "member_a": 403}
COHORT_A_LEADS = {**COHORT_A_ROSTER, "facilitator_a": 403}
COHORT_B_VIEW = expect(OK, anonymous=LOGIN, deactivated=LOGIN, member_a=404, facilitator_a=404)
COHORT_B_ROSTER = {**COHORT_B_VIEW, "member_b": 403}
DEAD_LINK = expect(404)
# One of member_a's signed-in browsers: only member_a signs it out.
OWN_SESSION = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK)
# Self-assessments: members keep their own; a worksheet is read by its author and the
# facilitators of the author's cohort, never by program leads or site admins (aggregates only).
WORKSHEET = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK, member_b=OK)
ASSESSMENT_A = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK, facilitator_a=OK)
ASSESSMENT_A_AUTHOR = {**ASSESSMENT_A, "facilitator_a": 403}
RATING_AGGREGATES_P = expect(404, anonymous=LOGIN, deactivated=LOGIN, program_lead=OK)
NO_RATING_AGGREGATES = expect(404, anonymous=LOGIN, deactivated=LOGIN)
# Meetings: seen by the cohort's people and the programme's leads, not by site admins (they
# see the cohort's roster, none of its meetings); scheduled by its facilitators and the leads.
COHORT_A_MEETINGS = {**COHORT_A_VIEW, "site_admin": 404}
COHORT_B_MEETINGS = {**COHORT_B_VIEW, "site_admin": 404}
MEETINGS_A_SCHEDULE = {**COHORT_A_MEETINGS, "member_a": 403}
MEETINGS_B_SCHEDULE = {**COHORT_B_MEETINGS, "member_b": 403}

CSV = (
    "name,email,district,school,role\r\n"
    "New Person,new.person@example.org,Matrix District,Matrix School,member\r\n"
)


@dataclass
class Case:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expected: dict
    data: Callable[[World], dict] = field(default=lambda w: {})
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{' ' + self.label if self.label else ''}"


def both(endpoint, url, expected, data=lambda w: {}, label=""):
    """A form page: its GET and its POST get the same answer."""
    return [Case(endpoint, "GET", url, expected, label=label),
            Case(endpoint, "POST", url, expected, data, label=label)]


A = lambda w: w.cohort_a.id  # noqa: E731
B = lambda w: w.cohort_b.id  # noqa: E731
P = lambda w: w.program.id  # noqa: E731
Q = lambda w: w.other_program.id  # noqa: E731
uid = lambda role: (lambda w: w.users[role].id)  # noqa: E731
