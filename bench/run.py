"""Benchmark the real pages against reference routes, under gunicorn, in one run.

    .venv/bin/python bench/run.py --database-url sqlite:////abs/path/bench.db
    .venv/bin/python bench/run.py --database-url postgresql://postgres@127.0.0.1/plc_bench

The database must be seeded by bench/seed.py. The script starts gunicorn (2 x cores + 1
workers of 2 threads, as the README runs it, or sync workers with ``--threads 1``; PLC_BENCH=1
for the /_bench reference routes, production config with CSRF on), signs in as a member, a
facilitator and a programme lead (CSRF token from the login page), then measures every page
in interleaved rounds: each round gives every page the same number of seconds of N concurrent
keep-alive connections. The load comes from wrk (Debian's package;
`make bench` installs it), one C thread that leaves the server's cores to the server; without
wrk, from Python threads and http.client, which take CPU from the server they measure (the
report says which ran). It prints a table of req/s, p50/p99 latency,
errors, SQL statements per request, and throughput as a ratio of the one-query reference
route, checks the issue's targets, and writes the table to bench/results/<date>-<db>.md.

Before the rounds, on workers that have counted nothing yet, a burst: N connections ask for
the programme dashboard while one connection probes the bare reference route, whose p99
must stay under 100 ms (one lead's refresh must not stall everyone else; issue 16).

Pages are found by endpoint name at run time; one that does not exist is reported as missing.
The exit status is 1 if any request failed (a target missed is reported, not an error).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess  # nosec B404 (starts gunicorn with fixed arguments)
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the repository importable
    sys.path.insert(0, str(ROOT))

REFERENCE = "rows"  # the one-query reference route the ratios are taken against
GENERATORS = {"wrk": "wrk (one thread, bench/wrk_report.lua)",
              "python": "Python threads (wrk was not installed)"}


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    endpoint: str
    role: str | None  # None: anonymous
    args: tuple[str, ...] = ()  # url arguments, filled from the discovered ids
    min_ratio: float | None = None  # target: at least this share of the reference req/s


PAGES = [
    Page("hello", "Bare reference (/_bench/hello)", "bench.hello", None),
    Page("rows", "One-query 50-row reference", "bench.rows", None),
    Page("home", "Home (member)", "main.home", "member", (), 0.5),
    Page("feed", "Cohort feed (member)", "feedback.cohort_feed", "member", ("cohort_id",), 0.5),
    Page("plan", "Plan page (peer's plan)", "plans.plan", "member", ("plan_id",), 0.5),
    Page("attendance", "Meeting attendance (facilitator)", "meetings.attendance",
         "facilitator", ("meeting_id",), 0.25),
    Page("cohort_dashboard", "Facilitator dashboard", "dashboards.cohort_dashboard",
         "facilitator", ("cohort_id",), 0.25),
    Page("program_dashboard", "Programme dashboard (lead)", "dashboards.program_dashboard",
         "lead", ("program_id",), 0.25),
    Page("csv", "Participation CSV (lead)", "dashboards.program_csv", "lead", ("program_id",),
         0.25),
]
# Issue 16's targets besides the ratios: a page's p99 at most 3 x the reference route's in the
# same run, its first reader (figures counted afresh) served within 300 ms, and the reference's
# p99 under 100 ms during the burst on the cold dashboard.
P99_TIMES_REFERENCE = 3.0
UNCACHED_TARGET_MS = 300.0
P99_TARGET_MS = 100.0
TIMEOUT = 120  # seconds: a slow page under load is measured, not counted as an error


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered request
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    first_error: str = ""

    def add(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.first_error = self.first_error or other.first_error

    @property
    def p50_ms(self) -> float:
        return percentile(sorted(self.latencies), 0.5) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(sorted(self.latencies), 0.99) * 1000

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else float("nan")


@dataclass
class World:
    """What the benchmark signs in as and looks at (the first cohort of the first programme)."""

    emails: dict
    ids: dict
    scale: str


# --- discovering the data and the pages --------------------------------------------------


# The bench signs its programme lead in with the password alone: it measures pages, not the
# sign-in. A lead with a second factor costs the same statements per page (load_user joins the
# factor in; the enrolment gate then reads nothing: plc/accounts/views.py).
NO_SECOND_FACTOR = {"PLC_REQUIRE_TOTP_FOR": ""}


def make_app(database_url: str, **extra):
    from plc import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "BENCH": True,
                       "SECRET_KEY": secrets.token_hex(32), "REQUIRE_TOTP_FOR": "", **extra})


def discover(app) -> World:
    from sqlalchemy import func, select

    from plc.accounts.models import User
    from plc.extensions import db
    from plc.meetings.models import Meeting
    from plc.plans.models import ActionPlan
    from plc.programs.models import FACILITATOR, MEMBER, Cohort, Membership, ProgramLead

    with app.app_context():
        s = db.session
        program_id, lead = s.execute(
            select(ProgramLead.program_id, User.email).join(User, User.id == ProgramLead.user_id)
            .order_by(ProgramLead.program_id, ProgramLead.id).limit(1)).one()
        cohort_id = s.execute(select(func.min(Cohort.id))
                              .where(Cohort.program_id == program_id)).scalar_one()

        def in_cohort(role):
            return (select(User.id, User.email).join(Membership, Membership.user_id == User.id)
                    .where(Membership.cohort_id == cohort_id, Membership.role == role)
                    .order_by(User.id))

        facilitator = s.execute(in_cohort(FACILITATOR).limit(1)).one()
        members = s.execute(in_cohort(MEMBER)).all()
        member = members[0]
        plan_id = s.execute(
            select(ActionPlan.id).where(ActionPlan.user_id.in_([m.id for m in members[1:]]),
                                        ActionPlan.program_id == program_id,
                                        ActionPlan.visibility == "cohort")
            .order_by(ActionPlan.id).limit(1)).scalar_one()
        meeting_id = s.execute(
            select(Meeting.id).where(Meeting.cohort_id == cohort_id,
                                     Meeting.starts_at < datetime.now(UTC))
            .order_by(Meeting.starts_at.desc()).limit(1)).scalar_one()
        counts = {name: s.execute(select(func.count()).select_from(model)).scalar_one()
                  for name, model in (("cohorts", Cohort), ("people", User))}
        from plc.feedback.models import Comment
        from plc.plans.models import ProgressUpdate

        counts["progress updates"] = s.execute(
            select(func.count()).select_from(ProgressUpdate)).scalar_one()
        counts["comments"] = s.execute(select(func.count()).select_from(Comment)).scalar_one()
    return World(
        emails={"member": member.email, "facilitator": facilitator.email, "lead": lead},
        ids={"program_id": program_id, "cohort_id": cohort_id, "plan_id": plan_id,
             "meeting_id": meeting_id},
        scale=", ".join(f"{v} {k}" for k, v in counts.items()),
    )


def page_urls(app, world: World) -> tuple[dict, list[str]]:
    """The URL of each page whose endpoint exists; the keys of those that do not."""
    from flask import url_for

    urls, missing = {}, []
    with app.test_request_context():
        known = set(app.view_functions)
        for page in PAGES:
            if page.endpoint not in known:
                missing.append(page.key)
                continue
            urls[page.key] = url_for(page.endpoint, **{a: world.ids[a] for a in page.args})
    return urls, missing


@dataclass(frozen=True)
class Cost:
    statements: int
    uncached_ms: float  # in-process, dashboards' figures counted afresh: median of TIMED


# Requests timed for a page's uncached cost: the median of three, as one request alone on a
# shared 2-core machine was seen to take twice its usual time.
TIMED = 3


def statements_per_page(app, world: World, urls: dict, password: str) -> dict[str, Cost]:
    """SQL statements of one request of each page, and the median time of TIMED (in-process,
    test client, after a warm-up request; ``app`` should keep no figures nor rendered pieces,
    FIGURES_CACHE_SECONDS=0 and FRAGMENT_CACHE_ENTRIES=0, so that the time is what a reader
    pays when the figures are counted and the page rendered whole)."""
    from sqlalchemy import event

    from plc.extensions import db

    counts = {}
    with app.app_context():
        engine = db.engine
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith("BEGIN"):  # SQLite's explicit BEGINs
            seen.append(1)

    clients = {}
    for role, email in world.emails.items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": password})
        clients[role] = client
    clients[None] = app.test_client()
    event.listen(engine, "before_cursor_execute", count)
    try:
        for page in PAGES:
            if page.key in urls:
                clients[page.role].get(urls[page.key])  # templates compiled, caches warm
                times = []
                for _ in range(TIMED):
                    seen.clear()
                    started = time.perf_counter()
                    clients[page.role].get(urls[page.key])
                    times.append((time.perf_counter() - started) * 1000)
                counts[page.key] = Cost(len(seen), statistics.median(times))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counts


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, extra_env: dict | None = None) -> dict:
    """The production configuration the server runs with (the load test's commands too)."""
    return {**os.environ, "PLC_DATABASE_URL": database_url, "PLC_BENCH": "1",
            "PLC_ENV_NAME": "production", "PLC_SECRET_KEY": secrets.token_hex(32),
            **NO_SECOND_FACTOR, **(extra_env or {})}


def gunicorn_command(workers: int, bind: str, threads: int) -> list[str]:
    """gunicorn serving the app: ``threads`` above 1 makes gthread workers of that many
    threads (as the README runs it), 1 sync workers."""
    kind = (["--worker-class", "gthread", "--threads", str(threads)] if threads > 1
            else ["--worker-class", "sync"])
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), *kind,
            "--bind", bind, "--log-level", "warning", "wsgi:app"]


def start_gunicorn(database_url: str, workers: int, port: int, extra_env: dict | None = None,
                   log_file=None, threads: int = 1) -> subprocess.Popen:
    """``log_file``: an open file for gunicorn's stderr (its log and the app's errors)."""
    proc = subprocess.Popen(  # noqa: S603  # nosec B603 (our interpreter, fixed arguments)
        gunicorn_command(workers, f"127.0.0.1:{port}", threads),
        cwd=ROOT, env=server_env(database_url, extra_env), stderr=log_file)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        try:
            status, _, _ = request(port, "GET", "/healthz")
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not start in 30 s")


def stop(proc: subprocess.Popen, kill: Callable[[], None] | None = None) -> None:
    """Ask the process to end; after 20 s, kill it (``kill``: how, e.g. its process group)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        (kill or proc.kill)()
        proc.wait(timeout=20)


# --- HTTP ---------------------------------------------------------------------------------


def request(port: int, method: str, path: str, headers: dict | None = None, body=None,
            conn: http.client.HTTPConnection | None = None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body, headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, response.msg, data
    finally:
        if own:
            conn.close()


def cookies_from(msg, jar: dict) -> dict:
    for header in msg.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()
    return jar


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(port: int, email: str, password: str) -> str:
    """The Cookie header of a signed-in session (CSRF token taken from the login page)."""
    status, msg, html = request(port, "GET", "/login")
    jar = cookies_from(msg, {})
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
    if status != 200 or not match:
        raise SystemExit(f"no login page with a CSRF token (status {status})")
    body = urllib.parse.urlencode({"csrf_token": match.group(1).decode(), "email": email,
                                   "password": password})
    status, msg, _ = request(port, "POST", "/login", {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)}, body)
    if status != 302:
        raise SystemExit(f"signing in as {email} answered {status}, not a redirect")
    return cookie_header(cookies_from(msg, jar))


def hammer(port: int, path: str, cookie: str | None, connections: int,
           seconds: float) -> Sample:
    """``connections`` threads, each one connection sending requests back to back."""
    sample = Sample()
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}
    deadline = time.perf_counter() + seconds

    def worker():
        latencies, errors, first_error = [], 0, ""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if not ok and not first_error:
                    first_error = f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                first_error = first_error or repr(exc)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            latencies.append(time.perf_counter() - began)
            errors += not ok
        conn.close()
        with lock:
            sample.latencies.extend(latencies)
            sample.errors += errors
            sample.first_error = sample.first_error or first_error

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sample.seconds = time.perf_counter() - started
    sample.requests = len(sample.latencies)
    return sample


# --- wrk -----------------------------------------------------------------------------------

WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"
WRK_THREADS = 1  # one epoll thread carries 16 connections at thousands of requests a second


def load_generator(choice: str) -> str:
    """"wrk" or "python": ``auto`` takes wrk when it is installed."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    return choice


def hammer_with_wrk(port: int, path: str, cookie: str | None, connections: int,
                    seconds: float) -> Sample:
    """The same load as ``hammer`` from wrk (whole seconds: wrk counts no fractions)."""
    command = ["wrk", f"-t{min(WRK_THREADS, connections)}", f"-c{connections}",
               f"-d{max(1, round(seconds))}s", f"--timeout={TIMEOUT}s", "-s", str(WRK_SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(  # noqa: S603  # nosec B603 (wrk, fixed arguments)
        command, capture_output=True, text=True, check=False, timeout=seconds + TIMEOUT + 30)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr.strip()[:500]}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> Sample:
    """The sample in bench/wrk_report.lua's line."""
    line = next((line for line in output.splitlines() if line.startswith("PLC-WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no report line:\n{output[-2000:]}")
    report = json.loads(line.removeprefix("PLC-WRK "))
    errors = report["not_ok"] + report["socket_errors"]
    return Sample(
        latencies=[value / 1e6 for value, count in report["histogram"] for _ in range(count)],
        requests=report["requests"], errors=errors, seconds=report["duration_us"] / 1e6,
        first_error=(f"{report['not_ok']} answers other than 200, "
                     f"{report['socket_errors']} socket errors") if errors else "")


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


# --- the run -----------------------------------------------------------------------------


def page_cookies(port: int, emails: dict, urls: dict, password: str) -> dict:
    """Each page's Cookie header: its role signed in once (None: anonymous)."""
    sessions = {role: sign_in(port, email, password) for role, email in emails.items()}
    return {page.key: sessions.get(page.role) for page in PAGES if page.key in urls}


def warm_up(port: int, urls: dict, cookies: dict, args) -> None:
    """Every page asked for a while, unmeasured: every worker's caches and connections."""
    for key, url in urls.items():
        hammer(port, url, cookies[key], args.connections, args.warmup)


def measure(port: int, urls: dict, cookies: dict, args) -> dict:
    load = hammer_with_wrk if args.generator == "wrk" else hammer
    totals = {key: Sample() for key in urls}
    warm_up(port, urls, cookies, args)
    for round_number in range(1, args.rounds + 1):
        for key, url in urls.items():
            sample = load(port, url, cookies[key], args.connections, args.duration)
            totals[key].add(sample)
            # The time and the sample's own p99 show when a tail came (a turn of the minute?)
            print(f"  {datetime.now(UTC):%H:%M:%S} round {round_number}/{args.rounds} {key:18} "
                  f"{sample.rate:8.1f} req/s  p99 {sample.p99_ms:6.0f} ms  "
                  f"errors {sample.errors}", flush=True)
    return totals


# --- the burst on a cold dashboard ------------------------------------------------------------

BURST_PAGE = "program_dashboard"
BURST_PROBE = "hello"  # the bare reference route: what every other user of the site waits for


@dataclass(frozen=True)
class Burst:
    """The bare reference route's latency alone, then while ``connections`` connections ask
    for the programme dashboard on freshly started workers (each counts the figures once)."""

    connections: int
    seconds: float
    alone: Sample
    during: Sample
    dashboard: Sample

    def verdict(self) -> tuple[bool, str]:
        p99 = self.during.p99_ms
        return (p99 < P99_TARGET_MS and not self.during.errors and not self.dashboard.errors,
                f"bare reference p99 {p99:.0f} ms during a burst of {self.connections} "
                f"connections on the cold programme dashboard (target < 100 ms)")

    def markdown(self) -> str:
        return "\n".join([
            "| Bare reference (/_bench/hello), one connection | requests | p50 ms | p99 ms "
            "| errors |", "|---|---:|---:|---:|---:|",
            *(f"| {label} | {sample.requests} | {sample.p50_ms:.1f} | {sample.p99_ms:.1f} "
              f"| {sample.errors} |"
              for label, sample in (("alone", self.alone), ("during the burst", self.during))),
            "", f"The burst itself: {self.dashboard.requests} programme dashboards answered in "
            f"{self.seconds:g} s, p99 {self.dashboard.p99_ms:.0f} ms, "
            f"{self.dashboard.errors} errors."])


def burst(port: int, urls: dict, cookies: dict, args) -> Burst:
    """Run first, on workers that have counted nothing yet: the reference route probed from
    one connection (Python) while the load generator asks for the dashboard."""
    load = hammer_with_wrk if args.generator == "wrk" else hammer
    probe_url, dashboard_url = urls[BURST_PROBE], urls[BURST_PAGE]
    alone = hammer(port, probe_url, None, 1, args.burst_seconds)
    during: list[Sample] = []
    probe = threading.Thread(target=lambda: during.append(
        hammer(port, probe_url, None, 1, args.burst_seconds)))
    probe.start()
    dashboard = load(port, dashboard_url, cookies[BURST_PAGE], args.connections,
                     args.burst_seconds)
    probe.join()
    return Burst(args.connections, args.burst_seconds, alone, during[0], dashboard)


def table(totals: dict, statements: dict, missing: list[str]) -> tuple[str, list[str]]:
    """The markdown table, and one line per target (met or missed)."""
    ref = totals.get(REFERENCE)
    ref_rps = ref.rate if ref and ref.seconds else None
    p99_limit = P99_TIMES_REFERENCE * ref.p99_ms if ref and ref.latencies else float("nan")
    lines = ["| Page | req/s | x reference | p50 ms | p99 ms | errors | SQL statements "
             "| uncached ms |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    for page in PAGES:
        if page.key in missing:
            lines.append(f"| {page.label} | missing (no endpoint `{page.endpoint}`) "
                         "| | | | | | |")
            verdicts.append(f"MISSING {page.label}: endpoint {page.endpoint} not registered")
            continue
        sample = totals[page.key]
        rps = sample.rate
        ratio = rps / ref_rps if ref_rps else float("nan")
        p50, p99 = sample.p50_ms, sample.p99_ms
        cost = statements.get(page.key)
        lines.append(f"| {page.label} | {rps:.1f} | {ratio:.2f} | {p50:.1f} | {p99:.1f} "
                     f"| {sample.errors} | {cost.statements if cost else '?'} "
                     f"| {f'{cost.uncached_ms:.0f}' if cost else '?'} |")
        checks = []
        if page.min_ratio is not None:
            checks.append((ratio >= page.min_ratio,
                           f"throughput {ratio:.0%} of reference (target >= {page.min_ratio:.0%})"))
        if page.role is not None:
            checks.append((p99 <= p99_limit, f"p99 {p99:.0f} ms (target <= {p99_limit:.0f} ms: "
                                             f"{P99_TIMES_REFERENCE:g} x the reference's)"))
            if cost:
                checks.append((cost.uncached_ms <= UNCACHED_TARGET_MS,
                               f"first reader {cost.uncached_ms:.0f} ms "
                               f"(target <= {UNCACHED_TARGET_MS:.0f} ms)"))
        checks.append((sample.errors == 0, f"{sample.errors} errors"
                       + (f" (first: {sample.first_error})" if sample.first_error else "")))
        for ok, text in checks:
            verdicts.append(f"{'met   ' if ok else 'MISSED'} {page.label}: {text}")
    return "\n".join(lines), verdicts


def machine(database_url: str, app) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor() or "unknown")
    parts = [f"- nproc: {os.cpu_count()}", f"- CPU: {cpu}",
             f"- Python: {platform.python_version()}", f"- SQLite: {sqlite3.sqlite_version}"]
    if database_url.startswith("postgres"):
        from sqlalchemy import text

        from plc.extensions import db

        with app.app_context():
            version = db.session.execute(text("SHOW server_version")).scalar_one()
        parts.append(f"- PostgreSQL: {version}")
    else:
        parts.append("- PostgreSQL: not used in this run")
    try:
        import gunicorn

        parts.append(f"- gunicorn: {gunicorn.__version__}")
    except ImportError:  # pragma: no cover
        pass
    return "\n".join(parts)


def normalize_url(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


def main(argv: list[str] | None = None) -> int:
    from bench.seed import BENCH_PASSWORD

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("PLC_DATABASE_URL"),
                        help="the seeded database (default: $PLC_DATABASE_URL)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=2,
                        help="threads per worker, as the README runs it (1: sync workers)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per page, unmeasured")
    parser.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--tag", default="",
                        help="added to the report's file name (make bench: scale5 at scale 5)")
    parser.add_argument("--password", default=BENCH_PASSWORD)
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto",
                        help="the load generator (auto: wrk when installed)")
    parser.add_argument("--burst-seconds", type=float, default=3.0,
                        help="seconds of the burst on the cold programme dashboard (0: none)")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set PLC_DATABASE_URL")
    args.generator = load_generator(args.generator)
    database_url = normalize_url(args.database_url)
    db_kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"

    # The first reader's cost: figures counted afresh and no rendered piece kept.
    app = make_app(database_url, WTF_CSRF_ENABLED=False, FIGURES_CACHE_SECONDS=0,
                   FRAGMENT_CACHE_ENTRIES=0)
    world = discover(app)
    urls, missing = page_urls(app, world)
    statements = statements_per_page(app, world, urls, args.password)
    port = free_port()
    print(f"Benchmarking {db_kind} ({world.scale}) with {args.workers} gunicorn workers, "
          f"{args.connections} connections ({args.generator}), {args.rounds} rounds x "
          f"{args.duration:g} s per page", flush=True)
    proc = start_gunicorn(args.database_url, args.workers, port, threads=args.threads)
    try:
        cookies = page_cookies(port, world.emails, urls, args.password)
        cold = burst(port, urls, cookies, args) if args.burst_seconds > 0 else None
        totals = measure(port, urls, cookies, args)
    finally:
        stop(proc)

    markdown, verdicts = table(totals, statements, missing)
    burst_lines = []
    if cold is not None:
        met, text = cold.verdict()
        verdicts.append(f"{'met   ' if met else 'MISSED'} Burst: {text}")
        burst_lines = ["", "Burst on the cold programme dashboard (the first thing the freshly "
                       f"started server is asked; {GENERATORS[args.generator]} for the burst, "
                       "one Python connection for the reference):", "", cold.markdown()]
    now = datetime.now(UTC)
    report = "\n".join([
        f"# PLC benchmark, {db_kind}, {now:%Y-%m-%d %H:%M} UTC", "",
        f"Data: {world.scale}. Server: gunicorn, {args.workers} "
        f"{f'gthread workers of {args.threads} threads' if args.threads > 1 else 'sync workers'}"
        ", production "
        f"config (CSRF on). Load: {args.connections} concurrent connections from "
        f"{GENERATORS[args.generator]} on the same machine, {args.rounds} interleaved rounds "
        f"x {args.duration:g} s per page after a warm-up. Ratios are req/s divided by the "
        "one-query reference route's. "
        "The dashboards' figures are kept by each worker for FIGURES_CACHE_SECONDS (120 s, "
        "plc/cache.py), and rendered pieces of pages under keys made of what they show "
        "(plc/fragments.py), so under load they are mostly served from memory; 'uncached ms' "
        "is an in-process request with the figures counted afresh and no piece kept (what "
        "the first reader waits, plus the network; the median of three). While one thread of "
        "a worker counts the figures again, its other readers are shown those it had.",
        "", markdown, *burst_lines, "", "Targets:", "", *[f"- {v}" for v in verdicts], "",
        "Machine:", "",
        machine(database_url, app), "",
    ])
    write_report(report, args.results_dir, "-".join(filter(None, (db_kind, args.tag))), now)
    errors = any(totals[k].errors for k in totals) or (
        cold is not None and bool(cold.during.errors or cold.dashboard.errors))
    return 1 if errors else 0


def write_report(report: str, results_dir: str, name: str, now: datetime) -> Path:
    """Print the report and keep it as <results_dir>/<date>-<name>.md (the day's last run;
    name: the database, and the tag if any)."""
    print("\n" + report)
    results = Path(results_dir)
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{now:%Y-%m-%d}-{name}.md"
    path.write_text(report)
    print(f"Written to {path}")
    return path


if __name__ == "__main__":
    sys.exit(main())
