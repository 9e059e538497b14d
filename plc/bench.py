"""Reference routes for bench/run.py, registered only when config BENCH is true (PLC_BENCH=1).

They give the benchmark a floor to compare the real pages with: /_bench/hello is the cost of
the framework alone, /_bench/rows the cost of one 50-row query rendered by a small template.
Neither needs a login, so they show nothing personal (district and school names only).
"""

from __future__ import annotations

from flask import Blueprint, render_template_string
from sqlalchemy import select

from plc.extensions import db
from plc.orgs.models import Organization

bp = Blueprint("bench", __name__, url_prefix="/_bench")

ROWS = 50
ROWS_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bench rows</title></head>
<body><table><thead><tr><th>Id</th><th>Name</th><th>Kind</th></tr></thead><tbody>
{% for org in rows %}<tr><td>{{ org.id }}</td><td>{{ org.name }}</td><td>{{ org.kind }}</td></tr>
{% endfor %}</tbody></table></body></html>"""


@bp.get("/hello")
def hello():
    return "Hello", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/rows")
def rows():
    found = db.session.execute(
        select(Organization.id, Organization.name, Organization.kind)
        .order_by(Organization.id).limit(ROWS)
    ).all()
    return render_template_string(ROWS_TEMPLATE, rows=found)


def register(app) -> None:
    app.register_blueprint(bp)
