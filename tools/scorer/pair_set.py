"""The benchmark's labelled pair set: name pairs by class, built from the lists by rules.

Every pair comes from the validation split (entities the fit never saw) or from a
benchmark population drawn with its own seed, and each class is counted apart. The
rules use no score of the matcher being judged, only the lists and string facts
(Jaro-Winkler of the names' sorted words), so the set is as fair to the previous
release as to this one.

True pairs: aliases of one entity spelt differently; a name with an extra part (the
list's own longer alias, or a patronymic or given name added); abbreviations, legal
forms and number words; typos, initials, words joined or split; a name in another
script against its Latin alias. False pairs: another listed party's name that looks
most alike; two names sharing one distinctive word; innocent people's names against
the listed name most like them, in Latin and in other scripts.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

from clearance.matching.name_statistics import TokenKind
from clearance.matching.names import tokenize_name
from clearance.matching.screener import Screener
from tools.scorer.pairs import EntityGroups, entity_names
from tools.scorer.population import population
from tools.scorer.variants import make_variant

PER_CLASS = 200
BENCH_SEED = 4_242
_DISTINCT = (TokenKind.OTHER, TokenKind.GIVEN)


@dataclass(frozen=True, slots=True)
class LabelledPair:
    cls: str
    query: str
    listed: str
    label: int


def _sorted_words(name: str) -> str:
    return " ".join(sorted(tokenize_name(name).tokens))


def _folded(name: str) -> str:
    return " ".join(sorted(anyascii(name).lower().replace(",", " ").split()))


def _jw(a: str, b: str) -> float:
    return float(JaroWinkler.normalized_similarity(a, b))


def _latin(name: str) -> bool:
    return name.isascii()


def _informative(screener: Screener, name: str) -> set[str]:
    stats = screener.statistics
    return {t for t in tokenize_name(name).tokens if stats.kind(t) in _DISTINCT and len(t) > 2}


def build_pair_set(
    screener: Screener, groups: EntityGroups, locales: Iterable[str], seed: int = BENCH_SEED
) -> list[LabelledPair]:
    """About PER_CLASS pairs for each class (fewer where the lists have fewer)."""
    rng = random.Random(seed)
    index = screener.index
    names_of = entity_names(screener)
    validation = [e for e in range(len(index)) if groups.split(e) == "validation"]
    rng.shuffle(validation)
    out: list[LabelledPair] = []
    counts: dict[str, int] = {}

    def add(cls: str, query: str, listed: str, label: int) -> None:
        if counts.get(cls, 0) < PER_CLASS and query.strip() and listed.strip():
            counts[cls] = counts.get(cls, 0) + 1
            out.append(LabelledPair(cls, query, listed, label))

    # True pairs from the lists' own aliases.
    for entity in validation:
        values = list(dict.fromkeys(index.name_values[n] for n in names_of[entity]))
        for a in values:
            for b in values:
                if a == b or _sorted_words(a) == _sorted_words(b):
                    continue
                ta, tb = set(tokenize_name(a).tokens), set(tokenize_name(b).tokens)
                if _latin(a) and _latin(b):
                    if len(ta) == len(tb) and ta != tb and _jw(_folded(a), _folded(b)) >= 0.85:
                        add("alias spelt differently", a, b, 1)
                    if len(tb) >= 2 and tb < ta:
                        add("extra part (the list's longer alias)", a, b, 1)
                elif not _latin(a) and _latin(b) and _jw(_folded(a), _folded(b)) >= 0.7:
                    add("other script against its Latin alias", a, b, 1)
    # True pairs made by rules from validation names.
    variant_classes = {
        "extra part (added)": ["extra_part"],
        "abbreviation, legal form, number words": ["abbreviation", "legal_form", "number_words"],
        "typo, initial, joined or split": ["typo", "two_typos", "initial", "join_split"],
        "respelt": ["respelling"],
    }
    for cls, kinds in variant_classes.items():
        tries = 0
        while counts.get(cls, 0) < PER_CLASS and tries < 50 * PER_CLASS:
            tries += 1
            entity = rng.choice(validation)
            name = index.name_values[rng.choice(names_of[entity])]
            text = make_variant(rng.choice(kinds), name, index.entities.schema_of(entity), rng)
            if text and _sorted_words(text) != _sorted_words(name):
                add(cls, text, name, 1)
    # False pairs: other listed parties.
    for entity in validation:
        if (
            counts.get("another listed party, most alike", 0) >= PER_CLASS
            and counts.get("one distinctive word shared", 0) >= PER_CLASS
        ):
            break
        name = index.name_values[rng.choice(names_of[entity])]
        if not _latin(name):
            continue
        others = [
            s for s in screener.scored_candidates(name) if not groups.same(s.entity_idx, entity)
        ]
        if not others:
            continue
        folded = _folded(name)
        best = max(others, key=lambda s: _jw(folded, _folded(index.name_values[s.name_idx])))
        add("another listed party, most alike", name, index.name_values[best.name_idx], 0)
        mine = _informative(screener, name)
        for s in others:
            theirs = _informative(screener, index.name_values[s.name_idx])
            if len(mine & theirs) == 1 and mine - theirs and theirs - mine:
                add("one distinctive word shared", name, index.name_values[s.name_idx], 0)
                break
    # False pairs: innocent people against the listed name most like them.
    for person in population(tuple(locales), 6 * PER_CLASS, seed):
        cls = (
            "innocent name, Latin script" if _latin(person.name) else "innocent name, other script"
        )
        if counts.get(cls, 0) >= PER_CLASS:
            continue
        candidates = screener.scored_candidates(person.name)
        if not candidates or any(s.features[_identical()] for s in candidates):
            continue
        folded = _folded(person.name)
        best = max(candidates, key=lambda s: _jw(folded, _folded(index.name_values[s.name_idx])))
        add(cls, person.name, index.name_values[best.name_idx], 0)
    return out


def _identical() -> int:
    from clearance.matching.features import INDEX

    return INDEX["identical"]
