"""URL rules: every ``<int:...>`` in a route is an id, and an id no column can hold is a 404.

Without the bound, such an id reaches the database: SQLite raises OverflowError from 2**63
(a 500). Refusing it in the converter makes it a routing 404 for every route at once, so no
view checks its own ids.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# Every id column is INTEGER (tests/test_http_edges.py holds the schema to it): 32 bits on
# PostgreSQL, the narrower of the two databases, so no row anywhere has a larger id.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """werkzeug's ``int`` (digits only: no sign, no decimal point), at most ``LARGEST_ID``."""

    regex = "[0-9]+"  # werkzeug's \d+ would also take other scripts' digits ("١" as 1)

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def register(app) -> None:
    """Before any blueprint: a rule takes its converters when it is added."""
    app.url_map.converters["int"] = IdConverter
