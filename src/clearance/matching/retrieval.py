"""Candidate retrieval: from query tokens to the few listed names worth aligning.

Each query token is looked up once - exactly, then through the fuzzy keys, each
candidate verified with the real token similarity (all new tokens of a query or a
batch together, neighbours.py) - and the result is cached with the names it
reaches, because first names and surnames recur through a batch. A
query then only adds up per-token arrays: the matched share of its weight per name,
and of the name's weight. A name must match some of the query's heaviest tokens,
or it cannot reach the threshold ("prefix filtering"); among the rest the best few
by that cheap score go on to full alignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from clearance.matching.index import RETRIEVAL_SHARE, MatchIndex, is_fuzzy_token
from clearance.matching.name_statistics import LATIN, bundled_statistics
from clearance.matching.neighbours import score_neighbours
from clearance.matching.scripts import STRICT
from clearance.matching.similarity import EXACT, TokenMatch, token_similarity
from clearance.matching.vocabulary import LEGAL_PREFIX

TOP_CANDIDATES = 40  # names aligned in full per query
NAMES_PER_ENTITY = 2
# A listed name must share words holding this much of the query's weight to be aligned
# (weight: information x how much the kind of word counts, index.RETRIEVAL_SHARE).
MIN_QUERY_COVER = 0.4
MIN_CHEAP = 0.25  # nor align names whose cheap score (query x name cover) is lower
MIN_RETRIEVAL_WEIGHT = 0.1  # tokens lighter than this ("al", "and") find no candidates
_CACHE_LIMIT = 100_000
_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float32)


class TokenLookup(NamedTuple):
    matches: dict[int, TokenMatch]  # vocabulary id -> how the query token matches it
    weight: float  # how much the query token weighs
    names: np.ndarray  # ids of the names it reaches (unique)
    sims: np.ndarray  # best similarity per name
    name_weights: np.ndarray  # best matched name-token weight x similarity per name


NO_LOOKUP = TokenLookup({}, 0.0, _EMPTY_I, _EMPTY_F, _EMPTY_F)


@lru_cache(maxsize=262144)
def cached_similarity(a: str, b: str, leniency: int, skeletons: bool) -> TokenMatch:
    return token_similarity(a, b, leniency, skeletons)


class TokenLookups:
    """Per-index cache of query-token lookups."""

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        self._cache: dict[tuple[str, int], TokenLookup] = {}

    def __call__(self, token: str, leniency: int) -> TokenLookup:
        cached = self._cache.get((token, leniency))
        if cached is None:
            self.many([(token, leniency)])
            cached = self._cache[(token, leniency)]
        return cached

    def many(self, queries: Iterable[tuple[str, int]]) -> None:
        """Look up every (token, leniency) not cached yet, all in one pass: the fuzzy
        neighbours of all of them are gathered and scored together (neighbours.py)."""
        cache = self._cache
        missing = list(dict.fromkeys(q for q in queries if q not in cache))
        if not missing:
            return
        if len(cache) + len(missing) > _CACHE_LIMIT:
            cache.clear()
        index = self.index
        found: dict[tuple[str, int], dict[int, TokenMatch]] = {}
        fuzzy: list[tuple[str, int]] = []
        for token, leniency in missing:
            if not is_fuzzy_token(token):
                continue
            entry = index.vocab_ids.get(token) if leniency == STRICT else None
            known = index.known_neighbours(entry) if entry is not None else None
            if known is not None:
                found[(token, leniency)] = known  # found when the index was built
            else:
                fuzzy.append((token, leniency))
        if fuzzy:
            query, vid = index.fuzzy_candidate_pairs(fuzzy)
            exact = [index.vocab_ids.get(t) for t, _ in fuzzy]
            scored = score_neighbours(index.forms, fuzzy, query, vid, exact)
            found.update(zip(fuzzy, scored, strict=True))
        for token, leniency in missing:
            cache[(token, leniency)] = self._lookup(token, found.get((token, leniency), {}))

    def exact(self, token: str) -> TokenLookup:
        """Only the identical vocabulary entry (for joined or split words)."""
        key = (token, -1)
        cached = self._cache.get(key)
        if cached is None:
            vid = self.index.vocab_ids.get(token)
            matches = {vid: TokenMatch(1.0, EXACT)} if vid is not None else {}
            weight = self.index.token_weight(vid) if vid is not None else unknown_weight(token)
            cached = self._cache[key] = _with_postings(self.index, matches, weight)
        return cached

    def _lookup(self, token: str, neighbours: dict[int, TokenMatch]) -> TokenLookup:
        """The lookup of `token` from its exact entry and its verified fuzzy neighbours."""
        if token.startswith(LEGAL_PREFIX):
            return NO_LOOKUP
        index = self.index
        matches: dict[int, TokenMatch] = {}
        exact = index.vocab_ids.get(token)
        if exact is not None:
            matches[exact] = TokenMatch(1.0, EXACT)
        matches.update(neighbours)  # in vocabulary order: of equals, the first counts
        own = unknown_weight(token)
        # A close variant of a common name is common; an unknown word is rare.
        variants = [v for v, m in matches.items() if m.sim >= 0.85]
        if exact is not None:
            weight = index.token_weight(exact)
        elif variants:
            best = max(variants, key=lambda v: matches[v].sim)
            sim = matches[best].sim
            weight = sim * index.token_weight(best) + (1.0 - sim) * own
        else:
            weight = own
        return _with_postings(index, matches, weight)


def unknown_weight(token: str) -> float:
    """Retrieval weight of a word the index does not have (as index.py weighs its own)."""
    stats = bundled_statistics()
    return stats.information(token, LATIN) * RETRIEVAL_SHARE[stats.kind(token)]


def query_tokens(
    tokens: Sequence[str], leniency: Sequence[int], glued: Sequence[bool]
) -> list[tuple[str, int]]:
    """Every (token, leniency) a query will look up: its tokens and the words its
    glued syllables make (`candidate_names`), to look up in one pass."""
    keys = list(zip(tokens, leniency, strict=True))
    for start, end in _glued_words(tokens, glued):
        keys.append(("".join(tokens[start:end]), max(leniency[start:end])))
    return keys


def _with_postings(index: MatchIndex, matches: dict[int, TokenMatch], weight: float) -> TokenLookup:
    if not matches:
        return TokenLookup(matches, weight, _EMPTY_I, _EMPTY_F, _EMPTY_F)
    vids = list(matches)
    parts = [index.postings(v) for v in vids]
    lengths = [len(p) for p in parts]
    names = np.concatenate(parts)
    sims = np.repeat(np.array([matches[v].sim for v in vids], dtype=np.float32), lengths)
    nw = np.repeat(
        np.array([index.token_weight(v) * matches[v].sim for v in vids], dtype=np.float32), lengths
    )
    if len(vids) > 1:  # one value per name: the best
        order = np.lexsort((-sims, names))
        names, sims, nw = names[order], sims[order], nw[order]
        first = np.ones(len(names), dtype=bool)
        first[1:] = names[1:] != names[:-1]
        names, sims, nw = names[first], sims[first], nw[first]
    return TokenLookup(matches, weight, names, sims, nw)


def _glued_words(tokens: Sequence[str], glued: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, end) of each run of two or more tokens written as one word."""
    runs = []
    start = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or not glued[i]:
            if i - start >= 2 and all(t.isalpha() for t in tokens[start:i]):
                runs.append((start, i))
            start = i
    return runs


def _splits(token: str, vocab: dict[str, int]) -> list[tuple[str, str]]:
    return [
        (token[:k], token[k:])
        for k in range(2, len(token) - 1)
        if token[:k] in vocab and token[k:] in vocab
    ]


def candidate_names(
    lookups: TokenLookups,
    tokens: Sequence[str],
    leniency: Sequence[int],
    glued: Sequence[bool],
    per_token: list[TokenLookup],
) -> list[int]:
    """Names worth aligning with the query, at most TOP_CANDIDATES of them."""
    index = lookups.index
    total = sum(lk.weight for lk in per_token)
    if total <= 0:
        return []
    # Matching none of the heaviest tokens leaves too little weight to pass.
    need = MIN_QUERY_COVER
    order = sorted(range(len(tokens)), key=lambda i: -per_token[i].weight)
    prefix: set[int] = set()
    covered = 0.0
    for i in order:
        if covered > (1.0 - need) * total:
            break
        prefix.add(i)
        covered += per_token[i].weight

    sources: list[tuple[TokenLookup, float, bool]] = []
    for i, lk in enumerate(per_token):
        if lk.weight >= MIN_RETRIEVAL_WEIGHT or i in prefix:
            sources.append((lk, lk.weight, i in prefix))
    for i in range(len(tokens) - 1):  # "Hik Vision" -> "hikvision": exact only
        a, b = tokens[i], tokens[i + 1]
        if a.isalpha() and b.isalpha() and not glued[i + 1]:
            weight = per_token[i].weight + per_token[i + 1].weight
            sources.append((lookups.exact(a + b), weight, i in prefix or i + 1 in prefix))
    for start, end in _glued_words(tokens, glued):  # "ri kul su" -> "rikulsu", fuzzy
        joined = lookups("".join(tokens[start:end]), max(leniency[start:end]))
        weight = sum(lk.weight for lk in per_token[start:end])
        sources.append((joined, weight, any(i in prefix for i in range(start, end))))
    for i, t in enumerate(tokens):  # "Siemensag" -> "siemens" + "ag"
        if t.isalpha() and len(t) >= 6 and t not in index.vocab_ids:
            for left, right in _splits(t, index.vocab_ids):
                for part in (left, right):
                    sources.append((lookups.exact(part), per_token[i].weight / 2, i in prefix))
    sources = [s for s in sources if len(s[0].names)]
    # Candidates come from the heaviest tokens only; the others just add to their score.
    starters = [s[0].names for s in sources if s[2]]
    if not starters:
        return []
    cand = starters[0] if len(starters) == 1 else np.unique(np.concatenate(starters))
    q_acc = np.zeros(len(cand))
    n_acc = np.zeros(len(cand))
    for lookup, weight, _ in sources:
        names = lookup.names  # sorted, unique
        pos = np.minimum(np.searchsorted(names, cand), len(names) - 1)
        hit = names[pos] == cand
        q_acc[hit] += lookup.sims[pos[hit]] * weight
        n_acc[hit] += lookup.name_weights[pos[hit]]
    q_cover = np.minimum(q_acc / total, 1.0)
    keep = q_cover >= need
    if not keep.any():
        return []
    cand, q_cover = cand[keep], q_cover[keep]
    n_cover = np.minimum(n_acc[keep] / np.maximum(index.name_total[cand], 1e-6), 1.0)
    cheap = q_cover * n_cover**0.5
    promising = cheap >= MIN_CHEAP
    cand, cheap = cand[promising], cheap[promising]
    if len(cand) > NAMES_PER_ENTITY:  # an entity needs only its best few names aligned
        entities = index.name_entity[cand]
        by_entity = np.lexsort((-cheap, entities))
        entities, cand, cheap = entities[by_entity], cand[by_entity], cheap[by_entity]
        starts = np.flatnonzero(np.r_[True, entities[1:] != entities[:-1]])
        rank = np.arange(len(cand)) - np.repeat(starts, np.diff(np.r_[starts, len(cand)]))
        cand, cheap = cand[rank < NAMES_PER_ENTITY], cheap[rank < NAMES_PER_ENTITY]
    if len(cand) > TOP_CANDIDATES:
        top = np.argpartition(-cheap, TOP_CANDIDATES)[:TOP_CANDIDATES]
        cand = cand[top]
    result: list[int] = cand.tolist()
    return result
