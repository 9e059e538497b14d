"""Issue 7's load and fault suite: simulated users against gunicorn, then a count of what the
database really holds.

    .venv/bin/python loadtest/run.py --database-url sqlite:////abs/path/load.db
    .venv/bin/python loadtest/run.py --database-url postgresql://postgres@127.0.0.1/plc_load

WARNING: unless --no-prepare, the database is REPLACED: a PostgreSQL database named in the URL
is DROPPED and CREATED again (give a scratch database, never one whose data you want), an
SQLite file is deleted; then `flask db upgrade` and bench/seed.py fill it again.

Each simulated user (a thread with its own connection and cookies, like bench/run.py) signs
in as its own seeded member (about a tenth as facilitators), then loops: mostly GETs (home,
plans, cohort feed, meetings) and --write-share writes (a comment on a peer's plan or a
progress update on one's own plan, each carrying a unique marker text; facilitators save
attendance). Forms are read from the pages (CSRF token, version fields) and posted back.
Afterwards the database is searched for the markers: every acknowledged write must be there.

Scenarios (--scenario, default all): steady (--users for --duration s), surge (--surge-users,
SIGHUP to gunicorn half-way, latency must recover within 30 s), smtp-down (SMTP refused for the
whole run, then a sink comes up and `flask plc send-mail --all` must deliver each queued
message exactly once), backup (`flask plc backup` a third of the way in, restored into a
scratch database and checked), and on PostgreSQL two-hosts (loadtest/twohosts.py: two
gunicorn hosts behind HAProxy, in network namespaces as root (--network), one killed and
started again under load). The report goes to loadtest/results/<date>-<db>.md (one scenario
alone: <date>-<db>-<scenario>.md); the exit status is 1 if any acceptance point fails.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the repository importable
    sys.path.insert(0, str(ROOT))

from bench.run import machine as machine_facts  # noqa: E402
from bench.run import make_app, normalize_url, percentile, write_report  # noqa: E402
from loadtest import data, scenarios, twohosts  # noqa: E402

SCENARIOS = {**scenarios.SCENARIOS, **twohosts.SCENARIOS}
POSTGRESQL_ONLY = set(twohosts.SCENARIOS)  # one database shared by two hosts


def parse_args(argv):
    from bench.seed import BENCH_PASSWORD

    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="WARNING: without --no-prepare the database at --database-url is DROPPED "
               "(PostgreSQL) or DELETED (SQLite) and seeded again. Use a scratch database.")
    parser.add_argument("--database-url", required=True,
                        help="scratch database: sqlite:////abs/path.db or postgresql://...")
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all",
                        help="all: every scenario the database can run (two-hosts: "
                             "PostgreSQL only)")
    parser.add_argument("--users", type=int, default=50, help="steady, smtp-down and backup")
    parser.add_argument("--surge-users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per scenario")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads per worker, as the README runs it (1: sync workers)")
    parser.add_argument("--think", type=float, default=0.2,
                        help="mean pause between one user's requests, seconds")
    parser.add_argument("--write-share", type=float, default=0.1)
    parser.add_argument("--smtp-down", choices=("refused", "silent"), default="refused",
                        help="how SMTP is down: connections refused, or accepted and never "
                             "answered (a hung server: each attempt waits PLC_MAIL_TIMEOUT)")
    parser.add_argument("--mistypes", type=int, default=0,
                        help="surge: users who first sign in with a wrong password (the "
                             "throttle counts failures per account and per address)")
    parser.add_argument("--scale", type=float, default=0.1,
                        help="bench/seed.py scale when preparing (0.1 = 5 cohorts x 40)")
    parser.add_argument("--no-prepare", action="store_true",
                        help="use the database as it is (already migrated and seeded)")
    parser.add_argument("--results-dir", default=str(ROOT / "loadtest" / "results"))
    parser.add_argument("--work-dir", default=str(ROOT / "loadtest" / "data"),
                        help="gunicorn logs, mail folders and backups of the run")
    parser.add_argument("--password", default=BENCH_PASSWORD)
    parser.add_argument("--network", choices=("auto", "namespaces", "ports"), default="auto",
                        help="two-hosts: each host in a network namespace (needs root), two "
                             "ports on 127.0.0.1, or namespaces when permitted (auto)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kind = "postgresql" if data.is_postgres(args.database_url) else "sqlite"
    names = [n for n in SCENARIOS if kind == "postgresql" or n not in POSTGRESQL_ONLY] \
        if args.scenario == "all" else [args.scenario]
    if kind != "postgresql" and POSTGRESQL_ONLY & set(names):
        # `make loadtest LOADTEST_ARGS="--scenario two-hosts"` runs SQLite first: nothing to do.
        print(f"{args.scenario} needs PostgreSQL (one database two hosts share): not run on "
              "SQLite")
        return 0
    if not args.no_prepare:
        data.prepare(args.database_url, args.scale)
    world = data.discover(args.database_url)
    work_dir = Path(args.work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    settings = scenarios.Settings(
        database_url=args.database_url, users=args.users, surge_users=args.surge_users,
        duration=args.duration, workers=args.workers, think=args.think,
        write_share=args.write_share, work_dir=work_dir, password=args.password,
        run_id=secrets.token_hex(3), smtp_down=args.smtp_down,
        mistypes=args.mistypes, network=args.network, threads=args.threads)
    outcomes = []
    for name in names:
        print(f"Scenario {name} on {kind} ({world.description})...", flush=True)
        began = time.monotonic()
        outcome = SCENARIOS[name](settings, world)
        print(f"  {'passed' if outcome.passed else 'FAILED'} in "
              f"{time.monotonic() - began:.0f} s", flush=True)
        outcomes.append(outcome)
    # A run of one scenario keeps its own file: it must not replace the day's whole-suite one.
    report_name = kind if args.scenario == "all" else f"{kind}-{args.scenario}"
    write_report(render(kind, world, settings, outcomes), args.results_dir, report_name,
                 datetime.now(UTC))
    return 0 if all(o.passed for o in outcomes) else 1


# --- the report ------------------------------------------------------------------------------


def render(kind: str, world, settings, outcomes) -> str:
    app = make_app(normalize_url(settings.database_url))
    lines = [f"# PLC load and fault suite, {kind}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"Data: {world.description} (bench/seed.py). Server: gunicorn, "
             f"{settings.workers} sync workers, production config (CSRF on). Users: Python "
             f"threads on the same machine, one connection and session each, mean think time "
             f"{settings.think:g} s, {settings.write_share:.0%} writes.", ""]
    for outcome in outcomes:
        lines += scenario_section(outcome)
    lines += ["## Machine", "", machine_facts(normalize_url(settings.database_url), app),
              # Other work on the machine slows everything the report times: say how busy.
              f"- load average at the end (1, 5, 15 min): "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}", ""]
    return "\n".join(lines)


def scenario_section(outcome) -> list[str]:
    load = outcome.load
    samples = load.samples
    seconds = max(load.stopped - load.started, 1e-9)
    latencies = sorted(s.seconds for s in samples if s.status is not None)
    fivexx = sum(1 for s in samples if s.status is not None and s.status >= 500)
    unanswered = sum(1 for s in samples if s.status is None)
    limited = by_route(s for s in samples if s.status == 429)
    other = by_route(s for s in samples if s.status is not None and 400 <= s.status < 500
                     and s.status != 429)
    lines = [f"## {outcome.name}: {'PASS' if outcome.passed else 'FAIL'}", "",
             f"Set-up: {outcome.setup}.", "",
             "| requests | req/s | p50 ms | p99 ms | max ms | 5xx | no answer | 429 by path "
             "| other 4xx |",
             "|---:|---:|---:|---:|---:|---:|---:|---|---|",
             f"| {len(samples)} | {len(samples) / seconds:.1f} "
             f"| {percentile(latencies, 0.5) * 1000:.0f} "
             f"| {percentile(latencies, 0.99) * 1000:.0f} "
             f"| {(latencies[-1] if latencies else 0) * 1000:.0f} | {fivexx} | {unanswered} "
             f"| {limited or 'none'} | {other or 'none'} |", "",
             "| writes | sent | acknowledged | rejected | outcome unknown | stored | lost "
             "| stored, answer lost | stored, not acknowledged |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in outcome.writes:
        lines.append(f"| {c.kind} | {c.sent} | {c.acknowledged} | {c.rejected} | {c.unknown} "
                     f"| {c.stored} | {len(c.lost)} | {c.unknown_stored} "
                     f"| {len(c.unexplained)} |")
    lines += ["", "(Attendance has no marker: its 'stored' counts the meetings whose saved "
              "statuses are those of the last acknowledged save; one facilitator per meeting.)"]
    lines += ["", "Acceptance points:", ""]
    lines += [f"- {'pass' if ok else 'FAIL'}: {text}" for ok, text in outcome.checks]
    if outcome.notes:
        lines += ["", *[f"Note: {n}" for n in outcome.notes]]
    return [*lines, ""]


def by_route(samples) -> str:
    counts: dict[str, int] = {}
    for s in samples:
        key = f"{s.method} {s.route}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))


if __name__ == "__main__":
    sys.exit(main())
