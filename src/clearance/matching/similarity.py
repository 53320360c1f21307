"""How alike two name tokens are, and in what way: the unit of every explanation.

A token pair scores by the best of four views, each with its own word for the analyst:
exact, small edit distance ("1 edit"), same sound ("phonetic"), and, when one side
was written in a script without vowels or with extra ones, the same consonant
skeleton ("transliterated"). Short tokens must match exactly or nearly: two letters
of "Bush" and "Habbash" agreeing is no evidence.
"""

from __future__ import annotations

from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from clearance.matching.phonetic import phonetic_form, skeleton

EXACT = "exact"
EDIT = "edit"
PHONETIC = "phonetic"
TRANSLIT = "transliterated"
JOINED = "joined"

MIN_TOKEN_SIM = 0.70  # below this a token pair is no match at all


class TokenMatch(NamedTuple):
    sim: float
    how: str  # EXACT, EDIT, PHONETIC, TRANSLIT
    edits: int = 0


NO_MATCH = TokenMatch(0.0, "", 0)


def _edit_sim(a: str, b: str) -> tuple[float, int]:
    """Similarity from edit distance, strict for short tokens."""
    longest = max(len(a), len(b))
    dist = Levenshtein.distance(a, b, score_cutoff=3)
    if dist > 2 or (longest <= 4 and dist > 1) or (longest <= 2 and dist > 0):
        return 0.0, dist
    # One edit in 4 letters is 0.81, in 9 letters 0.89; two edits need 8+ letters.
    if dist == 2 and longest < 8:
        return 0.0, dist
    return max(0.0, 1.0 - 0.6 * dist / longest - 0.04 * dist), dist


def _skeleton_sim(sa: str, sb: str) -> float:
    """Similarity of consonant skeletons, for tokens from vowel-poor or syllabic scripts."""
    longest = max(len(sa), len(sb))
    if longest == 0:
        return 0.0
    dist = Levenshtein.distance(sa, sb, score_cutoff=3)
    if dist == 0:
        return 0.88 if longest <= 1 else 0.92
    if longest <= 2 or dist > 2 or (dist == 2 and longest < 6):
        return 0.0
    return 0.45 + 0.5 * (1.0 - dist / longest)


def token_similarity(a: str, b: str, loose: bool = False) -> TokenMatch:
    """Compare two lower-case Latin tokens; `loose` when either came from another script.

    Numbers (any token with a digit) only ever match exactly.
    """
    if a == b:
        return TokenMatch(1.0, EXACT)
    if not a or not b or not a.isalpha() or not b.isalpha():
        return NO_MATCH
    best = NO_MATCH
    sim, dist = _edit_sim(a, b)
    if sim >= MIN_TOKEN_SIM:
        best = TokenMatch(sim, EDIT, dist)
    pa, pb = phonetic_form(a), phonetic_form(b)
    if pa == pb:
        sim = 0.95 if len(pa) >= 4 else 0.9
        if sim > best.sim:
            best = TokenMatch(sim, PHONETIC)
    else:
        sim, dist = _edit_sim(pa, pb)
        sim *= 0.97
        if sim > best.sim and sim >= MIN_TOKEN_SIM:
            best = TokenMatch(sim, PHONETIC, dist)
    sa, sb = skeleton(a), skeleton(b)
    if loose:
        sim = _skeleton_sim(sa, sb)
        if sim > best.sim and sim >= MIN_TOKEN_SIM:
            best = TokenMatch(sim, TRANSLIT)
    elif sa == sb and len(sa) >= 3:
        # Same consonants in the same order; vowels may differ but must not all differ.
        vowel_agreement = Levenshtein.normalized_similarity(pa, pb)
        if vowel_agreement >= 0.7:
            sim = min(0.93, 0.78 + 0.03 * len(sa))
            if sim > best.sim:
                best = TokenMatch(sim, PHONETIC)
    return best
