"""HTTP edges of the site's pages: ids no column can hold are a 404 on every route (never a
500 from the database), and every 405 names the methods the path has. The JSON API's edges
are in tests/api/test_api_errors.py."""

from __future__ import annotations

import itertools
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from plc.extensions import db
from plc.routing import LARGEST_ID
from tests.matrix import OK
from tests.permission_world import ROLES
from tests.test_permissions import CASES, client_as

BEYOND = (LARGEST_ID + 1, 2**63, 2**64)  # SQLite overflowed from 2**63
ID_ARGUMENT = re.compile(r"<int[:(]")
# What each integer type holds on PostgreSQL, the narrower of the two databases (subclasses
# before Integer itself).
CAPACITY = ((sa.BigInteger, 2**63 - 1), (sa.SmallInteger, 2**15 - 1), (sa.Integer, 2**31 - 1))


def id_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            if ID_ARGUMENT.search(rule.rule) for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_the_bound_is_what_the_widest_id_column_holds(app):
    """The migrated schema, not the models: if an id column grows to BIGINT, this fails until
    plc/routing.py's LARGEST_ID grows with it."""
    inspector = sa.inspect(db.engine)
    capacities = set()
    for table in inspector.get_table_names():
        keys = set(inspector.get_pk_constraint(table)["constrained_columns"])
        capacities |= {_capacity(column["type"]) for column in inspector.get_columns(table)
                       if column["name"] in keys}
    assert max(capacities - {None}) == LARGEST_ID


def _capacity(column_type) -> int | None:
    return next((largest for kind, largest in CAPACITY if isinstance(column_type, kind)), None)


@pytest.mark.parametrize("argument", [str(LARGEST_ID + 1), str(2**63), str(2**64), "-1", "1.0",
                                      "abc", "1e3", "\u0661", " 1", "9" * 5000])
def test_the_id_converter_refuses_what_is_no_id(app, argument):
    from werkzeug.exceptions import NotFound

    adapter = app.url_map.bind("plc.test")
    assert adapter.match(f"/programs/{LARGEST_ID}") == ("programs.program",
                                                        {"program_id": LARGEST_ID})
    with pytest.raises(NotFound):
        adapter.match(f"/programs/{argument}")


SIGNED_IN_ROLES = [role for role in ROLES if role not in ("anonymous", "deactivated")]


def routes_with_ids(app, world):
    """(endpoint, method, role, values, ids) for one matrix case per route with an id: the
    values of its URL, a role the matrix lets in (None where it lets nobody in) and the names
    of the id arguments."""
    chosen = {}
    for case in CASES:
        key = (case.endpoint, case.method)
        owner = next((role for role in SIGNED_IN_ROLES if case.expected[role] == OK), None)
        if key not in chosen or (chosen[key][1] is None and owner is not None):
            chosen[key] = (case, owner)
    adapter = app.url_map.bind("plc.test")
    for (endpoint, method), (case, owner) in sorted(chosen.items()):
        _endpoint, values = adapter.match(urlsplit(case.url(world)).path, method=method)
        ids = [name for name, value in values.items() if isinstance(value, int)]
        if ids:
            yield endpoint, method, owner, values, ids


@pytest.mark.long
def test_every_id_route_answers_404_beyond_the_bound(app, world):
    """Each id argument of each route in turn, the others left at real objects, as the site
    admin and as the role the route is for; the largest id itself never fails either."""
    adapter = app.url_map.bind("plc.test")
    clients = {role: client_as(app, world, role) for role in SIGNED_IN_ROLES}
    walked, failures = set(), []
    for endpoint, method, owner, values, ids in routes_with_ids(app, world):
        walked.add((endpoint, method))
        for role, name, value in itertools.product({"site_admin", owner} - {None}, ids,
                                                   (*BEYOND, LARGEST_ID)):
            url = adapter.build(endpoint, {**values, name: value}, method=method)
            status = clients[role].open(url, method=method).status_code
            if status != 404 and (value != LARGEST_ID or status >= 500):
                failures.append(f"{role} {method} {url}: {status}")
    assert walked == id_routes(app), "routes with an id the walk did not reach"
    assert not failures, "\n".join(failures)


def test_a_405_on_a_page_names_the_methods_it_has(app, client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert response.mimetype == "text/html" and "Method not allowed" in response.text
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_every_405_carries_allow(app, client):
    """No route takes DELETE: every path answers 405 with the methods it has."""
    adapter = app.url_map.bind("plc.test")
    missing = []
    for rule in app.url_map.iter_rules():
        url = adapter.build(rule.endpoint, {name: _a_value(rule, name)
                                            for name in rule.arguments})
        response = client.delete(url)
        allowed = set(response.headers.get("Allow", "").split(", "))
        if response.status_code != 405 or not rule.methods <= allowed:
            missing.append(f"{url}: {response.status_code} Allow={allowed}")
    assert not missing, "\n".join(missing)


def _a_value(rule, name: str):
    return 1 if f"<int:{name}>" in rule.rule else "yaml" if name == "fmt" else "x"
