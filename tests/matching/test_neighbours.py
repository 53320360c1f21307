"""Vectorised neighbour scoring must say exactly what the scalar token similarity says.

`neighbours.py` re-implements `similarity.token_similarity` with numpy over many pairs
for speed; any drift would silently change scores and explanations. These tests hold
the scalar rules as the oracle, on real candidate sets of the bundled lists.
"""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz.distance import OSA, Levenshtein

from clearance.matching import Screener
from clearance.matching.names import tokenize_name
from clearance.matching.neighbours import PLAUSIBLE_ABOVE, score_neighbours
from clearance.matching.phonetic import phonetic_form, skeleton
from clearance.matching.scripts import STRICT
from clearance.matching.similarity import MIN_TOKEN_SIM, TokenMatch, token_similarity

pytestmark = pytest.mark.slow

# Names in several scripts and spellings: Latin typos, Cyrillic, Korean, Japanese,
# Arabic, Hebrew, Greek, letters read two ways (j, ch, c), short and long words.
NAMES = [
    "Higuision", "Mohamad Hasan al-Tikriti", "Abdulrahman Ibn Jakob", "Chruschtschow",
    "Путин Владимир Владимирович", "Хрущёв Сергей", "김정은", "리수용", "アレクサンドル",
    "محمد حسين", "يوسف القرضاوي", "משה כהן", "Γεώργιος Παπαδόπουλος", "Gajda Krivic",
    "Tchaikovsky", "Xiaoming Wang", "Jon Smith", "Kalashnikov Concern", "Ri Kul Su",
]  # fmt: skip


def _queries() -> list[tuple[str, int]]:
    """Every token of NAMES at every leniency (each rule branch gets exercised)."""
    tokens = {t for name in NAMES for t in tokenize_name(name).tokens if t.isalpha()}
    return [(t, level) for t in sorted(tokens) if len(t) >= 2 for level in range(4)]


def _scalar_neighbours(screener: Screener, token: str, leniency: int) -> dict[int, TokenMatch]:
    """The lookup as it was done pair by pair: candidates from the fuzzy keys, sifted
    when many (an edit or two, same skeleton, one consonant off in another script),
    each verified with `token_similarity`."""
    index = screener.index
    _, vids = index.fuzzy_candidate_pairs([(token, leniency)])
    edits = 2 if len(token) >= 7 else 1
    out = {}
    for vid in vids.tolist():
        entry = index.vocab_text[vid]
        if vid == index.vocab_ids.get(token):
            continue
        if len(vids) > PLAUSIBLE_ABOVE:
            d_raw = OSA.distance(token, entry, score_cutoff=3)
            d_phon = OSA.distance(phonetic_form(token), phonetic_form(entry), score_cutoff=4)
            d_skel = Levenshtein.distance(skeleton(token), skeleton(entry), score_cutoff=2)
            if not (
                d_raw <= edits
                or d_phon <= edits
                or (d_skel == 0 and d_phon <= 3)
                or (leniency > STRICT and d_skel <= 1)
            ):
                continue
        match = token_similarity(token, entry, leniency)
        if match.sim >= MIN_TOKEN_SIM:
            out[vid] = match
    return out


def test_vectorised_neighbours_equal_the_scalar_rules(all_lists: Screener) -> None:
    index = all_lists.index
    queries = _queries()
    query, vids = index.fuzzy_candidate_pairs(queries)
    exact = [index.vocab_ids.get(t) for t, _ in queries]
    found = score_neighbours(index.forms, queries, query, vids, exact)
    checked = 0
    for (token, leniency), matches in zip(queries, found, strict=True):
        expected = _scalar_neighbours(all_lists, token, leniency)
        assert matches == expected, (token, leniency)
        assert list(matches) == sorted(matches)  # vocabulary order: ties break alike
        checked += len(expected)
    assert checked > 500  # real candidate sets, not empty ones


def test_neighbours_found_at_build_equal_those_found_at_query_time(all_lists: Screener) -> None:
    index = all_lists.index
    tokens = [t for t, level in _queries() if level == STRICT and t in index.vocab_ids]
    assert len(tokens) > 20
    for token in tokens:
        known = index.known_neighbours(index.vocab_ids[token])
        assert known == _scalar_neighbours(all_lists, token, STRICT), token
        assert list(known or {}) == sorted(known or {})


def test_every_candidate_pair_scores_as_token_similarity(all_lists: Screener) -> None:
    """Below the sift too: every candidate pair, each given as a query of its own (one
    candidate is never sifted out)."""
    index = all_lists.index
    queries = _queries()
    query, vids = index.fuzzy_candidate_pairs(queries)
    texts = [index.vocab_text[v] for v in vids.tolist()]
    different = np.array([t != queries[k][0] for k, t in zip(query.tolist(), texts, strict=True)])
    query, vids = query[different], vids[different]  # an exact entry is matched apart
    pairs = [queries[k] for k in query.tolist()]
    found = score_neighbours(index.forms, pairs, np.arange(len(pairs)), vids, [None] * len(pairs))
    matched = 0
    for (token, leniency), vid, got in zip(pairs, vids.tolist(), found, strict=True):
        expected = token_similarity(token, index.vocab_text[vid], leniency)
        want = {vid: expected} if expected.sim >= MIN_TOKEN_SIM else {}
        assert got == want, (token, index.vocab_text[vid], leniency)
        matched += bool(want)
    assert len(pairs) > 5000 and matched > 1000


def test_looking_up_a_batch_at_once_changes_no_result(all_lists: Screener) -> None:
    names = [*NAMES, "Smith John", "Higvision", "George Bush", "emma daniels", "선영 김"]
    one_by_one = Screener(all_lists.index)
    warmed = Screener(all_lists.index)
    warmed.warm(names)
    for name in names:
        a, b = one_by_one.check(name, threshold=0.5), warmed.check(name, threshold=0.5)
        assert [(h.entity_id, h.score, h.explanation) for h in a] == [
            (h.entity_id, h.score, h.explanation) for h in b
        ]
