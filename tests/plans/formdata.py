"""Read a page's form the way a browser would submit it (inputs, checked boxes, selected
options, textareas), so view tests post what the real form holds."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._templates = 0  # inside a <template>: inert, never submitted

    def handle_starttag(self, tag, attrs):
        if tag == "template":
            self._templates += 1
        if self._templates:
            return
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self.values.setdefault(self._select, self._first_option)
            if "selected" in a:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # A textarea's first newline belongs to the markup, not the value.
            value = self.values[self._textarea] + data
            for newline in ("\r\n", "\n"):
                value = value.removeprefix(newline)
            self.values[self._textarea] = value


def form_values(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.values
