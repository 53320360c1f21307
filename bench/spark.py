"""Names/s of `clearance.spark.screen` on local Spark next to the local engine, same rows, same run.

    python bench/spark.py [--db STORE] [--rows 1000000] [--master local[2]] [--partitions 8]
        [--batch-rows 10000] [--write-docs]

Rows: the 100,000 invented people of negatives_global.csv and negatives_us.csv,
repeated to N rows, with 1% listed names (positives_un_untreated.csv) mixed in; one
Parquet file in, one Parquet output out, for both engines:
- local: `screen_file` with its pool of 2 worker processes (what `clearance screen` runs);
- Spark: `clearance.spark.screen` on `--master` (default local[2]), written to Parquet.
The run checks that both outputs are the same rows, then reports throughput. The
Spark figure includes the row-count job, shipping the bundle and each Python worker
reading the index; it leaves out starting the Spark session. The load average is
printed before and after each engine, and recorded with the figures.
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


def distinct_queries(source: Path) -> int:
    """How many different (name, birth date, nationality) the rows hold: what gets matched."""
    import pyarrow.parquet as pq

    table = pq.read_table(source, columns=COLUMNS)
    return len(set(zip(*(table.column(c).to_pylist() for c in COLUMNS), strict=True)))


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the local workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_local(store: Any, source: Path, target: Path) -> tuple[float, float]:
    """Seconds and CPU seconds of `screen_file` as `clearance screen` runs it (2 workers)."""
    key = store.screening_key(None, None)
    matcher = Screener(cached_index(key, lambda: list(store.entities(None, None))))
    started, cpu = time.perf_counter(), _cpu()
    screen_file(matcher, source, target, store=store, options=ScreenOptions(workers=2))
    return time.perf_counter() - started, _cpu() - cpu


def spark_session(master: str, source: Path, partitions: int, batch_rows: int) -> Any:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    size = source.stat().st_size
    spark = (
        SparkSession.builder.master(master)
        .appName("clearance-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        # About `partitions` tasks for the input, whatever the number of rows.
        .config("spark.sql.files.maxPartitionBytes", str(max(64 << 10, size // partitions)))
        .config("spark.sql.files.openCostInBytes", "0")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_rows))
        .config("spark.python.worker.reuse", "true")  # the default, said out loud
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(spark: Any, store: Any, source: Path, target: Path) -> dict[str, float]:
    """Seconds to screen and write (of which: the per-partition row count), partitions."""
    from clearance.spark import screen

    started = time.perf_counter()
    df = spark.read.parquet(str(source))
    partitions = df.rdd.getNumPartitions()
    screened = screen(df, store=store)  # runs the small row-count job, nothing else
    count_s = time.perf_counter() - started
    screened.write.mode("overwrite").parquet(str(target))
    return {
        "seconds": time.perf_counter() - started,
        "count_seconds": count_s,
        "partitions": partitions,
    }


def same_output(local: Path, spark_out: Path) -> tuple[bool, int]:
    """Whether both engines wrote the same rows (every column, by screen_row); hit rows."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    mine = pq.read_table(local)
    theirs = ds.dataset(str(spark_out), format="parquet").to_table()
    if mine.num_rows != theirs.num_rows or set(mine.column_names) != set(theirs.column_names):
        return False, 0
    mine = mine.sort_by("screen_row")
    theirs = theirs.sort_by("screen_row")
    for column in mine.column_names:
        if mine.column(column).to_pylist() != theirs.column(column).to_pylist():
            print(f"column {column} differs")
            return False, 0
    return True, int(pc.sum(mine.column("screen_hit")).as_py() or 0)


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=8, help="input splits (tasks)")
    parser.add_argument("--batch-rows", type=int, default=10_000, help="rows per Arrow batch")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    from clearance.spark import build_bundle

    load_start = _load()
    print(f"load average (1/5/15 min) at start: {load_start}", flush=True)
    store = open_store(args.db)
    started = time.perf_counter()
    build_bundle(store)  # the driver's one-off cost per list version; cached afterwards
    bundle_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        source = synthetic_parquet(args.rows, Path(tmp) / "payments.parquet")
        distinct = distinct_queries(source)
        local_s, local_cpu = run_local(store, source, Path(tmp) / "local.parquet")
        load_local = _load()
        print(f"local: {local_s:.1f} s, load average {load_local}", flush=True)
        started = time.perf_counter()
        spark = spark_session(args.master, source, args.partitions, args.batch_rows)
        startup_s = time.perf_counter() - started
        try:
            run = run_spark(spark, store, source, Path(tmp) / "spark.parquet")
        finally:
            spark.stop()
        load_spark = _load()
        print(f"Spark: {run['seconds']:.1f} s, load average {load_spark}", flush=True)
        same, hit_rows = same_output(Path(tmp) / "local.parquet", Path(tmp) / "spark.parquet")
    local_rate, spark_rate = args.rows / local_s, args.rows / run["seconds"]
    lines = [
        "| engine | rows | seconds | names/s | load average after (1/5/15 min) |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| local (`clearance screen`, 2 worker processes) | {args.rows:,} | {local_s:,.1f} "
        f"| {local_rate:,.0f} | {load_local} |",
        f"| Spark `{args.master}` ({run['partitions']} partitions) | {args.rows:,} "
        f"| {run['seconds']:,.1f} | {spark_rate:,.0f} | {load_spark} |",
    ]
    notes = [
        f"Load average at the start: {load_start} (2 cores, shared with other work).",
        f"Distinct queries (name, birth date, nationality) among the rows: {distinct:,}; "
        "each is checked once and its result copied to every row that repeats it (local: "
        "once per file; Spark: rows grouped by name, so once in the task of its name). "
        f"Rows with a hit: {hit_rows:,}.",
        "Both outputs compared column by column, row by row: "
        + ("**identical**." if same else "**DIFFERENT** (a bug: see tests/spark)."),
        f"Local CPU time (parent and workers): {local_cpu:,.0f} s.",
        f"Spark: of its {run['seconds']:,.1f} s, {run['count_seconds']:.1f} s are the "
        "per-partition row count (for `screen_row`); session start "
        f"{startup_s:.1f} s (not counted); Arrow batches of {args.batch_rows:,} rows.",
        f"Bundle (index + party lookup) written by the driver: {bundle_seconds:.1f} s, "
        "once per list version (reused from the cache afterwards; not counted).",
    ]
    body = "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes)
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
    if not same:
        raise SystemExit("the two engines wrote different rows")


if __name__ == "__main__":
    main()
