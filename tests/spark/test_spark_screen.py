"""Spark engine: the same rows as the local engine, bad input refused clearly."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from clearance.cli.main import app
from clearance.spark import screen
from clearance.spark.bundle import build_bundle, load_parties
from clearance.workflows.batch import ScreenOptions, screen_file
from clearance.workflows.tables import TableError
from tests.conftest import BENCH

pytestmark = [
    pytest.mark.slow,  # the whole bundled snapshot, and a JVM
    # pyspark only checks that pandas is there (mapInArrow runs no pandas code).
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

FIXTURES = BENCH / "yente_candidate_fixtures"
COLUMNS = ["full_name", "date_of_birth", "nationality", "gender"]


def _read(path: Path, limit: int) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [
            {c: row[c] for c in COLUMNS}
            for _, row in zip(range(limit), csv.DictReader(f), strict=False)
        ]


def mixed_rows(total: int) -> list[dict[str, Any]]:
    """Unlisted people with listed names spread among them, and a few rows with no name."""
    listed = _read(FIXTURES / "positives_un_untreated.csv", 300)
    unlisted = _read(FIXTURES / "negatives_global.csv", total - len(listed) - 10)
    rows = unlisted + listed + [dict.fromkeys(COLUMNS) for _ in range(10)]
    random.Random(6).shuffle(rows)
    return rows


def plain(value: Any) -> Any:
    """Values as a CSV reader sees them: empty and missing are the same."""
    return None if value == "" else value


def same_rows(local: list[dict[str, Any]], spark_rows: list[dict[str, Any]]) -> None:
    assert len(spark_rows) == len(local)
    assert set(spark_rows[0]) >= set(local[0])
    for expected, got in zip(local, spark_rows, strict=True):
        keys = set(expected) | set(got)  # screen_rows leaves screen_rank out of rows without hits
        want = {k: plain(expected.get(k)) for k in keys}
        have = {k: plain(got.get(k)) for k in keys}
        assert have == want, f"row {expected['screen_row']} differs"


@pytest.fixture(scope="module")
def ten_thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "parties.parquet"
    pq.write_table(pa.Table.from_pylist(mixed_rows(10_000)), path, row_group_size=1000)
    return path


def test_ten_thousand_rows_on_spark_equal_the_local_engine(
    spark: Any, snapshot_store: Any, matcher: Any, ten_thousand: Path, tmp_path: Path
) -> None:
    local_out = tmp_path / "local.parquet"
    screen_file(matcher, ten_thousand, local_out, store=snapshot_store, options=ScreenOptions())
    local = pq.read_table(local_out).to_pylist()

    df = spark.read.parquet(str(ten_thousand))
    assert df.rdd.getNumPartitions() > 1  # several tasks, row numbers across partitions
    screened = screen(df, store=snapshot_store)
    got = [r.asDict() for r in screened.orderBy("screen_row").collect()]

    assert list(got[0]) == list(local[0])  # same columns, in the same order
    same_rows(local, got)
    hits = [r for r in got if r["screen_hit"]]
    assert len(hits) >= 250  # the listed names are found...
    assert {r["screen_verdict"] for r in hits} >= {"PROHIBITED"}  # ...with their effects
    errors = [r for r in got if r["screen_error"]]
    assert len(errors) == 10
    assert all(e["screen_error"].endswith("empty name: not screened") for e in errors)


def _in_every_worker(spark: Any, probe: Any, schema: str) -> list[Any]:
    """`probe(batches)` run in the Python workers that run mapInArrow, until it met them all."""
    df = spark.range(0, 64, 1, 16)
    found: dict[int, Any] = {}
    for _ in range(8):
        seen = len(found)
        for row in df.mapInArrow(probe, f"pid long, {schema}").collect():
            found[row["pid"]] = row
        if len(found) == seen and seen >= 2:
            break
    return list(found.values())


def test_index_is_read_once_per_python_worker(spark: Any, snapshot_store: Any) -> None:
    import os

    from clearance.spark import bundle

    df = spark.createDataFrame(
        [{"name": ["Hikvision", "Huawei Technologies", "Jane Roe"][i % 3]} for i in range(40)],
        "name string",
    ).repartition(4)
    for _ in range(2):
        rows = screen(df, store=snapshot_store).collect()
        assert sum(r["screen_hit"] for r in rows) == 27  # Hikvision and Huawei rows

    def load_count(batches: Any) -> Any:
        for _batch in batches:
            yield pa.RecordBatch.from_pylist(
                [{"pid": os.getpid(), "loads": bundle.LOAD_COUNT["loads"]}]
            )

    loads = [r["loads"] for r in _in_every_worker(spark, load_count, "loads long")]
    assert 1 in loads and set(loads) <= {0, 1}  # read by a worker once, then reused


def test_hikvision_party_lists_come_from_every_list(spark: Any, snapshot_store: Any) -> None:
    df = spark.createDataFrame([("Hikvision", "company")], "party string, type string")
    row = screen(df, name_col="party", type_col="type", store=snapshot_store).first()
    assert row["screen_hit"] is True
    local = snapshot_store.party(row["screen_party_id"])
    assert len(local) > 1
    assert row["screen_lists"].count(";") >= 1  # every list of the party, not the hit's only


def test_shipped_party_lookup_answers_as_the_store(snapshot_store: Any, tmp_path: Path) -> None:
    from clearance.matching import MatchIndex

    bundle = build_bundle(snapshot_store, directory=tmp_path)
    index = MatchIndex.load(bundle.index_path)
    parties = load_parties(bundle.parties_path, index)
    ids = [index.entities[i].id for i in range(len(index))]
    shared = [i for i in ids if i in parties._members][:60]  # parties of several records
    sample = random.Random(1).sample(ids, 60) + shared
    assert len(shared) == 60
    for entity_id in sample:
        assert parties.party(entity_id) == snapshot_store.party(entity_id), entity_id
    assert parties.party("nope:1") == []
    again = build_bundle(snapshot_store, directory=tmp_path)
    assert again == bundle  # reused, not rebuilt, while the lists do not change


def test_missing_column_is_a_clear_error(spark: Any, snapshot_store: Any) -> None:
    df = spark.createDataFrame([("ACME", "DE")], "party string, land string")
    with pytest.raises(TableError, match=r"--name-col 'customer': no such column.*party, land"):
        screen(df, name_col="customer", store=snapshot_store)
    with pytest.raises(TableError, match="no name column"):
        screen(df.select("land"), store=snapshot_store)
    with pytest.raises(TableError, match="--country-col 'country': no such column"):
        screen(df, name_col="party", country_col="country", store=snapshot_store)


def test_name_column_that_is_not_text_is_refused(spark: Any, snapshot_store: Any) -> None:
    df = spark.createDataFrame([(["a", "b"],)], "name array<string>")
    with pytest.raises(TableError, match="name column 'name' is a array<string>, not text"):
        screen(df, store=snapshot_store)


def test_null_names_are_kept_with_an_error(spark: Any, snapshot_store: Any) -> None:
    df = spark.createDataFrame(
        [(None, "x"), ("  ", "y"), ("Hikvision", "z")], "name string, other string"
    ).coalesce(1)
    rows = screen(df, store=snapshot_store).orderBy("screen_row").collect()
    assert [r["other"] for r in rows] == ["x", "y", "z"]
    assert rows[0]["screen_error"] == "row 1: empty name: not screened"
    assert rows[1]["screen_error"] == "row 2: empty name: not screened"
    assert rows[0]["screen_hit"] is None
    assert rows[2]["screen_hit"] is True and rows[2]["screen_error"] is None


def _cli(db: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["--db", db, "screen", *args])


def _csv_rows(path: Path) -> list[dict[str, str]]:
    files = sorted(path.glob("part-*.csv")) if path.is_dir() else [path]
    rows: list[dict[str, str]] = []
    for file in files:
        with open(file, encoding="utf-8", newline="") as f:
            rows.extend(csv.DictReader(f))
    return sorted(rows, key=lambda r: int(r["screen_row"]))


def test_cli_engine_spark_csv_equals_local_csv(
    spark: Any, snapshot_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "parties.csv"
    rows = mixed_rows(400)  # with 10 lines of empty fields: not rows, in both engines
    # Cells a spreadsheet would run: both engines write them as text ('=…), numbers as is.
    formulas = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-12.5"]
    for row, text in zip((r for r in rows if r["full_name"]), formulas, strict=False):
        row["gender"] = text
    with open(source, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    local = _cli(snapshot_db, str(source), "-o", str(tmp_path / "local.csv"), "-q")
    assert local.exit_code == 0, local.output
    on_spark = _cli(snapshot_db, "--engine", "spark", str(source), "-o", str(tmp_path / "out.csv"))
    assert on_spark.exit_code == 0, on_spark.output
    assert "on Spark" in on_spark.output and "390 rows" in on_spark.output
    want = _csv_rows(tmp_path / "local.csv")
    got = _csv_rows(tmp_path / "out.csv")
    assert len(got) == len(want) == 390
    genders = {row["gender"] for row in want}
    assert {"'" + formulas[0], "'" + formulas[1], "-12.5"} <= genders
    for a, b in zip(want, got, strict=True):
        # The local CSV reader says where a row sits in the file; Spark knows rows only.
        a["screen_error"] = a["screen_error"].replace(f" (line {int(a['screen_row']) + 1})", "")
        assert a == b


def test_cli_engine_spark_parquet_and_bad_input(
    spark: Any, snapshot_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist([{"party": "Hikvision"}, {"party": "Jane Roe"}]), source)
    out = tmp_path / "out.parquet"
    result = _cli(snapshot_db, "--engine", "spark", str(source), "-o", str(out), "--fail-on-hit")
    assert result.exit_code == 1, result.output  # a hit, and --fail-on-hit
    table = spark.read.parquet(str(out)).orderBy("screen_row").collect()
    assert [r["screen_hit"] for r in table] == [True, False]

    missing = _cli(snapshot_db, "--engine", "spark", str(source), "-o", str(out), "--name-col", "x")
    assert missing.exit_code == 2
    assert "--name-col 'x': no such column" in missing.output
    no_output = _cli(snapshot_db, "--engine", "spark", str(source))
    assert no_output.exit_code == 2 and "-o OUTPUT" in no_output.output
    xlsx = _cli(snapshot_db, "--engine", "spark", str(source), "-o", str(tmp_path / "o.xlsx"))
    assert xlsx.exit_code == 2 and "Parquet or CSV" in xlsx.output
    resume = _cli(snapshot_db, "--engine", "spark", str(source), "-o", str(out), "--resume")
    assert resume.exit_code == 2 and "does not support --resume" in resume.output
    engine = _cli(snapshot_db, "--engine", "dask", str(source), "-o", str(out))
    assert engine.exit_code == 2 and "choose local or spark" in engine.output


def test_all_hits_gives_the_local_engine_rows(
    spark: Any, snapshot_store: Any, matcher: Any
) -> None:
    from clearance.workflows.batch import screen_rows

    rows = [{"name": "Hikvision", "ref": "a"}, {"name": "Jane Roe", "ref": "b"}]
    rows.append({"name": "Huawei Technologies", "ref": "c"})
    options = ScreenOptions(all_hits=True, workers=1)
    local = list(screen_rows(matcher, rows, options=options, store=snapshot_store))
    df = spark.createDataFrame(rows, "name string, ref string").coalesce(1)
    got = screen(df, all_hits=True, store=snapshot_store)
    got_rows = [r.asDict() for r in got.orderBy("screen_row", "screen_rank").collect()]
    assert len(local) > len(rows)  # several hits for a row: several output rows
    same_rows(local, got_rows)


def test_an_empty_store_is_refused_before_any_job(spark: Any, tmp_path: Path) -> None:
    from clearance.store import ListStore

    empty = ListStore.open(str(tmp_path / "empty.db"))
    df = spark.createDataFrame([("ACME",)], "name string")
    with pytest.raises(ValueError, match="holds no lists"):
        screen(df, store=empty)


def test_each_python_worker_checks_a_repeated_name_once(spark: Any, snapshot_store: Any) -> None:
    import os

    from clearance.spark import screening

    df = spark.createDataFrame(
        [{"name": "Hangzhou Hikvision Digital Technology"}] * 40, "name string"
    ).repartition(4)
    threshold = 0.7771  # options no other test uses: a cache of this test's own
    first = screen(df, store=snapshot_store, threshold=threshold).collect()
    again = screen(df, store=snapshot_store, threshold=threshold).collect()
    assert [r.asDict() for r in first] == [r.asDict() for r in again]
    assert len({(r["screen_party_id"], r["screen_score"]) for r in first}) == 1

    def cached(batches: Any) -> Any:
        for _batch in batches:
            sizes = [
                len(outcomes)
                for key, (_, outcomes) in screening._WORKER_CACHES.items()
                if str(threshold) in key[1]
            ]
            yield pa.RecordBatch.from_pylist([{"pid": os.getpid(), "size": sum(sizes)}])

    sizes = [r["size"] for r in _in_every_worker(spark, cached, "size long")]
    # Kept across tasks and jobs: one outcome, for the one distinct name, in the one or
    # two workers that ran its task (rows of one name go to one task).
    assert 1 in sizes and set(sizes) <= {0, 1}


def test_rows_keep_their_input_positions_with_or_without_grouping(
    spark: Any, snapshot_store: Any
) -> None:
    names = ["Hikvision", "Jane Roe", "Huawei Technologies", None, "Dahua Technology"]
    rows = [{"name": names[i % 5], "ref": i} for i in range(60)]
    df = spark.createDataFrame(rows, "name string, ref long").repartition(5)
    order = [r["ref"] for r in df.collect()]  # the input's own order, partition by partition
    grouped = screen(df, store=snapshot_store).collect()
    kept = screen(df, store=snapshot_store, group_names=False).collect()
    assert [r["ref"] for r in kept] == order  # no shuffle: the input's order
    for got in (grouped, kept):
        position = {r["ref"]: r["screen_row"] for r in got}
        assert [position[ref] for ref in order] == list(range(1, 61))
    by_row = {r["screen_row"]: r.asDict() for r in kept}
    assert all(by_row[r["screen_row"]] == r.asDict() for r in grouped)
