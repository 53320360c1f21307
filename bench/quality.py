"""Matching accuracy, this commit beside the previous release, on the same data.

    python bench/quality.py [--baseline REV | --no-baseline] [--negatives N]
                            [--population N] [--write-docs]

Both scorers run bench/quality_measures.py in a process of their own (the previous
release from `git archive REV`), on the same lists, the same synthetic population and
the same labelled pairs, built here once. Figures: the yente UN positives (as spelled,
and with typos and reordering), alerts per 1,000 on the yente synthetic negatives and
on a ten-locale Faker population drawn with the benchmark's own seed, Wikidata's
cross-script pairs (all, and the validation half the fit never saw), the labelled
pair set by class, the issue's examples, the peers' known failures, and the
validation split's calibration table from the fitted model's file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=".*locale is deprecated.*")

from bench.all_lists import all_lists_screener  # noqa: E402
from bench.report import write_subsection  # noqa: E402
from clearance.matching.features import FEATURES  # noqa: E402
from clearance.matching.match_model import bundled_model  # noqa: E402
from clearance.matching.names import tokenize_name  # noqa: E402
from tools.scorer.pair_set import build_pair_set  # noqa: E402
from tools.scorer.pairs import EntityGroups  # noqa: E402
from tools.scorer.population import BENCH_LOCALES, people  # noqa: E402
from tools.scorer.translit import split_of  # noqa: E402

BASELINE = "f69811a"  # the last release before the fitted scorer (issue 13)
POPULATION_SEED = 777  # not a seed of the fit (tools/fit_scorer.py) nor of the statistics
SCRIPT_GOALS = {
    "russian": 0.92,
    "arabic": 0.80,
    "hebrew": 0.85,
    "korean": 0.75,
    "japanese": 0.80,
    "chinese": 0.50,
}
PEERS = [  # (query, listed, should match): what other matchers get wrong
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
# The examples: (query, type, lists, what is wanted: a listed name that must be
# the top hit, or None for no hit at all).
EXAMPLES: list[tuple[str, str | None, list[str] | None, str | None]] = [
    ("Петренко LLC", "Organization", None, None),
    ("Коваленко Ltd", "Organization", None, None),
    ("Шевчук Inc", "Organization", None, None),
    ("Omega Group", None, None, None),
    ("Ramzan Akhmatovich Ahmadovich Kadyrov", None, None, "KADYROV"),
    ("Vladimir Vladimirovich Putin Spiridonovich", None, None, "PUTIN"),
    ("Natl Iranian Oil Co", None, None, "NATIONAL IRANIAN OIL"),
    ("Korea Natl Insurance Corp", None, None, "KOREA NATIONAL INSURANCE"),
    ("Iran Air Lines", None, None, "IRAN"),
    ("Hayat Tahrir al-Sham", None, ["un-sc"], "TAHRIR"),
    ("Higuision", None, None, "HIKVISION"),
    ("Higvision", None, None, "HIKVISION"),
    ("Путин Владимир Владимирович", None, None, "PUTIN"),
]


def population_names(screener: Any, per_locale: int) -> dict[str, list[str]]:
    """Innocent names by locale, less those that are a listed name (the same words)."""
    listed = {tuple(sorted(tokenize_name(v).tokens)) for v in screener.index.name_values}
    out = {}
    for k, loc in enumerate(BENCH_LOCALES):
        names = people(loc, per_locale, POPULATION_SEED + k)
        out[loc] = [n for n in names if tuple(sorted(tokenize_name(n).tokens)) not in listed]
    return out


def build_data(per_locale: int) -> tuple[dict[str, Any], list]:
    screener = all_lists_screener()
    pairs = build_pair_set(screener, EntityGroups(screener), BENCH_LOCALES)
    data = {
        "population": population_names(screener, per_locale),
        "pairs": [[p.query, p.listed] for p in pairs],
        "peer_pairs": [[q, listed] for q, listed, _ in PEERS],
        "examples": [[q, schema, lists] for q, schema, lists, _ in EXAMPLES],
    }
    return data, pairs


def run_measures(data_path: Path, src: Path | None, negatives: int, out: Path) -> dict[str, Any]:
    """bench/quality_measures.py in a process of its own; `src` is the clearance to use."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
        env["CLEARANCE_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "clearance-baseline-cache")
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "quality_measures.py"),
        "--data",
        str(data_path),
        "--out",
        str(out),
        "--negatives",
        str(negatives),
    ]
    subprocess.run(cmd, check=True, env=env)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def extract_release(rev: str, folder: Path) -> Path:
    """The `src/` of commit `rev`, unpacked into `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def share(values: list[float], threshold: float) -> float:
    return sum(v >= threshold for v in values) / max(1, len(values))


def per_1000(rows: list[list[Any]], threshold: float) -> float:
    return 1000.0 * share([r[0] for r in rows], threshold)


def pair_scores(scores: list[float], pairs: list, threshold: float) -> dict[str, Any]:
    tp = fp = fn = 0
    by_class: dict[str, list[int]] = {}
    for score, pair in zip(scores, pairs, strict=True):
        said = score >= threshold
        tp += said and pair.label == 1
        fp += said and pair.label == 0
        fn += (not said) and pair.label == 1
        by_class.setdefault(pair.cls, []).append(int(said == bool(pair.label)))
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "classes": {c: (sum(v) / len(v), len(v)) for c, v in by_class.items()},
    }


def figures(result: dict[str, Any], pairs: list) -> dict[str, Any]:
    th = result["threshold"]
    pos = result["positives"]
    out: dict[str, Any] = {"threshold": th}
    out["untreated"] = share(pos["positives_un_untreated.csv name"], th)
    out["treated"] = share(pos["positives_un_treated.csv name"], th)
    out["untreated facts"] = share(pos["positives_un_untreated.csv facts"], th)
    out["treated facts"] = share(pos["positives_un_treated.csv facts"], th)
    neg = result["negatives"]
    for name in ("negatives_global.csv", "negatives_us.csv"):
        out[name] = per_1000(neg[f"{name} name"], th)
        out[name + " facts"] = per_1000(neg[f"{name} facts"], th)
    locales = {loc: per_1000(rows, th) for loc, rows in result["population"].items()}
    out["locales"] = locales
    n_pop = sum(len(rows) for rows in result["population"].values())
    out["population"] = (
        1000.0
        * sum(r[0] >= th for rows in result["population"].values() for r in rows)
        / max(1, n_pop)
    )
    out["translit"] = {s: share(v, th) for s, v in result["translit"].items()}
    out["translit validation"] = {}
    for s, v in result["translit"].items():
        mask = validation_only_for(s)
        out["translit validation"][s] = share([x for x, m in zip(v, mask, strict=True) if m], th)
    out["pairs"] = pair_scores(result["pairs"], pairs, th)
    out["peers"] = [
        (score >= th) == want for score, (_, _, want) in zip(result["peers"], PEERS, strict=True)
    ]
    out["peer scores"] = result["peers"]
    out["examples"] = result["examples"]
    out["alerts"] = Counter(
        r[2]
        for rows in [*neg.values(), *result["population"].values()]
        for r in rows
        if r[0] >= th and r[2]
    )
    return out


_VALIDATION_MASKS: dict[str, list[bool]] = {}


def validation_only_for(script: str) -> list[bool]:
    """Which Wikidata pairs of `script` are in the validation half (tools/scorer/translit)."""
    if script not in _VALIDATION_MASKS:
        shared = Path(os.environ.get("CLEARANCE_SHARED", ROOT.parent / "shared"))
        path = shared / "bench" / "transliteration_wikidata" / f"wd_{script}_16.tsv"
        with path.open(encoding="utf-8") as f:
            _VALIDATION_MASKS[script] = [
                split_of(line.split("\t")[0]) == "validation" for line in f
            ]
    return _VALIDATION_MASKS[script]


def example_ok(case: tuple, found: list) -> bool:
    _, _, _, wanted = case
    if wanted is None:
        return not found
    return bool(found) and wanted.upper() in found[0][1].upper()


def show_example(src: dict[str, Any] | None, k: int, case: tuple) -> str:
    if src is None:
        return ""
    found = src["examples"][k][2]
    top = f"{found[0][1]} ({found[0][0]:.2f})" if found else "no hit"
    return f"{top} {'✓' if example_ok(case, found) else '✗'}"


def render(now: dict[str, Any], before: dict[str, Any] | None, rev: str, args: Any) -> str:
    """The Markdown of the figures, side by side."""

    def cell(key: str, fmt: str, src: dict[str, Any] | None) -> str:
        return "" if src is None else fmt.format(src[key])

    head = f"previous release ({rev})" if before is not None else "previous release (not run)"
    md = [
        f"Command: `python bench/quality.py --write-docs` (negatives {args.negatives:,} per "
        f"file, population {args.population:,} per locale); all bundled lists; both scorers "
        "on the same data in one run.",
        "",
        f"| measure | {head} | this commit | goal |",
        "|---|---|---|---|",
    ]
    rows = [
        ("threshold (DEFAULT_THRESHOLD)", "threshold", "{:.2f}", ""),
        ("UN positives as spelled, name only", "untreated", "{:.2%}", "≥ 99.5 %"),
        ("UN positives with typos and reordering, name only", "treated", "{:.2%}", "≥ 99 %"),
        ("the same with birth date and nationality", "treated facts", "{:.2%}", ""),
        ("negatives_global: alerts per 1,000, name only", "negatives_global.csv", "{:.1f}", "≤ 5"),
        ("negatives_us: alerts per 1,000, name only", "negatives_us.csv", "{:.1f}", "≤ 3"),
        (
            "negatives_global with birth date and nationality",
            "negatives_global.csv facts",
            "{:.1f}",
            "",
        ),
        (
            f"population of {len(BENCH_LOCALES)} locales: alerts per 1,000",
            "population",
            "{:.1f}",
            "≤ 5",
        ),
    ]
    for label, key, fmt, goal in rows:
        md.append(f"| {label} | {cell(key, fmt, before)} | {cell(key, fmt, now)} | {goal} |")
    worst = max(now["locales"].values())
    worst_before = max(before["locales"].values()) if before else None
    md.append(
        f"| worst locale: alerts per 1,000 | "
        f"{'' if worst_before is None else f'{worst_before:.1f}'} | {worst:.1f} | ≤ 10 |"
    )
    for script, goal in SCRIPT_GOALS.items():
        b = "" if before is None else f"{before['translit'][script]:.1%}"
        v = now["translit validation"][script]
        md.append(
            f"| cross-script {script}: all pairs (validation half) | {b} | "
            f"{now['translit'][script]:.1%} ({v:.1%}) | ≥ {goal:.0%} |"
        )
    for key, label in (("f1", "F1"), ("precision", "precision"), ("recall", "recall")):
        b = "" if before is None else f"{before['pairs'][key]:.3f}"
        md.append(
            f"| labelled pairs ({sum(n for _, n in now['pairs']['classes'].values()):,}): "
            f"{label} | {b} | {now['pairs'][key]:.3f} | {'≥ 0.92' if key == 'f1' else ''} |"
        )
    md += [
        "",
        f"Alerts per 1,000 innocent names by locale (Faker, seed {POPULATION_SEED}, "
        "never used by the fit):",
        "",
        "| locale | previous release | this commit |",
        "|---|---|---|",
    ]
    for loc, value in now["locales"].items():
        b = "" if before is None else f"{before['locales'][loc]:.1f}"
        md.append(f"| {loc} | {b} | {value:.1f} |")
    md += [
        "",
        "Labelled pairs by class (share judged right at each scorer's threshold):",
        "",
        "| class | pairs | true match | previous release | this commit |",
        "|---|---|---|---|---|",
    ]
    for cls, (right, n) in now["pairs"]["classes"].items():
        label = "yes" if not cls.startswith(("another", "one distinctive", "innocent")) else "no"
        b = "" if before is None else f"{before['pairs']['classes'][cls][0]:.1%}"
        md.append(f"| {cls} | {n} | {label} | {b} | {right:.1%} |")
    md += [
        "",
        "The issue's examples (top hit of `check`):",
        "",
        "| query | type | wanted | previous release | this commit |",
        "|---|---|---|---|---|",
    ]
    for k, case in enumerate(EXAMPLES):
        q, schema, lists, wanted = case

        where = f" (--list {','.join(lists)})" if lists else ""
        md.append(
            f"| {q}{where} | {schema or ''} | {wanted or 'no hit'} | "
            f"{show_example(before, k, case)} | {show_example(now, k, case)} |"
        )
    md += [
        "",
        "Peers' known failures (`compare`, judged at each scorer's threshold):",
        "",
        "| query | listed | should match | previous release | this commit |",
        "|---|---|---|---|---|",
    ]
    for k, (q, listed, want) in enumerate(PEERS):
        b = (
            ""
            if before is None
            else f"{before['peer scores'][k]:.2f} {'✓' if before['peers'][k] else '✗'}"
        )
        n = f"{now['peer scores'][k]:.2f} {'✓' if now['peers'][k] else '✗'}"
        md.append(f"| {q} | {listed} | {'yes' if want else 'no'} | {b} | {n} |")
    md += [
        "",
        "Most frequent alerts on innocent names, this commit (for review):",
        "",
        "| listed name [entity] | alerts |",
        "|---|---|",
    ]
    for listed, count in now["alerts"].most_common(12):
        md.append(f"| {listed} | {count} |")
    model = bundled_model()
    meta = model.meta
    md += ["", f"The fitted model ({len(FEATURES)} features; `python tools/fit_scorer.py` "
           f"refits it, {meta.get('fitted', '?')}): log-odds added per unit of each feature "
           f"(information in log10 units, counts, or 0/1), bias {model.bias:.2f}, threshold "
           f"{model.threshold:.2f}.", "", "| feature | weight | feature | weight |",
           "|---|---|---|---|"]  # fmt: skip
    named = list(zip(FEATURES, model.weights, strict=True))
    half = (len(named) + 1) // 2
    for (f1, w1), (f2, w2) in zip(named[:half], named[half:] + [("", 0.0)], strict=False):
        md.append(f"| {f1} | {w1:+.3f} | {f2} | {'' if not f2 else f'{w2:+.3f}'} |")
    cal = meta.get("validation", {}).get("calibration", [])
    if cal:
        md += [
            "",
            f"Calibration on the fit's validation split ({meta['validation']['pairs']:,} "
            "pairs of entities the fit never saw): the share of true matches among the "
            "pairs in each score band.",
            "",
            "| score | pairs | true |",
            "|---|---|---|",
        ]
        for low, high, n, true in cal:
            md.append(f"| {low:.1f}–{high:.1f} | {n:,} | {true:.1%} |")
    return "\n".join(md)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="commit of the previous release")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--negatives", type=int, default=50_000, help="rows per negatives file")
    parser.add_argument("--population", type=int, default=1_000, help="names per locale")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    started = time.time()
    data, pairs = build_data(args.population)
    print(
        f"data: {len(pairs):,} labelled pairs, "
        f"{sum(len(v) for v in data['population'].values()):,} population names "
        f"({time.time() - started:.0f}s)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "data.json"
        data_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        now_raw = run_measures(data_path, None, args.negatives, Path(tmp) / "now.json")
        print(f"this commit measured ({time.time() - started:.0f}s)")
        before_raw = None
        if not args.no_baseline:
            src = extract_release(args.baseline, Path(tmp) / "baseline")
            before_raw = run_measures(data_path, src, args.negatives, Path(tmp) / "before.json")
            print(f"previous release measured ({time.time() - started:.0f}s)")
    now = figures(now_raw, pairs)
    before = figures(before_raw, pairs) if before_raw else None
    md = render(now, before, args.baseline, args)
    print(md)
    if args.write_docs:
        write_subsection("Matching", "Accuracy (bench/quality.py)", md)


if __name__ == "__main__":
    main()
