"""Whole journeys in a real Chromium (Debian's, driven by Playwright) against a live server.

Fixtures:

- ``live_server``: the worker's app (``tests/conftest.py``'s ``app``, on a fresh copy of the
  database) served by werkzeug in a background thread; ``.url``, ``.app``, ``.mail``. Seed data with
  ``with live_server.app.app_context(): ...; db.session.commit()``. Its mail goes to
  ``tests/conftest.py``'s ``smtp_sink`` (aiosmtpd on 127.0.0.1); ``.mail`` is the list of
  parsed messages received.
- ``browser`` (one Chromium per run), ``page`` (a fresh context per test) and ``checker``.

Every navigation goes through ``checker`` (``goto``, ``click``, ``press``, ``navigate``), which
after each page load runs axe-core, checks that form fields are labelled and records the
title. A page load the checker did not see, a console error (CSP violations included), an
uncaught script error, or two paths sharing one title fail the test at its end.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests import factories
from tests.conftest import REQUIRE_ALL

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    # Collection hooks see every item of the run, not only this folder's.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- live server ----------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    app: Flask
    mail: list  # parsed messages the app sent, oldest first


@pytest.fixture
def live_server(app, smtp_sink):
    """The worker's app, as a browser meets it, served by werkzeug in a thread."""
    app.config.update(
        SERVER_NAME=None,  # links use the host the browser asked for
        WTF_CSRF_ENABLED=True,  # a real browser posts real forms, tokens included
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.port,
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.port}", app=app, mail=smtp_sink.messages)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if REQUIRE_ALL:
            pytest.fail(f"{message}; CI requires the browser tests", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def checker(page, live_server):
    check = PageChecker(page, live_server.url)
    yield check
    check.finish()


# --- the page checker -----------------------------------------------------------------------

_UNLABELLED_FIELDS_JS = """
() => {
  const skip = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  const visible = (el) => el.checkVisibility
    ? el.checkVisibility({visibilityProperty: true})
    : !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const named = (ids) => ids.split(/\\s+/).some(
    (id) => { const t = document.getElementById(id); return t && t.textContent.trim(); });
  const bad = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.tagName === 'INPUT' && skip.has((el.getAttribute('type') || 'text').toLowerCase())) {
      continue;
    }
    if (!visible(el)) continue;
    const byLabel = Array.from(el.labels || []).some((l) => l.textContent.trim());
    const byAria = el.hasAttribute('aria-labelledby') && named(el.getAttribute('aria-labelledby'));
    if (!byLabel && !byAria) bad.push(el.outerHTML.slice(0, 200));
  }
  return bad;
}
"""


# Only the violations come back: the passes and the rules that did not apply are a large
# JSON document per page, and carrying it from Chromium to Python cost 40% of every check.
_AXE_VIOLATIONS_JS = """
() => {
  if (!window.axe) throw new Error('axe-core is missing: open pages via PageChecker');
  return axe.run(document, {resultTypes: ['violations']}).then((results) => results.violations);
}
"""


def format_axe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  [{v.get('helpUrl', '')}]")
        for node in v["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node.get('html', '').strip()[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


# The sign-in page's words in each shipped language (a browser that prefers Spanish gets it
# in Spanish).
SIGN_IN_WORDS = {"en": ("E-mail", "Password", "Sign in"),
                 "es": ("Correo electrónico", "Contraseña", "Iniciar sesión")}


def sign_in(checker, email: str, password: str = factories.PASSWORD, language: str = "en"
            ) -> None:
    page = checker.page
    email_label, password_label, button = SIGN_IN_WORDS[language]
    checker.goto("/login")
    page.get_by_label(email_label, exact=True).fill(email)
    page.get_by_label(password_label, exact=True).fill(password)
    checker.click(page.get_by_role("button", name=button))


class PageChecker:
    """Navigate through this, never through ``page`` directly, so every page gets checked."""

    def __init__(self, page, base_url: str):
        from axe_playwright_python.base import AXE_FILE_PATH

        self.page = page
        self.base_url = base_url
        # axe-core arrives with every document (an init script, outside the page's CSP) rather
        # than being sent over for each check: about 15% off the browser tests' time.
        page.context.add_init_script(path=str(AXE_FILE_PATH))
        self.titles: dict[str, set[str]] = {}  # path -> titles seen (pages answering < 400)
        self.errors: list[str] = []  # console errors and uncaught page errors
        self.unchecked: list[str] = []  # pages loaded and not yet checked
        self.status: int | None = None  # of the last main-frame document
        self.checked = 0
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error on {page.url}: {exc}"))
        page.on("load", lambda p: self.unchecked.append(p.url))
        page.on("response", self._on_response)

    # navigation ---------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def goto(self, path: str, status: int = 200):
        """Open ``path`` and check the page; ``status`` other than 200 is a deliberate visit to
        an error page, whose "failed to load" console line is then expected, not a fault."""
        response = self.page.goto(self.url(path))
        assert response.status == status, f"{path}: {response.status}, expected {status}"
        self._expect_error_line(status)
        self.check()
        return response

    def navigate(self, action: Callable[[], object], status: int = 200):
        """Run ``action`` (a click, a key press ...) that loads a new page, then check it;
        ``status`` as for ``goto``."""
        with self.page.expect_navigation():
            action()
        assert self.status == status, f"{self.page.url}: {self.status}, expected {status}"
        self._expect_error_line(status)
        self.check()

    def _expect_error_line(self, status: int) -> None:
        if status != 200:
            self.errors = [e for e in self.errors if f"status of {status}" not in e]

    def click(self, locator, status: int = 200) -> None:
        self.navigate(locator.click, status)

    def press(self, key: str) -> None:
        self.navigate(lambda: self.page.keyboard.press(key))

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    # checks -------------------------------------------------------------------------------

    def check(self) -> None:
        page = self.page
        page.wait_for_load_state("load")
        where = page.url
        self.unchecked.clear()
        self.checked += 1
        self._assert_no_errors()
        violations = page.evaluate(_AXE_VIOLATIONS_JS)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, (
            f"axe-core found serious/critical accessibility violations on {where}:\n"
            + format_axe_violations(blocking)
        )
        unlabelled = page.evaluate(_UNLABELLED_FIELDS_JS)
        assert not unlabelled, f"form fields without a label on {where}:\n" + "\n".join(unlabelled)
        title = page.title().strip()
        assert title, f"{where} has no <title>"
        if self.status is None or self.status < 400:
            self.titles.setdefault(urlsplit(where).path, set()).add(title)

    def finish(self) -> None:
        self._assert_no_errors()
        assert not self.unchecked, (
            f"pages loaded without going through the checker: {self.unchecked}"
        )
        by_title: dict[str, set[str]] = {}
        for path, titles in self.titles.items():
            for title in titles:
                by_title.setdefault(title, set()).add(path)
        shared = {title: sorted(paths) for title, paths in by_title.items() if len(paths) > 1}
        assert not shared, f"different pages share a <title>: {shared}"

    def _assert_no_errors(self) -> None:
        errors, self.errors = self.errors, []  # each reported once
        assert not errors, "the browser reported errors:\n" + "\n".join(errors)

    def _on_console(self, message) -> None:
        location = message.location or {}
        if message.type == "error":
            self.errors.append(
                f"console error on {self.page.url}: {message.text}"
                + (f" ({location.get('url')}:{location.get('lineNumber')})" if location else "")
            )

    def _on_response(self, response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.status = response.status


# Buttons and links in forms and in the navigation, shown on the page, under 44 px tall: on a
# phone (issue 14) every one should be big enough for a finger.
_SMALL_TARGETS_JS = """
() => Array.from(document.querySelectorAll(
    'main form button, main form .btn, main form summary.btn, main form select,'
    + ' main .todo-action .btn, header nav a, header nav button'))
  .filter((el) => el.checkVisibility() && el.getBoundingClientRect().height < 44)
  .map((el) => el.outerHTML.slice(0, 120) + ' ' + el.getBoundingClientRect().height)
"""


def small_touch_targets(page) -> list[str]:
    """The visible buttons and links of forms and navigation under 44 px tall."""
    return page.evaluate(_SMALL_TARGETS_JS)


def tab_into_next_radio_group(page, previous: str | None, max_tabs: int = 40) -> str:
    """Press Tab until focus is on a radio of a group other than ``previous``; its name."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.type === 'radio' ? document.activeElement.name : null"
        )
        if focused and focused != previous:
            return focused
    raise AssertionError("no further radio group reachable with Tab")
