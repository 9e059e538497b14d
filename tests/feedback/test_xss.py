"""Hostile comments render inert on the plan page, the cohort feed and the notifications list:
no script of theirs, no event handler, no javascript:/data:/vbscript: URL, no template
evaluated ("49" would mean {{7*7}} ran)."""

from __future__ import annotations

from html.parser import HTMLParser

from plc.extensions import db
from plc.feedback import mentions
from tests.conftest import login
from tests.xss_payloads import PAYLOADS

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                  "background", "srcset"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.user_text: list[str] = []
        self._stack: list[bool] = []  # per open element: inside user content?
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        inside = bool(self._stack and self._stack[-1])
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name.lower() in URL_ATTRIBUTES and value.startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
            if name == "class" and "user-content" in value:
                inside = True
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/"):
                self.problems.append(f"<script src={src!r}>")
            self._in_script = True
        if tag not in VOID:
            self._stack.append(inside)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:60]!r}")
        if self._stack and self._stack[-1]:
            self.user_text.append(data)


def assert_inert(html: str, where: str) -> list[str]:
    """Returns the user content's text, after checking the whole page."""
    scan = PageScan()
    scan.feed(html)
    assert not scan.problems, f"{where}: {scan.problems}"
    text = " ".join(scan.user_text)
    assert "49" not in text, f"{where}: a template expression was evaluated"
    return scan.user_text


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 30


def test_each_payload_is_inert_when_rendered_alone():
    for payload in PAYLOADS:
        html = str(mentions.render(payload, {}))
        assert_inert(f'<div class="user-content">{html}</div>', payload)


def test_hostile_comments_are_inert_on_every_page_that_shows_them(app, world):
    peer = app.test_client()
    login(peer, world.users["peer_a"])
    for n, payload in enumerate(PAYLOADS):
        url = (f"/updates/{world.update_a.id}/comments" if n % 2
               else f"/plans/{world.plan_a.id}/comments")
        assert peer.post(url, data={"body": payload}).status_code == 302, payload
    db.session.commit()
    author = app.test_client()
    login(author, world.users["member_a"])
    shown_text = []
    for page in (1, 2, 3):  # the plan's conversations come a page at a time
        html = author.get(f"/plans/{world.plan_a.id}?feedback={page}").text
        shown_text += assert_inert(html, f"plan page, conversations page {page}")
    shown = " ".join(shown_text)
    assert "{{7*7}}" in shown and "alert('xss1')" in shown  # shown as text, not dropped
    feed_text = []
    for page in (1, 2, 3):
        html = author.get(f"/cohorts/{world.cohort_a.id}/feed?page={page}").text
        feed_text += assert_inert(html, f"feed page {page}")
    assert "{{ config }}" in " ".join(feed_text)
    notes_text = []
    for page in (1, 2, 3):
        html = author.get(f"/notifications?page={page}").text
        notes_text += assert_inert(html, f"notifications page {page}")
    assert "{{7*7}}" in " ".join(notes_text)
