"""Plain JSON shapes of the dashboards' figures (see openapi.py for their schemas)."""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from plc.dashboards import figures
from plc.dashboards.queries import MemberFacts, MonthFacts
from plc.dashboards.reports import CohortParticipation, ProgramReport
from plc.plans.models import DRAFT, FACILITATORS_ONLY, SHARED_WITH_COHORT

PLAN_STATUS = {None: "none", DRAFT: "draft", SHARED_WITH_COHORT: "shared_with_cohort",
               FACILITATORS_ONLY: "facilitators_only"}


def moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def program_ref(program) -> dict:
    return {"id": program.id, "name": program.name, "starts_on": program.starts_on.isoformat(),
            "ends_on": program.ends_on.isoformat(), "time_zone": program.time_zone,
            "participation_url": url_for("api.v1.program_participation",
                                         program_id=program.id, _external=True)}


def cohort_ref(cohort) -> dict:
    return {"id": cohort.id, "name": cohort.name, "program_id": cohort.program_id,
            "participation_url": url_for("api.v1.cohort_participation", cohort_id=cohort.id,
                                         _external=True)}


def me(user, token, programs, cohorts) -> dict:
    return {
        "user": {"id": user.id, "name": user.name, "email": user.email},
        "token": {"id": token.id, "name": token.name, "created_at": moment(token.created_at)},
        "programs": [program_ref(p) for p in programs],
        "cohorts": [cohort_ref(c) for c in cohorts],
    }


def totals(t: figures.Totals, months: int) -> dict:
    return {
        "id": t.key, "name": t.label, "members": t.members, "active_this_month": t.active,
        "plans_shared": t.plans_shared, "progress_updates": t.updates,
        "updates_per_month": rounded(t.updates_per_month(months)),
        "meetings_held": t.meetings_held, "meetings_attended": t.meetings_attended,
        "attendance_percent": t.attendance_percent, "comments": t.comments,
        "comments_per_member": rounded(t.comments_per_member),
    }


def month(m: MonthFacts, members: int) -> dict:
    return {
        "month": f"{m.year:04d}-{m.month:02d}", "active_members": m.active,
        "progress_updates": m.updates, "comments": m.comments,
        "comments_per_member": rounded(m.comments / members) if members else None,
        "self_assessments_submitted": m.worksheets, "meetings_held": m.meetings_held,
        "meetings_attended": m.meetings_attended,
        "attendance_percent": figures.percent(m.meetings_attended, m.meetings_held),
    }


def program_participation(report: ProgramReport) -> dict:
    return {
        "program": program_ref(report.program),
        "active_since": moment(report.month_start),
        "months_so_far": report.months,
        "by_cohort": [totals(t, report.months) for t in report.cohorts],
        "by_district": [totals(t, report.months) for t in report.districts],
        "total": totals(report.total, report.months),
        "by_month": [month(m, report.total.members) for m in report.trend],
    }


def member(f: MemberFacts, active: bool) -> dict:
    return {
        "user_id": f.user_id, "name": f.name, "organization": f.organization,
        "district": f.district, "plan_status": PLAN_STATUS.get(f.visibility, "none"),
        "plan_shared_at": moment(f.shared_at),
        "progress_updates": f.updates, "last_update_at": moment(f.last_update_at),
        "active_this_month": active, "self_assessments_submitted": f.worksheets_submitted,
        "meetings_held": f.meetings_held, "meetings_attended": f.meetings_attended,
        "attendance_percent": figures.percent(f.meetings_attended, f.meetings_held),
        "comments_given": f.comments_given, "comments_received": f.comments_received,
    }


def cohort_participation(report: CohortParticipation) -> dict:
    return {
        "cohort": cohort_ref(report.cohort),
        "program": program_ref(report.program),
        "active_since": moment(report.month_start),
        "members": [member(f, report.active_this_month(f)) for f in report.facts],
    }
