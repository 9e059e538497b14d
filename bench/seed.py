"""Seed a benchmark database, deterministically.

    PLC_DATABASE_URL=sqlite:////abs/path/bench.db .venv/bin/python bench/seed.py --scale 1

One scale unit is one programme year: 50 cohorts x 40 members (+ a facilitator each) across
30 districts, 12 monthly meetings per cohort with attendance, three checkpoints of submitted
self-assessments, one action plan per member (3 focus areas, barriers, steps) with a weekly
progress update, ~100 comments per member and notifications about some of them. A fractional
scale gives fewer cohorts (--scale 0.1 = 5 cohorts), for quick runs and the CI smoke test.

Rows go straight into the tables with SQLAlchemy Core bulk inserts and explicit ids (not the
services): the point is volume, quickly. The database must be migrated (flask db upgrade)
and empty, unless --force, which DELETES every row first.

Sign-in (password BENCH_PASSWORD for all): lead-1@bench.example.org (programme 1),
facilitator-1@bench.example.org (cohort 1), member-1@bench.example.org (cohort 1),
admin@bench.example.org.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text

from plc.accounts.models import User
from plc.assessments.models import Checkpoint, PlannedChange, Rating, SelfAssessment
from plc.dashboards import attendance_rollups, rollups
from plc.dashboards.models import Nudge
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings.models import AgendaItem, Attendance, Meeting
from plc.notifications.models import COMMENT_ON_MY_PLAN, REPLY_TO_MY_COMMENT, Notification
from plc.orgs.models import DISTRICT, SCHOOL, Organization
from plc.plans.models import ActionPlan, ActionStep, Barrier, FocusArea, ProgressUpdate
from plc.programs.models import FACILITATOR, MEMBER, Cohort, Membership, Program, ProgramLead
from plc.rubrics.models import Competency, Level

BENCH_PASSWORD = "bench-password-123"  # noqa: S105  # nosec B105 (benchmark data only)
EMAIL_DOMAIN = "bench.example.org"
COHORTS_PER_UNIT = 50
MEMBERS_PER_COHORT = 40
DISTRICTS_PER_UNIT = 30
SCHOOLS_PER_DISTRICT = 3
MEETINGS_PER_YEAR = 12
WEEKS_PER_YEAR = 52
COMMENTS_PER_MEMBER = 100
NOTIFY_EVERY_NTH_COMMENT = 5
FOCUS_AREAS = 3
STEPS_PER_FOCUS_AREA = 4
NUDGES_PER_COHORT = 5
BATCH = 5000

WORDS = [
    "students", "teachers", "observe", "feedback", "data", "coaching", "instruction",
    "walkthrough", "schedule", "team", "goals", "literacy", "math", "equity", "families",
    "culture", "trust", "meeting", "protocol", "evidence", "growth", "plan", "learning",
    "leadership", "vision", "practice", "reflection", "support", "time", "budget", "staff",
    "classroom", "assessment", "community", "attendance", "progress", "change", "model",
    "lesson", "rubric", "peer", "norms",
]


def ids(email_kind: str, number: int) -> str:
    return f"{email_kind}-{number}@{EMAIL_DOMAIN}"


@dataclass
class Counter:
    """The next free id per table (ids are given explicitly so rows can point at each other
    without a round trip)."""

    next_ids: dict = field(default_factory=dict)

    def take(self, model, count: int = 1) -> int:
        table = model.__table__
        if table.name not in self.next_ids:
            top = db.session.execute(select(func.max(table.c.id))).scalar()
            self.next_ids[table.name] = (top or 0) + 1
        first = self.next_ids[table.name]
        self.next_ids[table.name] += count
        return first


class Writer:
    """Buffers rows per model and inserts them in batches (Core executemany)."""

    def __init__(self):
        self.buffers: dict = {}
        self.counts: dict = {}

    def add(self, model, row: dict) -> None:
        buffer = self.buffers.setdefault(model, [])
        buffer.append(row)
        if len(buffer) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Insert everything buffered, parents first (SQLite checks foreign keys at once)."""
        order = {table.name: i for i, table in enumerate(db.metadata.sorted_tables)}
        for m in sorted(self.buffers, key=lambda m: order[m.__tablename__]):
            rows = self.buffers[m]
            if rows:
                if db.engine.dialect.name == "postgresql":
                    copy_rows(m.__tablename__, rows)
                else:
                    db.session.execute(insert(m), rows)
                self.counts[m.__tablename__] = self.counts.get(m.__tablename__, 0) + len(rows)
                self.buffers[m] = []


def copy_rows(table: str, rows: list[dict]) -> None:
    """PostgreSQL: COPY is several times faster than INSERT for this volume. Datetimes are
    aware UTC; a ``timestamp without time zone`` column drops the +00 offset, as wanted."""
    columns = list(rows[0])
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def sentence(rng: random.Random, low: int = 6, high: int = 18) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def at(day: date, hour: int = 16, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def is_empty() -> bool:
    return db.session.execute(select(User.id).limit(1)).first() is None


def delete_everything() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))  # noqa: S608  # nosec B608
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


def seed(scale: float, seed_value: int = 1, today: date | None = None, echo=print) -> dict:
    """Seed ``scale`` programme years into the current app's database; return row counts."""
    from plc.accounts import passwords
    from plc.assessments import services as assessment_services
    from plc.rubrics import services as rubric_services

    started = time.monotonic()
    rng = random.Random(seed_value)  # noqa: S311  # nosec B311 (made-up data, not secrets)
    today = today or date.today()
    cohort_count = max(1, round(COHORTS_PER_UNIT * scale))
    district_count = max(1, round(DISTRICTS_PER_UNIT * scale))
    framework = rubric_services.default_framework()
    competencies = db.session.execute(
        select(Competency.id).where(Competency.framework_id == framework.id)
        .order_by(Competency.position)).scalars().all()
    levels = db.session.execute(
        select(Level.id).where(Level.framework_id == framework.id)
        .order_by(Level.value)).scalars().all()
    password_hash = passwords.hash_password(BENCH_PASSWORD)  # one hash reused: bench data
    counter = Counter()
    out = Writer()
    created = at(today - timedelta(days=400))

    def user(email: str, name: str, org_id: int | None, admin: bool = False) -> int:
        uid = counter.take(User)
        out.add(User, dict(id=uid, email=email, name=name, title="Principal",
                           password_hash=password_hash, organization_id=org_id,
                           time_zone="America/New_York", notify="each", is_site_admin=admin,
                           active=True, created_at=created))
        return uid

    # Organisations: districts, three schools each.
    schools: list[int] = []
    for d in range(district_count):
        district_id = counter.take(Organization)
        out.add(Organization, dict(id=district_id, name=f"Bench District {d + 1}",
                                   kind=DISTRICT, parent_id=None, created_at=created))
        for s in range(SCHOOLS_PER_DISTRICT):
            school_id = counter.take(Organization)
            out.add(Organization, dict(id=school_id, name=f"School {d + 1}.{s + 1}",
                                       kind=SCHOOL, parent_id=district_id, created_at=created))
            schools.append(school_id)
    if db.session.execute(select(User.id).where(User.email == f"admin@{EMAIL_DOMAIN}")).first() \
            is None:
        user(f"admin@{EMAIL_DOMAIN}", "Bench Admin", None, admin=True)
    out.flush()

    # Programmes: the year that ends a month from today, so most of it has happened.
    program_count = math.ceil(cohort_count / COHORTS_PER_UNIT)
    starts_on, ends_on = today - timedelta(days=335), today + timedelta(days=30)
    member_number = 0
    for p in range(program_count):
        program = Program(name=f"Bench programme {p + 1} ({seed_value})", starts_on=starts_on,
                          ends_on=ends_on, time_zone="America/New_York",
                          framework_id=framework.id, description="Benchmark data.")
        db.session.add(program)
        db.session.flush()
        checkpoints = assessment_services.create_default_checkpoints(program)
        lead_id = user(ids("lead", p + 1), f"Lead {p + 1}", schools[0])
        # Each programme year its own districts, as one scale unit says: at scale 5, five
        # programmes of 30 districts each, not five that each span all 150 (whose dashboards
        # would list five times the districts of scale 1's).
        per_unit = DISTRICTS_PER_UNIT * SCHOOLS_PER_DISTRICT
        its_schools = schools[p * per_unit:(p + 1) * per_unit] or schools
        out.add(ProgramLead, dict(id=counter.take(ProgramLead), program_id=program.id,
                                  user_id=lead_id, created_at=created))
        in_this = min(COHORTS_PER_UNIT, cohort_count - p * COHORTS_PER_UNIT)
        for c in range(in_this):
            number = p * COHORTS_PER_UNIT + c + 1
            member_ids = []
            for _ in range(MEMBERS_PER_COHORT):
                member_number += 1
                member_ids.append(user(ids("member", member_number), f"Member {member_number}",
                                       rng.choice(its_schools)))
            facilitator_id = user(ids("facilitator", number), f"Facilitator {number}",
                                  rng.choice(its_schools))
            _cohort(rng, out, counter, program, checkpoints, number, facilitator_id, member_ids,
                    competencies, levels, today)
            echo(f"  cohort {number}/{cohort_count} ({time.monotonic() - started:.0f} s)")
    out.flush()
    reset_sequences()
    # The rows went in around the session's flush: the roll-ups are made from them at once.
    out.counts["activity_rollups"] = rollups.rebuild(db.session.connection())
    out.counts["attendance_rollups"] = attendance_rollups.rebuild(db.session.connection())
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics, as autovacuum gives a live database: without them PostgreSQL plans
        # the dashboards' grouped joins as if the tables were empty (minutes, not seconds).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    echo(f"Seeded {cohort_count} cohorts in {time.monotonic() - started:.1f} s")
    return out.counts


def _cohort(rng, out: Writer, counter: Counter, program: Program, checkpoints: list[Checkpoint],
            number: int, facilitator_id: int, member_ids: list[int], competencies, levels,
            today: date) -> None:
    cohort_id = counter.take(Cohort)
    created = at(program.starts_on - timedelta(days=14))
    out.add(Cohort, dict(id=cohort_id, program_id=program.id, name=f"Cohort {number}",
                         description="Benchmark cohort.", created_at=created))
    out.add(Membership, dict(id=counter.take(Membership), cohort_id=cohort_id,
                             user_id=facilitator_id, role=FACILITATOR, created_at=created))
    for uid in member_ids:
        out.add(Membership, dict(id=counter.take(Membership), cohort_id=cohort_id, user_id=uid,
                                 role=MEMBER, created_at=created))
    meetings = _meetings(rng, out, counter, program, cohort_id, facilitator_id, member_ids, today)
    baselines = _assessments(rng, out, counter, checkpoints, member_ids, program, competencies,
                             levels, today)
    for uid in member_ids:
        plan_id, update_ids = _plan(rng, out, counter, program, uid, baselines.get(uid),
                                    meetings, competencies, levels, today)
        _comments(rng, out, counter, plan_id, uid, update_ids, [facilitator_id, *member_ids],
                  program, today)
    for _ in range(NUDGES_PER_COHORT):
        out.add(Nudge, dict(id=counter.take(Nudge), cohort_id=cohort_id,
                            user_id=rng.choice(member_ids), sent_by_id=facilitator_id,
                            message=sentence(rng),
                            created_at=at(today - timedelta(days=rng.randint(1, 60)))))


def _meetings(rng, out, counter, program, cohort_id, facilitator_id, member_ids, today):
    """Monthly meetings from the programme's start; attendance for those that happened."""
    meetings = []
    for month in range(MEETINGS_PER_YEAR):
        day = program.starts_on + timedelta(days=7 + 30 * month)
        meeting_id = counter.take(Meeting)
        starts = at(day, 20)
        out.add(Meeting, dict(id=meeting_id, cohort_id=cohort_id, series_id=None,
                              title=f"Monthly meeting {month + 1}", starts_at=starts,
                              ends_at=starts + timedelta(minutes=90), location="Room 101",
                              online_url="", status="scheduled", version=1, created_at=starts,
                              updated_at=starts, notes="", note_taker_id=None, notes_version=0))
        for position in range(1, 4):
            out.add(AgendaItem, dict(id=counter.take(AgendaItem), meeting_id=meeting_id,
                                     position=position, title=sentence(rng, 2, 5), minutes=20,
                                     protocol="check_in", description="", materials=""))
        if day < today:
            for uid in member_ids:
                status = rng.choices(("present", "late", "excused", "absent"),
                                     (80, 5, 7, 8))[0]
                out.add(Attendance, dict(id=counter.take(Attendance), meeting_id=meeting_id,
                                         user_id=uid, status=status,
                                         recorded_by_id=facilitator_id,
                                         recorded_at=starts + timedelta(hours=2)))
        meetings.append((meeting_id, day))
    return meetings


def _assessments(rng, out, counter, checkpoints, member_ids, program, competencies, levels,
                 today):
    """A submitted worksheet per member per checkpoint that has opened; returns the baseline
    assessment id per member."""
    baselines = {}
    for checkpoint in checkpoints:
        if checkpoint.opens_on > today:
            continue
        submitted = at(min(checkpoint.opens_on + timedelta(days=7), today))
        for uid in member_ids:
            aid = counter.take(SelfAssessment)
            out.add(SelfAssessment, dict(
                id=aid, user_id=uid, checkpoint_id=checkpoint.id,
                framework_id=program.framework_id, status="submitted",
                shared_with_cohort=rng.random() < 0.5, version=1, created_at=submitted,
                updated_at=submitted, submitted_at=submitted))
            baselines.setdefault(uid, aid)
            for competency_id in competencies:
                out.add(Rating, dict(id=counter.take(Rating), assessment_id=aid,
                                     competency_id=competency_id, level_id=rng.choice(levels),
                                     strengths=sentence(rng, 3, 8), changes=""))
            for position in range(1, FOCUS_AREAS + 1):
                out.add(PlannedChange, dict(
                    id=counter.take(PlannedChange), assessment_id=aid, position=position,
                    change=sentence(rng), competency_id=rng.choice(competencies),
                    skill_factors="", will_factors="", structural_factors="",
                    action_steps=sentence(rng), support_formal_learning="",
                    support_practice="", support_reflection=""))
    return baselines


def _plan(rng, out, counter, program, uid, baseline_id, meetings, competencies, levels, today):
    plan_id = counter.take(ActionPlan)
    created = at(program.starts_on + timedelta(days=20))
    visibility = rng.choices(("cohort", "facilitators", "draft"), (80, 12, 8))[0]
    out.add(ActionPlan, dict(
        id=plan_id, user_id=uid, program_id=program.id, visibility=visibility,
        source_assessment_id=baseline_id, version=1, created_at=created,
        updated_at=at(today - timedelta(days=rng.randint(0, 20))),
        shared_at=None if visibility == "draft" else created))
    for position in range(1, FOCUS_AREAS + 1):
        fid = counter.take(FocusArea)
        current = rng.randrange(len(levels) - 1)
        out.add(FocusArea, dict(
            id=fid, plan_id=plan_id, position=position, competency_id=rng.choice(competencies),
            change=sentence(rng), current_level_id=levels[current],
            target_level_id=levels[current + 1], support_formal_learning=sentence(rng),
            support_practice=sentence(rng), support_reflection=sentence(rng),
            support_other="", evidence=sentence(rng)))
        for b, kind in enumerate(("skill", "structural"), start=1):
            out.add(Barrier, dict(id=counter.take(Barrier), focus_area_id=fid, position=b,
                                  kind=kind, text=sentence(rng)))
        for s in range(1, STEPS_PER_FOCUS_AREA + 1):
            out.add(ActionStep, dict(
                id=counter.take(ActionStep), focus_area_id=fid, position=s,
                text=sentence(rng), due_on=program.starts_on + timedelta(days=60 * s),
                status=rng.choice(("not_started", "in_progress", "done"))))
    update_ids = []
    for week in range(WEEKS_PER_YEAR):
        moment = at(program.starts_on + timedelta(days=21 + 7 * week), 17, rng.randrange(60))
        if moment > datetime.now(UTC):
            break
        update_id = counter.take(ProgressUpdate)
        meeting_id = next((m for m, day in meetings if 0 <= (moment.date() - day).days < 7),
                          None)
        out.add(ProgressUpdate, dict(
            id=update_id, plan_id=plan_id, author_id=uid, meeting_id=meeting_id,
            did=sentence(rng), learned=sentence(rng), next=sentence(rng), changes="[]",
            created_at=moment, updated_at=moment, version=1))
        update_ids.append((update_id, moment))
    return plan_id, update_ids


def _comments(rng, out, counter, plan_id, owner_id, update_ids, people, program, today):
    """~100 comments on the plan (and its updates) by cohort-mates; a quarter are replies.
    The owner is notified of every fifth one."""
    others = [p for p in people if p != owner_id]
    latest = datetime.now(UTC) - timedelta(minutes=1)  # replies never come from the future
    top_level: list[tuple[int, int | None, int | None, datetime]] = []
    year_days = max(1, (today - program.starts_on).days - 21)
    for n in range(COMMENTS_PER_MEMBER):
        cid = counter.take(Comment)
        author = rng.choice(others)
        parent = rng.choice(top_level) if top_level and rng.random() < 0.25 else None
        if parent is not None:
            parent_id, update_id, parent_author, moment = parent
            moment = moment + timedelta(hours=rng.randint(1, 48))
        else:
            parent_id, parent_author = None, None
            if update_ids and rng.random() < 0.4:
                update_id, moment = rng.choice(update_ids)
                moment = moment + timedelta(hours=rng.randint(1, 72))
            else:
                update_id = None
                moment = at(program.starts_on + timedelta(days=21 + rng.randrange(year_days)),
                            rng.randint(12, 23), rng.randrange(60))
        moment = min(moment, latest)
        out.add(Comment, dict(
            id=cid, plan_id=plan_id, update_id=update_id, parent_id=parent_id, author_id=author,
            kind=rng.choice((None, "warm", "cool", "question")), body=sentence(rng, 8, 40),
            created_at=moment, edited_at=None, deleted_at=None, deleted_by_id=None, version=1))
        if parent is None:
            top_level.append((cid, update_id, author, moment))
        if n % NOTIFY_EVERY_NTH_COMMENT == 0:
            recipient = parent_author if parent_author not in (None, author) else owner_id
            out.add(Notification, dict(
                id=counter.take(Notification), user_id=recipient,
                kind=REPLY_TO_MY_COMMENT if recipient != owner_id else COMMENT_ON_MY_PLAN,
                actor_id=author, plan_id=plan_id, update_id=update_id, comment_id=cid,
                meeting_id=None, text="", created_at=moment,
                read_at=None if (today - moment.date()).days < 14 else moment,
                emailed_at=moment))


def reset_sequences() -> None:
    """PostgreSQL: rows were given explicit ids, so move each id sequence past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        # Table names come from our own metadata, not from input.
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608  # nosec B608
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="programme years of 50 cohorts (0.1 = 5 cohorts)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    parser.add_argument("--force", action="store_true",
                        help="DELETE every row of a non-empty database first")
    args = parser.parse_args(argv)
    from plc import create_app

    app = create_app()
    with app.app_context(), app.test_request_context(method="POST"):
        if not is_empty():
            if not args.force:
                print(f"{app.config['SQLALCHEMY_DATABASE_URI']} is not empty; "
                      "use --force to delete its data and seed again.", file=sys.stderr)
                return 2
            delete_everything()
        counts = seed(args.scale, args.seed)
        print(json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
