"""Dashboards' figures are counted at most once per FIGURES_CACHE_SECONDS per worker
(plc/cache.py): kept figures are reused and dated on the page, counted again once they are
older, and a nudge shows at once even on kept figures."""

from __future__ import annotations

import csv
import io
import re
import threading
import time

import pytest
from sqlalchemy import select

from plc import cache
from plc.dashboards import reports
from plc.extensions import db
from plc.plans.models import ActionPlan, ProgressUpdate
from tests.conftest import login
from tests.dashboards import seed
from tests.dashboards.test_cohort_dashboard import _row_html
from tests.feedback.test_plan_body_kept import TOKEN


@pytest.fixture
def known(app):
    return seed.build()


@pytest.fixture
def clock(app, monkeypatch):
    """The cache on, with a clock the test moves."""
    app.config["FIGURES_CACHE_SECONDS"] = 120
    now = [1000.0]
    monkeypatch.setattr(cache, "_clock", lambda: now[0])
    return now


def _add_update(known, name: str) -> None:
    plan = db.session.execute(select(ActionPlan).where(
        ActionPlan.user_id == known.people[name].id)).scalar_one()
    db.session.add(ProgressUpdate(plan_id=plan.id, author_id=plan.user_id, did="More"))
    db.session.commit()


def test_programme_figures_are_kept_then_counted_again(app, known, clock):
    first = reports.program_report(known.program)
    _add_update(known, "Ann")
    kept = reports.program_report(known.program)
    assert (kept.total.updates, kept.counted_at) == (first.total.updates, first.counted_at)
    clock[0] += 121
    later = reports.program_report(known.program)
    assert later.total.updates == first.total.updates + 1
    assert later.counted_at > first.counted_at


def test_without_the_cache_every_request_counts(app, known):
    assert app.config["FIGURES_CACHE_SECONDS"] == 0
    first = reports.program_report(known.program)
    _add_update(known, "Ann")
    assert reports.program_report(known.program).total.updates == first.total.updates + 1


def test_kept_dashboards_cost_fewer_statements_and_say_when_they_were_counted(
        app, known, clock, count_queries):
    lead = app.test_client()
    login(lead, known.lead)
    url = f"/programs/{known.program.id}/dashboard"
    with count_queries() as counting:
        html = lead.get(url).text
    with count_queries() as kept:
        assert lead.get(url).status_code == 200
    assert "Figures counted at" in html and "at most every 2 minutes" in html
    assert kept.count <= counting.count - 4  # the grouped facts, cohorts and two monthly counts


def test_a_nudge_shows_at_once_on_a_kept_cohort_dashboard(app, known, clock):
    client = app.test_client()
    login(client, known.facilitator)
    url = f"/cohorts/{known.cohort.id}/dashboard"
    assert "<time" not in _row_html(client.get(url).text, "Ann Member")
    response = client.post(f"/cohorts/{known.cohort.id}/nudges",
                           data={"user_ids": [known.people["Ann"].id], "message": "Hello"})
    assert response.status_code == 302
    html = client.get(url).text
    assert "<time" in _row_html(html, "Ann Member")
    assert "Figures counted at" in html


def test_the_kept_programme_dashboard_page_changes_with_its_figures(app, known, clock):
    """The page below its crumbs is kept rendered (plc/fragments.py) under its figures' count
    time: the same page while the figures are kept, the new figures once they are counted."""
    lead = app.test_client()
    login(lead, known.lead)
    url = f"/programs/{known.program.id}/dashboard"
    first = TOKEN.sub("", lead.get(url).text)  # a token is signed with the second it was made
    _add_update(known, "Ann")
    assert TOKEN.sub("", lead.get(url).text) == first
    assert len(app.extensions["plc_fragments"]) == 1
    clock[0] += 121
    later = lead.get(url).text
    assert later != first
    assert reports.program_report(known.program).total.updates == _updates_shown(later)
    assert _updates_shown(later) == _updates_shown(first) + 1


def _updates_shown(html: str) -> int:
    """The programme's total of progress updates: the first table's footer, fourth cell
    (members, active, plans shared, updates)."""
    row = re.search(r"<tfoot>.*?</tfoot>", html, re.S).group(0)
    return int(re.findall(r"<td>(.*?)</td>", row, re.S)[3])


def test_an_export_is_kept_like_the_figures_then_built_again(app, known, clock):
    """A worker keeps a participation file it built for FIGURES_CACHE_SECONDS: the same file
    while kept, the new counts once built again; another date range is another file."""
    lead = app.test_client()
    login(lead, known.lead)
    url = f"/programs/{known.program.id}/participation.csv"
    first = _updates_of(lead.get(url).text, "Ann Member")
    _add_update(known, "Ann")
    assert _updates_of(lead.get(url).text, "Ann Member") == first
    other_range = f"{url}?from={known.program.starts_on.isoformat()}&to=2099-12-31"
    assert _updates_of(lead.get(other_range).text, "Ann Member") == first + 1
    clock[0] += 121
    assert _updates_of(lead.get(url).text, "Ann Member") == first + 1


def _updates_of(text: str, name: str) -> int:
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return int(next(r for r in rows if r["Name"] == name)["Progress updates"])


def test_threads_asking_for_the_same_figures_at_once_count_them_once(app, clock):
    """A burst on a cold dashboard: the worker's other threads wait for the first one's
    figures instead of counting the same year again on the same cores."""
    counted, shown = [], []
    started = threading.Event()

    def count():
        counted.append(threading.get_ident())
        started.set()
        time.sleep(0.2)  # long enough for every other thread to ask meanwhile
        return "the figures"

    def ask():
        with app.app_context():
            shown.append(cache.remembered(("burst",), count))

    first = threading.Thread(target=ask)
    first.start()
    started.wait(5)
    others = [threading.Thread(target=ask) for _ in range(3)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(5)
    assert len(counted) == 1
    assert len(shown) == 4 and len(set(shown)) == 1


def test_while_one_thread_counts_again_the_others_are_shown_the_figures_it_had(app, clock):
    """Only the thread that counts waits for a recount: a reader meanwhile is shown the
    figures counted before, dated as they were, and the new ones once they are counted."""
    with app.app_context():
        old, old_at = cache.remembered(("recount",), lambda: "old figures")
    clock[0] += 121
    counting, done = threading.Event(), threading.Event()

    def count_again():
        counting.set()
        done.wait(5)
        return "new figures"

    def ask():
        with app.app_context():
            cache.remembered(("recount",), count_again)

    recount = threading.Thread(target=ask)
    recount.start()
    counting.wait(5)
    with app.app_context():
        assert cache.remembered(("recount",), lambda: "not counted") == (old, old_at)
        done.set()
        recount.join(5)
        new, new_at = cache.remembered(("recount",), lambda: "not counted")
    assert (new, old) == ("new figures", "old figures") and new_at > old_at
