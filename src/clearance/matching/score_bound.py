"""An exact upper bound on the log-odds of every candidate of a query, before aligning any.

`Screener.check` keeps a listed name only if its log-odds pass a floor, and of the dozen
candidates a new name brings nearly all fall short (a shared first name, a common
surname). Aligning each one and computing its features in Python was most of a check.
Here, for all candidates of a query at once (numpy), each word gets its reach: the best
similarity it can meet anything with, by the same pairs and joins `alignment.align`
tries, read from the query's look-ups and the same similarity function (0: it can only
be left over). From the reach each feature of `features.FEATURES` gets an interval it
must lie in, and the bound is the model's bias plus, feature by feature, the larger of
weight x low end and weight x high end. A candidate whose bound cannot pass the floor is
not aligned: its log-odds could not have passed either, and what `check` returns is
unchanged (tests/matching/test_score_bound.py holds every feature of real pairs inside
its interval and compares the results pair by pair).

A new feature needs its interval in `_intervals`: one without is unbounded, and a
candidate is then aligned whatever its other features say (slower, never wrong).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from clearance.matching.alignment import Side, _alone, _glued_runs, _special_match
from clearance.matching.features import FEATURES, INDEX, MET_CAP, VETOES, SideSummary
from clearance.matching.match_model import VETO_LOGIT, MatchModel
from clearance.matching.name_statistics import TokenKind
from clearance.matching.phonetic import phonetic_form, skeleton
from clearance.matching.retrieval import TokenLookup
from clearance.matching.scripts import STRICT
from clearance.matching.similarity import MIN_TOKEN_SIM, TokenMatch
from clearance.matching.vocabulary import LEGAL_PREFIX

if TYPE_CHECKING:
    from clearance.matching.index import MatchIndex

Similarity = Callable[[str, str, int, bool], TokenMatch]
_LEFT_GROUP = {
    TokenKind.GIVEN: "given", TokenKind.OTHER: "other", TokenKind.PATRONYMIC: "patronymic",
    TokenKind.GENERIC: "generic", TokenKind.MINOR: "minor", TokenKind.INITIAL: "minor",
    TokenKind.NUMBER: "number",
}  # fmt: skip
_NAME_KINDS = (int(TokenKind.OTHER), int(TokenKind.GIVEN))
_BREAKS_COMPLETE = (int(TokenKind.OTHER), int(TokenKind.GIVEN), int(TokenKind.NUMBER))
_LEGAL_KIND, _NUMBER = int(TokenKind.LEGAL), int(TokenKind.NUMBER)
_N_KINDS = max(int(k) for k in TokenKind) + 1
_IS_NAME_KIND = np.isin(np.arange(_N_KINDS), _NAME_KINDS)
_BREAKS = np.isin(np.arange(_N_KINDS), _BREAKS_COMPLETE)


class BoundModel:
    """The model's weights arranged for bounding. A positive weight takes a feature's
    high end, a negative one its low end; features with the same interval are summed
    ahead, and a word's share of the leftover features is one number for a word surely
    left over and one for a word perhaps left over (the low or high end, by sign)."""

    def __init__(self, model: MatchModel) -> None:
        self.bias = model.bias
        w = np.asarray(model.weights, dtype=np.float64)
        self.w = w
        wp = np.maximum(w, 0.0)
        self.positive = np.flatnonzero(w > 0)
        self.negative = np.flatnonzero(w < 0)
        self.w_positive = w[self.positive]
        self.w_negative = w[self.negative]
        # Every weighted feature must be one `logit_bounds` knows, or nothing is pruned.
        self.complete = all(k in BOUNDED for k in np.flatnonzero(w).tolist())
        self.cross = float(wp[_CROSS_FEATURES].sum())
        self.info = float(wp[_INFO_FEATURES].sum())
        self.pairs = float(wp[[_INITIALS, _SHORT]].sum())
        self.at_most_one = float(wp[[_NUMBER_CONFLICT, _Q_SHARE, _N_SHARE, _TINY]].sum())
        self.legal = float(wp[[_LEGAL_AGREE, _LEGAL_DIFFER]].sum())
        self.complete_cross = float(wp[_COMPLETE_CROSS].sum())
        self._vocab: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def word_shares(
        self, left: int, value: float, name_word: bool, names: int
    ) -> tuple[float, float]:
        """(surely left over, perhaps left over): a word's share of the bound through the
        leftover feature `left` and the count of name words left over `names`."""
        w, wn = self.w[left], self.w[names] if name_word else 0.0
        return w * value + wn, max(0.0, w * value) + max(0.0, wn)

    def vocab_shares(self, tables: VocabTables) -> tuple[np.ndarray, np.ndarray]:
        """`word_shares` of every vocabulary entry as a listed word (once per index)."""
        key = id(tables)
        if key not in self._vocab:
            counted = tables.left_feature >= 0
            w = np.where(counted, self.w[np.maximum(tables.left_feature, 0)], 0.0)
            wn = np.where(tables.name_word, self.w[_N_LEFT_NAMES], 0.0)
            v = np.where(counted, tables.left_value, 0.0)
            self._vocab[key] = (w * v + wn, np.maximum(0.0, w * v) + np.maximum(0.0, wn))
        return self._vocab[key]


class PairFlags(NamedTuple):
    """Facts of each candidate beside its words (features.PairFacts, as arrays)."""

    schema_mismatch: np.ndarray
    listed_person: np.ndarray
    listed_craft: np.ndarray
    weak_alias: np.ndarray
    former_name: np.ndarray
    one_word: np.ndarray  # the listed name's SideSummary.one_word


class VocabTables:
    """Per vocabulary entry, what bounding reads of a listed word (built once per index)."""

    def __init__(self, index: MatchIndex) -> None:
        text = index.vocab_text
        kinds = np.asarray(index._state["vocab_kind"], dtype=np.int64)
        self.info = np.asarray(index._state["vocab_info"], dtype=np.float64)
        self.kind = kinds
        self.length = np.fromiter(map(len, text), dtype=np.int64, count=len(text))
        self.special = np.fromiter((len(t) == 1 or t[0] == LEGAL_PREFIX for t in text),
                                   dtype=bool, count=len(text))  # fmt: skip
        self.legal = np.fromiter((t[0] == LEGAL_PREFIX for t in text), dtype=bool,
                                 count=len(text))  # fmt: skip
        self.joinable = np.fromiter((t.isalpha() and t[0] != LEGAL_PREFIX for t in text),
                                    dtype=bool, count=len(text))  # fmt: skip
        kind_left = np.full(_N_KINDS, -1, dtype=np.int64)
        for kind, group in _LEFT_GROUP.items():
            kind_left[int(kind)] = INDEX[f"n_left_{group}"]
        self.left_feature = kind_left[kinds]
        self.left_value = np.where(kinds == _NUMBER, 1.0, self.info)
        self.name_word = _IS_NAME_KIND[kinds]
        self.breaks_complete = _BREAKS[kinds]
        self.needs_exact = ~self.legal & (kinds != _LEGAL_KIND)
        self.glued = np.asarray(index._state["name_glued"], dtype=bool)
        self.name_ptr = np.asarray(index.name_ptr, dtype=np.int64)
        self.schema_code = np.asarray(index.entities.columns["schema_code"], dtype=np.int64)
        self.schemas: list[str] = index.entities.columns["schemas"]
        self.one_word = np.asarray(index._state["name_counted"]) == 1


_TABLES: weakref.WeakKeyDictionary[MatchIndex, VocabTables] = weakref.WeakKeyDictionary()


def vocab_tables(index: MatchIndex) -> VocabTables:
    tables = _TABLES.get(index)
    if tables is None:
        tables = _TABLES[index] = VocabTables(index)
    return tables


class Candidates(NamedTuple):
    """The words of all candidates of a query, end to end."""

    names: np.ndarray  # name ids (C)
    starts: np.ndarray  # first word of each candidate in the arrays below (C)
    owner: np.ndarray  # candidate of each word (T)
    vid: np.ndarray  # vocabulary id of each word (T)
    position: np.ndarray  # position of the word in its name (T)


def gather(index: MatchIndex, names: Sequence[int]) -> Candidates:
    ids = np.asarray(names, dtype=np.int64)
    lo, hi = index.name_ptr[ids], index.name_ptr[ids + 1]
    counts = hi - lo
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    owner = np.repeat(np.arange(len(ids)), counts)
    position = np.arange(int(counts.sum())) - starts[owner]
    vid = index.name_tokens[lo[owner] + position].astype(np.int64)
    return Candidates(ids, starts, owner, vid, position)


def reach(
    query: Side,
    lookups: Sequence[TokenLookup],
    cands: Candidates,
    tables: VocabTables,
    vocab_text: Sequence[str],
) -> tuple[np.ndarray, np.ndarray]:
    """(query words x candidates, listed words): the best similarity of single pairs,
    the similarities `align` reads (the look-ups) or, for initials and legal forms, its
    `_special_match` (a listed word taken as standing alone: never lower)."""
    qt = query.tokens
    unique, inverse = np.unique(cands.vid, return_inverse=True)
    u_list = unique.tolist()
    u_special = tables.special[unique].tolist()
    q_alone = _alone(query)
    rows = np.zeros((len(qt), len(u_list)))
    for i, x in enumerate(qt):
        q_special = len(x) == 1 or x[0] == LEGAL_PREFIX
        matches = lookups[i].matches
        row = rows[i]
        for u, (v, special) in enumerate(zip(u_list, u_special, strict=True)):
            if q_special or special:
                m = _special_match(x, vocab_text[v], q_alone[i], True)
            else:
                m = matches.get(v)
            if m is not None and m.sim >= MIN_TOKEN_SIM:
                row[u] = m.sim
    by_word = rows[:, inverse]
    a = np.maximum.reduceat(by_word, cands.starts, axis=1) if len(qt) else by_word[:, :0]
    b = by_word.max(axis=0) if len(qt) else np.zeros(len(cands.vid))
    return a, b


class _Joins:
    """Joined words of one side to try against single words of the other, end to end."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.level: list[int] = []  # leniency of the joined word (`align`: the highest)
        self.glued: list[bool] = []  # glued syllables (any rule) or leftovers (no skeletons)
        self.words: list[tuple[int, ...]] = []  # the words joined (positions)
        self.owner: list[int] = []  # candidate (-1: the query's own, for every candidate)

    def add(self, text: str, level: int, glued: bool, words: tuple[int, ...], owner: int) -> None:
        self.text.append(text)
        self.level.append(level)
        self.glued.append(glued)
        self.words.append(words)
        self.owner.append(owner)


def raise_by_joins(
    query: Side,
    q_reach: np.ndarray,
    n_reach: np.ndarray,
    cands: Candidates,
    which: np.ndarray,
    glued_runs: Callable[[int], list[tuple[int, int, str]]],
    tables: VocabTables,
    index: MatchIndex,
    similarity: Similarity,
) -> bool:
    """Raise the reach (in place) of the candidates `which` by every join `align` may
    make, whatever is left over: glued syllables rejoined (`alignment._glued_joins`)
    and neighbouring words joined (`alignment._join_leftovers`), against one word of the
    other side. Only pairs that pass `align`'s length test and could reach
    MIN_TOKEN_SIM are scored, by the same similarity function; a Latin pair could
    reach it only within two edits of spelling or of sound, or with the same consonants
    (similarity.token_similarity), which rapidfuzz tells for all pairs at once.
    Whether any reach rose."""
    keep = np.zeros(len(cands.names), dtype=bool)
    keep[which] = True
    # The query's joined words against the candidates' words.
    q_joins = _Joins()
    qt = query.tokens
    for start, end in _glued_runs(query):
        q_joins.add("".join(qt[start:end]), max(query.leniency[start:end]), True,
                    tuple(range(start, end)), -1)  # fmt: skip
    for k in range(len(qt) - 1):
        if _joins(qt[k]) and _joins(qt[k + 1]):
            q_joins.add(qt[k] + qt[k + 1], max(query.leniency[k], query.leniency[k + 1]), False,
                        (k, k + 1), -1)  # fmt: skip
    raised = False
    words = np.flatnonzero(keep[cands.owner] & tables.joinable[cands.vid])
    if q_joins.text and len(words):
        unique, inverse = np.unique(cands.vid[words], return_inverse=True)
        u_list = unique.tolist()
        hits = _similar_pairs(q_joins, [index.vocab_text[v] for v in u_list],
                              [STRICT] * len(u_list),
                              [index.vocab_phonetic[v] for v in u_list],
                              [index.vocab_skeleton[v] for v in u_list],
                              similarity, listed_first=True)  # fmt: skip
        for j, u, sim in hits:
            at = words[inverse == u]
            n_reach[at] = np.maximum(n_reach[at], sim)
            for i in q_joins.words[j]:
                row = q_reach[i]
                row[cands.owner[at]] = np.maximum(row[cands.owner[at]], sim)
            raised = True
    # The candidates' joined words against the query's words.
    n_joins = _Joins()
    q_use = [i for i, t in enumerate(qt) if _joins(t)]
    if q_use:  # neighbours within `align`'s length test of some query word
        vid, owner = cands.vid, cands.owner
        n_len = tables.length[vid]
        q_len = np.array([len(qt[i]) for i in q_use])
        pair_len = n_len[:-1] + n_len[1:]
        near = (np.abs(pair_len[:, None] - q_len[None, :]) <= 3).any(axis=1)
        both = tables.joinable[vid[:-1]] & tables.joinable[vid[1:]]
        text = index.vocab_text
        for t in np.flatnonzero(near & both & (owner[:-1] == owner[1:]) & keep[owner[:-1]]):
            t = int(t)
            n_joins.add(text[vid[t]] + text[vid[t + 1]], STRICT, False, (t, t + 1), int(owner[t]))
    starts = cands.starts.tolist()
    for c in which.tolist():
        for start, end, joined in glued_runs(int(cands.names[c])):
            first = starts[c]
            n_joins.add(joined, STRICT, True, tuple(range(first + start, first + end)), c)
    if n_joins.text and q_use:
        hits = _similar_pairs(n_joins, [qt[i] for i in q_use],
                              [query.leniency[i] for i in q_use],
                              [phonetic_form(qt[i]) for i in q_use],
                              [skeleton(qt[i]) for i in q_use], similarity,
                              listed_first=False)  # fmt: skip
        for j, u, sim in hits:
            c, i = n_joins.owner[j], q_use[u]
            if sim > q_reach[i, c]:
                q_reach[i, c] = sim
            for t in n_joins.words[j]:
                if sim > n_reach[t]:
                    n_reach[t] = sim
            raised = True
    return raised


def _similar_pairs(
    joins: _Joins,
    words: list[str],
    leniency: list[int],
    phonetic: list[str],
    skeletons: list[str],
    similarity: Similarity,
    listed_first: bool,
) -> list[tuple[int, int, float]]:
    """(join, word, similarity) of every pair meeting at MIN_TOKEN_SIM or more, the more
    lenient token first as `align` calls it (`listed_first`: the words are listed ones,
    the joins the query's)."""
    join_len = np.fromiter(map(len, joins.text), dtype=np.int64, count=len(joins.text))
    word_len = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    limit = np.where(np.asarray(joins.glued), 4, 3)
    near = np.abs(join_len[:, None] - word_len[None, :]) <= limit[:, None]
    latin = (np.asarray(joins.level) == STRICT)[:, None] & (np.asarray(leniency) == STRICT)[None, :]
    check = near & latin
    if check.any():  # Latin pairs: only those within reach of the rules
        spelling = process.cdist(joins.text, words, scorer=OSA.distance, score_cutoff=2,
                                 dtype=np.int32, workers=1) <= 2  # fmt: skip
        sound = process.cdist([phonetic_form(t) for t in joins.text], phonetic,
                              scorer=OSA.distance, score_cutoff=2, dtype=np.int32,
                              workers=1) <= 2  # fmt: skip
        possible = spelling | sound
        if any(joins.glued):
            consonants = np.array([[s == w for w in skeletons]
                                   for s in map(skeleton, joins.text)], dtype=bool)  # fmt: skip
            possible |= consonants & np.asarray(joins.glued)[:, None]
        near &= ~check | possible
    out = []
    for j, u in zip(*np.nonzero(near), strict=True):
        joined, word = joins.text[j], words[u]
        level, own = joins.level[j], leniency[u]
        skeletons_on = joins.glued[j]
        if own >= level:
            m = similarity(word, joined, own, skeletons_on)
        else:
            m = similarity(joined, word, level, skeletons_on)
        if m.sim >= MIN_TOKEN_SIM:
            out.append((int(j), int(u), m.sim))
    return out


def _joins(token: str) -> bool:
    return token.isalpha() and token[0] != LEGAL_PREFIX


def logit_bounds(
    model: BoundModel,
    query: Side,
    qs: SideSummary,
    a: np.ndarray,
    b: np.ndarray,
    cands: Candidates,
    tables: VocabTables,
    flags: PairFlags,
    listed_scripts: frozenset[str],
) -> np.ndarray:
    """The highest log-odds each candidate's features can give (VETO_LOGIT where a rule
    surely vetoes the pair): the bias plus weight x the end of each feature's interval
    (`_intervals`, the definition; here the same sums, grouped for speed)."""
    n = len(cands.names)
    if not model.complete:
        return np.full(n, math.inf)
    w = model.w
    owner = cands.owner
    q_info = np.asarray(query.info, dtype=np.float64)
    q_kinds = np.asarray(query.kinds, dtype=np.int64)
    q_pos = np.maximum(q_info, 0.0)
    a_met = a > 0
    b_met = b > 0
    n_pos = np.maximum(tables.info[cands.vid], 0.0)
    met = np.minimum(q_pos @ a, np.bincount(owner, n_pos * b, n))
    info = np.minimum(q_pos @ a_met, np.bincount(owner, n_pos * b_met, n))
    pairs = np.minimum(a_met.sum(axis=0), np.bincount(owner, b_met, n))
    cross = len(frozenset(query.scripts) | listed_scripts) > 1
    total = (
        max(0.0, w[_MET]) * np.minimum(met, MET_CAP)
        + max(0.0, w[_MET_MORE]) * np.clip(met - MET_CAP, 0.0, MET_CAP)
        + (model.cross * met if cross else 0.0)
        + model.info * info
        + model.pairs * pairs
        + max(0.0, w[_NUMBERS_MET]) * ((q_kinds == _NUMBER) @ a_met)
    )
    # The query's own: exact.
    q_one = 1.0 if qs.one_word else 0.0
    const = model.bias + model.at_most_one + w[_Q_ONE_WORD] * q_one
    const += sum(w[k] * share for k, share in zip(_Q_SHARES, qs.shares, strict=True))
    no_name = 1.0 if qs.name_words == 0 else 0.0
    const += w[_NO_NAME] if w[_NO_NAME] > 0 else w[_NO_NAME] * no_name
    # Words left over: surely (reach 0) or perhaps.
    q_surely = ~a_met
    left = np.zeros(n)
    craft_left = np.zeros(n)
    q_names = _IS_NAME_KIND[q_kinds]
    conflict_q = {k: np.zeros(n) for k, _, _ in _CONFLICTS}
    for i, kind in enumerate(q_kinds.tolist()):
        if kind == _LEGAL_KIND:
            continue
        value = 1.0 if kind == _NUMBER else float(q_info[i])
        surely, perhaps = model.word_shares(_Q_LEFT[kind], value, bool(q_names[i]), _Q_LEFT_NAMES)
        left += np.where(q_surely[i], surely, perhaps)
        if q_names[i]:
            wc = w[_CRAFT]
            craft_left += np.where(q_surely[i], wc, max(0.0, wc))
        for conflict, q_k, _ in _CONFLICTS:
            if _Q_LEFT[kind] == q_k:  # the low end for a negative weight, else the high
                end = min(0.0, value) if w[conflict] < 0 else max(0.0, value)
                conflict_q[conflict] += np.where(q_surely[i], value, end)
    n_surely = ~b_met
    surely_n, perhaps_n = model.vocab_shares(tables)
    left += np.bincount(owner, np.where(n_surely, surely_n[cands.vid], perhaps_n[cands.vid]), n)
    n_value = tables.left_value[cands.vid]
    n_feature = tables.left_feature[cands.vid]
    for conflict, _, n_k in _CONFLICTS:
        if w[conflict]:
            end = np.minimum(0.0, n_value) if w[conflict] < 0 else np.maximum(0.0, n_value)
            mine = np.where(n_feature == n_k, np.where(n_surely, n_value, end), 0.0)
            total += w[conflict] * np.minimum(conflict_q[conflict], np.bincount(owner, mine, n))
    total += left + np.where(flags.listed_craft, craft_left, 0.0)
    some_pair = pairs > 0
    # Identical names: every word that is no legal form met exactly (similarity 1).
    q_exact = np.array([t[0] != LEGAL_PREFIX and k != _LEGAL_KIND
                        for t, k in zip(query.tokens, query.kinds, strict=True)],
                       dtype=bool)  # fmt: skip
    inexact = ((a < 1.0) & q_exact[:, None]).any(axis=0)
    inexact |= np.bincount(owner, (b < 1.0) & tables.needs_exact[cands.vid], n) > 0
    total += max(0.0, w[_IDENTICAL]) * (some_pair & ~inexact)
    # Complete: no name word or number surely left over on either side.
    broken = (q_surely & _BREAKS[q_kinds][:, None]).any(axis=0)
    broken |= np.bincount(owner, n_surely & tables.breaks_complete[cands.vid], n) > 0
    complete_weight = max(0.0, w[_COMPLETE]) + (model.complete_cross if cross else 0.0)
    total += complete_weight * (some_pair & ~broken)
    q_legal = sum(1 for t in query.tokens if t[0] == LEGAL_PREFIX)
    total += model.legal * np.minimum(np.bincount(owner, tables.legal[cands.vid], n), q_legal)
    n_one = flags.one_word
    person = flags.listed_person
    total += (
        w[_N_ONE_WORD] * n_one
        + w[_BOTH_ONE_WORD] * (q_one * n_one)
        + w[_N_ONE_WORD_PERSON] * (n_one & person)
        + w[_SCHEMA] * flags.schema_mismatch
        + w[_PERSON] * person
        + w[_WEAK] * flags.weak_alias
        + w[_FORMER] * flags.former_name
    )
    total += const
    q_names_surely = (q_surely & q_names[:, None]).any(axis=0)
    vetoed = flags.schema_mismatch | (flags.listed_craft & q_names_surely) | (no_name > 0)
    return np.where(vetoed, VETO_LOGIT, np.maximum(total, VETO_LOGIT))


def generic_logit_bounds(
    model: BoundModel,
    query: Side,
    q_summary: SideSummary,
    q_reach: np.ndarray,
    n_reach: np.ndarray,
    cands: Candidates,
    tables: VocabTables,
    flags: PairFlags,
    listed_scripts: frozenset[str],
) -> np.ndarray:
    """`logit_bounds` from the intervals themselves, feature by feature (slower): the
    definition the tests hold `logit_bounds` to."""
    lo, hi = _intervals(query, q_summary, q_reach, n_reach, cands, tables, flags,
                        listed_scripts)  # fmt: skip
    total = model.bias + hi[:, model.positive] @ model.w_positive
    total = total + lo[:, model.negative] @ model.w_negative
    vetoed = (lo[:, _VETO_INDEX] > 0).any(axis=1)
    return np.where(vetoed, VETO_LOGIT, np.maximum(total, VETO_LOGIT))


def _intervals(
    query: Side,
    qs: SideSummary,
    a: np.ndarray,
    b: np.ndarray,
    cands: Candidates,
    tables: VocabTables,
    flags: PairFlags,
    listed_scripts: frozenset[str],
) -> tuple[np.ndarray, np.ndarray]:
    """(low ends, high ends), candidates x FEATURES, whatever the alignment, from the
    reach `a` of the query words and `b` of the listed words."""
    n = len(cands.names)
    lo = np.tile(_LO_UNKNOWN, (n, 1))
    hi = np.tile(_HI_UNKNOWN, (n, 1))
    owner = cands.owner
    q_info = np.asarray(query.info, dtype=np.float64)
    q_kinds = np.asarray(query.kinds, dtype=np.int64)
    q_pos = np.maximum(q_info, 0.0)
    a_met = a > 0
    b_met = b > 0
    n_pos = np.maximum(tables.info[cands.vid], 0.0)
    # Information met: each word is in one pair at most, and a pair's information is
    # at most that of its words on either side, met at its similarity.
    met = np.minimum(q_pos @ a, np.bincount(owner, n_pos * b, n))
    info = np.minimum(q_pos @ a_met, np.bincount(owner, n_pos * b_met, n))
    pairs = np.minimum(a_met.sum(axis=0), np.bincount(owner, b_met, n)).astype(np.float64)
    hi[:, _MET] = np.minimum(met, MET_CAP)
    hi[:, _MET_MORE] = np.clip(met - MET_CAP, 0.0, MET_CAP)
    cross = len(frozenset(query.scripts) | listed_scripts) > 1
    hi[:, _CROSS_FEATURES] = (met if cross else np.zeros(n))[:, None]
    hi[:, _INFO_FEATURES] = info[:, None]
    hi[:, _INITIALS] = hi[:, _SHORT] = pairs
    hi[:, _NUMBERS_MET] = (q_kinds == _NUMBER).astype(np.float64) @ a_met
    hi[:, _NUMBER_CONFLICT] = 1.0

    # Words left over: surely (reach 0) or perhaps.
    q_surely = ~a_met
    q_value = np.where(q_kinds == _NUMBER, 1.0, q_info)
    for i, kind in enumerate(q_kinds.tolist()):
        if kind == _LEGAL_KIND:
            continue
        k = _Q_LEFT[kind]
        v = q_value[i]
        lo[:, k] += np.where(q_surely[i], v, min(0.0, v))
        hi[:, k] += np.where(q_surely[i], v, max(0.0, v))
    q_names = _IS_NAME_KIND[q_kinds]
    lo[:, _Q_LEFT_NAMES] = (q_surely & q_names[:, None]).sum(axis=0)
    hi[:, _Q_LEFT_NAMES] = float(q_names.sum())
    n_surely = ~b_met
    n_value = tables.left_value[cands.vid]
    n_feature = tables.left_feature[cands.vid]
    counted = n_feature >= 0
    cell = owner[counted] * len(FEATURES) + n_feature[counted]
    size = n * len(FEATURES)
    lo += np.bincount(cell, np.where(n_surely, n_value, np.minimum(0.0, n_value))[counted],
                      size).reshape(n, -1)  # fmt: skip
    hi += np.bincount(cell, np.where(n_surely, n_value, np.maximum(0.0, n_value))[counted],
                      size).reshape(n, -1)  # fmt: skip
    n_names = tables.name_word[cands.vid]
    lo[:, _N_LEFT_NAMES] = np.bincount(owner, n_surely & n_names, n)
    hi[:, _N_LEFT_NAMES] = np.bincount(owner, n_names, n)
    for conflict, q_k, n_k in _CONFLICTS:
        lo[:, conflict] = np.minimum(lo[:, q_k], lo[:, n_k])
        hi[:, conflict] = np.minimum(hi[:, q_k], hi[:, n_k])
    hi[:, _Q_SHARE] = hi[:, _N_SHARE] = 1.0

    some_pair = pairs > 0
    # Identical names: every word that is no legal form met exactly (similarity 1).
    q_exact = np.array([t[0] != LEGAL_PREFIX and k != _LEGAL_KIND
                        for t, k in zip(query.tokens, query.kinds, strict=True)],
                       dtype=bool)  # fmt: skip
    inexact = ((a < 1.0) & q_exact[:, None]).any(axis=0)
    inexact |= np.bincount(owner, (b < 1.0) & tables.needs_exact[cands.vid], n) > 0
    hi[:, _IDENTICAL] = some_pair & ~inexact
    # Complete: no name word or number surely left over on either side.
    q_breaks = _BREAKS[q_kinds]
    broken = (q_surely & q_breaks[:, None]).any(axis=0)
    broken |= np.bincount(owner, n_surely & tables.breaks_complete[cands.vid], n) > 0
    complete = (some_pair & ~broken).astype(np.float64)
    hi[:, _COMPLETE] = complete
    hi[:, _COMPLETE_CROSS] = (complete if cross else np.zeros(n))[:, None]

    q_one = 1.0 if qs.one_word else 0.0
    n_one = flags.one_word.astype(np.float64)
    person = flags.listed_person.astype(np.float64)
    exact = (
        (_Q_ONE_WORD, q_one),
        (_N_ONE_WORD, n_one),
        (_BOTH_ONE_WORD, q_one * n_one),
        (_N_ONE_WORD_PERSON, n_one * person),
        (_SCHEMA, flags.schema_mismatch.astype(np.float64)),
        (_PERSON, person),
        (_WEAK, flags.weak_alias.astype(np.float64)),
        (_FORMER, flags.former_name.astype(np.float64)),
        *zip(_Q_SHARES, qs.shares, strict=True),
    )
    for k, value in exact:
        lo[:, k] = hi[:, k] = value
    # A query without name words is vetoed; a listed name's own count is not bounded.
    lo[:, _NO_NAME] = 1.0 if qs.name_words == 0 else 0.0
    hi[:, _NO_NAME] = 1.0
    q_legal = sum(1 for t in query.tokens if t[0] == LEGAL_PREFIX)
    legal = np.minimum(np.bincount(owner, tables.legal[cands.vid], n), q_legal)
    hi[:, _LEGAL_AGREE] = hi[:, _LEGAL_DIFFER] = legal
    craft = flags.listed_craft
    lo[:, _CRAFT] = np.where(craft, lo[:, _Q_LEFT_NAMES], 0.0)
    hi[:, _CRAFT] = np.where(craft, hi[:, _Q_LEFT_NAMES], 0.0)
    hi[:, _TINY] = 1.0
    return lo, hi


_VETO_INDEX = [INDEX[f] for f, _ in VETOES]
_MET, _MET_MORE = INDEX["met_info"], INDEX["met_info_more"]
_INITIALS, _SHORT = INDEX["initials"], INDEX["short_fuzzy"]
_NUMBERS_MET, _NUMBER_CONFLICT = INDEX["numbers_met"], INDEX["number_conflict"]
_CROSS_FEATURES = [INDEX[f] for f in ("cross_info", "cross_info_cyrillic",
                   "cross_info_syllabic", "cross_info_abjad", "cross_info_han")]  # fmt: skip
_INFO_FEATURES = [INDEX[f"{how}_{what}"] for how in ("edit", "sound", "translit", "joined")
                  for what in ("info", "miss")]  # fmt: skip
_Q_LEFT = {int(kind): INDEX[f"q_left_{group}"] for kind, group in _LEFT_GROUP.items()}
_Q_LEFT_NAMES, _N_LEFT_NAMES = INDEX["q_left_names"], INDEX["n_left_names"]
_CONFLICTS = [(INDEX[f"conflict_{g}"], INDEX[f"q_left_{g}"], INDEX[f"n_left_{g}"])
              for g in ("other", "given")]  # fmt: skip
_Q_SHARE, _N_SHARE, _IDENTICAL = INDEX["q_share"], INDEX["n_share"], INDEX["identical"]
_COMPLETE = INDEX["complete"]
_COMPLETE_CROSS = [INDEX[f] for f in ("complete_cross", "complete_cyrillic",
                   "complete_syllabic", "complete_abjad", "complete_han")]  # fmt: skip
_Q_ONE_WORD, _N_ONE_WORD = INDEX["q_one_word"], INDEX["n_one_word"]
_BOTH_ONE_WORD, _N_ONE_WORD_PERSON = INDEX["both_one_word"], INDEX["n_one_word_person"]
_SCHEMA, _PERSON = INDEX["schema_mismatch"], INDEX["listed_person"]
_WEAK, _FORMER, _NO_NAME = INDEX["weak_alias"], INDEX["former_name"], INDEX["q_no_name_word"]
_Q_SHARES = [INDEX[f] for f in ("q_cyrillic", "q_syllabic", "q_abjad", "q_han")]
_LEGAL_AGREE, _LEGAL_DIFFER = INDEX["legal_agree"], INDEX["legal_differ"]
_CRAFT, _TINY = INDEX["craft_left_names"], INDEX["only_tiny_fuzzy"]
# Every feature `_intervals` bounds starts at [0, 0]; any other (a new feature nobody
# bounded yet) at [-inf, inf], which keeps every candidate.
BOUNDED = frozenset(
    {_MET, _MET_MORE, _INITIALS, _SHORT, _NUMBERS_MET, _NUMBER_CONFLICT, *_CROSS_FEATURES,
     *_INFO_FEATURES, *_Q_LEFT.values(), *(INDEX[f"n_left_{g}"] for g in _LEFT_GROUP.values()),
     _Q_LEFT_NAMES, _N_LEFT_NAMES, *(c for c, _, _ in _CONFLICTS), _Q_SHARE, _N_SHARE,
     _IDENTICAL, _COMPLETE, *_COMPLETE_CROSS, _Q_ONE_WORD, _N_ONE_WORD, _BOTH_ONE_WORD,
     _N_ONE_WORD_PERSON, _SCHEMA, _PERSON, _WEAK, _FORMER, _NO_NAME, *_Q_SHARES, _LEGAL_AGREE,
     _LEGAL_DIFFER, _CRAFT, _TINY}
)  # fmt: skip
_LO_UNKNOWN = np.array([0.0 if k in BOUNDED else -math.inf for k in range(len(FEATURES))])
_HI_UNKNOWN = np.array([0.0 if k in BOUNDED else math.inf for k in range(len(FEATURES))])
