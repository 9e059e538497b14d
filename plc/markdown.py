"""Markdown that people write (comments, meeting notes) rendered to HTML that is safe to show.

markdown-it-py renders with raw HTML disabled; nh3 (the ammonia sanitizer) then keeps only a
small allow-list of tags and attributes, and only http(s)/mailto links. Either layer alone
would stop the usual payloads; both together mean a bug in one is not a hole.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> Markup:
    """Markdown source -> sanitized HTML (headings are demoted below the page's own)."""
    return _render(text or "")


# Rendering is a pure function of the text and the busiest pages show the same comments to
# everyone in a cohort, again and again: each worker keeps the last few thousand results
# (a few MB at most) instead of parsing and sanitizing them on every request.
@lru_cache(maxsize=4096)
def _render(text: str) -> Markup:
    html = _md.render(text)
    for level in (1, 2):
        html = html.replace(f"<h{level}>", "<h4>").replace(f"</h{level}>", "</h4>")
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704  # nosec B704 (sanitized by nh3 just above)
