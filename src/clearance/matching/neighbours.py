"""Fuzzy neighbours of query tokens in the index vocabulary, scored many at a time.

A query word the screener has not met before must be compared with every vocabulary
entry sharing a lookup key with it (index.py): a few to a few hundred entries. Doing
that pair by pair with `similarity.token_similarity` cost most of a first-pass check.
Here the distances come from rapidfuzz's C `cdist`, one call per query token and kind
of distance (the token's pattern is built once), and the rules of `token_similarity`
are applied with numpy to all pairs of all tokens at once. The result is the same,
rule for rule and float for float (tests/matching/test_neighbours.py compares every
pair of real candidate sets), so explanations and scores do not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz.distance import OSA, LCSseq, Levenshtein
from rapidfuzz.process import cpdist

from clearance.matching.phonetic import alternative_skeleton, phonetic_form, skeleton, vowels
from clearance.matching.scripts import STRICT, SYLLABIC
from clearance.matching.similarity import (
    EDIT,
    FIRST_LETTER_PENALTY,
    MIN_TOKEN_SIM,
    PHONETIC,
    TRANSLIT,
    TokenMatch,
)

# What a verified pair is called, by code in the arrays below.
HOW = ("", EDIT, PHONETIC, TRANSLIT)
_NONE, _EDIT, _PHONETIC, _TRANSLIT = 0, 1, 2, 3
PLAUSIBLE_ABOVE = 8  # more candidates than this are sifted before scoring (see _Pairs.sift)


# Numeric columns of a forms table (query tokens or vocabulary): lengths and the first
# two characters of spelling and sound, then (query tokens only) leniency and exact id.
TEXT_LEN, PHON_LEN, SKEL_LEN, ALT_LEN, VOWELS_LEN = 0, 1, 2, 3, 4
TEXT_FIRST, TEXT_SECOND, PHON_FIRST, PHON_SECOND = 5, 6, 7, 8
LENIENCY, EXACT = 9, 10


def _second(text: str) -> int:
    return ord(text[1]) if len(text) > 1 else 0


def form_numbers(
    text: Sequence[str],
    phonetic: Sequence[str],
    skeleton_main: Sequence[str],
    skeleton_alt: Sequence[str],
    vowel_seq: Sequence[str],
) -> np.ndarray:
    """The numeric columns (TEXT_LEN … PHON_SECOND) of a table of forms, as int32."""
    rows = [
        (len(t), len(p), len(s), len(a), len(v), ord(t[0]) if t else 0, _second(t),
         ord(p[0]) if p else 0, _second(p))
        for t, p, s, a, v in zip(text, phonetic, skeleton_main, skeleton_alt, vowel_seq,
                                 strict=True)
    ]  # fmt: skip
    return np.array(rows, dtype=np.int32).reshape(len(rows), 9)


class VocabForms:
    """The vocabulary's spellings, sounds, skeletons and vowels, and their numbers."""

    def __init__(
        self,
        text: Sequence[str],
        phonetic: Sequence[str],
        skeleton_main: Sequence[str],
        skeleton_alt: Sequence[str],
        vowel_seq: Sequence[str],
        numbers: np.ndarray,
    ) -> None:
        self.text = np.array(text, dtype=object)
        self.phonetic = np.array(phonetic, dtype=object)
        self.skeleton = np.array(skeleton_main, dtype=object)
        self.skeleton_alt = np.array(skeleton_alt, dtype=object)
        self.vowels = np.array(vowel_seq, dtype=object)
        self.numbers = numbers


class _Queries:
    """The query tokens' forms, and their numbers with leniency and exact entry."""

    def __init__(self, queries: Sequence[tuple[str, int]], exact: Sequence[int | None]) -> None:
        text = [t for t, _ in queries]
        phon = [phonetic_form(t) for t in text]
        skel = [skeleton(t) for t in text]
        alt = [alternative_skeleton(t) for t in text]
        vowel_seq = [vowels(t) for t in text]
        self.text = np.array(text, dtype=object)
        self.phonetic = np.array(phon, dtype=object)
        self.skeleton = np.array(skel, dtype=object)
        self.skeleton_alt = np.array(alt, dtype=object)
        self.vowels = np.array(vowel_seq, dtype=object)
        extra = np.array([(lv, -1 if e is None else e) for (_, lv), e in zip(queries, exact,
                          strict=True)], dtype=np.int64).reshape(len(queries), 2)  # fmt: skip
        self.numbers = np.hstack([form_numbers(text, phon, skel, alt, vowel_seq), extra])


def _distances(a: np.ndarray, b: np.ndarray, scorer: Any, cutoff: int | None) -> np.ndarray:
    """Pairwise distances a[i] to b[i] in C (or similarities, for the scorers that are)."""
    dtype = np.float64 if scorer is Levenshtein.normalized_similarity else np.int32
    result: np.ndarray = cpdist(a, b, scorer=scorer, score_cutoff=cutoff, dtype=dtype)
    return result


class _Pairs:
    """(query token, vocabulary entry) pairs, with the distances every rule reads:
    spelling and sound (OSA, a transposition is one edit), skeleton (Levenshtein).
    `qn` and `vn` hold each pair's numbers of its query token and of its entry."""

    def __init__(self, forms: VocabForms, queries: _Queries, query: np.ndarray, vid: np.ndarray):
        self.forms, self.queries = forms, queries
        self.query, self.vid = query, vid
        self.qn = queries.numbers[query]
        self.raw = _distances(queries.text[query], forms.text[vid], OSA.distance, 3)
        self.phon = _distances(queries.phonetic[query], forms.phonetic[vid], OSA.distance, 4)
        self.skel = _distances(
            queries.skeleton[query], forms.skeleton[vid], Levenshtein.distance, 2
        )

    def sift(self) -> None:
        """Keep the candidates worth a full comparison, as retrieval always did: all of
        a few, else those an edit or two off in spelling or sound, with the same skeleton
        and vowels not far off, or (other scripts) one consonant off in skeleton. The
        query's own (exact) entry goes: it is matched already."""
        qn = self.qn
        edits = np.where(qn[:, TEXT_LEN] >= 7, 2, 1)  # what similarity.py accepts, roughly
        keep = (
            (self.raw <= edits)
            | (self.phon <= edits)
            | ((self.skel == 0) & (self.phon <= 3))
            | ((qn[:, LENIENCY] > STRICT) & (self.skel <= 1))
        )
        few = np.bincount(self.query, minlength=len(self.queries.text)) <= PLAUSIBLE_ABOVE
        keep = (keep | few[self.query]) & (self.vid != qn[:, EXACT])
        if not keep.all():
            for name in ("query", "vid", "qn", "raw", "phon", "skel"):
                setattr(self, name, getattr(self, name)[keep])
        self.vn = self.forms.numbers[self.vid]

    def similarities(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`similarity.token_similarity` of every pair: (sim, how code, edits)."""
        qn, vn = self.qn, self.vn
        edit = _edit_sims(self.raw, qn, vn, TEXT_LEN, TEXT_FIRST, TEXT_SECOND)
        ok = edit >= MIN_TOKEN_SIM
        sim = np.where(ok, edit, 0.0)
        how = np.where(ok, _EDIT, _NONE)
        edits = np.where(ok, self.raw, 0)
        # The same sound, or a sound an edit or two off.
        same = self.phon == 0
        sound_edit = 0.97 * _edit_sims(self.phon, qn, vn, PHON_LEN, PHON_FIRST, PHON_SECOND)
        sound = np.where(same, np.where(qn[:, PHON_LEN] >= 4, 0.95, 0.9), sound_edit)
        take = (sound > sim) & (same | (sound >= MIN_TOKEN_SIM))
        sim = np.where(take, sound, sim)
        how[take] = _PHONETIC
        edits = np.where(take, np.where(same, 0, self.phon), edits)
        open_ = sim < 0.95
        leniency = qn[:, LENIENCY]
        lenient = np.flatnonzero(open_ & (leniency > STRICT))
        if len(lenient):
            self._transliterated(lenient, sim, how, edits)
        strict = np.flatnonzero(
            open_ & (leniency == STRICT) & (self.skel == 0) & (qn[:, SKEL_LEN] >= 3)
        )
        if len(strict):
            self._same_consonants(strict, sim, how, edits)
        return sim, how, edits

    def _transliterated(
        self, at: np.ndarray, sim: np.ndarray, how: np.ndarray, edits: np.ndarray
    ) -> None:
        """A token from another script: consonant skeletons, with vowels that fit
        (syllabic and abjad scripts) or roughly agree (Cyrillic & co, both readings)."""
        f, q = self.forms, self.queries
        query, vid, qn, vn = self.query[at], self.vid[at], self.qn[at], self.vn[at]
        leniency = qn[:, LENIENCY]
        qs_len, vs_len = qn[:, SKEL_LEN], vn[:, SKEL_LEN]
        syllabic = leniency >= SYLLABIC
        agreement = np.zeros(len(at), dtype=np.float64)
        syl = np.flatnonzero(syllabic)
        if len(syl):
            common = _distances(q.vowels[query[syl]], f.vowels[vid[syl]], LCSseq.similarity, None)
            contained, matched = _vowel_fit(qn[syl, VOWELS_LEN], vn[syl, VOWELS_LEN], common)
            # Two consonants say little: where vowels are written they must agree both ways.
            short = np.maximum(qs_len[syl], vs_len[syl]) <= 2
            agreement[syl] = np.where(short & (leniency[syl] == SYLLABIC), matched, contained)
        med = np.flatnonzero(~syllabic)
        if len(med):
            agreement[med] = _distances(q.phonetic[query[med]], f.phonetic[vid[med]],
                                        Levenshtein.normalized_similarity, None)  # fmt: skip
        value = _skeleton_sims(self.skel[at], qs_len, vs_len, syllabic, agreement)
        if len(med):  # j as y, ch as kh, c as ts: each reading against each
            qm, vm, qnm, vnm = query[med], vid[med], qn[med], vn[med]
            best = value[med]
            for q_skel, q_len, v_skel, v_len in (
                (q.skeleton, SKEL_LEN, f.skeleton_alt, ALT_LEN),
                (q.skeleton_alt, ALT_LEN, f.skeleton, SKEL_LEN),
                (q.skeleton_alt, ALT_LEN, f.skeleton_alt, ALT_LEN),
            ):
                dist = _distances(q_skel[qm], v_skel[vm], Levenshtein.distance, 2)
                other = _skeleton_sims(dist, qnm[:, q_len], vnm[:, v_len], False, agreement[med])
                best = np.maximum(best, other)
            value[med] = best
        take = (value > sim[at]) & (value >= MIN_TOKEN_SIM)
        where = at[take]
        sim[where], how[where], edits[where] = value[take], _TRANSLIT, 0

    def _same_consonants(
        self, at: np.ndarray, sim: np.ndarray, how: np.ndarray, edits: np.ndarray
    ) -> None:
        """Latin: the same consonants in the same order, vowels not all different."""
        f, q = self.forms, self.queries
        query, vid = self.query[at], self.vid[at]
        agreement = _distances(q.phonetic[query], f.phonetic[vid],
                               Levenshtein.normalized_similarity, None)  # fmt: skip
        value = np.minimum(0.93, 0.78 + 0.03 * self.qn[at, SKEL_LEN])
        take = (agreement >= 0.7) & (value > sim[at])
        where = at[take]
        sim[where], how[where], edits[where] = value[take], _PHONETIC, 0


class Neighbours(NamedTuple):
    """Matching (query token, vocabulary entry) pairs, sorted by query then entry."""

    query: np.ndarray  # query number
    vid: np.ndarray  # vocabulary id
    sim: np.ndarray  # float64, as token_similarity computes it
    how: np.ndarray  # code into HOW
    edits: np.ndarray


NO_NEIGHBOURS = Neighbours(
    *(np.zeros(0, dtype=t) for t in (np.int64, np.int64, float, np.int8, np.int8))
)


def find_neighbours(
    forms: VocabForms,
    queries: Sequence[tuple[str, int]],
    query: np.ndarray,
    vid: np.ndarray,
    exact: Sequence[int | None],
) -> Neighbours:
    """Those of the candidate pairs (`query`, `vid`: query number and vocabulary id,
    sorted) that match, as `token_similarity(token, entry, leniency)` would say for
    each query (token, leniency). The query's `exact` entry, if any, is left out (it
    is an exact match)."""
    if not len(vid):
        return NO_NEIGHBOURS
    pairs = _Pairs(forms, _Queries(queries, exact), query, vid)
    pairs.sift()
    if not len(pairs.vid):
        return NO_NEIGHBOURS
    sim, how, edits = pairs.similarities()
    good = np.flatnonzero(sim >= MIN_TOKEN_SIM)
    return Neighbours(pairs.query[good], pairs.vid[good], sim[good],
                      how[good].astype(np.int8), edits[good].astype(np.int8))  # fmt: skip


def as_matches(found: Neighbours, n_queries: int) -> list[dict[int, TokenMatch]]:
    """Per query: vocabulary id -> how it matches, in vocabulary id order."""
    out: list[dict[int, TokenMatch]] = [{} for _ in range(n_queries)]
    for k, v, s, h, e in zip(found.query.tolist(), found.vid.tolist(), found.sim.tolist(),
                             found.how.tolist(), found.edits.tolist(), strict=True):  # fmt: skip
        out[k][v] = TokenMatch(s, HOW[h], e)
    return out


def score_neighbours(
    forms: VocabForms,
    queries: Sequence[tuple[str, int]],
    query: np.ndarray,
    vid: np.ndarray,
    exact: Sequence[int | None],
) -> list[dict[int, TokenMatch]]:
    """`find_neighbours` as one dict per query: vocabulary id -> how it matches."""
    return as_matches(find_neighbours(forms, queries, query, vid, exact), len(queries))


def _edit_sims(
    dist: np.ndarray, qn: np.ndarray, vn: np.ndarray, length: int, first: int, second: int
) -> np.ndarray:
    """`similarity._edit_sim` over arrays, of strings that differ (dist >= 1): the
    query's and the entry's length and first two characters are columns of `qn`, `vn`."""
    a_len, b_len = qn[:, length], vn[:, length]
    a_first, a_second, b_first, b_second = qn[:, first], qn[:, second], vn[:, first], vn[:, second]
    longest = np.maximum(a_len, b_len)
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where(
            longest <= 4,
            np.where(a_len != b_len, 0.78, 0.72),
            1.0 - 0.6 * dist / longest - 0.04 * dist,
        )
    swapped = (b_first == a_second) & (b_second == a_first)  # a[1:2] + a[:1] == b[:2]
    sim = np.where((a_first != b_first) & ~swapped, sim - FIRST_LETTER_PENALTY, sim)
    refused = (dist > 2) | ((dist == 2) & (longest < 8)) | ((longest <= 4) & (dist > 1))
    refused |= longest <= 2
    result: np.ndarray = np.where(refused, 0.0, np.maximum(0.0, sim))
    return result


_SYLLABIC_EQUAL = np.array([0.0, 0.82, 0.86, 0.9, 0.93])  # by skeleton length, 4 = longer


def _skeleton_sims(
    dist: np.ndarray, a_len: np.ndarray, b_len: np.ndarray, syllabic: Any, agreement: np.ndarray
) -> np.ndarray:
    """`similarity._skeleton_sim` over arrays."""
    longest = np.maximum(a_len, b_len)
    with np.errstate(divide="ignore", invalid="ignore"):
        one_off = 0.45 + 0.5 * (1.0 - dist / longest)
    syl = np.where(
        (dist == 0) & (agreement >= np.where(longest <= 3, 0.6, 0.4)),
        _SYLLABIC_EQUAL[np.minimum(longest, 4)],
        np.where((dist == 1) & (longest >= 4) & (agreement >= 0.5),
                 np.where(longest == 4, 0.78, one_off), 0.0),
    )  # fmt: skip
    med = np.where(
        (dist == 0) & ((longest >= 4) | (agreement >= 0.4)),
        np.where(longest >= 3, 0.9, 0.86),
        np.where((dist == 1) & (longest >= 5) & (agreement >= 0.5), one_off, 0.0),
    )
    result: np.ndarray = np.where(longest == 0, 0.0, np.where(syllabic, syl, med))
    return result


def _vowel_fit(
    a_len: np.ndarray, b_len: np.ndarray, common: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`similarity.vowel_fit` over arrays, from the vowel counts of the query token
    (`a_len`) and the entry and their longest common subsequence."""
    shorter = np.minimum(a_len, b_len)
    longer = np.maximum(a_len, b_len)
    with np.errstate(divide="ignore", invalid="ignore"):
        contained = np.where(shorter == 0, 1.0, common / shorter)
        matched = np.where(shorter == 0, np.where(longer == 0, 1.0, 0.0), common / longer)
    latin_without_vowels = (b_len == 0) & (a_len > 1)
    contained = np.where(latin_without_vowels, 0.0, contained)
    matched = np.where(latin_without_vowels, 0.0, matched)
    return contained, matched
