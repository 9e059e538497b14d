"""Rendered pieces of pages, kept by each worker and keyed by what they show.

Most of a busy page's time goes to Jinja, not to the database: every comment, progress update
and focus card is a few dozen macro calls, escapes and translations (issue 16's profile of the
plan page: about 1,200 Jinja calls per request against 1 ms of SQL). A piece rendered once is
kept under a key made of everything it shows (the row's id and the stamps its writes change,
the reader's rights over it), plus the page language and the reader's time zone, which every
piece may show, and the site's stamp (plc/stamps.py), which every write of what no row stamp
covers changes (a person's name, a membership, a meeting, a bulk statement); so a key never
outlives what it shows, and nothing needs to be thrown away when data changes. Old keys just
fall out of the LRU. A request without the site's stamp (no signed-in session) keeps nothing.

    {% call fragment('comment', c.id, c.edited_at, c.deleted_at, may_edit) %}...{% endcall %}

A piece may hold a form: the request's CSRF token in it is kept as a mark and each request
gets its own token put back (a token is signed for one browser session). Only the templates
choose the key: a key that leaves out something the piece shows would show it stale, so the
tests render pieces around every kind of write that changes them
(tests/feedback/test_fragments.py), and the whole suite runs with the store on.

So a whole page body can be kept, its rows not even read: the plan page's, keyed by its own
rows' stamps; the cohort feed's with ``kept_with_content``, under the stamp of every plan's
content; the attendance page's and the facilitator's dashboard's with ``kept_body``, which
renders afresh a form shown again after a refused POST.

FRAGMENT_CACHE_ENTRIES (config) bounds how many pieces a worker keeps; 0 turns it off.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import NamedTuple

from cachetools import LRUCache
from flask import current_app, g
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from plc import stamps

CSRF_MARK = "\x00csrf-token\x00"  # never in HTML that Jinja escaped or a person wrote
_lock = threading.Lock()  # threaded servers (the test live server) share one store
_rendering: set[tuple] = set()  # the keys of clocked pieces a thread is rendering again now


def _store(entries: int) -> LRUCache:
    return current_app.extensions.setdefault("plc_fragments", LRUCache(entries))


def _reader_key() -> tuple | None:
    """What every piece may show of the reader (dates in their time zone, in their language)
    and the site's stamp; None when the request has no stamp. Found once a request (a page
    asks for dozens of pieces), beside the locale object it was found for, so that a change of
    language within the request (``force_locale``, ``i18n.use_language``) is still obeyed, as
    the templates' catalog is (plc/i18n.py)."""
    locale = get_locale()
    kept = g.get("plc_reader_key")
    if kept is not None and kept[0] is locale:
        return kept[1]
    site = stamps.current().site
    key = None if site is None else (str(locale), getattr(current_user, "time_zone", None), site)
    g.plc_reader_key = (locale, key)
    return key


def fragment(*key: Hashable, caller: Callable[[], Markup], clock: Hashable = None) -> Markup:
    """The piece ``caller`` renders, kept under ``key`` (a Jinja call block's body, which an
    HTML template renders as Markup: escaped already). ``clock``: for a piece that changes with
    the clock alone, the moment it is rendered for (home's minute); see ``_current``."""
    entries = current_app.config["FRAGMENT_CACHE_ENTRIES"]
    reader = _reader_key() if entries > 0 else None
    if reader is None:
        return caller()
    full = (*key, *reader)
    store = _store(entries)
    with _lock:
        kept = store.get(full)
        shown = kept is not None and (_current(kept, clock) or full in _rendering)
        # Kept for an earlier clock: this thread renders it again, the others are shown it.
        claimed = kept is not None and not shown
        if claimed:
            _rendering.add(full)
    if shown:
        return _with_token(kept.html)
    try:
        html = _without_token(caller())
        with _lock:
            store[full] = _Kept(html, clock)
    finally:
        if claimed:
            with _lock:
                _rendering.discard(full)
    return _with_token(html)


class _Kept(NamedTuple):
    html: Markup
    clock: Hashable  # None for a piece the clock does not change


def _current(kept: _Kept, clock: Hashable) -> bool:
    """Whether a kept piece is for this ``clock`` or a later one (asked for by a thread that
    read the clock just before it turned).

    A clocked piece kept for an earlier clock is still shown while one thread renders it again:
    without that, every thread of every worker would render home again at once at the turn of
    each minute, and the requests behind them wait (home's p99 on PostgreSQL, issue 16). So
    after the clock turns a reader may be shown the last body for as long as one render takes;
    a write still changes its key (the site's stamps), so it never shows data older than the
    last write."""
    if kept.clock is None or clock is None:
        return kept.clock is clock
    return kept.clock >= clock


def kept_with_content(*key: Hashable, caller: Callable[[], Markup],
                      clock: Hashable = None) -> Markup:
    """``fragment``, kept also under the stamp of every plan's content: for a page showing
    many plans' content (the cohort feed), which no cheap stamp of its own rows covers."""
    content = stamps.current().content
    if content is None:
        return caller()
    return fragment("content", content, *key, caller=caller, clock=clock)


def kept_body(key: tuple | None, caller: Callable[[], Markup], clock: Hashable = None) -> Markup:
    """A whole page body kept under ``key`` as a ``fragment``, or rendered afresh when the
    view gives no key (a form shown again with what was typed and its errors)."""
    return caller() if key is None else fragment(*key, caller=caller, clock=clock)


def _without_token(html: Markup) -> Markup:
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))  # once made
    return html.replace(token, CSRF_MARK) if token else html


def _with_token(html: Markup) -> Markup:
    return html.replace(CSRF_MARK, generate_csrf()) if CSRF_MARK in html else html


def register(app) -> None:
    app.jinja_env.globals["fragment"] = fragment
    app.jinja_env.globals["kept_with_content"] = kept_with_content
    app.jinja_env.globals["kept_body"] = kept_body
