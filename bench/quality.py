"""Matching accuracy on ../shared/bench, against every bundled list, with baselines.

    python bench/quality.py [--negatives N] [--baseline-sample N] [--write-docs]

Figures: recall of the UN entry on the yente positives (as spelled, and with typos
and reordering), alerts per 1,000 synthetic negatives with the most frequent
alerts, cross-script `compare` per script, the peers' known failures, and a
threshold sweep (how DEFAULT_THRESHOLD was chosen). Each query is screened once at
a low threshold and its scores kept, so every threshold is read off the same run.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.all_lists import all_lists_screener  # noqa: E402
from bench.report import write_subsection  # noqa: E402
from clearance.matching import DEFAULT_THRESHOLD, Screener, compare  # noqa: E402
from clearance.matching.names import tokenize_name  # noqa: E402

SHARED = Path(os.environ.get("CLEARANCE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FIXTURES = SHARED / "bench" / "yente_candidate_fixtures"
TRANSLIT = SHARED / "bench" / "transliteration_wikidata"
FLOOR = 0.5  # screen at this threshold, read every higher threshold off the scores
SWEEP = [0.70, 0.75, 0.78, 0.80, 0.82, 0.85, 0.88, 0.90]
SCRIPTS = ["russian", "arabic", "hebrew", "korean", "japanese", "chinese"]
PEER_CASES = [  # (query, listed name or entity caption, should match)
    ("Higuision", "HIKVISION", True),
    ("Higvision", "HIKVISION", True),
    ("Hik Vision", "HIKVISION", True),
    (
        "Hangzhou Hikvision Digital Technology Company Limited",
        "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
        True,
    ),
    ("George Bush", "George Habbash", False),
    ("emma daniels", "EMMA LLC", False),
    ("BELLETECH CORP", "11420 CORP.", False),
    ("Jon Smith", "John Smith", True),
    ("Smith John", "John Smith", True),
]


def read_rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def query_of(row: dict[str, str], facts: bool) -> dict[str, object]:
    q: dict[str, object] = {"name": row["full_name"], "threshold": FLOOR, "limit": 50}
    if facts:
        q["birth_date"] = row.get("date_of_birth") or None
        q["country"] = row.get("nationality") or None
    return q


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
        un = [h.entity_id for h in hits if h.list == "un-sc" and (not ids or h.entity_id in ids)
              and not any("differs" in reason for reason in h.explanation)]  # fmt: skip
        out.append(un[0] if un else None)
    return out


def positives(screener: Screener, facts: bool) -> dict[str, list[float]]:
    """Per row, the score of its UN entry (0.0 if missed); rows not on the list omitted."""
    untreated = read_rows("positives_un_untreated.csv")
    expected = expected_un_entities(screener, untreated)
    scores: dict[str, list[float]] = {}
    for name in ("positives_un_untreated.csv", "positives_un_treated.csv"):
        rows = read_rows(name)
        results = screener.check_many([query_of(r, facts) for r in rows], workers=2)
        scores[name] = [
            max((h.score for h in hits if h.entity_id == want), default=0.0)
            for want, hits in zip(expected, results, strict=True)
            if want is not None
        ]
    scores["not on the list"] = [float(sum(e is None for e in expected))]
    return scores


def negatives(
    screener: Screener, limit: int, facts: bool
) -> dict[str, list[tuple[float, str, str]]]:
    out: dict[str, list[tuple[float, str, str]]] = {}
    for name in ("negatives_global.csv", "negatives_us.csv"):
        rows = read_rows(name)[:limit]
        results = screener.check_many([query_of(r, facts) for r in rows], workers=2)
        out[name] = [
            (hits[0].score, r["full_name"], f"{hits[0].matched_name} [{hits[0].entity_id}]")
            if hits
            else (0.0, r["full_name"], "")
            for r, hits in zip(rows, results, strict=True)
        ]
    return out


def fold(text: str) -> str:
    return anyascii(unicodedata.normalize("NFKC", text)).lower().strip()


def transliteration() -> dict[str, tuple[list[float], list[float]]]:
    """Per script: compare() scores and the naive unidecode + Jaro-Winkler scores."""
    out = {}
    for script in SCRIPTS:
        ours, naive = [], []
        with (TRANSLIT / f"wd_{script}_16.tsv").open(encoding="utf-8") as f:
            for line in f:
                latin, other, _count = line.rstrip("\n").split("\t")
                other = other.replace(" ", "")
                ours.append(compare(latin, other))
                naive.append(JaroWinkler.normalized_similarity(fold(latin), fold(other)))
        out[script] = (ours, naive)
    return out


def naive_scan_alerts(screener: Screener, rows: list[str], cutoff: float) -> float:
    """Alerts per 1,000 for a brute-force Jaro-Winkler scan of every listed name."""
    choices = [fold(v) for v in screener.index.name_values]
    alerts = 0
    for name in rows:
        best = process.extractOne(fold(name), choices, scorer=JaroWinkler.normalized_similarity,
                                  score_cutoff=cutoff)  # fmt: skip
        alerts += best is not None
    return 1000.0 * alerts / max(1, len(rows))


def share(values: list[float], threshold: float) -> float:
    return sum(v >= threshold for v in values) / max(1, len(values))


def peer_cases(screener: Screener) -> list[str]:
    lines = []
    for query, listed, should in PEER_CASES:
        score = compare(query, listed)
        hits = screener.check(query, limit=3)
        top = f"{hits[0].matched_name} ({hits[0].score:.2f})" if hits else "no hit"
        ok = (score >= DEFAULT_THRESHOLD) == should
        lines.append(f"| {query} | {listed} | {score:.2f} | {top} | {'yes' if ok else 'NO'} |")
    hits = screener.check("Путин Владимир Владимирович", limit=3)
    top = f"{hits[0].name} ({hits[0].score:.2f})" if hits else "no hit"
    lines.append(f"| Путин Владимир Владимирович | PUTIN, Vladimir Vladimirovich | | {top} | "
                 f"{'yes' if hits and 'PUTIN' in hits[0].name.upper() else 'NO'} |")  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--negatives", type=int, default=50_000, help="rows per negatives file")
    parser.add_argument("--baseline-sample", type=int, default=1000)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    t0 = time.time()
    screener = all_lists_screener()
    print(f"index ready in {time.time() - t0:.1f}s: {len(screener.index)} entities")
    th = DEFAULT_THRESHOLD
    md: list[str] = [f"Command: `python bench/quality.py --write-docs` "
                     f"(DEFAULT_THRESHOLD = {th}); all bundled lists.", ""]  # fmt: skip

    pos = {facts: positives(screener, facts) for facts in (False, True)}
    md += ["**Positives** (UN entry among the hits at the threshold):", "",
           "| file | rows | name only | name + DOB + nationality | goal |",
           "|---|---|---|---|---|"]  # fmt: skip
    goals = {"positives_un_untreated.csv": "≥ 99.5 %", "positives_un_treated.csv": "≥ 98 %"}
    missing = int(pos[False]["not on the list"][0])
    for name, goal in goals.items():
        a, b = share(pos[False][name], th), share(pos[True][name], th)
        print(f"{name}: recall {a:.2%} (name only), {b:.2%} (with facts)")
        md.append(f"| {name} | {len(pos[False][name])} | {a:.2%} | {b:.2%} | {goal} |")
    md += ["", f"{missing} of 683 rows name people no longer on the bundled UN list (2026-02-27); "
           "they are left out (see `expected_un_entities`)."]  # fmt: skip

    neg = {facts: negatives(screener, args.negatives, facts) for facts in (False, True)}
    md += ["", "**Negatives** (names with at least one alert, per 1,000):", "",
           "| file | rows | name only | name + DOB + nationality | naive JW scan ≥ 0.85 "
           f"(first {args.baseline_sample}) | goal |", "|---|---|---|---|---|---|"]  # fmt: skip
    for name in ("negatives_global.csv", "negatives_us.csv"):
        rows = neg[False][name]
        a = 1000 * share([s for s, _, _ in rows], th)
        b = 1000 * share([s for s, _, _ in neg[True][name]], th)
        sample = [q for _, q, _ in rows[: args.baseline_sample]]
        naive = naive_scan_alerts(screener, sample, 0.85)
        print(f"{name}: {a:.1f} alerts/1000 (name only), {b:.1f} (with facts), naive {naive:.0f}")
        md.append(f"| {name} | {len(rows)} | {a:.1f} | {b:.1f} | {naive:.0f} | ≤ 5 |")
    md += ["", "Most frequent alerts (name only), for review:", "",
           "| listed name [entity] | alerts | example query |", "|---|---|---|"]  # fmt: skip
    alerts = [(m, q) for f in neg[False].values() for s, q, m in f if s >= th]
    for listed, count in Counter(m for m, _ in alerts).most_common(20):
        example = next(q for m, q in alerts if m == listed)
        md.append(f"| {listed} | {count} | {example} |")

    tr = transliteration()
    md += ["", "**Cross-script** (`compare(latin, other script) ≥ threshold`):", "",
           "| script | pairs | clearance | naive unidecode + JW ≥ 0.85 | goal |",
           "|---|---|---|---|---|"]  # fmt: skip
    tgoals = {"russian": "≥ 90 %", "korean": "≥ 70 %", "japanese": "≥ 70 %", "arabic": "≥ 50 %",
              "hebrew": "≥ 50 %", "chinese": "reported apart"}  # fmt: skip
    for script, (ours, naive) in tr.items():
        a, b = share(ours, th), share(naive, 0.85)
        print(f"translit {script}: {a:.1%} (naive {b:.1%})")
        md.append(f"| {script} | {len(ours)} | {a:.1%} | {b:.1%} | {tgoals[script]} |")

    md += ["", "**Peers' known failures**:", "",
           "| query | listed | compare | best hit of check | as wanted |",
           "|---|---|---|---|---|"]  # fmt: skip
    md += peer_cases(screener)

    md += ["", "**Threshold sweep** (name only; how DEFAULT_THRESHOLD was chosen):", "",
           "| threshold | untreated | treated | global /1000 | us /1000 | ru | ar | he | ko | ja |",
           "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for t in SWEEP:
        cells = [f"{share(pos[False][n], t):.1%}" for n in goals]
        cells += [f"{1000 * share([s for s, _, _ in neg[False][n]], t):.1f}" for n in neg[False]]
        cells += [f"{share(tr[s][0], t):.0%}" for s in SCRIPTS[:5]]
        md.append(f"| {t:.2f} | " + " | ".join(cells) + " |")
        print("sweep", t, cells)
    md += ["", f"How DEFAULT_THRESHOLD = {th} was chosen: it is the highest threshold in this "
           "sweep at which the treated positives stay at 99 % or more and the cross-script "
           "goals for Russian, Arabic, Hebrew and Japanese hold; cross-script recall falls "
           "fast above it (one-consonant-off transliterations score 0.78-0.88), and alerts "
           "on the negatives rise below it. The sweep is read from one run screened at "
           f"{FLOOR}, so each row is the same queries at another threshold."]  # fmt: skip
    print(f"done in {time.time() - t0:.0f}s")
    if args.write_docs:
        write_subsection("Matching", "Accuracy (bench/quality.py)", "\n".join(md))


if __name__ == "__main__":
    main()
