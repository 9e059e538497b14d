"""The plan pages through HTTP: starting, editing (errors next to fields, nothing lost,
concurrent saves), sharing, progress updates, what changed, the cohort's list."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

from sqlalchemy import select

from plc.extensions import db
from plc.feedback.models import Comment
from plc.plans import queries, services
from plc.plans.models import (
    DONE,
    FACILITATORS_ONLY,
    SHARED_WITH_COHORT,
    ActionPlan,
    ActionStep,
    ProgressUpdate,
)
from tests.conftest import login
from tests.plans.conftest import content, start_plan, submit_baseline
from tests.plans.formdata import form_values


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def started_plan(setting) -> ActionPlan:
    submit_baseline(setting)
    return start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))


def share(setting, plan_id: int, visibility: str = SHARED_WITH_COHORT) -> None:
    services.set_visibility(setting.fresh(setting.member), queries.plan(plan_id), visibility,
                            setting.rubric())
    db.session.commit()


# --- starting -------------------------------------------------------------------------------


def test_my_plan_offers_to_start_from_the_submitted_worksheet(client, setting):
    submit_baseline(setting)
    login(client, setting.member)
    url = f"/programs/{setting.program.id}/plan"
    page = text_of(client.get(url))
    assert "Start from my Baseline self-assessment" in page
    response = client.post(url, data={"source": "assessment"})
    plan = queries.own_plan(setting.member.id, setting.program.id)
    assert response.status_code == 302 and response.location.endswith(f"/plans/{plan.id}")
    page = text_of(client.get(f"/plans/{plan.id}"))
    assert "Only you can see this plan: it is a draft." in page
    assert "Listen before deciding" in page and "Observe two classes" in page
    assert "C1 at level 2: bullet 1." in page  # the current level's descriptor
    # Once started, "my plan" is the plan.
    assert client.get(url).location.endswith(f"/plans/{plan.id}")


def test_a_member_without_a_worksheet_starts_an_empty_plan(client, setting):
    login(client, setting.member)
    url = f"/programs/{setting.program.id}/plan"
    assert "Start an empty plan" in text_of(client.get(url))
    client.post(url, data={"source": "assessment"})  # nothing to start from: empty
    plan = queries.own_plan(setting.member.id, setting.program.id)
    assert plan is not None and content(plan.id) == []


# --- editing ----------------------------------------------------------------------------------


def test_the_edit_form_shows_errors_next_to_fields_and_keeps_the_text(client, setting):
    plan = started_plan(setting)
    login(client, setting.member)
    url = f"/plans/{plan.id}/edit"
    data = form_values(client.get(url).text)
    assert data["focus_areas-0-change"] == "Listen before deciding"
    data["focus_areas-0-evidence"] = "Teachers finish their sentences"
    data["focus_areas-0-target_level_id"] = str(setting.levels[1])  # below current (2)
    data["focus_areas-0-steps-2-due_on"] = "2026-12-01"  # a date without a step
    response = client.post(url, data=data)
    assert response.status_code == 200
    page = text_of(response)
    assert 'id="focus_areas-0-steps-2-text-error"' in page
    assert "Write the step, or clear its date." in page
    assert "Teachers finish their sentences" in page
    data["focus_areas-0-steps-2-due_on"] = ""
    page = text_of(client.post(url, data=data))
    assert 'id="focus_areas-0-target_level_id-error"' in page
    assert "The target must be above the current rating (2 To some extent)." in page
    assert form_values(page)["focus_areas-0-evidence"] == "Teachers finish their sentences"
    assert content(plan.id)[0].evidence == ""  # nothing saved
    data["focus_areas-0-target_level_id"] = str(setting.levels[3])
    assert client.post(url, data=data).status_code == 302
    assert content(plan.id)[0].evidence == "Teachers finish their sentences"


def test_rows_are_added_and_removed_through_the_form(client, setting):
    plan = started_plan(setting)
    login(client, setting.member)
    url = f"/plans/{plan.id}/edit"
    data = form_values(client.get(url).text)
    data["focus_areas-0-steps-2-text"] = "Read about wait time"  # a blank row filled in
    data["focus_areas-0-steps-2-due_on"] = "2026-11-15"
    data["focus_areas-0-barriers-0-remove"] = "y"
    data["focus_areas-1-remove"] = "y"
    assert client.post(url, data=data).status_code == 302
    areas = content(plan.id)
    assert len(areas) == 1
    assert [s.text for s in areas[0].steps][-1] == "Read about wait time"
    assert "I interrupt" not in [b.text for b in areas[0].barriers]


def test_a_concurrent_edit_shows_both_versions_and_keeps_the_typed_text(app, setting):
    plan = started_plan(setting)
    first, second = app.test_client(), app.test_client()
    login(first, setting.member)
    login(second, setting.member)
    url = f"/plans/{plan.id}/edit"
    mine, theirs = form_values(first.get(url).text), form_values(second.get(url).text)
    mine["focus_areas-0-change"] = "Saved first, from the laptop"
    assert first.post(url, data=mine).status_code == 302
    theirs["focus_areas-0-change"] = "Typed second, on the phone"
    response = second.post(url, data=theirs)
    assert response.status_code == 200
    page = text_of(response)
    assert "Not saved: this plan was changed somewhere else" in page
    saved_part = page.split('id="saved-now-heading"')[1].split("<form")[0]
    assert "Saved first, from the laptop" in saved_part
    assert form_values(page)["focus_areas-0-change"] == "Typed second, on the phone"
    assert content(plan.id)[0].change == "Saved first, from the laptop"
    # Saving again is a deliberate overwrite of what is saved now.
    assert second.post(url, data=form_values(page)).status_code == 302
    assert content(plan.id)[0].change == "Typed second, on the phone"


# --- sharing and updates ------------------------------------------------------------------


def test_sharing_is_its_own_step_and_the_page_says_who_sees_it(client, setting):
    plan = started_plan(setting)
    login(client, setting.member)
    page = text_of(client.get(f"/plans/{plan.id}"))
    assert "Change who can see my plan" in page
    response = client.post(f"/plans/{plan.id}/share",
                           data={"visibility": FACILITATORS_ONLY, "version": "1"})
    assert response.status_code == 302
    page = text_of(client.get(f"/plans/{plan.id}"))
    assert "Facilitators only: you and your cohort's facilitators can read it" in page
    assert db.session.get(ActionPlan, plan.id).visibility == FACILITATORS_ONLY


def test_an_update_marks_a_step_done_and_the_timeline_says_so(client, setting):
    plan = started_plan(setting)
    login(client, setting.member)
    url = f"/plans/{plan.id}/updates/new"
    data = form_values(client.get(url).text)
    step = content(plan.id)[0].steps[0]
    assert data[f"step_{step.id}"] == "not_started"
    data.update({"did": "Observed **two** classes", f"step_{step.id}": "done"})
    assert client.post(url, data=data).status_code == 302
    page = text_of(client.get(f"/plans/{plan.id}"))
    assert "<strong>two</strong>" in page
    assert "Step 'Observe two classes': not started -> done" in page
    assert content(plan.id)[0].steps[0].status == "done"


def test_an_empty_update_is_refused_beside_the_field(client, setting):
    plan = started_plan(setting)
    login(client, setting.member)
    url = f"/plans/{plan.id}/updates/new"
    data = form_values(client.get(url).text)
    data["learned"] = ""
    page = text_of(client.post(url, data=data))
    assert 'id="did-error"' in page
    assert db.session.execute(select(ProgressUpdate)).first() is None


def test_the_author_edits_an_update(client, setting):
    plan = started_plan(setting)
    update = services.post_update(setting.fresh(setting.member), queries.plan(plan.id),
                                  setting.rubric(), services.UpdateValues(did="Frist"), set())
    db.session.commit()
    login(client, setting.member)
    url = f"/plans/{plan.id}/updates/{update.id}/edit"
    data = form_values(client.get(url).text)
    data["did"] = "First"
    assert client.post(url, data=data).status_code == 302
    stale = {**data, "did": "Third"}  # still carries version 1
    page = text_of(client.post(url, data=stale))
    assert "Not saved: this update was changed somewhere else" in page
    assert form_values(page)["did"] == "Third"
    assert queries.update(plan.id, update.id).did == "First"


def test_an_update_someone_else_wrote_is_not_the_plan_authors_to_reword(client, setting):
    """permissions.can_edit_update, asked by the edit route and by the plan page's link."""
    plan = started_plan(setting)
    own = services.post_update(setting.fresh(setting.member), queries.plan(plan.id),
                               setting.rubric(), services.UpdateValues(did="Mine"), set())
    theirs = ProgressUpdate(plan_id=plan.id, author_id=setting.peer.id, did="Not mine")
    db.session.add(theirs)
    db.session.commit()
    login(client, setting.member)
    assert client.get(f"/plans/{plan.id}/updates/{theirs.id}/edit").status_code == 403
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert f"/plans/{plan.id}/updates/{own.id}/edit" in page
    assert f"/plans/{plan.id}/updates/{theirs.id}/edit" not in page


def test_what_changed_since_a_date(client, setting):
    plan = started_plan(setting)
    login(client, setting.member)
    url = f"/plans/{plan.id}/edit"
    data = form_values(client.get(url).text)
    data["focus_areas-0-evidence"] = "Fewer interruptions"
    client.post(url, data=data)
    page = text_of(client.get(f"/plans/{plan.id}/changes?since=2020-01-01"))
    assert "had not been saved yet" in page
    assert "Focus area 1 added: 1. Competency 1" in page
    page = text_of(client.get(f"/plans/{plan.id}/changes?since=2099-01-01"))
    assert "Nothing changed." in page


# --- the cohort's list ----------------------------------------------------------------------


def test_the_cohort_list_shows_what_each_viewer_may_see(client, setting):
    plan = started_plan(setting)
    share(setting, plan.id, FACILITATORS_ONLY)
    peer_plan = start_plan(setting, setting.peer)
    share_peer = services.set_visibility(setting.fresh(setting.peer), queries.plan(peer_plan.id),
                                         SHARED_WITH_COHORT, setting.rubric())
    assert share_peer
    db.session.commit()
    url = f"/cohorts/{setting.cohort.id}/plans"

    login(client, setting.facilitator)
    page = text_of(client.get(url))
    assert f'href="/plans/{plan.id}"' in page and f'href="/plans/{peer_plan.id}"' in page

    client.post("/logout")
    login(client, setting.peer)
    page = text_of(client.get(url))
    assert "Mia Member" not in page  # facilitators only: not for peers
    assert f'href="/plans/{peer_plan.id}"' in page

    client.post("/logout")
    login(client, setting.lead)
    page = text_of(client.get(url))
    assert "Mia Member" in page and "Pat Peer" in page
    assert "/plans/" not in page  # status and dates, no link
    assert "Listen before deciding" not in page

    client.post("/logout")
    login(client, setting.admin)
    assert client.get(url).status_code == 404


def test_the_plan_page_opens_with_a_summary_then_the_conversation(app, client, setting):
    """Summary first (each focus area's ratings, steps done, overdue), the feedback before the
    updates with a visible Reply and a link to the newest comment, "what changed" only when
    asked."""
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    plan.visibility = SHARED_WITH_COHORT
    first, second = db.session.execute(
        select(ActionStep).join(ActionStep.focus_area).where(
            ActionStep.text.in_(["Observe two classes", "Ask for feedback"]))
        .order_by(ActionStep.position)).scalars()
    first.due_on, first.status = date.today() - timedelta(days=3), DONE  # done: not overdue
    second.due_on = date.today() - timedelta(days=3)
    older = Comment(plan_id=plan.id, author_id=setting.peer.id, body="First thought")
    db.session.add(older)
    db.session.flush()
    db.session.add(Comment(plan_id=plan.id, author_id=setting.facilitator.id, body="Later",
                           parent_id=older.id))
    db.session.commit()
    newest = db.session.scalar(select(Comment.id).order_by(Comment.id.desc()))
    login(client, setting.member)
    html = client.get(f"/plans/{plan.id}").text
    summary = html[html.index('id="summary-heading"'):html.index('id="focus-heading"')]
    assert "1 of 2 steps done" in summary and "1 overdue" in summary
    assert f'href="#comment-{newest}">Newest feedback, from Fay Facilitator' in summary
    assert html.count(">Overdue</span>") == 1
    assert html.index('id="comments-plan"') < html.index('id="timeline-heading"')
    assert '<summary class="btn btn-sm btn-outline-secondary">Reply' in html
    assert '<details class="mb-4" id="what-changed">' in html


def test_a_barrier_needs_its_kind_and_blank_rows_choose_none(client, setting):
    plan = started_plan(setting)
    login(client, setting.member)
    url = f"/plans/{plan.id}/edit"
    page = client.get(url).text
    data = form_values(page)
    blank = next(n for n, v in data.items() if n.endswith("-text") and "barriers" in n and not v)
    assert data[blank.replace("-text", "-kind")] == ""  # not "skill" unasked
    # The rows to add in place are templates, named for the script to number.
    assert '<template id="step-row">' in page and 'name="__list__-__index__-text"' in page
    data[blank] = "No time on Fridays"
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert "Choose skill, will or structural." in text_of(response)
    data[blank.replace("-text", "-kind")] = "structural"
    assert client.post(url, data=data).status_code == 302
    barriers = content(plan.id)[0].barriers
    assert (barriers[-1].kind, barriers[-1].text) == ("structural", "No time on Fridays")
