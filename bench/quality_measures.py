"""The raw measurements of bench/quality.py, for whichever clearance is importable.

    python bench/quality_measures.py --data DATA.json --out RESULT.json [--negatives N]

bench/quality.py runs this twice on the same data, once with this checkout's code
and once with the previous release's (PYTHONPATH pointing at its `src/`), and prints
the two side by side. Only the API both have is used: the loaders' registry, the
bundled snapshot, `MatchIndex`, `Screener.check`/`check_many`, `compare` and
`DEFAULT_THRESHOLD`. Everything is screened once at a low threshold and the scores
kept, so any threshold can be read off afterwards.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.all_lists import all_lists_screener  # noqa: E402
from clearance.matching import DEFAULT_THRESHOLD, Screener, compare  # noqa: E402
from clearance.matching.names import tokenize_name  # noqa: E402

SHARED = Path(os.environ.get("CLEARANCE_SHARED", ROOT.parent / "shared"))
FIXTURES = SHARED / "bench" / "yente_candidate_fixtures"
TRANSLIT = SHARED / "bench" / "transliteration_wikidata"
FLOOR = 0.3  # screen at this threshold; every higher threshold is read off the scores


def read_rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def expected_un_entities(screener: Screener, rows: list[dict[str, str]]) -> list[str | None]:
    """The UN entry each untreated row names, or None if it is not on the bundled list.

    The fixture was drawn from an older UN list: people delisted since (al-Jawlani in
    2025, for one) are not there to be found. A row maps to the UN entry one of whose
    names has the same tokens; failing that, to a UN hit scoring 0.9 or more whose
    birth date agrees. Rows that map to nothing are left out of recall and counted.
    """
    index = screener.index
    by_tokens: dict[tuple[str, ...], set[str]] = {}
    for name_idx, value in enumerate(index.name_values):
        facts = index.entities[int(index.name_entity[name_idx])]
        if facts.list_id == "un-sc":
            key = tuple(sorted(tokenize_name(value).tokens))
            by_tokens.setdefault(key, set()).add(facts.id)
    out: list[str | None] = []
    for row in rows:
        ids = by_tokens.get(tuple(sorted(tokenize_name(row["full_name"]).tokens)), set())
        dob = row.get("date_of_birth") or None
        if len(ids) == 1:
            out.append(next(iter(ids)))
            continue
        hits = screener.check(row["full_name"], birth_date=dob, threshold=0.9, limit=50)
        un = [
            h.entity_id
            for h in hits
            if h.list == "un-sc"
            and (not ids or h.entity_id in ids)
            and not any("differs" in reason for reason in h.explanation)
        ]
        out.append(un[0] if un else None)
    return out


def _query(name: str, facts: dict[str, str] | None = None) -> dict[str, Any]:
    q: dict[str, Any] = {"name": name, "threshold": FLOOR, "limit": 50}
    if facts:
        q["birth_date"] = facts.get("date_of_birth") or None
        q["country"] = facts.get("nationality") or None
    return q


def positives(screener: Screener) -> dict[str, Any]:
    """Per row, the score of its UN entry (0.0 if missed), name only and with facts."""
    untreated = read_rows("positives_un_untreated.csv")
    expected = expected_un_entities(screener, untreated)
    out: dict[str, Any] = {"not on the list": sum(e is None for e in expected)}
    for name in ("positives_un_untreated.csv", "positives_un_treated.csv"):
        rows = read_rows(name)
        for facts in (False, True):
            queries = [_query(r["full_name"], r if facts else None) for r in rows]
            results = screener.check_many(queries, workers=2)
            out[f"{name} {'facts' if facts else 'name'}"] = [
                max((h.score for h in hits if h.entity_id == want), default=0.0)
                for want, hits in zip(expected, results, strict=True)
                if want is not None
            ]
    return out


def best_hits(screener: Screener, queries: list[dict[str, Any]]) -> list[list[Any]]:
    """[best score, query name, matched name [entity id]] per query."""
    results = screener.check_many(queries, workers=2)
    return [
        [hits[0].score, q["name"], f"{hits[0].matched_name} [{hits[0].entity_id}]"]
        if hits
        else [0.0, q["name"], ""]
        for q, hits in zip(queries, results, strict=True)
    ]


def negatives(screener: Screener, limit: int) -> dict[str, Any]:
    out = {}
    for name in ("negatives_global.csv", "negatives_us.csv"):
        rows = read_rows(name)[:limit]
        out[f"{name} name"] = best_hits(screener, [_query(r["full_name"]) for r in rows])
        out[f"{name} facts"] = best_hits(screener, [_query(r["full_name"], r) for r in rows])
    return out


def population(screener: Screener, names: dict[str, list[str]]) -> dict[str, Any]:
    return {loc: best_hits(screener, [_query(n) for n in ns]) for loc, ns in names.items()}


def translit() -> dict[str, list[float]]:
    """compare(latin, other script) for every Wikidata pair, per script."""
    out = {}
    for path in sorted(TRANSLIT.glob("wd_*_16.tsv")):
        script = path.name.split("_")[1]
        scores = []
        with path.open(encoding="utf-8") as f:
            for line in f:
                latin, other, _count = line.rstrip("\n").split("\t")
                scores.append(compare(latin, other.replace(" ", "")))
        out[script] = scores
    return out


def examples(screener: Screener, cases: list[list[Any]]) -> list[list[Any]]:
    """[query, type, [[score, matched name, entity id, list], …]] per case (top three)."""
    out = []
    for query, schema, lists in cases:
        kwargs: dict[str, Any] = {"limit": 50}
        if schema:
            kwargs["schema"] = schema
        hits = [h for h in screener.check(query, **kwargs) if not lists or h.list in lists]
        found = [[h.score, h.matched_name, h.entity_id, h.list] for h in hits[:3]]
        out.append([query, schema, found])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--negatives", type=int, default=50_000)
    args = parser.parse_args()
    data = json.loads(args.data.read_text(encoding="utf-8"))
    started = time.time()
    screener = all_lists_screener()
    result: dict[str, Any] = {"threshold": DEFAULT_THRESHOLD}
    result["index seconds"] = time.time() - started
    result["positives"] = positives(screener)
    result["negatives"] = negatives(screener, args.negatives)
    result["population"] = population(screener, data["population"])
    result["translit"] = translit()
    result["pairs"] = [compare(a, b) for a, b in data["pairs"]]
    result["peers"] = [compare(a, b) for a, b in data["peer_pairs"]]
    result["examples"] = examples(screener, data["examples"])
    result["seconds"] = time.time() - started
    args.out.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
