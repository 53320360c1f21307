"""From input rows to output rows: the per-row part of `clearance screen`, shared with Spark.

Payment and customer files repeat the same parties over and over, so each distinct
query (name, type, country, birth date, identifiers) is checked once and what it
gives a row - the screen_* values of its hits, their lists, effects and verdict - is
kept in an `OutcomeCache`. A repeated row then costs a dictionary lookup and a copy,
not a match, a party lookup and an effects verdict. The values are those computed
for the first row that asked, so output rows are exactly what checking every row
would give (`Screener.check` is a pure function of its arguments and the index).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any, NamedTuple

from clearance.effects import Activity
from clearance.workflows.columns import ColumnMap, schema_from_text
from clearance.workflows.parallel import CheckPool, check_all
from clearance.workflows.party_effects import (
    FORMERLY_LISTED,
    LISTED,
    PartyEffects,
    PartySource,
    store_of,
)
from clearance.workflows.summary import Summary
from clearance.workflows.tables import InputRow

RESULT_COLUMNS = (
    "screen_row",
    "screen_input_name",
    "screen_hit",
    "screen_status",
    "screen_score",
    "screen_party_id",
    "screen_party",
    "screen_matched_name",
    "screen_lists",
    "screen_effect",
    "screen_verdict",
    "screen_reasons",
    "screen_explanation",
    "screen_hits",
    "screen_error",
)
ALL_HITS_COLUMNS = ("screen_rank",)
EMPTY_NAME = "empty name: not screened"


@dataclass(frozen=True)
class ScreenOptions:
    """How to screen each row; all of it goes into the resume fingerprint."""

    activity: Activity = Activity.TRANSACT
    as_of: date | None = None
    all_hits: bool = False
    threshold: float | None = None
    limit: int = 10
    workers: int = 2
    chunk_size: int = 4096  # rows per commit; the CLI's default too
    keep_formulas: bool = False  # write cells like "=HYPERLINK(…)" raw (see formulas.py)

    def fingerprint(self) -> dict[str, Any]:
        return {
            "activity": self.activity.value,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "all_hits": self.all_hits,
            "threshold": self.threshold,
            "limit": self.limit,
            "keep_formulas": self.keep_formulas,
        }


class Query(NamedTuple):
    """The arguments of one `Screener.check` call, as read from a row; hashable (cache key)."""

    name: str
    schema: str | None = None
    country: str | None = None
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "schema": self.schema,
            "country": self.country,
            "birth_date": self.birth_date,
            "identifiers": list(self.identifiers) or None,
        }


def query_of(columns: ColumnMap, values: Mapping[str, Any]) -> Query:
    """What `check` is asked for one row (empty name: nothing to screen)."""
    row = values if isinstance(values, dict) else dict(values)
    return Query(
        columns.name_of(row),
        schema_from_text(columns.text_of(row, columns.type)),
        columns.text_of(row, columns.country),
        columns.text_of(row, columns.dob),
        tuple(columns.identifiers_of(row)),
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one query gives every row that asks it (the same for all of them)."""

    hits: int  # screen_hits: parties listed on the screening date
    records: tuple[dict[str, Any], ...]  # screen_* values per reported hit, best first
    scores: tuple[float, ...]  # unrounded scores of the reported hits that count
    lists: tuple[str, ...]  # for the summary: lists and effects of the hits that count
    effects: tuple[str, ...]
    verdict: str | None  # the best listed hit's verdict
    status: str | None = None  # LISTED, or why the parties found are not hits (history)


NO_HITS = Outcome(0, (), (), (), (), None)


class OutcomeCache:
    """Outcomes per distinct query for one index, party source and set of options.

    Bounded: past `max_entries` the older half goes (a file of many millions of
    distinct names does not grow memory without end; the bench's 100,000 fit).
    """

    def __init__(self, max_entries: int = 250_000):
        self.max_entries = max_entries
        self._outcomes: dict[Query, Outcome] = {}

    def get(self, query: Query) -> Outcome | None:
        return self._outcomes.get(query)

    def put(self, query: Query, outcome: Outcome) -> None:
        if len(self._outcomes) >= self.max_entries:
            for old in list(islice(self._outcomes, self.max_entries // 2)):
                del self._outcomes[old]
        self._outcomes[query] = outcome

    def __len__(self) -> int:
        return len(self._outcomes)


def _check_batch(
    screener: Any,
    queries: list[Query],
    options: ScreenOptions,
    pool: CheckPool | None,
    on_checked: Callable[[int], None] | None = None,
) -> list[list[Any]]:
    """Hits for each query: on the file's worker pool, else `check_many`, else in turn."""
    extra = {"limit": options.limit, "threshold": options.threshold}
    kwargs = [dict(q.as_kwargs(), **extra) for q in queries]
    if not kwargs:
        return []
    if pool is not None:
        return pool.run(kwargs, on_checked)
    check_many = getattr(screener, "check_many", None)
    if check_many is not None and options.workers > 1 and len(kwargs) > 1:
        return [list(h) for h in check_many(kwargs, workers=options.workers)]
    return check_all(screener, kwargs)


class RowScreener:
    """Screens input rows to output rows; keeps the summary counts as it goes.

    `parties` and `outcomes` may be shared by several RowScreeners over the same
    index, party source and options (Spark: all the tasks of one Python worker).
    """

    def __init__(
        self,
        screener: Any,
        columns: ColumnMap,
        options: ScreenOptions,
        store: PartySource | None = None,
        summary: Summary | None = None,
        pool: CheckPool | None = None,
        *,
        parties: PartyEffects | None = None,
        outcomes: OutcomeCache | None = None,
    ):
        self.screener = screener
        self.pool = pool
        self.columns = columns
        self.options = options
        if parties is None:
            parties = PartyEffects(
                store if store is not None else store_of(screener), options.as_of
            )
        self.parties = parties
        self.outcomes = outcomes if outcomes is not None else OutcomeCache()
        self.summary = summary or Summary()
        self._blank: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS)

    def output_columns(self, input_columns: list[str]) -> list[str]:
        ours = list(RESULT_COLUMNS)
        if self.options.all_hits:
            ours[3:3] = ALL_HITS_COLUMNS
        return [c for c in input_columns if c not in ours] + ours

    def screen(
        self, rows: list[InputRow], on_checked: Callable[[int], None] | None = None
    ) -> list[list[dict[str, Any]]]:
        """Output rows for each input row, in order; each distinct query checked once."""
        queries: list[Query | None] = []
        problems: list[str | None] = []
        known: dict[Query, Outcome] = {}  # this chunk's outcomes (the cache may evict)
        missing: dict[Query, None] = {}  # distinct queries to check, in first-seen order
        for row in rows:
            problem = row.error
            query = query_of(self.columns, row.values) if row.values else None
            if query is None or not query.name:
                problem = f"{problem}; {EMPTY_NAME}" if problem else EMPTY_NAME
                query = None
            elif query not in known and query not in missing:
                cached = self.outcomes.get(query)
                if cached is None:
                    missing[query] = None
                else:
                    known[query] = cached
            queries.append(query)
            problems.append(problem)
        if missing:
            todo = list(missing)
            progress = None
            if on_checked is not None:
                report = on_checked

                def progress(count: int) -> None:  # checks done -> rows done, roughly
                    report(count * len(rows) // len(todo))

            results = _check_batch(self.screener, todo, self.options, self.pool, progress)
            for query, hits in zip(todo, results, strict=True):
                outcome = self._outcome(hits)
                known[query] = outcome
                self.outcomes.put(query, outcome)
        return [
            self._rows_for(row, query, None if query is None else known[query], problem)
            for row, query, problem in zip(rows, queries, problems, strict=True)
        ]

    def _outcome(self, hits: list[Any]) -> Outcome:
        """The screen_* values a list of hits gives a row (joined to parties and effects).

        A party whose every listing had ended by the screening date (or began after
        it) is history, not a hit: reported with its status, never counted. A row
        reports its best listed party, else its best former one.
        """
        if not hits:
            return NO_HITS
        found = []
        for hit in hits:
            facts = self.parties.of(hit.entity_id, getattr(hit, "entity", None))
            found.append((hit, facts, facts.standing(self.options.as_of)))
        listed = [item for item in found if item[2] == LISTED]
        chosen = found if self.options.all_hits else (listed or found)[:1]
        records = []
        seen_lists: set[str] = set()
        seen_effects: set[str] = set()
        verdicts = []
        scores = []
        for rank, (hit, facts, standing) in enumerate(chosen, start=1):
            verdict = facts.verdict(self.options.activity, self.options.as_of)
            lists = facts.lists or (str(hit.list),)
            record: dict[str, Any] = {
                "screen_hit": standing == LISTED,
                "screen_status": standing,
                "screen_score": round(float(hit.score), 4),
                "screen_party_id": hit.entity_id,
                "screen_party": hit.name,
                "screen_matched_name": hit.matched_name,
                "screen_lists": "; ".join(lists),
                "screen_effect": "; ".join(facts.effect_kinds),
                "screen_verdict": verdict.verdict.value,
                "screen_reasons": " | ".join(verdict.reasons),
                "screen_explanation": " | ".join(str(e) for e in hit.explanation),
            }
            if self.options.all_hits:
                record["screen_rank"] = rank
            records.append(record)
            if standing == LISTED:
                verdicts.append(verdict.verdict.value)
                scores.append(float(hit.score))
                seen_lists.update(lists)
                seen_effects.update(facts.effect_kinds)
        return Outcome(
            hits=len(listed),
            records=tuple(records),
            scores=tuple(scores),
            lists=tuple(seen_lists),
            effects=tuple(seen_effects or {"none"}),
            verdict=verdicts[0] if verdicts else None,
            status=LISTED if listed else found[0][2],
        )

    def _rows_for(
        self, row: InputRow, query: Query | None, outcome: Outcome | None, problem: str | None
    ) -> list[dict[str, Any]]:
        summary = self.summary
        summary.rows += 1
        base = {**row.values, **self._blank}
        base["screen_row"] = row.number
        base["screen_input_name"] = query.name if query is not None else ""
        if problem:
            summary.add_error(row.where, problem)
            base["screen_error"] = f"{row.where}: {problem}"
        if outcome is None:  # not screened
            return [base]
        base["screen_hit"] = outcome.hits > 0
        base["screen_hits"] = outcome.hits
        if not outcome.records:
            return [base]
        if not outcome.hits:  # only parties no longer (or not yet) listed: shown, not counted
            if outcome.status == FORMERLY_LISTED:
                summary.formerly_listed_rows += 1
            else:
                summary.not_yet_listed_rows += 1
            return [{**base, **record} for record in outcome.records]
        summary.hit_rows += 1
        summary.hits += len(outcome.scores)
        for score in outcome.scores:
            summary.add_score(score)
        for label in outcome.lists:
            summary.by_list[label] += 1
        for kind in outcome.effects:
            summary.by_effect[kind] += 1
        if outcome.verdict is not None:
            summary.by_verdict[outcome.verdict] += 1
        return [{**base, **record} for record in outcome.records]
