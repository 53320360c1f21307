"""Refit the matcher's scoring model: one command, from the repository root.

    python tools/fit_scorer.py [--skip-statistics] [--skip-translit-costs] [--rounds 2]
                               [--population 300]

1. Name statistics (src/clearance/matching/data/name_statistics.npz): word frequencies
   of Faker populations by script, and the bundled lists' own counts; and each script's
   learned transliteration costs (data/translit_costs.json, tools/scorer/translit_costs.py)
   from the train half of Wikidata's cross-script pairs.
2. Pairs mined from the bundled lists (aliases, variants, the yente UN positives),
   Faker populations and Wikidata's cross-script names (tools/scorer/), split into
   train and validation by entity groups.
3. A logistic regression fitted on the train split (tools/scorer/fit.py); the
   threshold chosen on the validation split; both written with the hashes of the
   script and data that made them to src/clearance/matching/data/match_model.json.
   A second round mines again with the new model, whose hardest negatives differ.

Needs the dev extra (Faker, SciPy) and ../shared/bench beside the checkout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import random
import sys
import time
import warnings
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=".*locale is deprecated.*")

from bench.all_lists import load_all_entities, snapshot_key  # noqa: E402
from clearance.matching.features import (  # noqa: E402
    FEATURES,
    INDEX,
    VETOES,
    PairFacts,
    alignment_features,
)
from clearance.matching.index import MatchIndex  # noqa: E402
from clearance.matching.match_model import MODEL_FILE, MatchModel  # noqa: E402
from clearance.matching.name_statistics import DATA_FILE as STATISTICS_FILE  # noqa: E402
from clearance.matching.name_statistics import NameStatistics  # noqa: E402
from clearance.matching.screener import Screener, cached_index, compare_alignment  # noqa: E402
from tools.scorer.fit import FittedModel, calibration_table, fit_logistic, pair_f1  # noqa: E402
from tools.scorer.pairs import (  # noqa: E402
    EntityGroups,
    PairTable,
    Query,
    alias_queries,
    mine,
    population_queries,
    variant_queries,
    yente_queries,
)
from tools.scorer.population import FIT_LOCALES  # noqa: E402
from tools.scorer.translit import translit_pairs  # noqa: E402

SHARED = Path(os.environ.get("CLEARANCE_SHARED", ROOT.parent / "shared"))
FIXTURES = SHARED / "bench" / "yente_candidate_fixtures"
WIKIDATA = SHARED / "bench" / "transliteration_wikidata"
FIT_SEED = 20_261_203
THRESHOLDS = [round(0.30 + 0.05 * k, 2) for k in range(14)]
MAX_POPULATION_ALERTS = 5.0  # per 1,000 innocent names (validation population)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted([Path(__file__), *(ROOT / "tools" / "scorer").glob("*.py")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def data_hashes() -> dict[str, str]:
    files = {
        "name_statistics.npz": STATISTICS_FILE,
        "translit_costs.json": ROOT / "src/clearance/matching/data/translit_costs.json",
        "snapshot manifest": ROOT / "src/clearance/snapshot/data/manifest.json",
        "positives_un_untreated.csv": FIXTURES / "positives_un_untreated.csv",
        "positives_un_treated.csv": FIXTURES / "positives_un_treated.csv",
    }
    files.update({p.name: p for p in sorted(WIKIDATA.glob("wd_*.tsv"))})
    return {name: sha256(path) for name, path in files.items()}


def build_statistics_file() -> None:
    from tools.scorer.statistics import build_statistics, write_statistics

    started = time.time()
    data = build_statistics(load_all_entities())
    write_statistics(data, STATISTICS_FILE)
    print(f"name statistics: {len(data['tokens']):,} words in {time.time() - started:.0f}s")


def expected_un(screener: Screener) -> list[int | None]:
    """The UN entry (entity position) each yente positive names, as bench/quality.py finds it."""
    from bench.quality_measures import expected_un_entities, read_rows

    ids = expected_un_entities(screener, read_rows("positives_un_untreated.csv"))
    position = {screener.index.entities[e].id: e for e in range(len(screener.index))}
    return [position[i] if i is not None else None for i in ids]


def all_queries(screener: Screener, groups: EntityGroups, per_locale: int) -> list[Query]:
    queries = alias_queries(screener, groups, FIT_SEED)
    queries += variant_queries(screener, groups, FIT_SEED + 1)
    queries += yente_queries(screener, groups, FIXTURES, expected_un(screener))
    rng = random.Random(FIT_SEED)
    locales = list(FIT_LOCALES)
    rng.shuffle(locales)
    queries += population_queries(locales, per_locale, FIT_SEED + 2, "train")
    queries += population_queries(locales, per_locale // 3, FIT_SEED + 3, "validation")
    return queries


def translit_table(statistics: NameStatistics) -> tuple[np.ndarray, np.ndarray, list[str], list]:
    """Features, labels, splits and the pairs of Wikidata's cross-script names."""
    pairs = translit_pairs(WIKIDATA)
    feats = []
    for pair in pairs:
        a, b, alignment = compare_alignment(pair.other, pair.latin, statistics)
        feats.append(alignment_features(a, b, alignment, PairFacts()))
    x = np.asarray(feats, dtype=np.float32).reshape(len(feats), -1)
    return x, np.asarray([p.label for p in pairs], np.int8), [p.split for p in pairs], pairs


def source_of(table: PairTable) -> list[str]:
    return [table.queries[q].source.split(":")[0] for q in table.query.tolist()]


def report(model: FittedModel, rows: dict[str, np.ndarray], table: PairTable) -> dict:
    """Validation figures: calibration, pair F1 per threshold, query-level rates."""
    val = rows["split"] == "validation"
    p = model.probability(rows["x"][val])
    y = rows["y"][val]
    out: dict = {"pairs": int(val.sum()), "positives": int(y.sum())}
    out["calibration"] = calibration_table(p, y, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
                                                  0.9, 1.0])  # fmt: skip
    out["pair_f1"] = {t: pair_f1(p, y, t) for t in THRESHOLDS}
    # Query level, from the mined pairs of validation queries.
    n_mined = len(table.label)
    p_all = model.probability(rows["x"][:n_mined])
    best_true: dict[int, float] = defaultdict(float)
    alerts: dict[int, int] = defaultdict(int)
    by_source: dict[str, list[int]] = defaultdict(list)
    for k, q in enumerate(table.queries):
        if q.split == "validation":
            by_source[q.source.split(":")[0]].append(k)
    per_threshold = {}
    for t in THRESHOLDS:
        best_true.clear()
        alerts.clear()
        for prob, label, q in zip(p_all.tolist(), table.label.tolist(), table.query.tolist(),
                                  strict=True):  # fmt: skip
            if label:
                best_true[q] = max(best_true[q], prob)
            elif prob >= t:
                alerts[q] += 1
        figures = {}
        for source, ks in sorted(by_source.items()):
            if source == "population":
                figures[source] = 1000.0 * sum(alerts[k] > 0 for k in ks) / max(1, len(ks))
            else:
                found = [k for k in ks if k in best_true or table.queries[k].want >= 0]
                figures[source] = (
                    sum(best_true.get(k, 0.0) >= t for k in found) / max(1, len(found)),
                    sum(alerts[k] for k in found) / max(1, len(found)),
                )
        per_threshold[t] = figures
    out["queries"] = per_threshold
    return out


def choose_threshold(figures: dict) -> float:
    """The threshold of best pair F1 on the validation split among those at which the
    validation population raises at most MAX_POPULATION_ALERTS per 1,000."""
    allowed = [
        t for t in THRESHOLDS if figures["queries"][t]["population"] <= MAX_POPULATION_ALERTS
    ]
    candidates = allowed or THRESHOLDS
    return max(candidates, key=lambda t: figures["pair_f1"][t][2])


def print_threshold(t: float, figures: dict) -> None:
    prf = figures["pair_f1"][t]
    cells = []
    for source, value in figures["queries"][t].items():
        if isinstance(value, float):
            cells.append(f"{source} {value:.1f}/1000")
        else:
            cells.append(f"{source} {value[0]:.3f} ({value[1]:.2f} other)")
    print(f"  {t:.2f}  P {prf[0]:.3f} R {prf[1]:.3f} F1 {prf[2]:.3f}  " + "  ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-statistics", action="store_true", help="keep the statistics file")
    parser.add_argument(
        "--skip-translit-costs", action="store_true", help="keep the transliteration costs file"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--population", type=int, default=300, help="train names per locale")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--sample", type=int, default=0, help="at most this many queries (trials)")
    parser.add_argument("--dump", type=Path, help="also pickle the mined pairs here (for study)")
    parser.add_argument("--write-docs", action="store_true", help="the fit's figures to docs")
    parser.add_argument(
        "--report-only", action="store_true", help="write the docs from the model file; no fit"
    )
    args = parser.parse_args()
    started = time.time()
    if args.report_only:
        written = json.loads(args.out.read_text(encoding="utf-8"))
        from bench.report import write_subsection

        seconds = float(written.get("seconds", 0.0))
        write_subsection(
            "Matching",
            "The scoring model (tools/fit_scorer.py)",
            fit_report(written, args, seconds),
        )
        return
    if not args.skip_statistics:
        build_statistics_file()
    if not args.skip_translit_costs:
        from tools.scorer.translit_costs import write_costs

        write_costs()
    statistics = NameStatistics.load()
    index: MatchIndex = cached_index(snapshot_key(), load_all_entities)
    print(f"index: {len(index):,} entities ({time.time() - started:.0f}s)")
    tx, ty, tsplit, tpairs = translit_table(statistics)
    print(f"cross-script pairs: {len(ty):,} ({time.time() - started:.0f}s)")
    model = MatchModel.load(args.out) if args.out.exists() else None
    for round_ in range(1, args.rounds + 1):
        screener = Screener(index, model=model, statistics=statistics)
        groups = EntityGroups(screener)
        queries = all_queries(screener, groups, args.population)
        if args.sample and len(queries) > args.sample:
            queries = random.Random(FIT_SEED).sample(queries, args.sample)
        table = mine(screener, groups, queries, workers=args.workers)
        print(f"round {round_}: {len(queries):,} queries, {len(table.label):,} pairs "
              f"({time.time() - started:.0f}s)")  # fmt: skip
        splits = np.array([queries[q].split for q in table.query.tolist()] + tsplit)
        rows = {
            "x": np.vstack([table.features, tx]),
            "y": np.concatenate([table.label, ty]),
            "split": splits,
            "source": np.array(source_of(table) + ["translit"] * len(ty)),
        }
        if args.dump:
            with args.dump.open("wb") as f:
                pickle.dump({"rows": rows, "table": table, "translit": tpairs}, f, protocol=5)
        train = rows["split"] == "train"
        for feature, _ in VETOES:  # decided by rule, not weighed: left out of the fit
            train &= rows["x"][:, INDEX[feature]] == 0
        fitted = fit_logistic(rows["x"][train], rows["y"][train], np.ones(int(train.sum())))
        figures = report(fitted, rows, table)
        threshold = choose_threshold(figures)
        keys = zip(rows["source"].tolist(), rows["split"].tolist(), rows["y"].tolist(), strict=True)
        counts = Counter(keys)
        meta = {
            "features": list(FEATURES),
            "weights": {
                n: round(float(w), 6) for n, w in zip(FEATURES, fitted.weights, strict=True)
            },
            "bias": round(fitted.bias, 6),
            "threshold": threshold,
            "fitted": date.today().isoformat(),
            "round": round_,
            "seconds": round(time.time() - started),
            "script_sha256": code_hash(),
            "data_sha256": data_hashes(),
            "pairs": {
                f"{s} {sp} {'true' if y else 'false'}": n
                for (s, sp, y), n in sorted(counts.items())
            },
            "validation": figures,
        }
        args.out.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        model = MatchModel.from_dict(meta)
        print(f"round {round_}: threshold {threshold}, validation pair F1 "
              f"{figures['pair_f1'][threshold][2]:.3f}; weights written to {args.out}")  # fmt: skip
        for t in THRESHOLDS:
            print_threshold(t, figures)
    _ = tpairs
    print(f"done in {time.time() - started:.0f}s")
    if args.write_docs:
        from bench.report import write_subsection

        written = json.loads(args.out.read_text(encoding="utf-8"))  # keys as strings
        report_md = fit_report(written, args, time.time() - started)
        write_subsection("Matching", "The scoring model (tools/fit_scorer.py)", report_md)


def fit_report(meta: dict, args: argparse.Namespace, seconds: float) -> str:
    """The fit's data and validation figures as Markdown, for docs/benchmarks.md."""
    figures = meta["validation"]
    md = [
        f"Command: `python tools/fit_scorer.py --rounds {args.rounds} --population "
        f"{args.population} --write-docs` ({seconds / 60:.0f} min on 2 shared cores), "
        f"{meta['fitted']}. The weights, the threshold and these figures are in "
        "`src/clearance/matching/data/match_model.json`, with the SHA-256 of the fitting "
        "code and of every data file used.",
        "",
        "Pairs mined (source, split, label):",
        "",
        "| source | train true | train false | validation true | validation false |",
        "|---|---:|---:|---:|---:|",
    ]
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for key, n in meta["pairs"].items():
        source, split, label = key.rsplit(" ", 2)
        table[source][f"{split} {label}"] = n
    for source, cells in sorted(table.items()):
        columns = ("train true", "train false", "validation true", "validation false")
        md.append(f"| {source} | " + " | ".join(f"{cells.get(c, 0):,}" for c in columns) + " |")
    sources = [s for s in figures["queries"][str(THRESHOLDS[0])] if s != "population"]
    md += ["", "Validation split (entities, Wikidata names and innocent names the fit never "
           "saw): pair precision, recall and F1, the innocent population's alerts per 1,000 "
           "names, and per source of queries the share whose true party scores at the "
           "threshold (with other parties alerted per query).", "",
           "| threshold | precision | recall | F1 | population /1000 | " + " | ".join(sources)
           + " |", "|---" * (5 + len(sources)) + "|"]  # fmt: skip
    for t in THRESHOLDS:
        p, r, f1 = figures["pair_f1"][str(t)]
        q = figures["queries"][str(t)]
        cells = [f"{v[0]:.1%} ({v[1]:.2f})" for s, v in q.items() if s != "population"]
        mark = " **chosen**" if t == meta["threshold"] else ""
        md.append(f"| {t:.2f}{mark} | {p:.3f} | {r:.3f} | {f1:.3f} | {q['population']:.1f} | "
                  + " | ".join(cells) + " |")  # fmt: skip
    md += ["", f"DEFAULT_THRESHOLD = {meta['threshold']}: the threshold of best pair F1 on "
           f"the validation split among those at which the validation population raises at "
           f"most {MAX_POPULATION_ALERTS:.0f} alerts per 1,000 innocent names."]  # fmt: skip
    return "\n".join(md)


if __name__ == "__main__":
    main()
