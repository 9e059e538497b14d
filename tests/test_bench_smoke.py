"""The benchmark kit works: bench/seed.py seeds, bench/run.py measures under gunicorn with 0
errors and writes its table; the /_bench reference routes exist only when benchmarking."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench import compare, run, seed
from plc import create_app
from plc.extensions import db
from plc.feedback.models import Comment
from plc.programs.models import Cohort, Membership
from tests.conftest import REQUIRE_ALL

ROOT = Path(__file__).resolve().parents[1]
# The whole run with Python threads, whose fractions of a second keep it short (wrk counts
# whole seconds: 9 pages would take 9); wrk itself is proven against a tiny server below.
GENERATOR = "python"
# The kit's own proof (seeding, measuring, comparing, reporting) runs in CI's SQLite leg; the
# PostgreSQL leg leaves it out (.ci/run), and `make bench BENCH_DATABASE_URL=...` measures
# PostgreSQL with the same code (bench/results/*-postgresql*.md).
pytestmark = pytest.mark.bench_kit


def test_bench_routes_do_not_exist_in_the_normal_app(client):
    assert client.get("/_bench/hello").status_code == 404
    assert client.get("/_bench/rows").status_code == 404


def test_bench_routes_answer_when_benchmarking(app_config):
    bench_app = create_app({**app_config, "BENCH": True})
    with bench_app.app_context():
        client = bench_app.test_client()
        assert client.get("/_bench/hello").get_data(as_text=True) == "Hello"
        assert client.get("/_bench/rows").status_code == 200


def test_seed_is_deterministic_in_size_and_refuses_a_non_empty_database(app):
    counts = seed.seed(0.02, echo=lambda _line: None)
    assert counts["cohorts"] == 1
    assert counts["memberships"] == seed.MEMBERS_PER_COHORT + 1
    assert counts["comments"] == seed.MEMBERS_PER_COHORT * seed.COMMENTS_PER_MEMBER
    assert db.session.execute(select(func.count()).select_from(Cohort)).scalar_one() == 1
    assert db.session.execute(select(func.count()).select_from(Membership)).scalar_one() == 41
    assert not seed.is_empty()


@pytest.mark.slow
def test_run_measures_every_page_with_no_errors_and_writes_the_table(bench_cohort, app_config,
                                                                    tmp_path):
    assert db.session.execute(select(func.count()).select_from(Comment)).scalar_one() > 0
    db.session.commit()
    results = tmp_path / "results"

    done = subprocess.run(
        [sys.executable, "bench/run.py", "--database-url", app_config["SQLALCHEMY_DATABASE_URI"],
         "--duration", "0.5", "--rounds", "1", "--warmup", "0.1", "--connections", "4",
         "--workers", "2", "--results-dir", str(results), "--generator", GENERATOR,
         "--burst-seconds", "0.5"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [report] = results.glob("*.md")
    table = report.read_text()
    assert run.GENERATORS[GENERATOR] in table  # the report says which load generator ran
    assert "| One-query 50-row reference |" in table
    for label in ("Home (member)", "Plan page", "Cohort feed", "Facilitator dashboard"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {label}"))
        assert "missing" not in row and row.split("|")[6].strip() == "0", row  # 0 errors
    assert "nproc: " in table
    # The burst on the cold dashboard came first and is reported with its verdict.
    during = next(line for line in table.splitlines() if line.startswith("| during the burst"))
    assert int(during.split("|")[2]) > 0 and during.split("|")[5].strip() == "0", during
    assert re.search(r"^- (met   |MISSED) Burst: bare reference p99 \d+ ms", table, re.M)


@pytest.mark.slow
def test_compare_serves_two_databases_at_once_and_reports_each_ratio(bench_cohort, app_config,
                                                                     tmp_path):
    """Here the database is compared with itself: both sides run the same statements."""
    db.session.commit()
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    results = tmp_path / "results"

    done = subprocess.run(
        [sys.executable, "bench/compare.py", "--database-url", url, "--against", url,
         "--duration", "0.1", "--rounds", "1", "--sessions", "1", "--warmup", "0.05",
         "--connections", "2", "--workers", "1", "--threads", "1",
         "--results-dir", str(results), "--generator", GENERATOR],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [report] = results.glob("*-compare.md")
    table = report.read_text()
    assert "1 session (" in table and run.GENERATORS[GENERATOR] in table
    for label in ("Home (member)", "Plan page", "Programme dashboard", "Participation CSV"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {label}"))
        cells = row.split("|")
        assert all(float(cell) > 0 for cell in cells[2:6]), row  # req/s and ratios
        statements = cells[8].split("/")
        assert statements[0].strip() == statements[1].strip() != "0", row
        assert re.search(rf"^- met    {re.escape(label)}.*: \d+ statements against \d+",
                         table, re.M), label


def _round(first: tuple[float, float], second: tuple[float, float]) -> list[dict]:
    """One compare round: (reference req/s, page req/s) on each server."""
    return [{"rows": [ref, ref], "plan": [page]} for ref, page in (first, second)]


def test_compare_estimates_the_change_round_by_round_so_the_machine_s_speed_cancels():
    """The machine runs each round at its own speed (here 1.0, 0.5, 0.8, 0.6, 0.9), which
    moves both servers' samples in that round alike. The page's true ratio is 0.5 on both
    databases; one sample of the second's is 10% high, in the round of middling speed. A ratio
    of medians over all rounds picks exactly that sample and reports +10%; paired round by
    round, the odd sample is one change among five."""
    speeds = [1.0, 0.5, 0.8, 0.6, 0.9]
    found = [_round((1000 * s, 500 * s), (1000 * s, 500 * s * (1.1 if s == 0.8 else 1)))
             for s in speeds]

    estimate = compare.paired(found, "plan")

    assert estimate.first == pytest.approx(0.5) and estimate.second == pytest.approx(0.5)
    assert estimate.change == pytest.approx(0.0)
    assert estimate.spread == pytest.approx((0.0, 0.05))
    of_medians = ((compare.median_rate(found, 1, "plan") / compare.median_rate(found, 1, "rows"))
                  / (compare.median_rate(found, 0, "plan") / compare.median_rate(found, 0, "rows")))
    assert of_medians == pytest.approx(1.1)  # what the estimate replaced would have said


class _Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn behind the bench

    def do_GET(self):  # noqa: N802 (the standard library's name)
        status = 200 if self.path == "/ok" else 302
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("generator", ["python", "wrk"])
def test_each_load_generator_counts_requests_latencies_and_answers_other_than_200(
        tiny_server, generator):
    if generator == "wrk" and not shutil.which("wrk"):
        if REQUIRE_ALL:
            pytest.fail("wrk is not installed: CI installs it (.ci/run)")
        pytest.skip("wrk is not installed (make bench installs it)")
    load = run.hammer_with_wrk if generator == "wrk" else run.hammer

    good = load(tiny_server, "/ok", None, 2, 0.3)
    redirected = load(tiny_server, "/elsewhere", "session=x", 2, 0.3)

    assert good.requests > 10 and good.errors == 0 and good.rate > 0
    assert len(good.latencies) >= good.requests * 0.9 and 0 < min(good.latencies) < 1
    assert redirected.requests > 10 and redirected.errors == redirected.requests
    assert redirected.first_error


def test_wrk_report_lines_are_read_whole():
    sample = run.parse_wrk('noise\nPLC-WRK {"requests": 3, "duration_us": 1500000, '
                           '"not_ok": 1, "socket_errors": 1, "histogram": [[900, 2], [4000, 1]]}')
    assert (sample.requests, sample.seconds, sample.errors) == (3, 1.5, 2)
    assert sample.latencies == [0.0009, 0.0009, 0.004] and sample.rate == 2
    with pytest.raises(SystemExit):
        run.parse_wrk("wrk: connection refused")
