"""The page checker itself: it must fail on what it is there to catch."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PageChecker

PROBES = {
    "clean": '<label for="q">Search</label> <input id="q" name="q">',
    # Blocked by the Content-Security-Policy (script-src 'self'): a console error.
    "inline-script": "<script>document.title = 'changed';</script>",
    # axe-core: form elements must have labels (critical).
    "unlabelled": '<input name="q">',
    # axe-core: links must have discernible text (serious).
    "empty-link": '<a href="/_probe/clean"></a>',
    # Named for axe, but without the visible label the house style asks for.
    "aria-label-only": '<input name="q" aria-label="Search">',
    "script-error": '<script src="/_probe_js"></script>',
}


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )


# The probes add routes: to an app of their own, never to the worker's shared app.
pytestmark = pytest.mark.own_app


@pytest.fixture
def probe(live_server, page):
    app = live_server.app  # no request served yet, so routes may still be added
    app.add_url_rule(
        "/_probe/<kind>", "probe",
        lambda kind: _page(f"Probe {kind}", PROBES[kind]),
    )
    app.add_url_rule(
        "/_probe_same/<int:n>", "probe_same", lambda n: _page("Same title", "")
    )
    app.add_url_rule(
        "/_probe_js", "probe_js",
        lambda: ("undefinedFunction();", 200, {"Content-Type": "text/javascript"}),
    )
    return PageChecker(page, live_server.url)


def test_a_clean_page_passes(probe):
    probe.goto("/_probe/clean")
    probe.goto("/_probe/clean?again=1")  # same path, same title: fine
    probe.finish()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("inline-script", "Content Security Policy"),
        ("unlabelled", re.escape("label (critical)")),
        ("empty-link", re.escape("link-name (serious)")),
        ("aria-label-only", "form fields without a label"),
        ("script-error", "undefinedFunction"),
    ],
    ids=["csp-violation", "axe", "axe-serious", "no-visible-label", "script-error"],
)
def test_the_checker_fails_on(probe, kind, message):
    with pytest.raises(AssertionError, match=message):
        probe.goto(f"/_probe/{kind}")


def test_two_paths_with_one_title_fail(probe):
    probe.goto("/_probe_same/1")
    probe.goto("/_probe_same/2")
    with pytest.raises(AssertionError, match="share a <title>"):
        probe.finish()


def test_a_page_loaded_behind_the_checkers_back_fails(probe):
    probe.goto("/_probe/clean")
    probe.page.goto(probe.url("/_probe_same/1"))
    with pytest.raises(AssertionError, match="without going through the checker"):
        probe.finish()
