"""Compare two seeded databases page by page in one interleaved run (issue 16: the ratios at
scale 5 within 10% of scale 1's).

    .venv/bin/python bench/compare.py --database-url sqlite:////abs/bench.db \\
        --against sqlite:////abs/bench5.db

Two benchmark runs on this shared 2-core machine, minutes apart, give the same page ratios
20 to 30% apart: what moves is the machine, not the data. Here both databases are served at
once (one gunicorn each, the same workers and threads as bench/run.py) and every round gives
each page a turn on each server, back to back (which server goes first alternates), so that
both see the same moments of the machine; the servers are started twice, in both orders (the
one started second was measured faster, whatever it served).

The estimate is paired, round by round. In each round a page's ratio is its req/s over the
one-query reference route's on the same server in the same round (the mean of the round's two
reference samples), and its change is the second database's ratio over the first's in that
round; the report gives the median of those over all rounds. The machine's speed moves from
round to round by far more than a sample's own noise (a round at half speed is common), so
a ratio of medians taken over all rounds picks the page's and the reference's medians from
rounds of different speeds: it carries the noise of about one sample, where the median of
ten per-round changes carries much less. The report also gives the per-round changes'
interquartile range, to show the noise left. The targets: the change within 10%, and both
databases' statements per request equal. First-reader times are reported too. It writes
bench/results/<date>-<db>-compare.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (
    GENERATORS,
    PAGES,
    REFERENCE,
    ROOT,
    discover,
    free_port,
    hammer,
    hammer_with_wrk,
    load_generator,
    machine,
    make_app,
    normalize_url,
    page_cookies,
    page_urls,
    start_gunicorn,
    statements_per_page,
    stop,
    warm_up,
    write_report,
)

TOLERANCE = 0.10  # issue 16: the ratios at scale 5 within 10% of scale 1's


@dataclass
class Served:
    """One database under its own gunicorn: what to ask for and as whom."""

    url: str
    scale: str
    emails: dict
    urls: dict
    costs: dict
    port: int = 0
    proc: object = None
    cookies: dict | None = None


def prepare(database_url: str, password: str) -> Served:
    app = make_app(database_url, WTF_CSRF_ENABLED=False, FIGURES_CACHE_SECONDS=0,
                   FRAGMENT_CACHE_ENTRIES=0)
    world = discover(app)
    urls, _missing = page_urls(app, world)
    return Served(database_url, world.scale, world.emails, urls,
                  statements_per_page(app, world, urls, password))


def start(served: Served, args) -> None:
    served.port = free_port()
    served.proc = start_gunicorn(served.url, args.workers, served.port, threads=args.threads)
    served.cookies = page_cookies(served.port, served.emails, served.urls, args.password)


Round = list[dict[str, list[float]]]  # one round, per server: page -> req/s of its samples


def served_session(servers: list[Served], args, started_first: int,
                   found: list[Round]) -> None:
    """Both servers started (``started_first``'s first), measured, stopped. On this machine
    the server started second measured the same reference route 10 to 15% faster, whichever
    database it served: sessions alternate the order, so both databases meet both places."""
    order = [servers[started_first], servers[1 - started_first]]
    try:
        for served in order:
            start(served, args)
        rounds(servers, args, found)
    finally:
        for served in order:
            if served.proc is not None:
                stop(served.proc)
                served.proc = None


def rounds(servers: list[Served], args, found: list[Round]) -> None:
    """Each round: every page on each server back to back, the reference route first and
    again last (a 2-second sample of it varies by up to half here, and every ratio divides
    by it)."""
    load = hammer_with_wrk if args.generator == "wrk" else hammer
    for served in servers:
        warm_up(served.port, served.urls, served.cookies, args)
    for number in range(args.rounds):
        order = list(range(len(servers)))
        if number % 2:
            order.reverse()
        this_round: Round = [{} for _ in servers]
        for key in [*servers[0].urls, REFERENCE]:
            for index in order:
                served = servers[index]
                sample = load(served.port, served.urls[key], served.cookies[key],
                              args.connections, args.duration)
                if sample.errors:
                    raise SystemExit(f"{key} on {served.url}: {sample.first_error}")
                this_round[index].setdefault(key, []).append(sample.rate)
        found.append(this_round)
        print(f"  round {number + 1}/{args.rounds}: " + "; ".join(
            f"{key} {this_round[0][key][-1]:.0f}/{this_round[1][key][-1]:.0f}"
            for key in servers[0].urls), flush=True)


def median_rate(found: list[Round], index: int, key: str) -> float:
    """The page's req/s on one server, the median of all its samples (for the table only)."""
    return statistics.median(rate for one in found for rate in one[index][key])


def round_ratio(one: Round, index: int, key: str) -> float:
    """The page's req/s over the reference's, on one server within one round."""
    return statistics.fmean(one[index][key]) / statistics.fmean(one[index][REFERENCE])


@dataclass(frozen=True)
class Paired:
    first: float  # the median over rounds of the page's ratio on the first database
    second: float  # ... on the second
    change: float  # the median over rounds of second / first - 1, each round's own
    spread: tuple[float, float]  # the per-round changes' first and third quartiles


def paired(found: list[Round], key: str) -> Paired:
    """The page's ratios and change, estimated round by round (the module's docstring says
    why)."""
    ratios = [(round_ratio(one, 0, key), round_ratio(one, 1, key)) for one in found]
    changes = [b / a - 1 for a, b in ratios]
    spread = (tuple(statistics.quantiles(changes, n=4)[::2]) if len(changes) > 1
              else (changes[0], changes[0]))
    return Paired(statistics.median(a for a, _ in ratios),
                  statistics.median(b for _, b in ratios),
                  statistics.median(changes), spread)


def report(servers: list[Served], found: list[Round], args) -> tuple[str, bool]:
    first, second = servers
    lines = ["| Page | req/s (first) | req/s (second) | x reference (first) "
             "| x reference (second) | second / first | per-round spread "
             "| SQL statements | first reader ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    for page in PAGES:
        if page.key not in first.urls:
            continue
        rates = [median_rate(found, index, page.key) for index in (0, 1)]
        estimate = paired(found, page.key)
        a, b, change = estimate.first, estimate.second, estimate.change
        ca, cb = first.costs[page.key], second.costs[page.key]
        low, high = estimate.spread
        lines.append(f"| {page.label} | {rates[0]:.0f} | {rates[1]:.0f} | {a:.2f} | {b:.2f} "
                     f"| {change:+.0%} | {low:+.0%} to {high:+.0%} "
                     f"| {ca.statements} / {cb.statements} "
                     f"| {ca.uncached_ms:.0f} / {cb.uncached_ms:.0f} |")
        if page.role is None:
            continue
        verdicts.append((abs(change) <= TOLERANCE,
                         f"{page.label}: ratio {b:.2f} against {a:.2f} ({change:+.0%}; "
                         f"target within {TOLERANCE:.0%})"))
        verdicts.append((ca.statements == cb.statements,
                         f"{page.label}: {cb.statements} statements against {ca.statements} "
                         "(target: equal)"))
    text = "\n".join([
        f"First: {first.scale}. Second: {second.scale}. Served at once, one gunicorn each "
        f"({args.workers} workers of {args.threads} threads, production config); load from "
        f"{GENERATORS[args.generator]}, {args.connections} connections, {args.sessions} "
        f"session{'s' if args.sessions != 1 else ''} (both servers started afresh, in "
        f"alternating order) of {args.rounds} rounds "
        f"x {args.duration:g} s per page and database, back to back, the reference route first "
        "and last in each round. req/s: the median of the page's samples. 'x reference': "
        "in each round, the page's req/s over the one-query reference's on the same server "
        "(the mean of the round's two reference samples), the median over rounds. "
        "'second / first': each round's second ratio over its first, the median over rounds "
        "(the target: within 10%); 'per-round spread': those changes' interquartile range. "
        "'First reader ms': in-process, figures counted afresh and nothing kept (median of "
        "three).", "",
        *lines, "", "Targets:", "",
        *[f"- {'met   ' if ok else 'MISSED'} {text}" for ok, text in verdicts]])
    return text, all(ok for ok, _ in verdicts)


def main(argv: list[str] | None = None) -> int:
    from bench.seed import BENCH_PASSWORD

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="the first seeded database")
    parser.add_argument("--against", required=True, help="the second (e.g. scale 5)")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=2.0,
                        help="seconds per page per database per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per session")
    parser.add_argument("--sessions", type=int, default=2,
                        help="times both servers are started, in alternating order")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--password", default=BENCH_PASSWORD)
    parser.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args(argv)
    args.generator = load_generator(args.generator)
    servers = [prepare(normalize_url(url), args.password)
               for url in (args.database_url, args.against)]
    found: list[Round] = []
    for session in range(args.sessions):
        served_session(servers, args, session % 2, found)
    text, met = report(servers, found, args)
    db_kind = "postgresql" if servers[0].url.startswith("postgresql") else "sqlite"
    now = datetime.now(UTC)
    app = make_app(servers[0].url)
    write_report("\n".join([f"# PLC benchmark, two databases compared, {db_kind}, "
                            f"{now:%Y-%m-%d %H:%M} UTC", "", text, "", "Machine:", "",
                            machine(servers[0].url, app), ""]),
                 args.results_dir, f"{db_kind}-compare", now)
    print("All targets met." if met else "Some targets missed (above).")
    return 0  # a target missed is reported, not an error (as bench/run.py)


if __name__ == "__main__":
    sys.exit(main())
