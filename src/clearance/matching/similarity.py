"""How alike two name tokens are, and in what way: the unit of every explanation.

A token pair scores by the best of four views, each with its own word for the analyst:
exact, small edit distance ("1 edit"), same sound ("phonetic"), and, when one side
was written in a script without vowels or with extra ones, the same consonant
skeleton ("transliterated"). Short tokens must match exactly or nearly: two letters
of "Bush" and "Habbash" agreeing is no evidence.
"""

from __future__ import annotations

from typing import NamedTuple

from rapidfuzz.distance import OSA, Levenshtein

from clearance.matching import phonetic
from clearance.matching.phonetic import phonetic_form, skeleton
from clearance.matching.scripts import ABJAD, STRICT, SYLLABIC

EXACT = "exact"
EDIT = "edit"
PHONETIC = "phonetic"
TRANSLIT = "transliterated"
JOINED = "joined"

MIN_TOKEN_SIM = 0.70  # below this a token pair is no match at all
FIRST_LETTER_PENALTY = 0.05


class TokenMatch(NamedTuple):
    sim: float
    how: str  # EXACT, EDIT, PHONETIC, TRANSLIT
    edits: int = 0


NO_MATCH = TokenMatch(0.0, "", 0)


def _edit_sim(a: str, b: str) -> tuple[float, int]:
    """Similarity from edit distance (a transposition is one edit), strict for short
    tokens, and a little lower when the first letter differs: typos rarely hit it."""
    longest = max(len(a), len(b))
    dist = OSA.distance(a, b, score_cutoff=3)
    if dist > 2 or (longest <= 4 and dist > 1) or (longest <= 2 and dist > 0):
        return 0.0, dist
    # One edit in 4 letters is 0.81, in 9 letters 0.89; two edits need 8+ letters.
    if dist == 2 and longest < 8:
        return 0.0, dist
    sim = 1.0 - 0.6 * dist / longest - 0.04 * dist
    if dist and a[0] != b[0] and a[1:2] + a[:1] != b[:2]:
        sim -= FIRST_LETTER_PENALTY
    return max(0.0, sim), dist


def _skeleton_sim(sa: str, sb: str, leniency: int, vowel_agreement: float) -> float:
    """Similarity of consonant skeletons for a token written in another script.

    ABJAD (Arabic, Hebrew): vowels say little, so equal skeletons match, short ones
    less, and long ones may differ by one consonant. SYLLABIC (Korean, Japanese,
    Indic): the same, but the written vowels must not disagree entirely. MEDIUM
    (Cyrillic, Greek …): equal skeletons with vowels roughly agreeing; one consonant
    off only in long skeletons.
    """
    longest = max(len(sa), len(sb))
    if longest == 0:
        return 0.0
    dist = Levenshtein.distance(sa, sb, score_cutoff=2)
    if leniency >= SYLLABIC:
        vowels_needed = 0.0 if leniency == ABJAD else 0.25
        if dist == 0 and vowel_agreement >= vowels_needed:
            return (0.8, 0.84, 0.88)[longest - 1] if longest <= 3 else 0.93
        if dist == 1 and longest >= 4 and vowel_agreement >= vowels_needed + 0.1:
            return 0.75 if longest == 4 else 0.45 + 0.5 * (1.0 - dist / longest)
        return 0.0
    if dist == 0 and (longest >= 4 or vowel_agreement >= 0.4):
        return 0.9 if longest >= 3 else 0.85
    if dist == 1 and longest >= 5 and vowel_agreement >= 0.5:
        return 0.45 + 0.5 * (1.0 - dist / longest)
    return 0.0


def token_similarity(a: str, b: str, leniency: int = STRICT, skeletons: bool = True) -> TokenMatch:
    """Compare two lower-case Latin tokens; `leniency` from the script they came from
    (the query's in screening, the more lenient of the two in `compare`). Without
    `skeletons` only spelling and sound count (for tokens joined by the aligner).

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
    if best.sim >= 0.95 or not skeletons:
        return best
    if leniency > STRICT:
        vowel_agreement = Levenshtein.normalized_similarity(pa, pb)
        sim = max(
            _skeleton_sim(sa, sb, leniency, vowel_agreement)
            for sa in phonetic.skeletons(a)
            for sb in phonetic.skeletons(b)
        )
        if sim > best.sim and sim >= MIN_TOKEN_SIM:
            best = TokenMatch(sim, TRANSLIT)
        return best
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb and len(sa) >= 3:
        # Same consonants in the same order; vowels may differ but must not all differ.
        vowel_agreement = Levenshtein.normalized_similarity(pa, pb)
        if vowel_agreement >= 0.7:
            sim = min(0.93, 0.78 + 0.03 * len(sa))
            if sim > best.sim:
                best = TokenMatch(sim, PHONETIC)
    return best
