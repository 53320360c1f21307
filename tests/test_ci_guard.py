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


def _pytest(env: dict[str, str]) -> subprocess.Popen[str]:
    test = "tests/web/test_users_and_sessions.py::test_users_sessions_and_their_audit[postgresql]"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    return subprocess.Popen(  # one process (-n 0), not the suite's xdist workers
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", "-rs", test],
        cwd=ROOT,
        env={**inherited, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_missing_postgresql_fails_under_ci_and_skips_elsewhere() -> None:
    # Both runs at once: each is mostly a pytest start-up (~8 s).
    under_ci = _pytest({"CI": "true", "CLEARANCE_TEST_PG_URL": ""})
    at_home = _pytest({"CI": "", "CLEARANCE_TEST_PG_URL": ""})
    ci_out, _ = under_ci.communicate(timeout=300)
    home_out, _ = at_home.communicate(timeout=300)
    assert under_ci.returncode != 0, ci_out
    assert "CI must run these tests, not skip them" in ci_out
    assert at_home.returncode == 0, home_out
    assert "SKIPPED [1]" in home_out


def test_ci_run_never_exports_a_command_substitution_in_one_statement() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    hidden = [line for line in script.splitlines() if re.match(r'\s*export \w+="?\$\(', line)]
    assert hidden == [], "export hides the command's failure from set -e"
    assert "CLEARANCE_TEST_PG_URL=" in script and 'export CI="${CI:-true}"' in script
