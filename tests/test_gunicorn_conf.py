"""gunicorn's settings (gunicorn.conf.py): the app is loaded once in the master with every
template compiled, so that workers are forked ready; a forked worker never uses a connection
the master opened. (tests/test_bench_smoke.py serves the app with them under gunicorn.)"""

from __future__ import annotations

import runpy
import weakref
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import text

from plc.extensions import db

CONF = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))


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
