"""A submission that succeeds, for every form page of the permission matrix whose own case
posts no (or not enough) data: the mass-assignment test needs posts that do their work.

Keyed by the matrix case id ("POST endpoint[ label]"); each value builds the data from the
world. A form post of the matrix that is missing here fails the mass-assignment test with a
message saying so.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from tests import factories
from tests.matrix import CSV, OK
from tests.test_permissions import CASES


def _roster(_w):
    return {"roster": (io.BytesIO(CSV.encode()), "roster.csv")}


def _framework_file(_w):
    from plc.rubrics import schema
    from tests.rubrics.conftest import SMALL

    return {"file": (io.BytesIO(schema.dump(SMALL, "yaml").encode()), "small.yaml")}


def _enrolment(w):
    """member_a confirms the key the enrolment page gave them with the code their app shows."""
    import pyotp

    from plc.accounts import two_factor

    return {"enrolment": two_factor.enrolment_token(w.users["member_a"], factories.TOTP_SECRET),
            "code": pyotp.TOTP(factories.TOTP_SECRET).now()}


SOON = (date.today() + timedelta(days=20)).isoformat()

VALID_POSTS = {
    "POST accounts.login": lambda w: {"email": w.users["member_a"].email,
                                      "password": factories.PASSWORD},
    "POST accounts.change_password": lambda w: {
        "current_password": factories.PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"},
    "POST accounts.profile": lambda w: {"name": "Member A", "title": "Principal",
                                        "organization_id": str(w.school.id),
                                        "time_zone": "America/Chicago", "notify": "digest"},
    "POST accounts.request_reset": lambda w: {"email": w.users["member_a"].email},
    "POST accounts.accept_invitation": lambda w: {
        "name": "Pending Person", "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"},
    "POST accounts.two_factor": _enrolment,
    "POST admin.new_district": lambda w: {"name": "Brand New District"},
    "POST admin.new_school": lambda w: {"name": "Brand New School"},
    "POST admin.new_user": lambda w: {"email": "brand.new@example.org", "name": "Brand New",
                                      "title": "", "organization_id": str(w.school.id)},
    "POST programs.new_program": lambda w: {
        "name": "Brand New Programme", "starts_on": "2027-09-01", "ends_on": "2028-06-30",
        "time_zone": "America/New_York", "framework_id": str(w.framework.id),
        "description": ""},
    "POST programs.edit_program": lambda w: {
        "name": "Renamed Programme", "starts_on": "2026-09-01", "ends_on": "2027-06-30",
        "time_zone": "America/New_York", "framework_id": str(w.framework.id),
        "description": "New words"},
    "POST programs.edit_program other": lambda w: {
        "name": "Renamed Other", "starts_on": "2026-09-01", "ends_on": "2027-06-30",
        "time_zone": "America/New_York", "framework_id": str(w.framework.id),
        "description": ""},
    "POST programs.new_lead": lambda w: {"email": w.users["member_b"].email},
    "POST programs.new_lead other": lambda w: {"email": w.users["member_b"].email},
    "POST programs.close_program other": lambda w: {"confirm": "y"},
    "POST programs.new_cohort": lambda w: {"name": "Cohort Z", "description": ""},
    "POST programs.new_cohort other": lambda w: {"name": "Cohort Z", "description": ""},
    "POST programs.edit_cohort": lambda w: {"name": "Cohort A renamed", "description": "x"},
    "POST programs.invite": lambda w: {"email": "invitee@example.org", "name": "Invitee",
                                       "role": "member", "organization_id": str(w.school.id)},
    "POST programs.invite B": lambda w: {"email": "invitee@example.org", "name": "Invitee",
                                         "role": "member", "organization_id": str(w.school.id)},
    "POST programs.import_roster": _roster,
    "POST programs.import_roster B": _roster,
    "POST rubrics.upload": _framework_file,
    "POST assessments.checkpoints": lambda w: {
        "checkpoints-0-checkpoint_id": str(w.checkpoint.id),
        "checkpoints-0-name": "Baseline renamed", "checkpoints-0-opens_on": "2026-09-01",
        "checkpoints-0-closes_on": "2099-12-31"},
    "POST assessments.new_checkpoint": lambda w: {"name": "Spring", "opens_on": "2027-03-01",
                                                  "closes_on": "2027-04-01"},
    "POST assessments.new_checkpoint other": lambda w: {
        "name": "Spring", "opens_on": "2027-03-01", "closes_on": "2027-04-01"},
    "POST meetings.new_meeting": lambda w: {
        "title": "Extra meeting", "day": SOON, "start": "16:00", "duration_minutes": "90",
        "location": "Room 9", "online_url": ""},
    "POST meetings.new_meeting B": lambda w: {
        "title": "Extra meeting", "day": SOON, "start": "16:00", "duration_minutes": "90",
        "location": "Room 9", "online_url": ""},
    "POST meetings.new_series": lambda w: {
        "title": "Monthly", "week_of_month": "2", "weekday": "1", "start": "16:00",
        "duration_minutes": "90", "first_date": "2026-09-01", "last_date": "2027-06-30",
        "location": "Room 9", "online_url": ""},
    "POST meetings.follow_up_to_plan": lambda w: {"focus_area_id": str(w.focus_area_a.id)},
    "POST meetings.move_meeting": lambda w: {
        "version": str(w.meeting_a.version), "day": SOON, "start": "17:00",
        "duration_minutes": "60"},
}


# --- the posts every input test makes ---------------------------------------------------------

# Posts whose success is a page that shows what would happen (saving nothing yet).
PREVIEWS = {"programs.import_roster"}


def allowed_posts() -> list:
    """Every state-changing case of the permission matrix that some role may make."""
    return [case for case in CASES if case.method == "POST" and OK in case.expected.values()]


def allowed_role(case) -> str:
    return next(role for role, outcome in case.expected.items() if outcome == OK)


def valid_data(case, world) -> dict:
    """The case's own data, completed so that the post does its work."""
    return {**case.data(world), **VALID_POSTS.get(case.id, lambda w: {})(world)}


def success_codes(case) -> tuple[int, ...]:
    return (200,) if case.endpoint in PREVIEWS else (302, 303)


def missing_post_message(role: str, status: int) -> str:
    return f"{role}: {status}: add a successful submission to tests/security/valid_posts.py"
