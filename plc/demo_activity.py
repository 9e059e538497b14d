"""Demo activity on top of the demo people (plc/demo.py): a term of the programme year as it
would look by now. Baseline worksheets, action plans started from them and shared, a monthly
meeting series per cohort with attendance, an agenda for the next meeting, notes and
follow-ups, progress updates and peer feedback. Everything goes through the services, as a
person's clicks would; dates are then set back to when it would have happened.

Deterministic: the same people get the same ratings, plans and comments on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from plc import permissions
from plc.accounts.models import User
from plc.assessments import queries as assessment_queries
from plc.assessments import services as assessment_services
from plc.assessments.models import Checkpoint
from plc.db import utcnow
from plc.extensions import db
from plc.feedback import services as feedback_services
from plc.feedback.models import COOL, QUESTION, WARM
from plc.mail.models import OutboxMessage
from plc.meetings import services as meeting_services
from plc.meetings.models import ABSENT, EXCUSED, LATE, PRESENT, Meeting
from plc.plans import services as plan_services
from plc.plans.models import DONE, FACILITATORS_ONLY, IN_PROGRESS, SHARED_WITH_COHORT
from plc.programs.models import Cohort, Program

# What the members wrote in their worksheets' closing part, by competency number.
CHANGES = {
    1: ("Protect time every week for my own learning",
        "I do not know where to start with reading research", "",
        "Meetings fill every free slot in my calendar",
        "Block Friday mornings for reading\nJoin the district book study"),
    2: ("Ask for feedback from my staff after every PD day",
        "I am not sure how to ask without leading the answer",
        "I worry about what I might hear", "",
        "Draft a three-question exit survey\nShare the results at the next staff meeting"),
    3: ("Build a leadership team that owns the school plan", "",
        "It is faster to decide things myself", "Team meetings keep being cancelled",
        "Set a fixed monthly team meeting\nLet the team lead one agenda item each time"),
    4: ("Coach teachers through classroom observations with clear feedback",
        "My feedback is too general", "", "Observation forms are compliance checklists",
        "Observe two classrooms a week\nUse one glow and one grow in every conversation"),
    5: ("Involve families in setting the school's goals", "",
        "Family nights have had low turnout", "Evening meetings clash with work shifts",
        "Hold a Saturday coffee morning\nSurvey families in three languages"),
    6: ("Lead the new literacy initiative through the first hard months",
        "Managing resistance", "", "Funding arrives late in the year",
        "Map who is for and against\nMeet the grade-level leads one by one"),
    7: ("Communicate the reasons behind each change before the change",
        "Writing short, clear messages", "", "",
        "Write a one-page why for the schedule change\nTest it with two teachers first"),
}
UPDATES = [
    ("Observed three classrooms and gave one glow and one grow each time.",
     "Teachers took the grow better when I started with a question.",
     "Try the same with the science department."),
    ("Held the first leadership team meeting with a rotating chair.",
     "The team spoke up more when I did not open the meeting.",
     "Ask the team to set the next agenda."),
    ("Sent the three-question survey after the PD day; 31 of 40 answered.",
     "People asked for more time to plan together, not more sessions.",
     "Share the results and one change we will make."),
]
COMMENTS = [
    (WARM, "This is a clear, doable plan. I like that the steps have dates."),
    (QUESTION, "How will you know the feedback is landing? Could teachers rate it?"),
    (COOL, "Two steps a week may be a lot in December: which one matters most?"),
    (WARM, "The survey idea is great. Would you share the three questions?"),
]
ATTENDANCE_PATTERN = (PRESENT, PRESENT, PRESENT, LATE, PRESENT, EXCUSED, PRESENT, ABSENT)


@dataclass(frozen=True)
class Cast:
    program: Program
    cohorts: list[Cohort]
    facilitators: list[User]  # per cohort, same order
    members: list[list[User]]  # per cohort, same order


def load(cast: Cast, today: date) -> None:
    first_mail = db.session.execute(select(func.max(OutboxMessage.id))).scalar() or 0
    permissions.forget_roles()
    sheet = assessment_queries.sheet(cast.program.framework_id)
    baseline = _baseline(cast.program)
    for cohort_index, (cohort, facilitator, members) in enumerate(
            zip(cast.cohorts, cast.facilitators, cast.members, strict=True)):
        meetings = _meetings(cohort, facilitator, today)
        held = [m for m in meetings if m.starts_at.date() < today]
        plans = _plans(members, cohort_index, cast.program, baseline, sheet)
        for meeting_index, meeting in enumerate(held):
            _attendance(facilitator, meeting, members, meeting_index)
        if held:
            _notes_and_follow_up(facilitator, held[-1], members)
        _updates_and_feedback(plans, members, held, sheet)
        upcoming = [m for m in meetings if m.starts_at.date() >= today]
        if upcoming:
            _agenda(facilitator, upcoming[0], members, plans)
        if cohort_index == 0 and plans:
            _voice(plans[0], cast.program, today)
    # Demo data sends no mail: drop what the services queued while it was made.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > first_mail))
    db.session.flush()


def _voice(plan, program: Program, today: date) -> None:
    """The first shared plan's leader heard from staff, families and students (plc/voice)."""
    from plc.plans import queries as plan_queries
    from plc.voice import demo as voice_demo

    competency_ids = [fa.competency_id for fa in plan_queries.focus_areas(plan.id)
                      if fa.competency_id]
    voice_demo.load(plan, competency_ids, program.framework_id, today)


def _baseline(program: Program) -> Checkpoint:
    return db.session.execute(
        select(Checkpoint).where(Checkpoint.program_id == program.id)
        .order_by(Checkpoint.position)
    ).scalars().first()


def _meetings(cohort: Cohort, facilitator: User, today: date) -> list[Meeting]:
    program = cohort.program
    series = meeting_services.schedule_series(
        facilitator, cohort, title="Monthly PLC meeting", weekday=1, week_of_month=2,
        start=time(16), duration_minutes=90, first_date=program.starts_on,
        last_date=program.ends_on,
        place=meeting_services.Place("District office, room 204",
                                     "https://meet.example.org/plc"),
    )
    return list(db.session.execute(
        select(Meeting).where(Meeting.series_id == series.id).order_by(Meeting.starts_at)
    ).scalars())


def _plans(members: list[User], cohort_index: int, program: Program, baseline: Checkpoint,
           sheet) -> list:
    """Five of six members submit their baseline; four of them start a plan from it; three
    share it (one with the facilitators only) and one keeps a draft."""
    plans = []
    for i, member in enumerate(members[:5]):
        assessment = _submit_baseline(member, baseline, sheet, seed=cohort_index * 6 + i)
        if i == 4:
            continue
        plan = plan_services.start_plan(member, program, sheet, assessment)
        _set_targets_and_dates(member, plan, sheet, program.starts_on)
        audience = (SHARED_WITH_COHORT, SHARED_WITH_COHORT, FACILITATORS_ONLY, None)[i]
        if audience:
            plan_services.set_visibility(member, plan, audience, sheet)
            plans.append(plan)
    return plans


def _set_targets_and_dates(member: User, plan, sheet, starts_on: date) -> None:
    """What a member adds after starting from the worksheet: a target one level up, due
    dates for the steps, and how they will know."""
    levels = [level.id for level in sheet.levels]

    def target(current_id):
        if current_id not in levels or current_id == levels[-1]:
            return None
        return levels[levels.index(current_id) + 1]

    focus = [
        plan_services.FocusValues(
            competency_id=fa.competency_id, change=fa.change,
            current_level_id=fa.current_level_id, target_level_id=target(fa.current_level_id),
            barriers=[plan_services.BarrierValues(b.id, b.kind, b.text) for b in fa.barriers],
            steps=[plan_services.StepValues(s.id, s.text,
                                            starts_on + timedelta(days=75 + 30 * n), s.status)
                   for n, s in enumerate(fa.steps)],
            support_formal_learning=fa.support_formal_learning,
            support_practice=fa.support_practice, support_reflection=fa.support_reflection,
            evidence="Staff say so in the spring survey",
        )
        for fa in plan.focus_areas
    ]
    plan_services.save_plan(member, plan, sheet,
                            plan_services.PlanValues(focus, loaded_version=plan.version), {})


def _submit_baseline(member: User, checkpoint: Checkpoint, sheet, seed: int):
    competencies = sheet.competencies
    levels = sheet.levels
    ratings = {
        c.id: assessment_services.RatingValues(
            levels[(seed + n * 3) % 3].id,  # levels 1-3: room to grow
            strengths="Relationships with staff" if n == 0 else "",
            changes="More structure" if n == 1 else "",
        )
        for n, c in enumerate(competencies)
    }
    chosen = [competencies[(seed + k * 2) % len(competencies)] for k in range(3)]
    changes = [
        assessment_services.ChangeValues(
            change=CHANGES[c.number][0], competency_id=c.id,
            skill_factors=CHANGES[c.number][1], will_factors=CHANGES[c.number][2],
            structural_factors=CHANGES[c.number][3], action_steps=CHANGES[c.number][4],
            support_formal_learning="District leadership course",
            support_practice="Try it at the next staff meeting",
            support_reflection="Journal after each attempt",
        )
        for c in chosen[: 2 + seed % 2]
    ]
    values = assessment_services.WorksheetValues(ratings, changes, loaded_version=0)
    assessment = assessment_services.save_worksheet(
        member, checkpoint, None, sheet, values, today=checkpoint.opens_on, submit=True)
    assessment.shared_with_cohort = seed % 3 == 0
    submitted = datetime.combine(checkpoint.opens_on + timedelta(days=10 + seed % 7),
                                 time(19), utcnow().tzinfo)
    assessment.submitted_at = assessment.updated_at = assessment.created_at = submitted
    return assessment


def _attendance(facilitator: User, meeting: Meeting, members: list[User], index: int) -> None:
    statuses = {
        member.id: ATTENDANCE_PATTERN[(index * 3 + n) % len(ATTENDANCE_PATTERN)]
        for n, member in enumerate(members)
    }
    meeting_services.record_attendance(facilitator, meeting, statuses)


def _notes_and_follow_up(facilitator: User, meeting: Meeting, members: list[User]) -> None:
    meeting_services.save_notes(
        facilitator, meeting,
        "## Check-in\nEveryone named one win since last month.\n\n"
        "## Consultancy\nWe looked at how to keep observation feedback specific.\n"
        "- Start with a question\n- One glow, one grow\n",
        loaded_version=meeting.notes_version,
    )
    meeting_services.add_follow_up(
        facilitator, meeting, assignee_id=members[0].id,
        text="Share your observation feedback template with the cohort",
        due_on=(meeting.starts_at + timedelta(days=21)).date(),
    )


def _updates_and_feedback(plans: list, members: list[User], held: list[Meeting],
                          sheet) -> None:
    if not held:
        return
    last = held[-1]
    for n, plan in enumerate(plans):
        author = db.session.get(User, plan.user_id)
        steps = [step for fa in plan.focus_areas for step in fa.steps]
        statuses = {steps[0].id: DONE} if steps and n % 2 == 0 else (
            {steps[0].id: IN_PROGRESS} if steps else {})
        did, learned, next_ = UPDATES[n % len(UPDATES)]
        update = plan_services.post_update(
            author, plan, sheet,
            plan_services.UpdateValues(did=did, learned=learned, next=next_,
                                       meeting_id=last.id, step_statuses=statuses,
                                       loaded_version=plan.version),
            {last.id},
        )
        # Some prepared the last meeting; others have written since it.
        posted = last.starts_at + (timedelta(days=5) if n % 2 else -timedelta(days=2))
        update.created_at = update.updated_at = min(posted, utcnow())
        if plan.visibility != SHARED_WITH_COHORT:
            continue
        cohort_ids = frozenset({last.cohort_id})
        readers = [m for m in members if m.id != plan.user_id]
        for k, (kind, body) in enumerate(COMMENTS[: 2 + n % 2]):
            reader = readers[(n + k) % len(readers)]
            comment = feedback_services.add_comment(reader, plan, cohort_ids, body=body,
                                                    kind=kind, update=update if k else None)
            comment.created_at = min(update.created_at + timedelta(days=1, hours=k), utcnow())
            if k == 1:
                handle = reader.email.split("@")[0]
                reply = feedback_services.add_comment(
                    author, plan, cohort_ids, parent=comment, kind=None,
                    body=f"Good question, @{handle}: I will ask two teachers to rate it.")
                reply.created_at = min(comment.created_at + timedelta(hours=3), utcnow())


def _agenda(facilitator: User, meeting: Meeting, members: list[User], plans: list) -> None:
    presenter = next((p.user_id for p in plans if p.visibility == SHARED_WITH_COHORT),
                     members[0].id)
    items = [
        meeting_services.AgendaValues("Check-in: one win, one worry", 10, "check_in"),
        meeting_services.AgendaValues(
            "Consultancy on a member's plan", 40, "consultancy",
            "The presenter frames a dilemma from their action plan; the group asks "
            "clarifying and probing questions, then discusses while the presenter listens.",
            presenter_ids=(presenter,)),
        meeting_services.AgendaValues(
            "Text-based discussion", 30, "text_based",
            "Read before the meeting: the rubric's descriptors for competency 4.",
            materials="https://www.example.org/readings/feedback-that-lands"),
        meeting_services.AgendaValues("Next steps and follow-ups", 10, "other"),
    ]
    for values in items:
        meeting_services.add_agenda_item(facilitator, meeting, values)
