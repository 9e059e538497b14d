"""gunicorn's settings (gunicorn.conf.py): the app is loaded once in the master with every
template compiled, so that workers are forked ready, and frozen out of the workers' garbage
collections; a forked worker never uses a connection the master opened.
(tests/test_bench_smoke.py serves the app with them under gunicorn.)"""

from __future__ import annotations

import gc
import runpy
import weakref
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from plc.extensions import db

CONF = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))


@pytest.fixture(autouse=True)
def _collector_as_it_was():
    """``when_ready`` freezes the process's objects and retunes the collector: undone after."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def arbiter_of(app) -> SimpleNamespace:
    """What the hooks use of gunicorn's arbiter: the app it loaded."""
    return SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))


def compiled(app) -> set[str]:
    env = app.jinja_env
    return {name for name in env.list_templates()
            if (weakref.ref(env.loader), name) in env.cache}


def test_every_template_is_compiled_in_the_master_before_the_workers_fork(app):
    assert CONF["preload_app"] is True
    app.jinja_env.cache.clear()  # the worker's shared app: as if freshly loaded
    every = set(app.jinja_env.list_templates())
    assert "main/home.html" in every and not compiled(app)
    CONF["when_ready"](arbiter_of(app))
    assert compiled(app) == every


def test_a_forked_worker_opens_connections_of_its_own(app):
    db.session.execute(text("SELECT 1"))
    db.session.remove()  # the connection goes back to the master's pool
    assert db.engine.pool.checkedin() == 1
    CONF["post_fork"](arbiter_of(app), None)
    assert db.engine.pool.checkedin() == 0
    assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_the_loaded_app_is_frozen_so_a_worker_s_full_collection_does_not_walk_it(app):
    """A full collection walks every object in the three generations; gc.get_objects() lists
    exactly those."""
    young_threshold = gc.get_threshold()[0]
    assert any(thing is app for thing in gc.get_objects())
    CONF["when_ready"](arbiter_of(app))
    assert not any(thing is app for thing in gc.get_objects())
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold()[0] > young_threshold
