"""bandit finds nothing in plc/ (each deliberate exception is marked ``# nosec`` with why)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.accounts.test_throttle_workers import ROOT


def test_bandit_reports_no_issue():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "plc", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    report = json.loads(result.stdout)
    issues = [f"{i['filename']}:{i['line_number']} {i['test_id']} {i['issue_text']}"
              for i in report["results"]]
    assert issues == []
    assert report["metrics"]["_totals"]["loc"] > 5000, "bandit must have scanned the code"
