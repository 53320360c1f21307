"""Names/s of `clearance.spark.screen` on local Spark next to the local engine, same rows, same run.

    python bench/spark.py [--db STORE] [--rows 1000000] [--master local[2]] [--write-docs]

Rows: the 100,000 invented people of negatives_global.csv and negatives_us.csv,
repeated to N rows, with 1% listed names (positives_un_untreated.csv) mixed in; one
Parquet file in, one Parquet output out, for both engines:
- local: `screen_file` with its pool of 2 worker processes (what `clearance screen` runs);
- Spark: `clearance.spark.screen` on `--master` (default local[2]), written to Parquet.
Both engines produce the same rows (tests/spark); this measures only throughput. The
Spark figure includes shipping the bundle and each Python worker reading the index.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import write_subsection  # noqa: E402
from clearance.matching import Screener, cached_index  # noqa: E402
from clearance.store import open_store  # noqa: E402
from clearance.workflows.batch import ScreenOptions, screen_file  # noqa: E402

SHARED = Path(os.environ.get("CLEARANCE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FIXTURES = SHARED / "bench" / "yente_candidate_fixtures"
SECTION = "Spark"
COLUMNS = ["full_name", "date_of_birth", "nationality"]


def _people(name: str) -> list[dict[str, str]]:
    with open(FIXTURES / name, encoding="utf-8") as f:
        return [{c: row[c] for c in COLUMNS} for row in csv.DictReader(f)]


def synthetic_parquet(rows: int, path: Path) -> Path:
    """N rows: unlisted people repeated, 1% listed names, in 4,096-row groups (splittable)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    unlisted = _people("negatives_global.csv") + _people("negatives_us.csv")
    listed = _people("positives_un_untreated.csv")
    rng = random.Random(6)
    writer = None
    block = 4096
    try:
        for start in range(0, rows, block):
            chunk = []
            for i in range(start, min(rows, start + block)):
                pool = listed if rng.random() < 0.01 else unlisted
                chunk.append({"payment_id": i, **pool[rng.randrange(len(pool))]})
            table = pa.Table.from_pylist(chunk)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path


def run_local(store: Any, source: Path, target: Path) -> float:
    key = store.screening_key(None, None)
    matcher = Screener(cached_index(key, lambda: list(store.entities(None, None))))
    started = time.perf_counter()
    screen_file(matcher, source, target, store=store, options=ScreenOptions(workers=2))
    return time.perf_counter() - started


def run_spark(store: Any, source: Path, target: Path, master: str) -> tuple[float, float, int]:
    """Seconds to screen and write, seconds to start Spark, partitions used."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from clearance.spark import screen

    size = source.stat().st_size
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master(master)
        .appName("clearance-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        # At least 8 partitions (tasks) for the 2 cores, whatever the number of rows.
        .config("spark.sql.files.maxPartitionBytes", str(max(64 << 10, size // 8)))
        .config("spark.sql.files.openCostInBytes", "0")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - started
    started = time.perf_counter()
    df = spark.read.parquet(str(source))
    partitions = df.rdd.getNumPartitions()
    screen(df, store=store).write.mode("overwrite").parquet(str(target))
    seconds = time.perf_counter() - started
    spark.stop()
    return seconds, startup, partitions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    from clearance.spark import build_bundle

    store = open_store(args.db)
    started = time.perf_counter()
    build_bundle(store)  # the driver's one-off cost per list version; cached afterwards
    bundle_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        source = synthetic_parquet(args.rows, Path(tmp) / "payments.parquet")
        local_s = run_local(store, source, Path(tmp) / "local.parquet")
        spark_s, startup_s, partitions = run_spark(
            store, source, Path(tmp) / "spark.parquet", args.master
        )
    local_rate, spark_rate = args.rows / local_s, args.rows / spark_s
    lines = [
        "| engine | rows | seconds | names/s |",
        "| --- | ---: | ---: | ---: |",
        f"| local (`clearance screen`, 2 worker processes) | {args.rows:,} | {local_s:,.1f} "
        f"| {local_rate:,.0f} |",
        f"| Spark `{args.master}` ({partitions} partitions) | {args.rows:,} | {spark_s:,.1f} "
        f"| {spark_rate:,.0f} |",
    ]
    notes = (
        f"Spark session start: {startup_s:.1f} s (not counted). Bundle (index + party "
        f"lookup) written by the driver: {bundle_seconds:.1f} s, once per list version "
        "(reused from the cache afterwards; not counted). Machine: 2 cores, shared."
    )
    body = "\n".join(lines) + "\n\n" + notes
    print(body)
    if args.write_docs:
        write_subsection(
            SECTION,
            f"Names/s: Spark {args.master} against the local engine",
            "`python bench/spark.py "
            + (f"--rows {args.rows} " if args.rows != 1_000_000 else "")
            + "--write-docs`\n\n"
            + body,
        )


if __name__ == "__main__":
    main()
