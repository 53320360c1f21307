"""`clearance screen --engine spark`: a Parquet/CSV file or folder in, a Spark output folder out.

The driver is this process (`--master local[*]`, `spark://…`, `yarn`, `k8s://…`);
on a cluster the output path must be one every executor can write (HDFS, S3, DBFS).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.workflows.batch import ScreenOptions
from clearance.workflows.tables import TableError

SPARK_FORMATS = ("parquet", "csv", "tsv")
DEFAULT_MASTER = "local[*]"


@dataclass
class SparkRun:
    """What the command prints once Spark has written the output."""

    rows: int
    hit_rows: int
    error_rows: int
    output: str
    seconds: float


def spark_format(path: str | Path, given: str | None, role: str) -> str:
    """parquet, csv or tsv from the flag, else from the extension (or the part files)."""
    fmt = (given or "").lower().lstrip(".")
    if not fmt:
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".")
        if p.is_dir() and fmt not in SPARK_FORMATS:
            parts = {f.suffix.lower().lstrip(".") for f in p.glob("part-*")}
            parts = {s.split(".")[0] for s in parts} & set(SPARK_FORMATS)
            fmt = parts.pop() if len(parts) == 1 else fmt
    if fmt not in SPARK_FORMATS:
        option = "--input-format" if role == "input" else "--format"
        raise TableError(
            str(path),
            f"the Spark engine reads and writes Parquet or CSV/TSV, not {fmt or 'this'}; "
            f"say which with {option}",
        )
    return fmt


def spark_session(master: str | None) -> Any:
    """The active session, else a new one on `master` (workers use this Python)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("clearance screen").master(master or DEFAULT_MASTER)
    return builder.getOrCreate()


def read_input(spark: Any, path: str | Path, fmt: str) -> Any:
    """Every CSV field as text, as the local engine reads it."""
    from pyspark.errors import AnalysisException

    try:
        if fmt == "parquet":
            return spark.read.parquet(str(path))
        table = (
            spark.read.option("header", True)
            .option("sep", "\t" if fmt == "tsv" else ",")
            .option("escape", '"')
            .option("multiLine", True)
            .csv(str(path))
        )
        return table.na.drop(how="all")  # a line of empty fields is no row, as locally
    except AnalysisException as exc:
        raise TableError(str(path), f"Spark cannot read it as {fmt}: {exc}") from exc


def write_output(df: Any, path: str | Path, fmt: str, keep_formulas: bool = False) -> None:
    """Spark's output folder; in CSV a hit reads yes/no as in the local engine's CSV, and
    text a spreadsheet would run as a formula is written as text (formulas.py)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    from clearance.workflows.formulas import SPARK_FORMULA_PATTERN, SPARK_NUMBER_PATTERN

    if fmt == "parquet":
        df.write.mode("overwrite").parquet(str(path))
        return
    if "screen_hit" in df.columns:
        flag = F.when(F.col("screen_hit"), "yes").when(~F.col("screen_hit"), "no")
        df = df.withColumn("screen_hit", flag)
    if not keep_formulas:
        cells = []
        for column in df.schema:
            value = F.col(f"`{column.name}`")
            if isinstance(column.dataType, StringType):
                risky = value.rlike(SPARK_FORMULA_PATTERN) & ~value.rlike(SPARK_NUMBER_PATTERN)
                value = F.when(risky, F.concat(F.lit("'"), value)).otherwise(value)
            cells.append(value.alias(column.name))
        df = df.select(*cells)
    (
        df.write.mode("overwrite")
        .option("header", True)
        .option("sep", "\t" if fmt == "tsv" else ",")
        .option("escape", '"')
        .option("emptyValue", "")
        .csv(str(path))
    )


def run_screen_job(
    input_path: str | Path,
    output_path: str | Path,
    *,
    store: Any,
    options: ScreenOptions,
    lists: list[str] | None = None,
    master: str | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    name_col: str | None = None,
    type_col: str | None = None,
    country_col: str | None = None,
    dob_col: str | None = None,
    id_cols: list[str] | None = None,
) -> SparkRun:
    """Screen a file or folder on Spark and write Spark's output folder; count the results."""
    import time

    from pyspark.sql import functions as F

    from clearance.spark.screening import screen

    in_fmt = spark_format(input_path, input_format, "input")
    out_fmt = spark_format(output_path, output_format, "output")
    started = time.monotonic()
    spark = spark_session(master)
    df = read_input(spark, input_path, in_fmt)
    screened = screen(
        df,
        name_col=name_col,
        type_col=type_col,
        country_col=country_col,
        dob_col=dob_col,
        id_cols=id_cols,
        lists=lists,
        activity=options.activity,
        threshold=options.threshold,
        as_of=options.as_of,
        all_hits=options.all_hits,
        limit=options.limit,
        store=store,
    )
    write_output(screened, output_path, out_fmt, options.keep_formulas)
    written = read_input(spark, output_path, out_fmt)
    hit = F.col("screen_hit")
    hit_flag = hit if out_fmt == "parquet" else hit == F.lit("yes")
    counts = written.agg(
        F.countDistinct("screen_row").alias("rows"),
        F.countDistinct(F.when(hit_flag, F.col("screen_row"))).alias("hits"),
        F.countDistinct(F.when(F.col("screen_error").isNotNull(), F.col("screen_row"))).alias(
            "errors"
        ),
    ).first()
    return SparkRun(
        rows=int(counts["rows"]),
        hit_rows=int(counts["hits"]),
        error_rows=int(counts["errors"]),
        output=str(output_path),
        seconds=time.monotonic() - started,
    )
