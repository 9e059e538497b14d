"""The benchmark kit works: bench/seed.py seeds, bench/run.py measures under gunicorn with 0
errors and writes its table; the /_bench reference routes exist only when benchmarking."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench import seed
from plc import create_app
from plc.extensions import db
from plc.feedback.models import Comment
from plc.programs.models import Cohort, Membership

ROOT = Path(__file__).resolve().parents[1]


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
         "--workers", "2", "--results-dir", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [report] = results.glob("*.md")
    table = report.read_text()
    assert "| One-query 50-row reference |" in table
    for label in ("Home (member)", "Plan page", "Cohort feed", "Facilitator dashboard"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {label}"))
        assert "missing" not in row and row.split("|")[6].strip() == "0", row  # 0 errors
    assert "nproc: " in table
