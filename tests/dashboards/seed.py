"""A cohort with known events, so that every figure of the dashboards can be checked by hand.

Cohort "Known" (facilitator Fay) of programme "Known Programme" (lead Lee), checkpoints
Baseline and Mid-year open (End of year not yet), three held meetings (60, 30 and 10 days ago),
one cancelled (20 days ago) and one to come. Five members:

- Ann (North High): plan shared with the cohort, C1 rated 2 then 3, C2 3 then 2; updated
  just now; present, late, absent; gave 1 comment (and 1 deleted), received 2.
- Ben (North High): draft plan (C1 rated 1 at Baseline); no update; present, absent, no
  record; no comments.
- Cat (North District itself): facilitators-only plan, C1 rated 2 at Baseline; updated 45
  days ago; present, excused, excused; gave 1, received 1.
- Dan (South Elementary): no plan, joined 2 days ago (after every meeting).
- Eve (South Elementary): plan shared with the cohort, draft worksheet; updated just now;
  absent, excused, excused; no comments.

Ben was nudged 5 days ago. Marker strings sit in every piece of private text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from plc.accounts.models import User
from plc.assessments.models import DRAFT as WORKSHEET_DRAFT
from plc.assessments.models import SUBMITTED, Checkpoint, Rating, SelfAssessment
from plc.assessments.queries import today_in
from plc.dashboards.models import Nudge
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings.models import ABSENT, CANCELLED, EXCUSED, LATE, PRESENT, Attendance, Meeting
from plc.plans.models import (
    DRAFT,
    FACILITATORS_ONLY,
    SHARED_WITH_COHORT,
    ActionPlan,
    Barrier,
    FocusArea,
    ProgressUpdate,
)
from plc.programs.models import FACILITATOR, Cohort, Program
from plc.rubrics.models import Competency, Level
from tests import factories

PLAN_MARKER = "PLANTEXTMARKER"
COMMENT_MARKER = "COMMENTTEXTMARKER"
UPDATE_MARKER = "UPDATETEXTMARKER"
RATING_MARKER = "RATINGTEXTMARKER"
MARKERS = (PLAN_MARKER, COMMENT_MARKER, UPDATE_MARKER, RATING_MARKER)


@dataclass
class Known:
    program: Program
    cohort: Cohort
    lead: User
    facilitator: User
    people: dict[str, User]
    now: datetime
    today: date  # in the programme's time zone


def _checkpoint(program, name, position, opens_on):
    return factories.make_checkpoint(program, name, position, opens_on=opens_on)


def build(today: date | None = None) -> Known:
    now = utcnow()
    lead = factories.make_user("lee@example.org", "Lee Lead")
    facilitator = factories.make_user("fay@example.org", "Fay Facilitator")
    framework = factories.make_framework("known-framework")
    program = factories.make_program("Known Programme", lead=lead)
    program.framework_id = framework.id
    # The programme's calendar, not the machine's: past midnight UTC it is still yesterday
    # in New York, and the dashboards count by the programme's days and months.
    today = today or today_in(program.time_zone)
    program.starts_on, program.ends_on = today - timedelta(days=120), today + timedelta(days=200)
    baseline = _checkpoint(program, "Baseline", 1, today - timedelta(days=100))
    midyear = _checkpoint(program, "Mid-year", 2, today - timedelta(days=25))
    _checkpoint(program, "End of year", 3, today + timedelta(days=150))
    cohort = factories.make_cohort(program, "Known")
    factories.add_member(cohort, facilitator, FACILITATOR)
    north = factories.make_org("North District")
    north_high = factories.make_org("North High", parent=north)
    south = factories.make_org("South District")
    south_elementary = factories.make_org("South Elementary", parent=south)
    orgs = {"Ann": north_high, "Ben": north_high, "Cat": north, "Dan": south_elementary,
            "Eve": south_elementary}
    people = {}
    for name, org in orgs.items():
        person = factories.make_user(f"{name.lower()}@example.org", f"{name} Member",
                                     organization=org)
        membership = factories.add_member(cohort, person)
        membership.created_at = now - timedelta(days=2 if name == "Dan" else 100)
        people[name] = person
    competencies = db.session.execute(
        select(Competency).where(Competency.framework_id == framework.id)
        .order_by(Competency.number)
    ).scalars().all()
    levels = {lv.value: lv for lv in db.session.execute(
        select(Level).where(Level.framework_id == framework.id)).scalars()}

    def plan(name, visibility, focus):
        p = ActionPlan(
            user_id=people[name].id, program_id=program.id, visibility=visibility,
            shared_at=None if visibility == DRAFT else now - timedelta(days=50),
            focus_areas=[
                FocusArea(position=n, competency_id=competencies[c - 1].id,
                          change=f"{PLAN_MARKER} change {n}",
                          barriers=[Barrier(position=1, kind=kind, text=f"{PLAN_MARKER} b")])
                for n, (c, kind) in enumerate(focus, start=1)
            ],
        )
        db.session.add(p)
        db.session.flush()
        return p

    plans = {
        "Ann": plan("Ann", SHARED_WITH_COHORT, [(1, "skill"), (2, "structural")]),
        "Ben": plan("Ben", DRAFT, [(1, "will")]),
        "Cat": plan("Cat", FACILITATORS_ONLY, [(1, "skill")]),
        "Eve": plan("Eve", SHARED_WITH_COHORT, []),
    }

    def worksheet(name, checkpoint, ratings, status=SUBMITTED, days_ago=80):
        db.session.add(SelfAssessment(
            user_id=people[name].id, checkpoint_id=checkpoint.id, framework_id=framework.id,
            status=status, submitted_at=now - timedelta(days=days_ago) if status == SUBMITTED
            else None, changes=[],
            ratings=[Rating(competency_id=competencies[c - 1].id, level_id=levels[v].id,
                            strengths=f"{RATING_MARKER} strengths") for c, v in ratings],
        ))

    worksheet("Ann", baseline, [(1, 2), (2, 3), (3, 4)])
    worksheet("Ann", midyear, [(1, 3), (2, 2), (3, 4)], days_ago=20)
    worksheet("Ben", baseline, [(1, 1)])
    worksheet("Cat", baseline, [(1, 2)])
    worksheet("Eve", baseline, [(1, 4)], status=WORKSHEET_DRAFT)

    def update(name, days_ago):
        db.session.add(ProgressUpdate(plan_id=plans[name].id, author_id=people[name].id,
                                      did=f"{UPDATE_MARKER} did",
                                      created_at=now - timedelta(days=days_ago, minutes=1)))

    update("Ann", 0)
    update("Cat", 45)
    update("Eve", 0)

    def comment(author, on, deleted=False):
        db.session.add(Comment(plan_id=plans[on].id, author_id=author.id,
                               body=f"{COMMENT_MARKER} body",
                               created_at=now - timedelta(minutes=1),
                               deleted_at=now if deleted else None))

    comment(people["Ann"], "Cat")
    comment(people["Ann"], "Eve", deleted=True)
    comment(people["Cat"], "Ann")
    comment(facilitator, "Ann")

    def meeting(days_ago, status="scheduled"):
        starts = datetime.combine((now - timedelta(days=days_ago)).date(), time(16),
                                  now.tzinfo)
        m = Meeting(cohort_id=cohort.id, title=f"Meeting {days_ago}", starts_at=starts,
                    ends_at=starts + timedelta(hours=1), status=status)
        db.session.add(m)
        db.session.flush()
        return m

    held = [meeting(60), meeting(30), meeting(10)]
    meeting(20, CANCELLED)
    meeting(-10)
    marks = {
        "Ann": (PRESENT, LATE, ABSENT),
        "Ben": (PRESENT, ABSENT, None),
        "Cat": (PRESENT, EXCUSED, EXCUSED),
        "Eve": (ABSENT, EXCUSED, EXCUSED),
    }
    for name, statuses in marks.items():
        for m, status in zip(held, statuses, strict=True):
            if status is not None:
                db.session.add(Attendance(meeting_id=m.id, user_id=people[name].id,
                                          status=status))
    db.session.add(Nudge(cohort_id=cohort.id, user_id=people["Ben"].id,
                         sent_by_id=facilitator.id, message="Earlier nudge",
                         created_at=now - timedelta(days=5)))
    db.session.commit()
    return Known(program, cohort, lead, facilitator, people, now, today)


def add_members(known: Known, count: int, start: int = 0) -> None:
    """More members with a plan, updates, comments, worksheets and attendance: for checking
    that statement counts do not grow."""
    program, cohort = known.program, known.cohort
    checkpoints = db.session.execute(
        select(Checkpoint).where(Checkpoint.program_id == program.id)).scalars().all()
    competency = db.session.execute(
        select(Competency).where(Competency.framework_id == program.framework_id)
    ).scalars().first()
    level = db.session.execute(
        select(Level).where(Level.framework_id == program.framework_id)).scalars().first()
    meetings = db.session.execute(
        select(Meeting).where(Meeting.cohort_id == cohort.id)).scalars().all()
    district = factories.make_org(f"Extra District {start}")
    for n in range(start, start + count):
        person = factories.make_user(f"extra{n}@example.org", f"Extra {n}",
                                     organization=factories.make_org(f"Extra School {n}",
                                                                     parent=district))
        factories.add_member(cohort, person).created_at = known.now - timedelta(days=300)
        p = ActionPlan(user_id=person.id, program_id=program.id, visibility=SHARED_WITH_COHORT,
                       focus_areas=[FocusArea(position=1, competency_id=competency.id,
                                              barriers=[Barrier(position=1, kind="skill",
                                                                text="x")])])
        db.session.add(p)
        db.session.flush()
        for month in range(12):
            db.session.add(ProgressUpdate(plan_id=p.id, author_id=person.id,
                                          created_at=known.now - timedelta(days=30 * month)))
            db.session.add(Comment(plan_id=p.id, author_id=known.people["Ann"].id, body="x",
                                   created_at=known.now - timedelta(days=30 * month)))
        for cp in checkpoints:
            db.session.add(SelfAssessment(
                user_id=person.id, checkpoint_id=cp.id, framework_id=program.framework_id,
                status=SUBMITTED, submitted_at=known.now, changes=[],
                ratings=[Rating(competency_id=competency.id, level_id=level.id)]))
        for m in meetings:
            db.session.add(Attendance(meeting_id=m.id, user_id=person.id, status=PRESENT))
        db.session.add(Nudge(cohort_id=cohort.id, user_id=person.id, message="x"))
        extra = factories.make_cohort(program, f"Extra cohort {n}")
        factories.add_member(extra, factories.make_user(organization=district))
    db.session.commit()
