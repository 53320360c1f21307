"""The guard itself: under CI, tests that need PostgreSQL fail when it is missing (they
skipped, so CI could go green without the store's only PostgreSQL coverage), and .ci/run
stops when PostgreSQL cannot be started instead of carrying on with an empty URL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pytest(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    test = "tests/web/test_users_and_sessions.py::test_users_sessions_and_their_audit[postgresql]"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", test],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_missing_postgresql_fails_under_ci_and_skips_elsewhere() -> None:
    under_ci = _pytest({"CI": "true", "CLEARANCE_TEST_PG_URL": ""})
    assert under_ci.returncode != 0, under_ci.stdout
    assert "CI must run these tests, not skip them" in under_ci.stdout
    at_home = _pytest({"CI": "", "CLEARANCE_TEST_PG_URL": ""})
    assert at_home.returncode == 0, at_home.stdout
    assert "SKIPPED [1]" in at_home.stdout


def test_ci_run_never_exports_a_command_substitution_in_one_statement() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    hidden = [line for line in script.splitlines() if re.match(r'\s*export \w+="?\$\(', line)]
    assert hidden == [], "export hides the command's failure from set -e"
    assert "CLEARANCE_TEST_PG_URL=" in script and 'export CI="${CI:-true}"' in script
