"""The four scenarios of issue 7's load and fault suite, each under its own gunicorn:

- steady: N users, mostly reading, ~10% writes; every acknowledged write must be stored;
- surge: many users, a graceful reload (SIGHUP) half-way, then latency must recover;
- smtp-down: the SMTP server is down for the whole run; then it comes back and
  ``flask plc send-mail --all`` must deliver every queued message exactly once;
- backup: ``flask plc backup`` taken under load restores into a sound database holding every
  write acknowledged before the backup began.
"""

from __future__ import annotations

import os
import random
import re
import signal
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.run import free_port, start_gunicorn, stop
from loadtest import data
from loadtest.browser import Browser, Recorder, Sample, find_form
from plc.meetings.models import ATTENDANCE_STATUSES

RECOVERY_SECONDS = 30  # latency must be back to the baseline this soon after the load stops
SEND_MAIL_ROUNDS = 20  # send-mail invocations allowed to empty the outbox (as cron would)
MARKED = ("comment", "update")  # writes that carry a marker text
# A short run on a busy machine may end before a write of each kind was acknowledged (its
# checks would prove nothing): the users keep going until one was, at most this much longer.
FIRST_WRITE_WAIT_SECONDS = 30


@dataclass
class Settings:
    database_url: str
    users: int
    surge_users: int
    duration: float
    workers: int
    think: float  # mean pause between a user's actions, seconds
    write_share: float
    work_dir: Path
    password: str
    run_id: str
    seed: int = 1
    smtp_down: str = "refused"  # or "silent": the SMTP server accepts and never answers
    mistypes: int = 0  # surge: this many users first sign in with a wrong password
    network: str = "auto"  # two-hosts: namespaces, ports, or auto (namespaces when root)
    threads: int = 2  # per gunicorn worker, as the README runs it (1: sync workers)

    @property
    def server(self) -> str:
        """How gunicorn runs, in the reports' words."""
        return (f"{self.workers} workers of {self.threads} threads" if self.threads > 1
                else f"{self.workers} sync workers")


# --- one simulated user ---------------------------------------------------------------------


@dataclass
class Write:
    kind: str  # comment | update | attendance
    key: str | int  # the marker text, or the meeting id (attendance)
    began: float
    outcome: str = "unknown"  # acknowledged | rejected | unknown (no answer, or a 5xx)
    answered: float = 0.0
    statuses: dict = field(default_factory=dict)  # attendance: user id -> status


class SimulatedUser(threading.Thread):
    """Signs in as its own account, then reads pages and now and then writes, until told."""

    def __init__(self, number: int, account: data.Account, port: int, recorder: Recorder,
                 login_path: str, prefix: str, stop_at: float, settings: Settings):
        super().__init__(daemon=True, name=f"user-{number}")
        self.number, self.account, self.prefix, self.stop_at = number, account, prefix, stop_at
        self.settings, self.login_path = settings, login_path
        self.browser = Browser(port, recorder)
        self.rng = random.Random(settings.seed * 100_003 + number)  # noqa: S311  # nosec B311
        self.writes: list[Write] = []
        self.signed_in = False
        self.mistype = False
        self.forms_not_found: list[str] = []  # pages that answered 200 without the form

    def run(self):
        try:
            if self.mistype:  # a wrong password first: the sign-in throttle counts it
                self.browser.sign_in(self.login_path, self.account.email, "not-the-password")
            while not self.signed_in and time.monotonic() < self.stop_at:
                self.signed_in = self.browser.sign_in(self.login_path, self.account.email,
                                                      self.settings.password)
                if not self.signed_in:
                    time.sleep(1)
            while time.monotonic() < self.stop_at:
                if self.rng.random() < self.settings.write_share:
                    self.write()
                else:
                    self.browser.get(self.rng.choice(self.account.reads))
                time.sleep(self.rng.uniform(0, 2 * self.settings.think))
        finally:
            self.browser.close()

    def write(self) -> None:
        if self.account.role == "facilitator":
            self.take_attendance()
        elif self.rng.random() < 0.5:
            self.comment()
        else:
            self.post_update()

    def _marker(self) -> str:
        return f"{self.prefix}-u{self.number}-w{len(self.writes) + 1}"

    def comment(self) -> None:
        page, action = self.rng.choice(self.account.comment_pages)
        form = self._form(page, action=action)
        if form is not None:
            key = self._marker()
            self._post(Write("comment", key, time.monotonic()), form,
                       body=f"Load test comment {key} on your plan.")

    def post_update(self) -> None:
        form = self._form(self.account.update_page, field_name="did")
        if form is not None:
            key = self._marker()
            self._post(Write("update", key, time.monotonic()), form,
                       did=f"Load test update {key} done.")

    def take_attendance(self) -> None:
        meeting_id, page = self.rng.choice(self.account.attendance_pages)
        form = self._form(page, field_prefix="status-")
        if form is not None:
            names = form.names_starting("status-")
            chosen = {name: self.rng.choice(ATTENDANCE_STATUSES) for name in names}
            write = Write("attendance", meeting_id, time.monotonic(),
                          statuses={int(n.split("-", 1)[1]): s for n, s in chosen.items()})
            self._post(write, form, **chosen)

    def _form(self, page: str, **which):
        answer = self.browser.get(page)
        if answer is None or answer[0] != 200:
            return None
        form = find_form(answer[1], page, **which)
        if form is None:
            self.forms_not_found.append(page)
        return form

    def _post(self, write: Write, form, **values) -> None:
        self.writes.append(write)
        answer = self.browser.submit(form, **values)
        write.answered = time.monotonic()
        if answer is not None and answer[0] == 302:
            write.outcome = "acknowledged"
        elif answer is not None and answer[0] < 500:
            write.outcome = "rejected"


# --- a load run -----------------------------------------------------------------------------


def accounts_for(world: data.World, users: int) -> list[data.Account]:
    """About a tenth facilitators (each account once: one writer per meeting's attendance,
    so the last acknowledged save is what the database must hold); members for the rest."""
    facilitators = world.facilitators[:max(1, users // 10)] if users > 1 else []
    members = [world.members[i % len(world.members)] for i in range(users - len(facilitators))]
    return [*facilitators, *members]


@dataclass
class Load:
    samples: list[Sample]
    writes: list[Write]
    started: float
    stopped: float  # when the users stopped starting new requests
    signed_in: int
    users: int
    forms_not_found: list


def run_load(port: int, world: data.World, users: int, settings: Settings, prefix: str,
             during: Callable[[list[SimulatedUser], float, float], None] | None = None,
             mistypes: int = 0) -> Load:
    recorder = Recorder()
    started = time.monotonic()
    stop_at = started + settings.duration
    threads = [SimulatedUser(n, account, port, recorder, world.login_path, prefix, stop_at,
                             settings)
               for n, account in enumerate(accounts_for(world, users), start=1)]
    for thread in threads[-mistypes:] if mistypes else []:
        thread.mistype = True
    for thread in threads:
        thread.start()
    if during is not None:
        during(threads, started, stop_at)
    keep_loading_until_acknowledged(threads, kinds_written(threads))
    for thread in threads:
        thread.join()
    return Load(recorder.samples, [w for t in threads for w in t.writes], started,
                max(t.stop_at for t in threads) if threads else stop_at,
                sum(t.signed_in for t in threads), len(threads),
                [page for t in threads for page in t.forms_not_found])


def kinds_written(threads) -> set[str]:
    """Every user comments and updates; facilitators (if any is among them) take attendance."""
    return {"comment", "update"} | (
        {"attendance"} if any(t.account.attendance_pages for t in threads) else set())


def acknowledged_kinds(threads) -> set[str]:
    return {w.kind for t in threads for w in list(t.writes) if w.outcome == "acknowledged"}


def keep_loading_until_acknowledged(threads, kinds: set[str]) -> None:
    give_up_at = time.monotonic() + FIRST_WRITE_WAIT_SECONDS
    while (time.monotonic() < give_up_at and any(t.is_alive() for t in threads)
           and not kinds <= acknowledged_kinds(threads)):
        extend_if_ending(threads)
        time.sleep(0.05)


def extend_if_ending(threads) -> int:
    """Keep the users going one more second if their run is about to end; 1 if it was."""
    if time.monotonic() > threads[0].stop_at - 1:
        for t in threads:
            t.stop_at += 1
        return 1
    return 0


# --- checking the writes --------------------------------------------------------------------


@dataclass
class WriteCount:
    kind: str
    sent: int
    acknowledged: int
    rejected: int
    unknown: int
    stored: int  # attendance: meetings holding the last acknowledged save
    lost: list  # acknowledged, not stored
    unexplained: list  # stored, neither acknowledged nor of unknown outcome
    unknown_stored: int = 0  # stored, the answer lost (committed, the client never told)

    @property
    def ok(self) -> bool:
        return not self.lost and not self.unexplained


def count_writes(database_url: str, prefix: str, writes: list[Write]) -> list[WriteCount]:
    stored = data.stored_markers(database_url, prefix)
    counts = []
    for kind in MARKED:
        mine = [w for w in writes if w.kind == kind]
        acked = {w.key for w in mine if w.outcome == "acknowledged"}
        unknown = {w.key for w in mine if w.outcome == "unknown"}
        present = stored[kind]
        counts.append(WriteCount(
            kind, len(mine), len(acked), sum(w.outcome == "rejected" for w in mine),
            len(unknown), len(present), sorted(acked - present),
            sorted(present - acked - unknown), len(present & unknown)))
    counts.append(count_attendance(database_url, [w for w in writes if w.kind == "attendance"]))
    return counts


def count_attendance(database_url: str, writes: list[Write]) -> WriteCount:
    """Attendance carries no marker: per meeting, the database must hold the statuses of the
    last acknowledged save (or of a later save whose answer was lost)."""
    meetings = sorted({w.key for w in writes})
    stored = data.stored_attendance(database_url, meetings)
    lost, matching = [], 0
    for meeting_id in meetings:
        mine = sorted((w for w in writes if w.key == meeting_id), key=lambda w: w.began)
        acked = [i for i, w in enumerate(mine) if w.outcome == "acknowledged"]
        if not acked:
            continue
        last = acked[-1]
        candidates = [mine[last], *(w for w in mine[last + 1:] if w.outcome == "unknown")]
        held = stored[meeting_id]
        if any(all(held.get(uid) == s for uid, s in w.statuses.items()) for w in candidates):
            matching += 1
        else:
            lost.append(f"meeting {meeting_id}")
    return WriteCount("attendance", len(writes),
                      sum(w.outcome == "acknowledged" for w in writes),
                      sum(w.outcome == "rejected" for w in writes),
                      sum(w.outcome == "unknown" for w in writes), matching, lost, [])


# --- what a scenario reports ----------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    setup: str
    load: Load | None = None
    writes: list[WriteCount] = field(default_factory=list)
    checks: list[tuple[bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    log_lines: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)  # what a scenario counted beyond the writes

    def check(self, ok: bool, text: str) -> None:
        self.checks.append((bool(ok), text))

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.checks)


def standard_checks(outcome: Outcome, load: Load, log_file: Path, *, login_route: str,
                    no_failures: bool = False) -> None:
    """What every scenario must show: no 5xx, no 'database is locked', no traceback, every
    acknowledged write stored, and 429 only on sign-in."""
    answered = [s for s in load.samples if s.status is not None]
    fivexx = sum(s.status >= 500 for s in answered)
    outcome.check(load.signed_in == load.users,
                  f"{load.signed_in} of {load.users} users signed in")
    outcome.check(fivexx == 0, f"{fivexx} responses 5xx")
    outcome.check(not load.forms_not_found, f"{len(load.forms_not_found)} write forms not "
                  f"found on their pages {sorted(set(load.forms_not_found))[:3]}")
    unanswered = [s for s in load.samples if s.status is None]
    if no_failures:
        outcome.check(not unanswered, f"{len(unanswered)} requests with no answer"
                      + (f" (first: {unanswered[0].error})" if unanswered else ""))
    limited = {s.route for s in answered if s.status == 429}
    outcome.check(limited <= {login_route},
                  f"429 only on sign-in (429 seen on: {sorted(limited) or 'nothing'})")
    log = log_file.read_text(errors="replace")
    outcome.log_lines = {"database is locked": log.count("database is locked"),
                         "Traceback": log.count("Traceback")}
    for needle, seen in outcome.log_lines.items():
        outcome.check(seen == 0, f'{seen} x "{needle}" in the gunicorn log')
    check_writes(outcome)


def check_writes(outcome) -> None:
    """Every acknowledged write of each kind stored, none unexplained, and some acknowledged
    (a run whose writes all failed proves nothing)."""
    for count in outcome.writes:
        outcome.check(count.ok, f"{count.kind}: {count.acknowledged} acknowledged, "
                      f"{count.stored} stored; lost {len(count.lost)} {count.lost[:5]}, "
                      f"unexplained {len(count.unexplained)} {count.unexplained[:5]}; "
                      f"outcome unknown {count.unknown} (of which stored "
                      f"{count.unknown_stored})")
    acknowledged = sum(c.acknowledged for c in outcome.writes)
    outcome.check(acknowledged > 0, f"{acknowledged} writes acknowledged in all")


class Server:
    """gunicorn for one scenario, its stderr in a log file of its own."""

    def __init__(self, settings: Settings, name: str, extra_env: dict | None = None):
        self.settings, self.port = settings, free_port()
        self.log_file = settings.work_dir / f"{settings.run_id}-{name}-gunicorn.log"
        mail_dir = settings.work_dir / f"{settings.run_id}-{name}-mail"
        self.env = {"PLC_MAIL_DIR": str(mail_dir), **(extra_env or {})}
        self.proc = None

    def __enter__(self):
        self._log = self.log_file.open("w")
        self.proc = start_gunicorn(self.settings.database_url, self.settings.workers, self.port,
                                   self.env, log_file=self._log, threads=self.settings.threads)
        return self

    def __exit__(self, *_exc):
        stop(self.proc)
        self._log.close()


# --- the scenarios ---------------------------------------------------------------------------


def steady(settings: Settings, world: data.World) -> Outcome:
    outcome = Outcome("steady", f"{settings.users} users, {settings.duration:g} s, "
                      f"{settings.server}")
    prefix = f"lt{settings.run_id}steady"
    with Server(settings, "steady") as server:
        load = run_load(server.port, world, settings.users, settings, prefix)
    outcome.load = load
    outcome.writes = count_writes(settings.database_url, prefix, load.writes)
    standard_checks(outcome, load, server.log_file, login_route=world.login_path)
    return outcome


def surge(settings: Settings, world: data.World) -> Outcome:
    outcome = Outcome("surge", f"{settings.surge_users} users, {settings.duration:g} s, "
                      f"{settings.server}, SIGHUP to the gunicorn master half-way"
                      + (f", {settings.mistypes} of them first mistype their password"
                         if settings.mistypes else ""))
    prefix = f"lt{settings.run_id}surge"
    with Server(settings, "surge") as server:
        probe = Browser(server.port, Recorder())
        probe_account = world.members[-1]
        if not probe.sign_in(world.login_path, probe_account.email, settings.password):
            raise RuntimeError("the latency probe could not sign in")
        baseline = probe_median(probe, world.probe_path, rounds=20, warmup=5)
        hup_at: list[float] = []
        probed: dict = {}

        def reload_half_way_then_probe(_threads, started, stop_at):
            time.sleep(max(0.0, (started + stop_at) / 2 - time.monotonic()))
            os.kill(server.proc.pid, signal.SIGHUP)
            hup_at.append(time.monotonic())
            # Probing starts when the users stop sending, while the queue still drains.
            time.sleep(max(0.0, stop_at - time.monotonic()))
            probed["after"], probed["trace"] = recovery(probe, world.probe_path, baseline,
                                                        stop_at)

        load = run_load(server.port, world, settings.surge_users, settings, prefix,
                        during=reload_half_way_then_probe, mistypes=settings.mistypes)
        recovered_after, trace = probed["after"], probed["trace"]
        probe.close()
    outcome.load = load
    outcome.writes = count_writes(settings.database_url, prefix, load.writes)
    standard_checks(outcome, load, server.log_file, login_route=world.login_path,
                    no_failures=True)
    around = [s for s in load.samples if hup_at and abs(s.at - hup_at[0]) <= 5]
    outcome.check(bool(hup_at), "SIGHUP sent to the gunicorn master mid-run")
    outcome.notes.append(
        f"Requests within 5 s of the reload: {len(around)}, of which failed (5xx or no "
        f"answer): {sum(s.status is None or s.status >= 500 for s in around)}.")
    limit = max(2 * baseline, baseline + 0.05)
    outcome.check(recovered_after is not None and recovered_after <= RECOVERY_SECONDS,
                  f"latency back to the baseline (p50 {baseline * 1000:.0f} ms; limit "
                  f"{limit * 1000:.0f} ms) "
                  + (f"{recovered_after:.1f} s after the load stopped"
                     if recovered_after is not None else f"not within {RECOVERY_SECONDS} s"))
    outcome.notes.append("Probe after the load (seconds after it stopped: p50 ms): "
                         + ", ".join(f"{t:.1f}: {ms:.0f}" for t, ms in trace))
    return outcome


def probe_median(browser: Browser, path: str, rounds: int, warmup: int = 0) -> float:
    for _ in range(warmup):
        browser.get(path)
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        answer = browser.get(path)
        if answer is not None and answer[0] == 200:
            times.append(time.perf_counter() - began)
    if not times:
        raise RuntimeError(f"the latency probe got no answer from {path}")
    return statistics.median(times)


def recovery(browser: Browser, path: str, baseline: float, stopped: float):
    """Seconds from the end of the load until a second's probes have a p50 within 2 x the
    baseline or +50 ms (None if not within the limit), and the probes' trace."""
    limit = max(2 * baseline, baseline + 0.05)
    trace = []
    while time.monotonic() - stopped <= RECOVERY_SECONDS:
        second = time.monotonic()
        p50 = probe_median(browser, path, rounds=3)
        trace.append((time.monotonic() - stopped, p50 * 1000))
        if p50 <= limit:
            return time.monotonic() - stopped, trace
        time.sleep(max(0.0, 1 - (time.monotonic() - second)))
    return None, trace


def smtp_down(settings: Settings, world: data.World) -> Outcome:
    from loadtest.smtp import SilentServer, SmtpSink

    silent = settings.smtp_down == "silent"
    outcome = Outcome("smtp-down", f"{settings.users} users, {settings.duration:g} s, "
                      f"{settings.server}, SMTP server down for the whole run ("
                      + ("it accepts connections and never answers" if silent
                         else "connections refused") + ")")
    prefix = f"lt{settings.run_id}smtp"
    port = free_port()  # nothing listens here until the sink starts (unless silent)
    mail_env = {"PLC_MAIL_SERVER": "127.0.0.1", "PLC_MAIL_PORT": str(port)}
    before = data.outbox_top(settings.database_url)
    hung = SilentServer(port).start() if silent else None
    try:
        with Server(settings, "smtp-down", mail_env) as server:
            load = run_load(server.port, world, settings.users, settings, prefix)
    finally:
        if hung is not None:
            hung.stop()
    outcome.load = load
    outcome.writes = count_writes(settings.database_url, prefix, load.writes)
    standard_checks(outcome, load, server.log_file, login_route=world.login_path,
                    no_failures=True)
    queued = data.outbox_since(settings.database_url, before)
    outcome.check(len(queued) > 0, f"{len(queued)} messages queued during the run")
    sent_early = sum(queued.values())
    outcome.check(sent_early == 0, f"{sent_early} of them sent while SMTP was down")

    sink = SmtpSink(port).start()
    try:
        rounds = deliver_everything(settings.database_url, mail_env)
    finally:
        sink.stop()
    after = data.outbox_since(settings.database_url, before)
    received = sink.outbox_ids()
    ours = [received.count(i) for i in queued]
    outcome.check(all(after.get(i) for i in queued),
                  f"{sum(bool(after.get(i)) for i in queued)} of {len(queued)} queued "
                  "messages marked sent")
    outcome.check(ours and all(n == 1 for n in ours),
                  f"{sum(n == 1 for n in ours)} of {len(queued)} received exactly once "
                  f"(twice or more: {sum(n > 1 for n in ours)}, never: {ours.count(0)})")
    outcome.notes.append(f"`flask plc send-mail --all` runs until one found nothing to send: "
                         f"{rounds}; the sink received {len(received)} messages in all.")
    return outcome


def deliver_everything(database_url: str, mail_env: dict, send_all: bool = True) -> int:
    """Run ``flask plc send-mail [--all]`` as cron would, until a run finds nothing to send."""
    for round_number in range(1, SEND_MAIL_ROUNDS + 1):
        done = data.flask_command(database_url, "plc", "send-mail",
                                  *(["--all"] if send_all else []), extra_env=mail_env)
        sent = int(re.search(r"(\d+) sent", done.stdout).group(1))
        if sent == 0:
            return round_number
    return SEND_MAIL_ROUNDS


def backup(settings: Settings, world: data.World) -> Outcome:
    outcome = Outcome("backup", f"{settings.users} users, {settings.duration:g} s, "
                      f"{settings.server}, `flask plc backup` a third of the way in")
    prefix = f"lt{settings.run_id}backup"
    suffix = "sql" if data.is_postgres(settings.database_url) else "sqlite"
    target = settings.work_dir / f"{settings.run_id}-backup.{suffix}"
    taken: dict = {}

    def keep_going(threads) -> None:
        taken["extended"] = taken.get("extended", 0) + extend_if_ending(threads)

    def back_up_a_third_in(threads, started, stop_at):
        time.sleep(max(0.0, started + (stop_at - started) / 3 - time.monotonic()))
        # A write must be acknowledged first, or the check proves nothing; on a busy machine
        # (a short run beside other tests) that may take longer than the planned load.
        give_up_at = time.monotonic() + FIRST_WRITE_WAIT_SECONDS
        while time.monotonic() < give_up_at and not acknowledged_kinds(threads) & set(MARKED):
            keep_going(threads)
            time.sleep(0.05)
        # What was acknowledged before the backup began (each user's list is append-only).
        taken["before"] = [w for t in threads for w in list(t.writes)
                           if w.outcome == "acknowledged"]
        began = time.monotonic()

        def back_up():
            try:
                data.flask_command(settings.database_url, "plc", "backup", str(target))
            except RuntimeError as exc:
                taken["error"] = str(exc)

        backing_up = threading.Thread(target=back_up)
        backing_up.start()
        while backing_up.is_alive():
            keep_going(threads)  # the backup must end under load
            backing_up.join(0.2)
        taken["seconds"] = time.monotonic() - began

    with Server(settings, "backup") as server:
        load = run_load(server.port, world, settings.users, settings, prefix,
                        during=back_up_a_third_in)
    outcome.load = load
    outcome.writes = count_writes(settings.database_url, prefix, load.writes)
    standard_checks(outcome, load, server.log_file, login_route=world.login_path)
    outcome.check(not taken.get("error"), f"`flask plc backup` under load wrote {target.name} "
                  f"in {taken['seconds']:.1f} s" + (f": {taken['error']}"
                                                    if taken.get("error") else ""))
    if taken.get("error"):
        return outcome
    if taken.get("extended"):
        outcome.notes.append(f"The load was extended by {taken['extended']} s so that a "
                             "write came before the backup and the backup ended under load.")
    restored = data.restore_into_scratch(target, settings.database_url)
    try:
        for name, (ok, detail) in restored.checks.items():
            outcome.check(ok, f"restored database: {name}: {detail}")
        present = data.stored_markers(restored.url, prefix)
    finally:
        restored.cleanup()
    before = [w for w in taken["before"] if w.kind in MARKED]
    missing = [w.key for w in before if w.key not in present[w.kind]]
    outcome.check(before and not missing,
                  f"{len(before) - len(missing)} of {len(before)} comments and updates "
                  f"acknowledged before the backup began are in the restored database"
                  + (f" (missing: {missing[:5]})" if missing else ""))
    after = sum(len(v) for v in present.values()) - (len(before) - len(missing))
    outcome.notes.append(f"The restored database also holds {after} load-test writes "
                         "acknowledged after the backup began (committed before its snapshot).")
    return outcome


SCENARIOS = {"steady": steady, "surge": surge, "smtp-down": smtp_down, "backup": backup}
