"""One store and one screener per test session, built from the bundled official files.

Three lists keep the session short while covering what the workflows need:
OFAC non-SDN (NS-CMIC with ISINs: Hikvision, Huawei), the trade.gov CSL (Entity
List, SDN copies) and the UN Security Council list.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED

WORKFLOW_LISTS = ["ofac-nonsdn", "us-csl", "un-sc"]
SEED_ARTICLE = SHARED / "seed" / "hikvision_sanctions_article.txt"
NEGATIVES = SHARED / "bench" / "yente_candidate_fixtures" / "negatives_global.csv"
POSITIVES = SHARED / "bench" / "yente_candidate_fixtures" / "positives_un_untreated.csv"


@pytest.fixture(scope="session")
def workflow_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment for CLI subprocesses: the session's store and index cache."""
    base = tmp_path_factory.mktemp("workflows")
    env = {
        "CLEARANCE_DB": str(base / "store.db"),
        "CLEARANCE_CACHE_DIR": str(base / "cache"),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield {**os.environ, **env}
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def store(workflow_env: dict[str, str]) -> Any:
    from clearance.snapshot import load_bundled_snapshot
    from clearance.store import ListStore

    opened = ListStore.open(workflow_env["CLEARANCE_DB"])
    load_bundled_snapshot(opened, lists=WORKFLOW_LISTS)
    return opened


@pytest.fixture(scope="session")
def screener(store: Any) -> Any:
    from clearance.matching import Screener, cached_index

    key = store.screening_key()
    return Screener(cached_index(key, lambda: list(store.entities())))


def run_cli(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The real `clearance` command in a subprocess, on the session's store."""
    return subprocess.run(
        [sys.executable, "-c", "from clearance.cli.main import app; app()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def cli_popen(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from clearance.cli.main import app; app()", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def head_csv(source: Path, rows: int, target: Path, extra: list[str] | None = None) -> Path:
    """The header and first `rows` rows of a CSV, plus extra raw lines."""
    with open(source, encoding="utf-8") as f:
        lines = [next(f) for _ in range(rows + 1)]
    target.write_text("".join(lines) + "".join(line + "\n" for line in extra or []), "utf-8")
    return target
