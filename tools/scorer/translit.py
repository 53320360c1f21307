"""Cross-script name pairs from Wikidata (../shared/bench/transliteration_wikidata).

One Latin name and its spelling in Russian, Arabic, Hebrew, Korean, Japanese or
Chinese per line. Pairs are split by the Latin name (one in five to validation);
each other-script name also meets three Latin names of its file that are not its own
and look most like its transliteration: near misses to learn what is not a match.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from tools.scorer.pairs import VALIDATION_SHARE, stable_hash

SCRIPTS = ("russian", "arabic", "hebrew", "korean", "japanese", "chinese")
NEAR_MISSES = 3
POOL = 300  # Latin names drawn (same first letter) to find the near misses among
SAME_NAME = 0.88  # Jaro-Winkler of two Latin names above which they are one name's spellings


@dataclass(frozen=True, slots=True)
class TranslitPair:
    script: str
    latin: str
    other: str
    label: int
    split: str


def split_of(latin: str) -> str:
    return "validation" if stable_hash("wd:" + latin) % VALIDATION_SHARE == 0 else "train"


def read_pairs(folder: Path, script: str) -> list[tuple[str, str]]:
    out = []
    with (folder / f"wd_{script}_16.tsv").open(encoding="utf-8") as f:
        for line in f:
            latin, other, _count = line.rstrip("\n").split("\t")
            out.append((latin, other.replace(" ", "")))
    return out


def translit_pairs(folder: Path, seed: int = 7, per_script: int = 5000) -> list[TranslitPair]:
    """`per_script` true pairs of each script drawn at random, and NEAR_MISSES false
    ones for each of their other-script names."""
    rng = random.Random(seed)
    out: list[TranslitPair] = []
    for script in SCRIPTS:
        all_pairs = read_pairs(folder, script)
        pairs = rng.sample(all_pairs, min(per_script, len(all_pairs)))
        by_letter: dict[str, list[str]] = {}
        spellings: dict[str, set[str]] = {}
        for latin, other in all_pairs:
            by_letter.setdefault(latin[:1], []).append(latin)
            spellings.setdefault(latin, set()).add(other)
        for latin, other in pairs:
            split = split_of(latin)
            out.append(TranslitPair(script, latin, other, 1, split))
            folded = anyascii(other).lower()
            pool = by_letter.get(folded[:1]) or by_letter.get(latin[:1], [])
            if len(pool) > POOL:
                pool = rng.sample(pool, POOL)
            near = process.extract(
                folded, pool, scorer=JaroWinkler.normalized_similarity, limit=NEAR_MISSES + 1
            )
            for candidate, _, _ in near:
                # Another spelling of the same name is no miss ("aleksandr", "alexander").
                if other in spellings.get(candidate, ()) or (
                    JaroWinkler.normalized_similarity(candidate, latin) >= SAME_NAME
                ):
                    continue
                # A near miss belongs to the split of the true pair it was drawn for.
                out.append(TranslitPair(script, candidate, other, 0, split))
    return out
