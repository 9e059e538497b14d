"""Jinja globals and filters: permission checks and dates shown in the reader's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_login import current_user

from plc import fragments, i18n, markdown, permissions


def local_time(value: datetime | None, fmt: str = "%b %-d, %Y %-I:%M %p", tz: str | None = None):
    if value is None:
        return ""
    zone = tz or getattr(current_user, "time_zone", None) or "UTC"
    return value.astimezone(ZoneInfo(zone)).strftime(fmt)


def register(app) -> None:
    app.jinja_env.globals.update(permissions.JINJA_GLOBALS)
    app.jinja_env.globals["page_language"] = i18n.page_language
    fragments.register(app)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["markdown"] = markdown.render
    # {{ steps|select('overdue_on', today) }}: the overdue among a focus area's steps.
    app.jinja_env.tests["overdue_on"] = lambda step, today: step.is_overdue(today)


def compile_all(app) -> None:
    """Every template compiled into the environment's cache now, not on its first use: gunicorn
    preloads the app (gunicorn.conf.py), so each worker is forked with them compiled. Otherwise
    every freshly started worker compiles them (120 templates, about 2.5 s of pure Python
    holding the worker's lock on the interpreter) inside its first requests of each page, and
    the other requests it holds wait behind (issue 16's burst on a cold server)."""
    env = app.jinja_env
    for name in env.list_templates():
        env.get_template(name)
