"""The flask plc commands a newcomer and an operator use."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from plc import demo
from plc.accounts.models import User
from plc.extensions import db
from plc.orgs.models import DISTRICT, Organization
from plc.programs.models import FACILITATOR, Cohort, Membership, Program, ProgramLead
from tests.conftest import login


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _rollups() -> list:
    from plc.dashboards.models import ActivityRollup

    return [tuple(getattr(r, c.key) for c in ActivityRollup.__table__.columns)
            for r in db.session.execute(select(ActivityRollup).order_by(
                ActivityRollup.program_id, ActivityRollup.user_id, ActivityRollup.month))
            .scalars()]


def test_demo_loads_the_programme_once_and_prints_logins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plc", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin@example.org" in result.output and demo.DEMO_PASSWORD in result.output
    program = db.session.execute(select(Program)).scalar_one()
    assert program.name.startswith("Leadership Competencies PLC")
    assert count(Cohort) == 3
    assert count(Organization, Organization.kind == DISTRICT) == 5
    assert count(ProgramLead) == 1
    assert count(Membership, Membership.role == FACILITATOR) == 3
    assert count(User, User.is_site_admin.is_(True)) == 1
    # The demo's activity went through the services: its roll-ups are what a rebuild makes.
    kept = _rollups()
    assert kept
    assert "rows" in runner.invoke(args=["plc", "rebuild-rollups"]).output
    assert _rollups() == kept
    users = count(User)
    again = runner.invoke(args=["plc", "demo", "--if-empty"])
    assert "already has data" in again.output
    assert count(User) == users


def test_every_cohort_mixes_districts(app):
    app.test_cli_runner().invoke(args=["plc", "demo"])
    rows = db.session.execute(
        select(Membership.cohort_id, func.count(func.distinct(Organization.parent_id)))
        .join(User, User.id == Membership.user_id)
        .join(Organization, Organization.id == User.organization_id)
        .where(Organization.parent_id.is_not(None))
        .group_by(Membership.cohort_id)
    ).all()
    assert len(rows) == 3
    assert all(districts >= 3 for _cohort, districts in rows)


def test_demo_logins_work(app, client):
    app.test_cli_runner().invoke(args=["plc", "demo"])
    for email in ("admin@example.org", "lead@example.org", "facilitator.ab@example.org",
                  "ana.alvarez@example.org"):
        assert login(client, email, demo.DEMO_PASSWORD).status_code == 302, email
        client.post("/logout")


def test_create_admin(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["plc", "create-admin", "--email", "Root@Example.org", "--name", "Root",
              "--password", "a long admin password"],
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.email == "root@example.org")).scalar_one()
    assert user.is_site_admin
    assert login(client, "root@example.org", "a long admin password").status_code == 302


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(
        args=["plc", "create-admin", "--email", "a@example.org", "--name", "A",
              "--password", "short"]
    )
    assert result.exit_code != 0
    assert count(User) == 0


def test_demo_has_a_worksheet_open_today_on_the_bundled_rubric(app, client):
    from plc.assessments.models import Checkpoint
    from plc.rubrics.models import Competency

    app.test_cli_runner().invoke(args=["plc", "demo"])
    program = db.session.execute(select(Program)).scalar_one()
    assert date.today() <= program.ends_on
    assert count(Competency, Competency.framework_id == program.framework_id) == 7
    baseline = db.session.execute(
        select(Checkpoint).where(Checkpoint.name == "Baseline")
    ).scalar_one()
    assert baseline.opens_on <= date.today() <= baseline.closes_on
    # Five of each cohort's six members have submitted theirs; the sixth has one to fill in.
    login(client, "farid.fahmy@example.org", demo.DEMO_PASSWORD)
    page = client.get(f"/checkpoints/{baseline.id}/worksheet")
    assert page.status_code == 200
    assert "Delivers results" in page.text and "Role model" in page.text


def test_demo_has_the_year_so_far_and_sends_no_mail(app, client):
    from plc.db import utcnow
    from plc.feedback.models import Comment
    from plc.mail.models import OutboxMessage
    from plc.meetings.models import AgendaItem, Attendance, Meeting
    from plc.plans.models import ActionPlan, ProgressUpdate

    result = app.test_cli_runner().invoke(args=["plc", "demo"])
    assert result.exit_code == 0, result.output
    assert count(ActionPlan) == 12
    assert count(ProgressUpdate) >= 9 and count(Comment) >= 12
    assert count(AgendaItem) > 0
    assert count(OutboxMessage) == 0
    held = count(Meeting, Meeting.starts_at < utcnow())  # none early in September
    assert (count(Attendance) > 0) == (held > 0)
    login(client, "ana.alvarez@example.org", demo.DEMO_PASSWORD)
    home = client.get("/").text
    assert "Your cohorts" in home and "Open my action plan" in home
    assert "(shared with your cohort)" in home and 'id="todo"' in home


def test_school_year_runs_september_to_june():
    assert demo.school_year(date(2026, 11, 23)) == (date(2026, 9, 1), date(2027, 6, 30))
    assert demo.school_year(date(2027, 3, 1)) == (date(2026, 9, 1), date(2027, 6, 30))
    assert demo.school_year(date(2027, 7, 15)) == (date(2027, 9, 1), date(2028, 6, 30))
