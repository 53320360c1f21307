"""One local Spark session (2 cores, small JVM) and the snapshot store for the Spark tests."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import skip_unless_ci

if importlib.util.find_spec("pyspark") is None:
    skip_unless_ci("pyspark is not installed (pip install -e '.[spark]')", module=True)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("clearance-tests")
        .config("spark.driver.memory", "768m")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # Small splits: a 10,000-row Parquet file becomes several partitions (tasks).
        .config("spark.sql.files.maxPartitionBytes", str(256 * 1024))
        .config("spark.sql.files.openCostInBytes", "0")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def snapshot_store(snapshot_db: str) -> Any:
    from clearance.store import ListStore

    return ListStore.open(snapshot_db)


@pytest.fixture(scope="session")
def matcher(snapshot_store: Any) -> Any:
    """The matcher `clearance screen` uses on this store (same cached index)."""
    from clearance.matching import Screener, cached_index

    key = snapshot_store.screening_key(None, None)
    return Screener(cached_index(key, lambda: list(snapshot_store.entities(None, None))))
