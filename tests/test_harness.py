"""The test harness itself (tests/conftest.py, tests/databases.py, tests/worlds.py): a reset
puts back exactly the template, rows, ids and sequences alike, on SQLite and on PostgreSQL;
the shared app forgets what a test did to it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from plc.accounts.models import User
from plc.extensions import db
from plc.feedback.models import Comment
from tests import factories
from tests.conftest import _restore
from tests.permission_world import PERMISSION


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_clone_undoes_every_write_and_hands_out_the_same_ids_again(worlds, world):
    people, comments = count(User), count(Comment)
    plan_id, comment_id = world.plan_a.id, world.comment_a.id
    first_new_id = factories.make_user("extra@example.org").id
    world.plan_a.visibility = "draft"
    db.session.delete(world.comment_a)
    db.session.commit()

    again = worlds.clone(PERMISSION)

    assert (count(User), count(Comment)) == (people, comments)
    assert again.plan_a.id == plan_id and again.plan_a.visibility == "cohort"
    assert db.session.get(Comment, comment_id).body == "Happy to hear ideas"
    assert factories.make_user("extra@example.org").id == first_new_id


def test_the_empty_template_is_empty(worlds, world):
    assert count(User) > 0
    worlds.reset_empty()
    assert [t.name for t in db.metadata.sorted_tables
            if db.session.execute(select(func.count()).select_from(t)).scalar_one()] == [
        "site_stamps"]  # its one row comes with the schema (migration 0017)


def test_the_world_is_the_same_objects_in_the_tests_session(world):
    assert world.users["member_a"] in db.session
    assert world.plan_a.user_id == world.users["member_a"].id
    assert world.session_keys.keys() == world.users.keys()


def test_the_shared_app_forgets_settings_and_kept_state(app):
    settings, extensions = dict(app.config), set(app.extensions)
    app.config["FIGURES_CACHE_SECONDS"] = 99
    app.extensions["kept_by_a_test"] = object()

    _restore(app, settings, extensions)

    assert app.config["FIGURES_CACHE_SECONDS"] == 0
    assert "kept_by_a_test" not in app.extensions


def test_the_postgresql_leg_selects_every_test_that_uses_the_database_but_no_browser():
    """CI's PostgreSQL leg runs ``-m "database and not browser and not bench_kit"`` (.ci/run's
    PG_SELECTION); the marks are added at collection (conftest), and must be there before
    pytest deselects by mark, or that leg silently runs almost nothing (or every browser
    journey again)."""
    root = Path(__file__).resolve().parents[1]
    selection = re.search(r'^PG_SELECTION="([^"]+)"$', (root / ".ci" / "run").read_text(),
                          re.M).group(1)
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-m", selection, "tests/test_harness.py", "tests/browser/test_checker.py",
         "tests/test_bench_smoke.py"],
        cwd=root, capture_output=True, text=True, timeout=120, check=False).stdout
    assert "test_a_clone_undoes_every_write_and_hands_out_the_same_ids_again" in listed
    assert "test_the_postgresql_leg_selects_every_test" not in listed  # uses no database
    assert "test_a_clean_page_passes" not in listed  # a browser journey's check
    assert "test_run_measures_every_page" not in listed  # the benchmark kit's
