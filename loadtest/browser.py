"""What a simulated user needs of a browser: a cookie jar, one connection, HTML forms read
generically (the pages change shape; forms are found by their fields or action, never by
position), and a record of every request it made."""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

from bench.run import TIMEOUT, cookie_header, cookies_from

# --- forms -----------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: dict = field(default_factory=dict)  # name -> value sent as the page stands
    radio_groups: set = field(default_factory=set)  # names of radio groups (chosen or not)

    def has(self, name: str) -> bool:
        return name in self.fields or name in self.radio_groups

    def names_starting(self, prefix: str) -> list[str]:
        return sorted(n for n in {*self.fields, *self.radio_groups} if n.startswith(prefix))

    def filled(self, **values) -> str:
        """The urlencoded body: the page's values with ``values`` put over them."""
        return urllib.parse.urlencode({**self.fields, **values})


class _FormParser(HTMLParser):
    """Collects what a browser would submit for each form: text-like inputs, checked boxes
    and radios, a select's chosen (else first) option, textareas. Submit buttons are left
    out so that a form with several (e.g. "mark all present") posts its plain save."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list, list] | None = None  # name, options, selected
        self._textarea: tuple[str, list] | None = None
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), ""]
            self._select[1].append(self._option)
            if "selected" in a:
                self._select[2].append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])

    def _input(self, a: dict) -> None:
        name, kind = a.get("name"), a.get("type", "text").lower()
        if not name or kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind == "radio":
            self._form.radio_groups.add(name)
        if kind in ("radio", "checkbox") and "checked" not in a:
            return
        self._form.fields[name] = a.get("value", "on" if kind in ("radio", "checkbox") else "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options, selected = self._select
            chosen = (selected or options or [None])[0]
            if chosen is not None:
                self._form.fields[name] = chosen[0] if chosen[0] is not None else chosen[1]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.fields[name] = "".join(text).removeprefix("\n")
            self._textarea = None


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def find_form(html: str, page_path: str, *, field_name: str | None = None,
              field_prefix: str | None = None, action: str | None = None) -> Form | None:
    """The first form with the named field (or a field named ``field_prefix``..., or posting
    to ``action``); its action made absolute against the page it came from."""
    for form in forms_in(html):
        target = urllib.parse.urljoin(page_path, form.action or page_path)
        if ((field_name is None or form.has(field_name))
                and (field_prefix is None or form.names_starting(field_prefix))
                and (action is None or target == action)):
            form.action = target
            return form
    return None


# --- requests and what became of them ---------------------------------------------------------


def route_of(path: str) -> str:
    """A path with its ids blanked, so that requests group by page."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path.split("?", 1)[0])


@dataclass
class Sample:
    at: float  # time.monotonic() when the request began
    method: str
    route: str
    status: int | None  # None: no answer (connection refused, reset, timed out)
    seconds: float
    error: str = ""
    host: str = ""  # who answered: the load balancer's X-Served-By header, when there is one


class Recorder:
    """Every request of every simulated user, for the report (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.samples: list[Sample] = []

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)


class Browser:
    """One signed-in person: a cookie jar and a connection of their own."""

    def __init__(self, port: int, recorder: Recorder, host: str = "127.0.0.1"):
        self.port = port
        self.recorder = recorder
        self.jar: dict = {}
        self.mine: list[Sample] = []  # this person's requests (the recorder has everyone's)
        self.conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)

    def _record(self, sample: Sample) -> None:
        self.mine.append(sample)
        self.recorder.add(sample)

    def fetch(self, method: str, path: str, body: str | None = None):
        """(status, html) or None when no answer came; recorded either way."""
        headers = {"Cookie": cookie_header(self.jar)} if self.jar else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began, clock = time.monotonic(), time.perf_counter()
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            html = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()  # the next request opens a new connection
            self._record(Sample(began, method, route_of(path), None,
                                time.perf_counter() - clock, repr(exc)))
            return None
        cookies_from(response.msg, self.jar)
        self._record(Sample(began, method, route_of(path), response.status,
                            time.perf_counter() - clock,
                            host=response.getheader("X-Served-By") or ""))
        return response.status, html

    def get(self, path: str):
        return self.fetch("GET", path)

    def submit(self, form: Form, **values):
        return self.fetch("POST", form.action, form.filled(**values))

    def sign_in(self, login_path: str, email: str, password: str) -> bool:
        page = self.get(login_path)
        form = page and page[0] == 200 and find_form(page[1], login_path, field_name="password")
        if not form:
            return False
        answer = self.submit(form, email=email, password=password)
        return answer is not None and answer[0] == 302

    def close(self) -> None:
        self.conn.close()
