"""The facilitator's cohort dashboard: figures against the known events of tests/dashboards/
seed.py, flags, sorting and filtering, nudges, growth, and a fixed statement count."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from plc.dashboards import figures, queries
from plc.dashboards.models import Nudge
from plc.extensions import db
from plc.notifications.models import NUDGE, Notification
from tests.conftest import login
from tests.dashboards import seed


@pytest.fixture
def known(app):
    return seed.build()


def _facts(known) -> dict[str, queries.MemberFacts]:
    return {f.name.split()[0]: f for f in queries.member_facts(known.program.id,
                                                                 [known.cohort.id])}


def test_member_facts_match_the_known_events(known):
    facts = _facts(known)
    assert set(facts) == {"Ann", "Ben", "Cat", "Dan", "Eve"}  # the facilitator is no member
    ann, ben, cat, dan, eve = (facts[n] for n in ("Ann", "Ben", "Cat", "Dan", "Eve"))
    assert (ann.visibility, ben.visibility, cat.visibility, dan.visibility) == (
        "cohort", "draft", "facilitators", None)
    assert (ann.updates, ben.updates, cat.updates, eve.updates) == (1, 0, 1, 1)
    assert ben.last_update_at is None
    assert (known.now - cat.last_update_at).days == 45
    # The deleted comment counts for nobody; the facilitator's comment counts as received.
    assert (ann.comments_given, ann.comments_received) == (1, 2)
    assert (cat.comments_given, cat.comments_received) == (1, 1)
    assert (eve.comments_given, eve.comments_received) == (0, 0)
    # Three held meetings: the cancelled one and the one to come do not count; Dan joined
    # after them all.
    assert [(f.meetings_attended, f.meetings_held) for f in (ann, ben, cat, dan, eve)] == [
        (2, 3), (1, 3), (1, 3), (0, 0), (0, 3)]
    # Only submitted worksheets count (Eve's is a draft).
    assert [f.worksheets_submitted for f in (ann, ben, cat, dan, eve)] == [2, 1, 1, 0, 0]
    assert ben.last_nudged_at is not None and ann.last_nudged_at is None
    assert (ann.district, cat.district, dan.district) == (
        "North District", "North District", "South District")


def test_flags_give_the_reason_in_words(known):
    rows = _rows(known)
    assert rows["Ann"].flags == []
    assert rows["Ben"].flags == ["no shared plan", "no progress update in 30 days",
                                 "missed the last 2 meetings"]
    # Excused twice is not missing meetings; a shared plan with feedback is fine.
    assert rows["Cat"].flags == ["no progress update in 30 days"]
    # Dan joined two days ago: no plan yet, but no "no update" flag and no meetings missed.
    assert rows["Dan"].flags == ["no shared plan"]
    assert rows["Eve"].flags == ["no feedback received"]


def test_thresholds_come_from_the_programme(known):
    known.program.nudge_update_days = 60
    known.program.nudge_missed_meetings = 1
    known.program.nudge_no_feedback = False
    db.session.commit()
    rows = _rows(known)
    assert rows["Cat"].flags == []  # 45 days without an update is within 60
    assert rows["Eve"].flags == []  # excused last time, and feedback is not checked
    assert rows["Ann"].flags == ["missed the last 1 meeting"]  # absent 10 days ago


def test_rating_changes_on_focus_competencies_since_the_baseline(known):
    rows = _rows(known)
    ann = {c.number: c for c in rows["Ann"].changes}
    assert (ann[1].first, ann[1].latest, ann[1].delta, ann[1].arrow) == (2, 3, 1, "↑")
    assert ann[1].text == "Baseline 2 → Mid-year 3 (+1)"
    assert (ann[2].delta, ann[2].arrow, ann[2].text) == (-1, "↓", "Baseline 3 → Mid-year 2 (-1)")
    assert 3 not in ann  # rated, but not a focus of the plan
    assert [c.text for c in rows["Cat"].changes] == ["Baseline 2 (one rating so far)"]
    assert rows["Ben"].changes == []  # a draft plan keeps even its competencies private
    assert (rows["Ann"].submitted, rows["Ann"].checkpoints_open) == (2, 2)


def _rows(known) -> dict[str, figures.MemberRow]:
    program = known.program
    limits = figures.Thresholds.of(program)
    rows = figures.member_rows(
        queries.member_facts(program.id, [known.cohort.id], now=known.now),
        queries.checkpoints(program.id),
        queries.focus_ratings(known.cohort.id, program.id),
        queries.recent_attendance(known.cohort.id, max(limits.missed_meetings, 1), known.now),
        limits, known.now, known.now.date(),
    )
    return {r.name.split()[0]: r for r in rows}


def _row_html(html: str, name: str) -> str:
    match = re.search(r"<tr data-user-id=\"\d+\">(?:(?!</tr>).)*?" + name + r".*?</tr>", html,
                      re.S)
    assert match, f"no row for {name}"
    return re.sub(r"\s+", " ", match.group(0))


def test_the_page_shows_each_members_cells(app, known):
    client = app.test_client()
    login(client, known.facilitator)
    html = client.get(f"/cohorts/{known.cohort.id}/dashboard").text
    ann = _row_html(html, "Ann Member")
    assert "Shared with the cohort" in ann and "today" in ann and "2 of 2" in ann
    changes = re.findall(r'<div class="rating-change">(.*?)</div>', ann)
    assert [re.sub(r"<[^>]+>", "", c) for c in changes] == [
        "Competency 1: ↑ Baseline 2 → Mid-year 3 (+1)",
        "Competency 2: ↓ Baseline 3 → Mid-year 2 (-1)"]
    assert "67%" in ann and "(2 of 3)" in ann and "1 / 2" in ann and "none" in ann
    ben = _row_html(html, "Ben Member")
    assert "Draft" in ben and "never" in ben and "1 of 2" in ben and "33%" in ben
    assert "missed the last 2 meetings" in ben and "no shared plan" in ben
    assert "<time" in ben  # last nudged
    dan = _row_html(html, "Dan Member")
    assert "No plan" in dan and "no meetings yet" in dan
    cat = _row_html(html, "Cat Member")
    assert "Facilitators only" in cat and "45 days ago" in cat


def test_filter_and_sort(app, known):
    client = app.test_client()
    login(client, known.facilitator)
    html = client.get(f"/cohorts/{known.cohort.id}/dashboard?filter=nudge&sort=name").text
    names = re.findall(r'<th scope="row">(\w+) Member</th>', html)
    assert names == ["Ben", "Cat", "Dan", "Eve"]
    html = client.get(f"/cohorts/{known.cohort.id}/dashboard?sort=attendance").text
    names = re.findall(r'<th scope="row">(\w+) Member</th>', html)
    assert names == ["Eve", "Ben", "Cat", "Ann", "Dan"]  # 0%, 33%, 33%, 67%, none
    html = client.get(f"/cohorts/{known.cohort.id}/dashboard?sort=flags&filter=bogus").text
    names = re.findall(r'<th scope="row">(\w+) Member</th>', html)
    assert names[0] == "Ben" and names[-1] == "Ann" and len(names) == 5


def test_one_link_selects_every_flagged_member_without_javascript(app, known):
    client = app.test_client()
    login(client, known.facilitator)
    html = client.get(f"/cohorts/{known.cohort.id}/dashboard").text
    assert "Select all 4 flagged members" in html and "No member selected yet." in html
    html = client.get(f"/cohorts/{known.cohort.id}/dashboard?select=flagged").text
    ticked = re.findall(r'<tr data-user-id="\d+">\s*<td>\s*<input [^>]*checked[^>]*>\s*'
                        r'<label class="visually-hidden" for="[^"]+">Select (\w+) Member', html)
    assert sorted(ticked) == ["Ben", "Cat", "Dan", "Eve"]  # Ann has no flag
    assert "4 members selected." in html


def test_nudge_reaches_the_selected_members_only(app, known):
    client = app.test_client()
    login(client, known.facilitator)
    ann, eve = known.people["Ann"], known.people["Eve"]
    response = client.post(f"/cohorts/{known.cohort.id}/nudges?filter=nudge",
                           data={"user_ids": [ann.id, eve.id], "message": "Time to update!"})
    assert response.status_code == 302
    assert "filter=nudge" in response.location
    notes = db.session.execute(select(Notification).where(Notification.kind == NUDGE)
                               ).scalars().all()
    assert sorted(n.user_id for n in notes) == sorted([ann.id, eve.id])
    assert {n.text for n in notes} == {"Time to update!"}
    assert {n.actor_id for n in notes} == {known.facilitator.id}
    nudges = db.session.execute(select(Nudge).where(Nudge.message == "Time to update!")
                                ).scalars().all()
    assert sorted(n.user_id for n in nudges) == sorted([ann.id, eve.id])
    html = client.get(f"/cohorts/{known.cohort.id}/dashboard").text
    assert "<time" in _row_html(html, "Ann Member")


def test_nudge_refuses_outsiders_and_empty_choices(app, known):
    client = app.test_client()
    login(client, known.facilitator)
    outsider = known.lead  # not a member of the cohort
    response = client.post(f"/cohorts/{known.cohort.id}/nudges",
                           data={"user_ids": [outsider.id], "message": "Hello"})
    assert response.status_code == 422
    response = client.post(f"/cohorts/{known.cohort.id}/nudges",
                           data={"user_ids": [], "message": "Hello"})
    assert response.status_code == 422
    assert "Choose at least one member" in response.text
    response = client.post(f"/cohorts/{known.cohort.id}/nudges",
                           data={"user_ids": [known.people["Ann"].id], "message": "  "})
    assert response.status_code == 422
    assert db.session.execute(select(Notification)).first() is None


def test_members_cannot_nudge(app, known):
    client = app.test_client()
    login(client, known.people["Ann"])
    response = client.post(f"/cohorts/{known.cohort.id}/nudges",
                           data={"user_ids": [known.people["Ben"].id], "message": "Hi"})
    assert response.status_code == 403
    assert db.session.execute(select(Notification)).first() is None


def test_growth_counts_levels_per_checkpoint_and_the_barrier_mix(app, known):
    program = known.program
    data = {g.number: g for g in figures.growth(
        queries.checkpoints(program.id), queries.competencies(program.framework_id),
        queries.cohort_ratings(known.cohort.id, program.id, program.framework_id))}
    baseline, midyear, _end = queries.checkpoints(program.id)
    # Baseline C1: Ann 2, Ben 1, Cat 2 (Eve's draft does not count); Mid-year: Ann 3.
    assert data[1].counts[baseline.id] == {1: 1, 2: 2}
    assert data[1].counts[midyear.id] == {3: 1}
    assert (data[1].average_change, data[1].people_changed) == (1.0, 1)
    assert data[2].average_change == -1.0
    # Ben's draft plan's barrier ("will") is not counted.
    assert queries.barrier_mix(known.cohort.id, program.id) == {"skill": 2, "structural": 1}
    client = app.test_client()
    login(client, known.facilitator)
    html = client.get(f"/cohorts/{known.cohort.id}/growth").text
    assert "<svg" in html and "<desc" in html and "<table" in html
    assert "+1.0" in html and "-1.0" in html
    assert seed.PLAN_MARKER not in html


def test_statement_count_is_fixed_whatever_the_size(app, known, count_queries):
    client = app.test_client()
    login(client, known.facilitator)
    urls = [f"/cohorts/{known.cohort.id}/dashboard", f"/cohorts/{known.cohort.id}/growth",
            f"/cohorts/{known.cohort.id}/participation",
            f"/cohorts/{known.cohort.id}/participation.csv"]

    def measure():
        counts = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts.append(counter.count)
        return counts

    seed.add_members(known, 3)
    small = measure()
    seed.add_members(known, 37, start=3)  # 40 members with a year of updates and comments
    assert measure() == small
