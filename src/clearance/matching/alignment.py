"""Order-free alignment of a query name with one listed name, and the score it earns.

Tokens pair up one to one, best pairs first, whatever their order ("PUTIN, Vladimir"
and "Vladimir Putin"); then leftover neighbours may join ("Hik Vision" = "Hikvision",
"Abdul Rahman" = "Abdulrahman"). The score is the weighted quality of the pairs times
how much of each name they cover: weight is rarity, so an unmatched "Habbash" costs
far more than an unmatched "Mohammed". A missing query token costs more than a
missing listed one, because lists spell names out in full (patronymics, middle names)
while queries are usually shorter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from clearance.matching.similarity import (
    EXACT,
    JOINED,
    MIN_TOKEN_SIM,
    NO_MATCH,
    TokenMatch,
    token_similarity,
)
from clearance.matching.vocabulary import LEGAL_FAMILIES, LEGAL_PREFIX

LEGAL_WEIGHT = 0.1  # a legal form counts this much, and only when both names have one
QUERY_EXPONENT = 0.8  # how hard unmatched query weight pulls the score down
NAME_EXPONENT = 0.35  # same for the listed name: softer, lists carry more name parts
MIN_EVIDENCE = 0.45  # matched weight needed for full credit: "Mohammed" alone is not
INITIAL = "initial"
LEGAL = "legal form"


class Pair(NamedTuple):
    q: tuple[int, ...]
    n: tuple[int, ...]
    match: TokenMatch


@dataclass(slots=True)
class Alignment:
    score: float
    pairs: list[Pair] = field(default_factory=list)
    q_unmatched: list[int] = field(default_factory=list)
    n_unmatched: list[int] = field(default_factory=list)
    legal_counted: bool = False


class Side(NamedTuple):
    tokens: Sequence[str]
    loose: Sequence[bool]
    weights: Sequence[float]


def _legal_match(a: str, b: str) -> TokenMatch:
    if a == b:
        return TokenMatch(1.0, EXACT)
    same_family = LEGAL_FAMILIES.get(a, a) == LEGAL_FAMILIES.get(b, b)
    return TokenMatch(0.85 if same_family else 0.6, LEGAL)


def _special_match(a: str, b: str) -> TokenMatch | None:
    """Legal forms and initials; None when the ordinary token similarity applies."""
    a_legal, b_legal = a.startswith(LEGAL_PREFIX), b.startswith(LEGAL_PREFIX)
    if a_legal or b_legal:
        return _legal_match(a, b) if a_legal and b_legal else NO_MATCH
    if len(a) == 1 or len(b) == 1:
        if a == b:
            return TokenMatch(1.0, EXACT)
        short, long_ = (a, b) if len(a) == 1 else (b, a)
        if short.isalpha() and long_.isalpha() and long_[0] == short:
            return TokenMatch(0.9, INITIAL)
        return NO_MATCH
    return None


def _is_special(token: str) -> bool:
    return len(token) == 1 or token[0] == LEGAL_PREFIX


def align(
    query: Side,
    name: Side,
    pair_sim: Callable[[int, int], TokenMatch | None],
    similarity: Callable[[str, str, bool], TokenMatch] = token_similarity,
) -> Alignment:
    """Align `query` with `name`; `pair_sim(i, j)` gives the similarity of plain tokens,
    `similarity` that of joined tokens."""
    qt, nt = query.tokens, name.tokens
    q_special = [_is_special(t) for t in qt]
    n_special = [_is_special(t) for t in nt]
    legal_counted = any(t[0] == LEGAL_PREFIX for t in qt) and any(t[0] == LEGAL_PREFIX for t in nt)
    qw = list(query.weights)
    nw = list(name.weights)
    if legal_counted:
        qw = [LEGAL_WEIGHT if t[0] == LEGAL_PREFIX else w for t, w in zip(qt, qw, strict=True)]
        nw = [LEGAL_WEIGHT if t[0] == LEGAL_PREFIX else w for t, w in zip(nt, nw, strict=True)]

    candidates: list[tuple[float, float, int, int, TokenMatch]] = []
    for i, a in enumerate(qt):
        for j, b in enumerate(nt):
            m = _special_match(a, b) if q_special[i] or n_special[j] else pair_sim(i, j)
            if m is not None and m.sim >= MIN_TOKEN_SIM:
                candidates.append((m.sim, qw[i] + nw[j], i, j, m))
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    q_used = [False] * len(qt)
    n_used = [False] * len(nt)
    pairs: list[Pair] = []
    for _, _, i, j, m in candidates:
        if not q_used[i] and not n_used[j]:
            q_used[i] = n_used[j] = True
            pairs.append(Pair((i,), (j,), m))
    if not all(q_used) and not all(n_used):
        _join_leftovers(query, name, q_used, n_used, pairs, similarity)
    return _score(qw, nw, pairs, q_used, n_used, legal_counted)


def _joinable(token: str) -> bool:
    return token.isalpha() and not token.startswith(LEGAL_PREFIX)


def _join_leftovers(
    query: Side,
    name: Side,
    q_used: list[bool],
    n_used: list[bool],
    pairs: list[Pair],
    similarity: Callable[[str, str, bool], TokenMatch],
) -> None:
    """Two neighbouring leftover tokens on one side against one leftover on the other."""
    for one, two, one_used, two_used, query_is_one in (
        (query, name, q_used, n_used, True),
        (name, query, n_used, q_used, False),
    ):
        for k in range(len(two.tokens) - 1):
            if two_used[k] or two_used[k + 1]:
                continue
            a, b = two.tokens[k], two.tokens[k + 1]
            if not (_joinable(a) and _joinable(b)):
                continue
            joined = a + b
            best, best_i = NO_MATCH, -1
            for i, t in enumerate(one.tokens):
                if one_used[i] or not _joinable(t) or abs(len(t) - len(joined)) > 3:
                    continue
                loose = one.loose[i] or two.loose[k] or two.loose[k + 1]
                m = similarity(t, joined, loose)
                if m.sim > best.sim:
                    best, best_i = m, i
            if best_i >= 0 and best.sim >= MIN_TOKEN_SIM:
                one_used[best_i] = two_used[k] = two_used[k + 1] = True
                m = TokenMatch(best.sim, JOINED, best.edits)
                if query_is_one:
                    pairs.append(Pair((best_i,), (k, k + 1), m))
                else:
                    pairs.append(Pair((k, k + 1), (best_i,), m))


def _score(
    qw: list[float],
    nw: list[float],
    pairs: list[Pair],
    q_used: list[bool],
    n_used: list[bool],
    legal_counted: bool,
) -> Alignment:
    q_total, n_total = sum(qw), sum(nw)
    q_unmatched = [i for i, used in enumerate(q_used) if not used]
    n_unmatched = [j for j, used in enumerate(n_used) if not used]
    if q_total <= 0 or n_total <= 0 or not pairs:
        return Alignment(0.0, pairs, q_unmatched, n_unmatched, legal_counted)
    quality_num = quality_den = q_matched = n_matched = 0.0
    for pair in pairs:
        wq = sum(qw[i] for i in pair.q)
        wn = sum(nw[j] for j in pair.n)
        quality_num += pair.match.sim * (wq + wn)
        quality_den += wq + wn
        q_matched += wq
        n_matched += wn
    if quality_den <= 0:
        return Alignment(0.0, pairs, q_unmatched, n_unmatched, legal_counted)
    quality = quality_num / quality_den
    q_cover = q_matched / q_total
    n_cover = n_matched / n_total
    evidence = min(1.0, q_matched / MIN_EVIDENCE, n_matched / MIN_EVIDENCE)
    score = quality * q_cover**QUERY_EXPONENT * n_cover**NAME_EXPONENT * evidence
    return Alignment(min(1.0, score), pairs, q_unmatched, n_unmatched, legal_counted)
