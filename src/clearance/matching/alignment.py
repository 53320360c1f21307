"""Order-free alignment of a query name with one listed name: which word met which.

Tokens pair up one to one, best first, whatever their order ("PUTIN, Vladimir" and
"Vladimir Putin"). Syllables of one word rejoin ("김정은" read "kim jong un" meets
"KIM Jong-un" and "Kim Jongun"), and leftover neighbouring words may join ("Hik
Vision" = "Hikvision", "Abdul Rahman" = "Abdulrahman"). What the pairs and the words
left over are worth is the scoring model's business (features.py, match_model.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from clearance.matching.scripts import LATIN
from clearance.matching.similarity import (
    EXACT,
    JOINED,
    MIN_TOKEN_SIM,
    NO_MATCH,
    TRANSLIT,
    TokenMatch,
    token_similarity,
)
from clearance.matching.transliteration import learned_match
from clearance.matching.vocabulary import LEGAL_FAMILIES, LEGAL_PREFIX

MAX_GLUED = 8  # syllables of one word rejoined at most ("알렉산드로브나" has seven)
INITIAL = "initial"
LEGAL = "legal form"


class Pair(NamedTuple):
    q: tuple[int, ...]
    n: tuple[int, ...]
    match: TokenMatch


@dataclass(slots=True)
class Alignment:
    pairs: list[Pair] = field(default_factory=list)
    q_unmatched: list[int] = field(default_factory=list)
    n_unmatched: list[int] = field(default_factory=list)
    legal_counted: bool = False


class Side(NamedTuple):
    tokens: Sequence[str]
    leniency: Sequence[int]  # per token, from the script it was written in
    info: Sequence[float]  # per token: how much it says (name_statistics.information)
    kinds: Sequence[int]  # per token: name_statistics.TokenKind
    glued: Sequence[bool]  # per token: written in one word with the previous one
    scripts: Sequence[str]  # per token: the script it was written in ("Latn", "Hani" …)


def _legal_match(a: str, b: str) -> TokenMatch:
    if a == b:
        return TokenMatch(1.0, EXACT)
    same_family = LEGAL_FAMILIES.get(a, a) == LEGAL_FAMILIES.get(b, b)
    return TokenMatch(0.85 if same_family else 0.6, LEGAL)


def _special_match(a: str, b: str, a_alone: bool, b_alone: bool) -> TokenMatch | None:
    """Legal forms and initials; None when the ordinary token similarity applies.

    A one-letter token is an initial only when it stands as a word of its own: the
    "a" of a Korean "a kiba" is a syllable to rejoin, not an initial.
    """
    a_legal, b_legal = a[0] == LEGAL_PREFIX, b[0] == LEGAL_PREFIX
    if a_legal or b_legal:
        return _legal_match(a, b) if a_legal and b_legal else NO_MATCH
    if a == b:
        return TokenMatch(1.0, EXACT)
    if len(a) == 1 and a_alone and len(b) > 1 and b[0] == a and b.isalpha():
        return TokenMatch(0.9, INITIAL)
    if len(b) == 1 and b_alone and len(a) > 1 and a[0] == b and a.isalpha():
        return TokenMatch(0.9, INITIAL)
    return NO_MATCH if len(a) == 1 or len(b) == 1 else None


def _alone(side: Side) -> list[bool]:
    g = side.glued
    n = len(g)
    return [not g[i] and not (i + 1 < n and g[i + 1]) for i in range(n)]


_Candidate = tuple[float, int, float, tuple[int, ...], tuple[int, ...], TokenMatch]


def align(
    query: Side,
    name: Side,
    pair_sim: Callable[[int, int], TokenMatch | None],
    similarity: Callable[[str, str, int, bool], TokenMatch] = token_similarity,
    read_across: bool = True,
) -> Alignment:
    """Align `query` with `name`; `pair_sim(i, j)` gives the similarity of plain tokens,
    `similarity` that of joined tokens; without `read_across`, the rules alone (no
    learned reading of other scripts: what the costs are learned from)."""
    qt, nt = query.tokens, name.tokens
    legal_counted = any(t[0] == LEGAL_PREFIX for t in qt) and any(t[0] == LEGAL_PREFIX for t in nt)
    qw, nw = query.info, name.info
    q_alone, n_alone = _alone(query), _alone(name)
    q_special = [len(t) == 1 or t[0] == LEGAL_PREFIX for t in qt]
    n_special = [len(t) == 1 or t[0] == LEGAL_PREFIX for t in nt]
    q_latin = [s == LATIN for s in query.scripts]
    n_latin = [s == LATIN for s in name.scripts]

    # (sim, tokens covered, weight, query indices, name indices, match), best first.
    candidates: list[_Candidate] = []
    for i, a in enumerate(qt):
        for j, b in enumerate(nt):
            if q_special[i] or n_special[j]:
                m = _special_match(a, b, q_alone[i], n_alone[j])
            else:
                m = pair_sim(i, j)
                if (
                    read_across
                    and (m is None or m.sim < MIN_TOKEN_SIM)
                    and q_latin[i] != n_latin[j]
                ):
                    m = _read_across(query, name, (i,), (j,)) or m
            if m is not None and m.sim >= MIN_TOKEN_SIM:
                candidates.append((m.sim, 2, qw[i] + nw[j], (i,), (j,), m))
    if any(query.glued) or any(name.glued):
        candidates.extend(_glued_joins(query, name, qw, nw, similarity, read_across))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]), reverse=True)
    q_used = [False] * len(qt)
    n_used = [False] * len(nt)
    pairs: list[Pair] = []
    for _, _, _, qs, ns, m in candidates:
        if not any(q_used[i] for i in qs) and not any(n_used[j] for j in ns):
            for i in qs:
                q_used[i] = True
            for j in ns:
                n_used[j] = True
            pairs.append(Pair(qs, ns, m))
    if not all(q_used) and not all(n_used):
        _join_leftovers(query, name, q_used, n_used, pairs, similarity)
    q_unmatched = [i for i, used in enumerate(q_used) if not used]
    n_unmatched = [j for j, used in enumerate(n_used) if not used]
    return Alignment(pairs, q_unmatched, n_unmatched, legal_counted)


def _read_across(
    query: Side, name: Side, qs: Sequence[int], ns: Sequence[int]
) -> TokenMatch | None:
    """Words of another script against Latin words the rules did not let them meet,
    read with the learned costs of their script (transliteration.py)."""
    q_script, n_script = query.scripts[qs[0]], name.scripts[ns[0]]
    a = "".join(query.tokens[i] for i in qs)
    b = "".join(name.tokens[j] for j in ns)
    if n_script == LATIN and q_script != LATIN:
        sim = learned_match(q_script, a, b)
    elif q_script == LATIN and n_script != LATIN:
        sim = learned_match(n_script, b, a)
    else:
        return None
    return TokenMatch(sim, TRANSLIT) if sim else None


def _joinable(token: str) -> bool:
    return token.isalpha() and token[0] != LEGAL_PREFIX


def _glued_runs(side: Side) -> list[tuple[int, int]]:
    """(start, end) of every 2 to 8 tokens written as one word ("ri kul su", "al-tikriti")."""
    g, n = side.glued, len(side.tokens)
    spans = []
    for start in range(n - 1):
        end = start + 1
        while end < n and end - start < MAX_GLUED and g[end] and _joinable(side.tokens[end]):
            end += 1
            if _joinable(side.tokens[start]):
                spans.append((start, end))
    return spans


def _glued_joins(
    query: Side,
    name: Side,
    qw: Sequence[float],
    nw: Sequence[float],
    similarity: Callable[[str, str, int, bool], TokenMatch],
    read_across: bool = True,
) -> list[_Candidate]:
    """Rejoin what one word held, against single tokens of the other name, every rule on."""
    out: list[_Candidate] = []
    for two, one, two_w, one_w, query_is_two in (
        (query, name, qw, nw, True),
        (name, query, nw, qw, False),
    ):
        for start, end in _glued_runs(two):
            joined = "".join(two.tokens[start:end])
            level = max(two.leniency[start:end])
            span = tuple(range(start, end))
            for i, t in enumerate(one.tokens):
                if not _joinable(t) or abs(len(t) - len(joined)) > 4:
                    continue
                if one.leniency[i] >= level:  # the more lenient token goes first
                    m = similarity(t, joined, one.leniency[i], True)
                else:
                    m = similarity(joined, t, level, True)
                if (
                    read_across
                    and m.sim < MIN_TOKEN_SIM
                    and (one.scripts[i] == LATIN) != (two.scripts[start] == LATIN)
                ):
                    qs, ns = (span, (i,)) if query_is_two else ((i,), span)
                    m = _read_across(query, name, qs, ns) or m
                if m.sim >= MIN_TOKEN_SIM:
                    m = TokenMatch(m.sim, JOINED, m.edits)
                    w = sum(two_w[k] for k in span) + one_w[i]
                    qs, ns = (span, (i,)) if query_is_two else ((i,), span)
                    out.append((m.sim, len(span) + 1, w, qs, ns, m))
    return out


def _join_leftovers(
    query: Side,
    name: Side,
    q_used: list[bool],
    n_used: list[bool],
    pairs: list[Pair],
    similarity: Callable[[str, str, int, bool], TokenMatch],
) -> None:
    """Two neighbouring leftover words on one side against one leftover on the other
    ("Hik Vision", "Abdul Rahman"): by spelling or sound, no skeletons."""
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
                level = max(two.leniency[k], two.leniency[k + 1])
                if one.leniency[i] >= level:
                    m = similarity(t, joined, one.leniency[i], False)
                else:
                    m = similarity(joined, t, level, False)
                if m.sim > best.sim:
                    best, best_i = m, i
            if best_i >= 0 and best.sim >= MIN_TOKEN_SIM:
                one_used[best_i] = two_used[k] = two_used[k + 1] = True
                m = TokenMatch(best.sim, JOINED, best.edits)
                if query_is_one:
                    pairs.append(Pair((best_i,), (k, k + 1), m))
                else:
                    pairs.append(Pair((k, k + 1), (best_i,), m))
