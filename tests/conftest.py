"""Shared test fixtures: the real official files live in ../shared/lists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("CLEARANCE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
LISTS = SHARED / "lists"
BENCH = SHARED / "bench"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS.is_dir():
        pytest.fail(f"shared list files not found at {LISTS}; set CLEARANCE_SHARED")
    return LISTS
