"""Build the name statistics the matcher ships: how common each name word is.

For every token (as `tokenize_name` makes it) and every script it is written in: the
largest share of names containing it in any Faker locale of that script; how often
it is a given name rather than a surname (Faker's name parts and the lists' own
first/last-name fields); and on how many listed entities it occurs in the bundled
snapshot. The matcher turns these into the information a matched word carries
(`clearance.matching.name_statistics`).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from clearance.matching.names import tokenize_name
from clearance.model import Entity
from tools.scorer.population import FIT_LOCALES, companies, name_parts, people

NAMES_PER_LOCALE = 20_000
COMPANIES_PER_LOCALE = 3_000
PARTS_PER_LOCALE = 5_000
MIN_SHARE = 2e-5  # shares below this are noise of the sample size
MIN_LIST_DF = 2
STATISTICS_SEED = 1_000  # the benchmark and the fit draw their names with other seeds


def _token_shares(names: list[str]) -> dict[tuple[str, str], float]:
    """(token, script) -> share of `names` that contain it."""
    counts: Counter[tuple[str, str]] = Counter()
    for name in names:
        tokens = tokenize_name(name)
        counts.update(set(zip(tokens.tokens, tokens.scripts, strict=True)))
    return {key: n / max(1, len(names)) for key, n in counts.items()}


def population_shares(locales: Iterable[str]) -> dict[str, dict[str, float]]:
    """token -> {script: largest share in a locale of that script}."""
    best: dict[str, dict[str, float]] = defaultdict(dict)
    for k, locale in enumerate(locales):
        seed = STATISTICS_SEED + k
        names = people(locale, NAMES_PER_LOCALE, seed)
        firms = companies(locale, COMPANIES_PER_LOCALE, seed)
        for group in (names, firms):
            for (token, script), share in _token_shares(group).items():
                if token.startswith("#") or share < MIN_SHARE:
                    continue
                if share > best[token].get(script, 0.0):
                    best[token][script] = share
    return dict(best)


def part_counts(locales: Iterable[str], entities: list[Entity]) -> dict[str, list[int]]:
    """token -> [times a given name, times a surname, times a title]."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for k, locale in enumerate(locales):
        parts = name_parts(locale, PARTS_PER_LOCALE, STATISTICS_SEED + 500 + k)
        for column, values in enumerate(parts):
            for value in values:
                for token in tokenize_name(value).tokens:
                    if not token.startswith("#"):
                        counts[token][column] += 1
    for entity in entities:
        for name in entity.names:
            for column, value in ((0, name.first_name), (1, name.last_name)):
                for token in tokenize_name(value or "").tokens:
                    if not token.startswith("#"):
                        counts[token][column] += 1
    return dict(counts)


def list_frequencies(entities: list[Entity]) -> Counter[str]:
    df: Counter[str] = Counter()
    for entity in entities:
        seen = {t for n in entity.names for t in tokenize_name(n.value).tokens}
        df.update(t for t in seen if not t.startswith("#"))
    return df


def build_statistics(entities: list[Entity], locales: Iterable[str] = FIT_LOCALES) -> dict:
    """The statistics as arrays, one row per token (see write_statistics)."""
    locales = tuple(locales)
    shares = population_shares(locales)
    parts = part_counts(locales, entities)
    df = list_frequencies(entities)
    scripts = sorted({s for by_script in shares.values() for s in by_script})
    tokens = sorted(set(shares) | {t for t, n in df.items() if n >= MIN_LIST_DF} | set(parts))
    share = np.zeros((len(tokens), len(scripts)), dtype=np.float32)
    counts = np.zeros((len(tokens), 4), dtype=np.int32)
    for row, token in enumerate(tokens):
        for script, value in shares.get(token, {}).items():
            share[row, scripts.index(script)] = value
        counts[row, 0] = df.get(token, 0)
        counts[row, 1:] = parts.get(token, [0, 0, 0])
    meta = {"format": 1, "scripts": scripts, "entities": len(entities), "locales": list(locales),
            "counts": ["listed entities", "given", "surname", "title"]}  # fmt: skip
    return {"tokens": tokens, "share": share, "counts": counts, "meta": meta}


def write_statistics(data: dict, path: Path) -> None:
    """One compressed .npz: the tokens as one newline-joined text, the shares by script,
    the counts, and the metadata as JSON; loads in milliseconds, unlike JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tokens = "\n".join(data["tokens"]).encode("utf-8")
    with path.open("wb") as f:
        np.savez_compressed(
            f,
            tokens=np.frombuffer(tokens, dtype=np.uint8),
            share=data["share"],
            counts=data["counts"],
            meta=np.frombuffer(json.dumps(data["meta"], sort_keys=True).encode(), dtype=np.uint8),
        )
