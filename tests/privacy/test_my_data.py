"""My data (issue 17, item 4): a person's export of everything they wrote or that was written
about them and that they may read, built in the background, served to them alone."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plc.accounts.models import User
from plc.assessments.models import PlannedChange, Rating, SelfAssessment
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings.models import Attendance
from plc.plans.models import (
    FACILITATORS_ONLY,
    SHARED_WITH_COHORT,
    ActionPlan,
    FocusArea,
    PlanRevision,
    ProgressUpdate,
)
from plc.privacy import exports
from plc.privacy.models import QUEUED, READY, DataExport
from plc.programs.models import Program
from tests import factories
from tests.conftest import bench_cohort, login  # noqa: F401 (fixture)
from tests.test_permissions import client_as


def unzip(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_asking_showing_progress_and_downloading(app, world):
    member = client_as(app, world, "member_a")
    db.session.delete(world.export_a)  # the world's ready one
    db.session.commit()
    page = member.get("/account/my-data").get_data(as_text=True)
    assert "You have not asked for an export yet." in page
    response = member.post("/account/my-data")
    assert response.status_code == 302
    export = db.session.execute(select(DataExport)).scalar_one()
    assert (export.user_id, export.status) == (world.users["member_a"].id, QUEUED)
    page = member.get("/account/my-data").get_data(as_text=True)
    assert "Waiting to start" in page and 'data-poll="/account/my-data"' in page
    assert "<progress" in page
    # Asking again while it is prepared makes no second one.
    member.post("/account/my-data")
    assert db.session.execute(select(func.count()).select_from(DataExport)).scalar() == 1

    assert exports.run_pending() == 1
    db.session.expire_all()
    assert export.status == READY and export.done == export.parts == len(exports.PARTS)
    page = member.get("/account/my-data").get_data(as_text=True)
    assert "data-poll" not in page
    download = f"/account/my-data/exports/{export.id}/download"
    assert download in page
    response = member.get(download)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    files = unzip(response.data)
    assert {"data.json", "index.html", "worksheet_ratings.csv", "progress_updates.csv",
            "comments.csv", "attendance.csv", "reading_record.csv"} <= set(files)
    data = json.loads(files["data.json"])
    assert data["account"]["email"] == "member_a@example.org"
    assert [u["did"] for p in data["plans"] for u in p["progress_updates"]] == [
        "Observed one class"]
    index = files["index.html"].decode()
    assert "Observed one class" in index and "Listen before deciding" in index
    assert "<script" not in index
    # Nobody else gets it, not even with its id.
    for role in ("member_b", "facilitator_a", "site_admin"):
        assert client_as(app, world, role).get(download).status_code == 404


def test_an_export_expires_and_its_file_is_deleted(app, world):
    member = client_as(app, world, "member_a")
    db.session.delete(world.export_a)
    db.session.add(DataExport(user_id=world.users["member_a"].id))
    db.session.commit()
    exports.run_pending()
    export = db.session.execute(select(DataExport)).scalar_one()
    path = exports.export_path(export.file_name)
    assert path.is_file()
    export.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert member.get(f"/account/my-data/exports/{export.id}/download").status_code == 404
    assert "has expired" in member.get("/account/my-data").get_data(as_text=True)
    assert exports.remove_expired() == 1
    assert not path.exists()
    assert db.session.execute(select(func.count()).select_from(DataExport)).scalar() == 0


def test_the_export_is_built_right_after_the_request_that_asks(app, world):
    app.config["EXPORT_AFTER_REQUEST"] = True
    member = client_as(app, world, "member_a")
    db.session.delete(world.export_a)
    db.session.commit()
    response = member.post("/account/my-data")
    response.close()  # the server closes the response once it is sent
    db.session.expire_all()
    assert db.session.execute(select(DataExport.status)).scalar_one() == READY


def test_the_cli_builds_what_was_asked(app, world):
    db.session.add(DataExport(user_id=world.users["member_b"].id))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["plc", "run-exports"])
    assert "Exports built: 1" in result.output


# --- a year of activity -------------------------------------------------------------------------


def _count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


@pytest.fixture
def busy_member(bench_cohort):  # noqa: F811
    """A member of the benchmark cohort (a year: three worksheets, a plan with weekly updates,
    ~100 comments given, attendance), and, unreadable to them, another cohort's plan with
    comments."""
    member = db.session.execute(select(User).where(
        User.email == "member-1@bench.example.org")).scalar_one()
    program_id, = db.session.execute(select(ActionPlan.program_id).where(
        ActionPlan.user_id == member.id)).one()
    other = factories.make_cohort(db.session.get(Program, program_id), "Another cohort")
    stranger = factories.make_user("stranger@example.org", "Stranger")
    factories.add_member(other, stranger)
    plan = ActionPlan(user_id=stranger.id, program_id=program_id,
                      visibility=SHARED_WITH_COHORT, shared_at=utcnow(),
                      focus_areas=[FocusArea(position=1, change="Secret change of a stranger")])
    db.session.add(plan)
    db.session.flush()
    db.session.add(Comment(plan_id=plan.id, author_id=stranger.id,
                           body="Another cohort's conversation, not for member one"))
    db.session.commit()
    return member


def test_the_export_of_a_busy_member_holds_everything_they_wrote_and_nothing_unreadable(
        app, busy_member):
    member = busy_member
    db.session.add(DataExport(user_id=member.id))
    db.session.commit()
    assert exports.run_pending() == 1
    export = db.session.execute(select(DataExport)).scalar_one()
    files = unzip(exports.export_path(export.file_name).read_bytes())
    data = json.loads(files["data.json"])
    everything = files["data.json"].decode() + files["index.html"].decode() + "".join(
        body.decode() for name, body in files.items() if name.endswith(".csv"))

    own_plans = select(ActionPlan.id).where(ActionPlan.user_id == member.id)
    sheets = data["worksheets"]
    assert len(sheets) == _count(SelfAssessment, SelfAssessment.user_id == member.id) >= 3
    assert sum(len(s["ratings"]) for s in sheets) == _count(
        Rating, Rating.assessment_id.in_(select(SelfAssessment.id).where(
            SelfAssessment.user_id == member.id)))
    assert sum(len(s["top_changes"]) for s in sheets) == _count(
        PlannedChange, PlannedChange.assessment_id.in_(select(SelfAssessment.id).where(
            SelfAssessment.user_id == member.id)))
    assert len(data["plans"]) == _count(ActionPlan, ActionPlan.user_id == member.id) == 1
    updates = [u for p in data["plans"] for u in p["progress_updates"]]
    assert len(updates) == _count(ProgressUpdate, ProgressUpdate.plan_id.in_(own_plans)) > 40
    assert sum(len(p["revisions"]) for p in data["plans"]) == _count(
        PlanRevision, PlanRevision.plan_id.in_(own_plans))
    written = [c for c in data["comments"] if c["kind"] == "written by me"]
    assert len(written) == _count(Comment, Comment.author_id == member.id) > 50
    received = [c for c in data["comments"] if c["kind"] == "received on my plan"]
    assert len(received) == _count(Comment, Comment.plan_id.in_(own_plans),
                                   Comment.author_id != member.id)
    assert len(data["attendance"]) == _count(Attendance, Attendance.user_id == member.id) > 5
    for comment in db.session.execute(select(Comment.body).where(
            Comment.author_id == member.id, Comment.deleted_at.is_(None))).scalars():
        assert comment in everything

    # Nothing of anyone else's that they may not read: other members' plans not shared with
    # the cohort (facilitators only, drafts), comments on plans not theirs by others (another
    # cohort's included).
    unreadable = list(db.session.execute(
        select(FocusArea.change).join(ActionPlan, ActionPlan.id == FocusArea.plan_id)
        .where(ActionPlan.user_id != member.id, ActionPlan.visibility != SHARED_WITH_COHORT,
               FocusArea.change != "")).scalars())
    unreadable += list(db.session.execute(
        select(ProgressUpdate.did).join(ActionPlan, ActionPlan.id == ProgressUpdate.plan_id)
        .where(ActionPlan.user_id != member.id, ActionPlan.visibility == FACILITATORS_ONLY,
               ProgressUpdate.did != "")).scalars())
    others_comments = list(db.session.execute(
        select(Comment.body).where(Comment.author_id != member.id,
                                   Comment.plan_id.not_in(own_plans))).scalars())
    assert unreadable, "the benchmark cohort has plans for facilitators only and drafts"
    assert "Another cohort's conversation, not for member one" in others_comments
    assert "Secret change of a stranger" not in unreadable  # shared, but in another cohort
    own_texts = {c["body"] for c in written}
    leaked = [text for text in unreadable + others_comments
              if text in everything and text not in own_texts]
    assert leaked == []
    assert "Secret change of a stranger" not in everything


@pytest.mark.parametrize("threshold", [5, 6])
def test_the_export_holds_the_members_feedback_rounds_as_their_round_page_shows_them(
        app, world, threshold):
    """Rounds, audiences, dates, counts, the note; an audience's figures and open answers only
    from the anonymity threshold (the world's staff audience has 5 responses); never an
    invitee's address."""
    app.config["VOICE_MIN_RESPONSES"] = threshold
    member = world.users["member_a"]
    export = DataExport(user_id=member.id)
    db.session.add(export)
    db.session.commit()
    assert exports.build(export.id)
    files = unzip(exports.export_path(export.file_name).read_bytes())
    rounds = json.loads(files["data.json"])["voice_rounds"]
    everything = b"".join(files.values()).decode("utf-8", "replace")

    assert [r["id"] for r in rounds] == sorted(
        [world.round_a.id, world.round_shared.id, world.round_closed.id])
    round_a = next(r for r in rounds if r["id"] == world.round_a.id)
    assert [(a["kind"], a["responses"]) for a in round_a["audiences"]] == [
        ("staff", 5), ("families", 0)]
    assert round_a["opens_on"] == world.round_a.opens_on.isoformat()
    assert len(round_a["competencies"]) == 1
    staff, families = round_a["results"][0]["audiences"]
    assert families["shown"] is False and "levels" not in families
    assert families["not_shown"] == "Not enough responses to protect anonymity"
    if threshold == 5:
        assert staff["shown"] and staff["levels"]["3"] >= 5 and staff["mean"] is not None
        assert sorted(staff["open_answers"]) == [f"Open answer {k}" for k in range(5)]
        assert "Open answer 3" in files["index.html"].decode()
    else:  # the programme raised the threshold: 5 responses no longer show
        assert not staff["shown"] and "open_answers" not in staff
        assert "Open answer" not in everything
    closed = next(r for r in rounds if r["id"] == world.round_closed.id)
    assert closed["what_i_heard"] == "Families want more notice."
    assert "I will send the calendar a month ahead." in files["index.html"].decode()
    assert b"Feedback rounds from my school community" in files["index.html"]
    assert "Not enough responses to protect anonymity" in files["voice_results.csv"].decode()
    # The round's invitee (families, round_a): their address and link stay out.
    assert "invitee@example.org" not in everything
    assert world.invitee_token not in everything


def test_the_export_speaks_the_language_the_person_chose(app, world):
    member = db.session.get(User, world.users["member_a"].id)
    member.language = "es"
    export = DataExport(user_id=member.id)
    db.session.add(export)
    db.session.commit()
    assert exports.build(export.id)
    files = unzip(exports.export_path(export.file_name).read_bytes())
    page = files["index.html"].decode()
    assert '<html lang="es">' in page and "<h1>Mis datos de PLC</h1>" in page
    assert "Rondas de opiniones de mi comunidad escolar" in page
    assert json.loads(files["data.json"])["account"]["language"] == "es"
    assert files["comments.csv"].decode().startswith("\ufeffEscrito el,Tipo,Autor")
