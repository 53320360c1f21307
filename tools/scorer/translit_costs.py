"""Learn the edit costs of matching/transliteration.py from Wikidata's cross-script pairs.

    python tools/scorer/translit_costs.py [--iterations N] [--out PATH]

For each script, the train half of ../shared/bench/transliteration_wikidata (split by
the Latin name, as the scorer's fit splits them: tools/scorer/translit.py) is read as
the matcher reads it: the other-script word romanised by the rules (scripts.py), the
Latin word folded. Hard EM then finds, again and again, the cheapest edit path of
every pair under the current costs and counts its edits; an edit's cost is
-log(times it was made / times its source letters were met), so keeping a letter is
nearly free and a change the script never makes is dear. The worst-fitting tenth of
pairs each round is left out of the count: Wikidata pairs a few names wrongly.

Wikidata's pairs are mostly foreign names written in each script, with their vowels
spelled out (كازانوفا for Casanova); the lists' own names are mostly native ones
(محمد for Muhammad, short vowels unwritten). So the words of the lists' own aliases
in another script, met by the aligner with a Latin alias of the same entity, are
learned from too (train entities only, counted LIST_WEIGHT times).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from clearance.matching.names import tokenize_name  # noqa: E402
from clearance.matching.scripts import LATIN  # noqa: E402
from clearance.matching.transliteration import (  # noqa: E402
    COSTS_FILE,
    POOLED,
    EditCosts,
    bundled_costs,
    cheapest_path,
    edit_kind,
    transliteration_cost,
)
from tools.scorer.translit import SCRIPTS, read_pairs, split_of  # noqa: E402

WIKIDATA = ROOT.parent / "shared" / "bench" / "transliteration_wikidata"
SMOOTHING = 0.5  # added to every count
MIN_COUNT = 3  # an edit made fewer times than this keeps its kind's unseen cost
UNSEEN = {"del": 5.0, "ins": 5.0, "sub": 6.0, "sub12": 6.5, "sub21": 6.5}
NOISE_SHARE = 0.1
MAX_LENGTH_RATIO = 2.5
LIST_WEIGHT = 3  # a word pair from the lists counts as this many Wikidata pairs


def training_words(folder: Path, script_file: str) -> list[tuple[str, str, str]]:
    """(script, romanised, latin) of the train half, one word on each side."""
    out = []
    for latin, other in read_pairs(folder, script_file):
        if split_of(latin) != "train":
            continue
        theirs, ours = tokenize_name(other), tokenize_name(latin)
        scripts = [s for s in theirs.scripts if s != LATIN]
        if not scripts or any(s != LATIN for s in ours.scripts):
            continue
        a = "".join(t for t in theirs.tokens if t.isalpha())
        b = "".join(t for t in ours.tokens if t.isalpha())
        if a and b and max(len(a), len(b)) / min(len(a), len(b)) <= MAX_LENGTH_RATIO:
            out.append((scripts[0], a, b))
    return out


def list_alias_words() -> list[tuple[str, str, str]]:
    """(script, romanised, latin) of the words the aligner meets between an entity's
    alias in another script and its Latin aliases, train entities only."""
    from bench.all_lists import all_lists_screener
    from clearance.matching.name_statistics import bundled_statistics
    from clearance.matching.screener import compare_alignment
    from tools.scorer.pairs import EntityGroups, entity_names

    screener = all_lists_screener()
    groups = EntityGroups(screener)
    statistics = bundled_statistics()
    values = screener.index.name_values
    out = []
    for entity, names in enumerate(entity_names(screener)):
        if groups.split(entity) != "train":
            continue
        texts = list(dict.fromkeys(values[n] for n in names))
        others = [t for t in texts if not t.isascii()]
        latins = [t for t in texts if t.isascii()]
        for other in others:
            for latin in latins:
                # The rules alone, so that the costs never learn from themselves.
                a, b, alignment = compare_alignment(other, latin, statistics, read_across=False)
                for pair in alignment.pairs:
                    script = a.scripts[pair.q[0]]
                    if script == LATIN or any(b.scripts[j] != LATIN for j in pair.n):
                        continue
                    x = "".join(a.tokens[i] for i in pair.q)
                    y = "".join(b.tokens[j] for j in pair.n)
                    if x.isalpha() and y.isalpha() and len(y) >= 3:
                        out.append((script, x, y))
    return out


def initial_costs(words: list[tuple[str, str, str]]) -> EditCosts:
    letters = {ch for _, a, b in words for ch in a + b}
    return EditCosts({f"{ch}>{ch}": 0.0 for ch in letters},
                     {"del": 1.0, "ins": 1.0, "sub": 1.0, "sub12": 1.6, "sub21": 1.6})  # fmt: skip


def costs_from_counts(edits: Counter[tuple[str, str]], sources: Counter[str]) -> EditCosts:
    costs: dict[str, float] = {}
    for (src, dst), n in edits.items():
        if n < MIN_COUNT:
            continue
        # An insertion after a letter ("^": at the start) is met as often as that letter.
        met = sources[src[:-1] if src.endswith("+") else src]
        cost = -math.log((n + SMOOTHING) / (met + SMOOTHING))
        kind = edit_kind(src, dst)
        costs[f"{src}>{dst}"] = round(min(max(cost, 0.0), UNSEEN[kind]), 4)
    return EditCosts(costs, dict(UNSEEN))


def source_units(words: list[tuple[str, str, str]]) -> Counter[str]:
    """How often each letter and pair of letters is met in the romanised words; ""
    counts the places an insertion could go."""
    units: Counter[str] = Counter()
    for _, a, _ in words:
        units.update(a)
        units.update(a[k : k + 2] for k in range(len(a) - 1))
        units[""] += len(a) + 1
        units["^"] += 1
    return units


def learn(words: list[tuple[str, str, str]], iterations: int) -> tuple[EditCosts, float]:
    """Hard EM over `words`; the costs and the mean cost per letter of the pairs kept."""
    costs = initial_costs(words)
    units = source_units(words)
    mean = 0.0
    for _ in range(iterations):
        paths = []
        for _, a, b in words:
            total, edits = cheapest_path(costs, a, b)
            paths.append((total / max(len(a), len(b)), edits))
        paths.sort(key=lambda p: p[0])
        kept = paths[: int(len(paths) * (1 - NOISE_SHARE))]
        counts: Counter[tuple[str, str]] = Counter()
        for _, edits in kept:
            counts.update(edits)
        costs = costs_from_counts(counts, units)
        mean = sum(p[0] for p in kept) / max(1, len(kept))
    return costs, mean


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--out", type=Path, default=COSTS_FILE)
    args = parser.parse_args()
    write_costs(args.out, args.iterations)


def write_costs(out: Path = COSTS_FILE, iterations: int = 4) -> None:
    """Learn every script's table and write the costs file."""
    started = time.time()
    by_script: dict[str, list[tuple[str, str, str]]] = {}
    for script_file in SCRIPTS:
        for word in training_words(WIKIDATA, script_file):
            by_script.setdefault(word[0], []).append(word)
    from_lists = list_alias_words()
    for word in from_lists:
        by_script.setdefault(word[0], []).extend([word] * LIST_WEIGHT)
    print(f"word pairs from the lists' own aliases: {len(from_lists):,} "
          f"({time.time() - started:.0f}s)")  # fmt: skip
    # Scripts with few words (Hiragana names in the Japanese file …) join the pooled table.
    tables: dict[str, dict] = {}
    pooled = [w for words in by_script.values() for w in words]
    for script, words in [*sorted(by_script.items()), (POOLED, pooled)]:
        if script != POOLED and len(words) < 500:
            continue
        costs, mean = learn(words, iterations)
        tables[script] = {
            "pairs": len(words),
            "mean_cost": round(mean, 4),
            "costs": dict(sorted(costs.costs.items())),
            "default": costs.default,
        }
        print(f"{script}: {len(words):,} pairs, {len(costs.costs):,} edits, "
              f"mean cost per letter {mean:.3f} ({time.time() - started:.0f}s)")  # fmt: skip
    data = {
        "fitted_by": "tools/scorer/translit_costs.py",
        "script_sha256": sha256(Path(__file__)),
        "data_sha256": {
            **{f"wd_{s}_16.tsv": sha256(WIKIDATA / f"wd_{s}_16.tsv") for s in SCRIPTS},
            "snapshot manifest": sha256(ROOT / "src/clearance/snapshot/data/manifest.json"),
        },
        "iterations": iterations,
        "scripts": tables,
    }
    out.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    bundled_costs.cache_clear()
    transliteration_cost.cache_clear()
    print(f"written to {out} in {time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
