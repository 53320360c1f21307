"""How well a romanised word from another script fits a Latin spelling, learned.

The rule romanisers (scripts.py) give one reading of a word: "итибоси" becomes
"itibosi", "真蒂利尼" becomes "zhendilini". Lists and people write the same names as
"ichiboshi" and "gentilini": each script has its habits (Russian т before и is often
"ch" in Japanese names, Chinese "zh" is often "g" in Western names). Those habits are
learned from Wikidata's pairs of Latin names and their spellings in six scripts
(tools/scorer/translit_costs.py, train half only) as the cost of each edit: keeping
a letter, changing it into one or two letters, two into one, adding or dropping one.
The cheapest way from the reading to the Latin spelling, per letter, says how likely
the two are one name; the scoring model weighs it (features.py, "cross_cost").

The costs ship as a small data file with the hashes of the data that made them.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

COSTS_FILE = Path(__file__).parent / "data" / "translit_costs.json"
POOLED = "*"  # the table of all scripts together, for a script with none of its own
SCRIPT_TABLE = {"Grek": "Cyrl", "Armn": "Cyrl", "Geor": "Cyrl", "Indic": "Arab"}
MAX_COST = 3.0  # per letter: beyond this the two words are simply different


class EditCosts:
    """One script's learned costs; an edit never seen costs what its kind's unseen
    edits cost (`default`)."""

    __slots__ = ("costs", "default")

    def __init__(self, costs: dict[str, float], default: dict[str, float]) -> None:
        self.costs = costs  # "src>dst": cost, src and dst of 0 to 2 letters
        self.default = default  # by kind: "del", "ins", "sub", "sub12", "sub21"

    def cost(self, src: str, dst: str, kind: str) -> float:
        return self.costs.get(f"{src}>{dst}", self.default[kind])

    def insertion(self, after: str, dst: str) -> float:
        """Adding `dst` after the source letter `after` ("^" at the start): vowels a
        script leaves unwritten are added after its consonants, not anywhere."""
        known = self.costs.get(f"{after}+>{dst}")
        return known if known is not None else self.costs.get(f">{dst}", self.default["ins"])


def cheapest_path(
    costs: EditCosts, source: str, target: str
) -> tuple[float, list[tuple[str, str]]]:
    """The cheapest edit path from `source` to `target` (Viterbi) and its edits."""
    n, m = len(source), len(target)
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    c = costs.cost
    for i in range(n + 1):
        row = best[i]
        for j in range(m + 1):
            here = row[j]
            if here == inf:
                continue
            s1 = source[i] if i < n else ""
            t1 = target[j] if j < m else ""
            if s1:
                _relax(best, back, i + 1, j, here + c(s1, "", "del"), i, j, "del")
            if t1:
                after = source[i - 1] if i else "^"
                _relax(best, back, i, j + 1, here + costs.insertion(after, t1), i, j, "ins")
            if s1 and t1:
                _relax(best, back, i + 1, j + 1, here + c(s1, t1, "sub"), i, j, "sub")
                if j + 1 < m:
                    t2 = target[j : j + 2]
                    _relax(best, back, i + 1, j + 2, here + c(s1, t2, "sub12"), i, j, "sub12")
                if i + 1 < n:
                    s2 = source[i : i + 2]
                    _relax(best, back, i + 2, j + 1, here + c(s2, t1, "sub21"), i, j, "sub21")
    edits: list[tuple[str, str]] = []
    i, j = n, m
    while back[i][j] is not None:
        pi, pj, kind = back[i][j]  # type: ignore[misc]
        if kind == "ins":  # counted with the letter it follows, and without
            edits.append(((source[pi - 1] if pi else "^") + "+", target[pj:j]))
        edits.append((source[pi:i], target[pj:j]))
        i, j = pi, pj
    edits.reverse()
    return best[n][m], edits


def _relax(
    best: list[list[float]],
    back: list[list[tuple[int, int, str] | None]],
    i: int,
    j: int,
    value: float,
    pi: int,
    pj: int,
    kind: str,
) -> None:
    if value < best[i][j]:
        best[i][j] = value
        back[i][j] = (pi, pj, kind)


def edit_kind(src: str, dst: str) -> str:
    if not dst:
        return "del"
    if not src or src.endswith("+"):
        return "ins"
    if len(src) == 2:
        return "sub21"
    return "sub12" if len(dst) == 2 else "sub"


@functools.cache
def bundled_costs() -> dict[str, EditCosts]:
    """The learned tables shipped with the package, by script ("Cyrl" … and POOLED)."""
    return costs_from_dict(json.loads(COSTS_FILE.read_text(encoding="utf-8")))


def costs_from_dict(data: dict[str, Any]) -> dict[str, EditCosts]:
    return {
        script: EditCosts(table["costs"], table["default"])
        for script, table in data["scripts"].items()
    }


@functools.lru_cache(maxsize=65536)
def transliteration_cost(script: str, romanised: str, latin: str) -> float:
    """Cost per letter of the cheapest way from `romanised` (a word written in `script`,
    as scripts.romanize_word reads it) to the Latin spelling `latin`, 0 (the usual way
    of writing it) to MAX_COST (another name)."""
    if romanised == latin:
        return 0.0
    tables = bundled_costs()
    costs = tables.get(SCRIPT_TABLE.get(script, script)) or tables[POOLED]
    total, _ = cheapest_path(costs, romanised, latin)
    return min(MAX_COST, total / max(len(romanised), len(latin), 1))


LEARNED_MATCH_COST = 1.3  # per letter: a reading this cheap is a match the rules missed
_MIN_LETTERS = 3
_MIN_SPELLING = 0.4  # normalised Levenshtein similarity below which no reading is tried


def learned_match(script: str, romanised: str, latin: str) -> float:
    """How well a word of another script reads as a Latin word the rules did not let
    it meet ("итибоси" as "ichiboshi", "真蒂利尼" as "gentilini"): a similarity on the
    token scale (similarity.MIN_TOKEN_SIM to 0.9), or 0.0. Only words of three letters
    or more that already share some spelling are tried: the costs are for readings,
    not for telling any two words apart."""
    if (
        len(romanised) < _MIN_LETTERS
        or len(latin) < _MIN_LETTERS
        or not romanised.isalpha()
        or not latin.isalpha()
        or Levenshtein.normalized_similarity(romanised, latin) < _MIN_SPELLING
    ):
        return 0.0
    cost = transliteration_cost(script, romanised, latin)
    if cost > LEARNED_MATCH_COST:
        return 0.0
    return 0.9 - 0.15 * cost
