"""`clearance.spark.screen`: the `clearance screen` columns computed inside Spark.

Each partition goes through `mapInArrow` to the same `RowScreener` the local engine
uses (no matching code here), with the matcher and party lookup read once per Python
worker from the files the driver shipped (`bundle`), and that worker's outcome cache
kept across its tasks (each distinct query checked once per worker). Only the
columns a query reads cross from Arrow to Python; the others pass through as Arrow.
Rows are first hash-partitioned by name (`group_names`), so each name is matched
in one task only. Row numbers (`screen_row`) are the rows' positions in the input
DataFrame, from per-partition counts taken first and each row's
`monotonically_increasing_id` (partition and position in it) taken before the shuffle.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from clearance.effects import Activity
from clearance.workflows.columns import ColumnMap, map_columns
from clearance.workflows.party_effects import PartyEffects
from clearance.workflows.row_screener import (
    ALL_HITS_COLUMNS,
    RESULT_COLUMNS,
    OutcomeCache,
    RowScreener,
    ScreenOptions,
)
from clearance.workflows.tables import InputRow, TableError

DATAFRAME = "<DataFrame>"  # how errors name the input
ROW_ID_BITS = 33  # monotonically_increasing_id: partition id above, row in partition below
ROW_ID_MASK = (1 << ROW_ID_BITS) - 1

ARROW_TYPES: dict[str, pa.DataType] = {
    "screen_row": pa.int64(),
    "screen_rank": pa.int32(),
    "screen_hit": pa.bool_(),
    "screen_score": pa.float64(),
    "screen_hits": pa.int32(),
}


def result_columns(all_hits: bool) -> list[str]:
    """The screen_* columns in the local engine's order (`RowScreener.output_columns`)."""
    ours = list(RESULT_COLUMNS)
    if all_hits:
        ours[3:3] = ALL_HITS_COLUMNS
    return ours


def _arrow_type(column: str) -> pa.DataType:
    return ARROW_TYPES.get(column, pa.string())


def _query_columns(columns: ColumnMap) -> list[str]:
    """The input columns a query is read from: only these go from Arrow to Python."""
    wanted = [columns.name, *columns.name_parts, columns.type, columns.country, columns.dob]
    return list(dict.fromkeys(c for c in (*wanted, *columns.ids) if c is not None))


_WORKER_CACHES: dict[tuple[str, str], tuple[PartyEffects, OutcomeCache]] = {}


def worker_caches(digest: str, options: ScreenOptions, parties: Any) -> tuple[Any, Any]:
    """Party facts and query outcomes kept by this Python worker for one bundle and options.

    Spark reuses Python workers across tasks (`spark.python.worker.reuse`, on by
    default), so a name seen by an earlier task of the same job - or an earlier job
    on the same lists - is not checked again. A new bundle (lists changed) drops them.
    """
    key = (digest, repr(sorted(options.fingerprint().items())))
    found = _WORKER_CACHES.get(key)
    if found is None:
        if any(k[0] != digest for k in _WORKER_CACHES):
            _WORKER_CACHES.clear()
        found = (PartyEffects(parties, options.as_of), OutcomeCache())
        _WORKER_CACHES[key] = found
    return found


@dataclass(frozen=True)
class PartitionScreener:
    """The function each Spark task runs: picklable, small, no store inside."""

    digest: str
    index_name: str
    parties_name: str
    columns: ColumnMap
    options: ScreenOptions
    input_columns: tuple[str, ...]  # passed through (screen_* inputs dropped)
    offsets: dict[int, int]  # partition id -> rows before it (in the input's partitioning)
    row_id: str | None = None  # column of monotonically_increasing_id taken before a shuffle

    def _numbers(self, batch: pa.RecordBatch, start: int) -> list[int]:
        """1-based positions in the input DataFrame of the batch's rows."""
        if self.row_id is None:  # the input's own partitions: count on from the offset
            return list(range(start + 1, start + batch.num_rows + 1))
        offsets = self.offsets
        return [
            offsets.get(i >> ROW_ID_BITS, 0) + (i & ROW_ID_MASK) + 1
            for i in batch.column(self.row_id).to_pylist()
        ]

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import SparkFiles, TaskContext

        from clearance.spark.bundle import loaded

        worker: RowScreener | None = None  # made at the first batch: empty tasks load nothing
        context = TaskContext.get()
        partition = context.partitionId() if context is not None else 0
        number = self.offsets.get(partition, 0)
        ours = result_columns(self.options.all_hits)
        wanted = _query_columns(self.columns)
        names = [*self.input_columns, *ours]
        for batch in batches:
            if worker is None:
                matcher, parties = loaded(
                    self.digest, SparkFiles.get(self.index_name), SparkFiles.get(self.parties_name)
                )
                party_facts, outcomes = worker_caches(self.digest, self.options, parties)
                worker = RowScreener(
                    matcher,
                    self.columns,
                    self.options,
                    parties,
                    parties=party_facts,
                    outcomes=outcomes,
                )
            numbers = self._numbers(batch, number)
            number += batch.num_rows
            rows = [
                InputRow(n, values, f"row {n}")
                for n, values in zip(numbers, batch.select(wanted).to_pylist(), strict=True)
            ]
            screened = worker.screen(rows)
            flat = [out for out_rows in screened for out in out_rows]
            passed = batch.select(list(self.input_columns))
            if len(flat) != batch.num_rows:  # all_hits: one row per hit (every row gives 1+)
                taken = [position for position, outs in enumerate(screened) for _ in outs]
                passed = passed.take(pa.array(taken, pa.int64()))
            results = [pa.array([r.get(c) for r in flat], _arrow_type(c)) for c in ours]
            yield pa.RecordBatch.from_arrays([*passed.columns, *results], names=names)


def _spark_schema(df: Any, input_columns: tuple[str, ...], all_hits: bool) -> Any:
    from pyspark.sql.types import (
        BooleanType,
        DoubleType,
        IntegerType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    spark_types = {
        "screen_row": LongType(),
        "screen_rank": IntegerType(),
        "screen_hit": BooleanType(),
        "screen_score": DoubleType(),
        "screen_hits": IntegerType(),
    }
    fields = [df.schema[c] for c in input_columns]
    fields += [
        StructField(c, spark_types.get(c, StringType()), True) for c in result_columns(all_hits)
    ]
    return StructType(fields)


def _partition_offsets(df: Any) -> dict[int, int]:
    """Rows before each partition, so that `screen_row` numbers the whole DataFrame."""
    from pyspark.sql import functions as F

    counts = (
        df.select(F.spark_partition_id().alias("partition")).groupBy("partition").count().collect()
    )
    offsets: dict[int, int] = {}
    total = 0
    for row in sorted(counts, key=lambda r: r["partition"]):
        offsets[int(row["partition"])] = total
        total += int(row["count"])
    return offsets


_SHIPPED: set[tuple[str, str]] = set()


def _ship(spark_context: Any, *paths: str) -> None:
    """`addFile` once per Spark application: each executor then fetches each file once."""
    for path in paths:
        key = (str(spark_context.applicationId), path)
        if key not in _SHIPPED:
            spark_context.addFile(path)
            _SHIPPED.add(key)


def _as_day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"as_of: not an ISO date (YYYY-MM-DD): {value!r}") from exc


def screen(
    df: Any,
    *,
    name_col: str | None = None,
    type_col: str | None = None,
    country_col: str | None = None,
    dob_col: str | None = None,
    id_cols: list[str] | None = None,
    lists: list[str] | None = None,
    activity: Activity | str = Activity.TRANSACT,
    threshold: float | None = None,
    as_of: date | str | None = None,
    all_hits: bool = False,
    limit: int = 10,
    store: Any = None,
    db: str | None = None,
    bundle_dir: str | None = None,
    group_names: bool = True,
) -> Any:
    """The input DataFrame with the `clearance screen` columns (screen_hit, screen_score...).

    Columns are found as `clearance screen` finds them (flags, else common headers);
    a missing column raises `TableError` naming the columns there are. A row with no
    name is kept, unscreened, with `screen_error` saying so. Lazy like any
    transformation, except for one small job counting rows per partition.

    `group_names` (default) hash-partitions the rows by name first, so that every row
    of a name lands in the same task and the name is matched once in the cluster, not
    once per executor that meets it; the rows come out in that order (`screen_row`
    keeps their input position). False keeps the input's partitions (no shuffle).
    """
    from clearance.spark.bundle import build_bundle

    day = _as_day(as_of)
    input_names = list(df.columns)
    columns = map_columns(
        input_names,
        DATAFRAME,
        name_col=name_col,
        type_col=type_col,
        country_col=country_col,
        dob_col=dob_col,
        id_cols=id_cols,
    )
    for column in (columns.name, *columns.name_parts):
        if column is not None and not _is_scalar(df.schema[column].dataType):
            raise TableError(
                DATAFRAME,
                f"name column {column!r} is a {df.schema[column].dataType.simpleString()}, "
                "not text",
            )
    options = ScreenOptions(
        activity=Activity(activity),
        as_of=day,
        all_hits=all_hits,
        threshold=threshold,
        limit=limit,
        workers=1,  # Spark runs the tasks in parallel; one process per task
    )
    if store is None:
        from clearance.store import open_store

        store = open_store(db)
    is_empty = getattr(store, "is_empty", None)
    if is_empty is not None and is_empty():
        raise ValueError(
            "the clearance store holds no lists: load them first "
            "(clearance lists loads the bundled snapshot; clearance update fetches them)"
        )
    bundle = build_bundle(store, lists, day, bundle_dir)
    spark_context = df.sparkSession.sparkContext
    _ship(spark_context, str(bundle.index_path), str(bundle.parties_path))
    ours = set(result_columns(all_hits))
    kept = tuple(c for c in input_names if c not in ours)
    offsets = _partition_offsets(df)
    row_id = None
    source = df
    if group_names:
        from pyspark.sql import functions as F

        row_id = "__clearance_row_id"
        while row_id in input_names:
            row_id += "_"
        name_columns = [columns.name] if columns.name is not None else list(columns.name_parts)
        source = df.withColumn(row_id, F.monotonically_increasing_id()).repartition(
            max(1, df.rdd.getNumPartitions()), *name_columns
        )
    task = PartitionScreener(
        digest=bundle.digest,
        index_name=bundle.index_name,
        parties_name=bundle.parties_name,
        columns=columns,
        options=options,
        input_columns=kept,
        offsets=offsets,
        row_id=row_id,
    )
    return source.mapInArrow(task, _spark_schema(df, kept, all_hits))


def _is_scalar(data_type: Any) -> bool:
    from pyspark.sql.types import ArrayType, BinaryType, MapType, StructType

    return not isinstance(data_type, ArrayType | MapType | StructType | BinaryType)
