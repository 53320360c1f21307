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
from clearance.matching.scripts import STRICT, SYLLABIC

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
    """Similarity from edit distance (a transposition is one edit).

    One edit in 5 letters is 0.84, in 9 letters 0.89; two edits need 8 letters or
    more. In 4 letters or fewer one added or dropped letter is 0.78 (Jon, John) and
    one changed letter 0.72 (Lin and Bin, Wang and Yang are other names). A changed
    first letter costs a little more: typing rarely gets it wrong.
    """
    longest = max(len(a), len(b))
    dist = OSA.distance(a, b, score_cutoff=3)
    if dist > 2 or (longest <= 4 and dist > 1) or (longest <= 2 and dist > 0):
        return 0.0, dist
    if dist == 2 and longest < 8:
        return 0.0, dist
    if longest <= 4 and dist:
        sim = 0.78 if len(a) != len(b) else 0.72
    else:
        sim = 1.0 - 0.6 * dist / longest - 0.04 * dist
    if dist and a[0] != b[0] and a[1:2] + a[:1] != b[:2]:
        sim -= FIRST_LETTER_PENALTY
    return max(0.0, sim), dist


def vowel_fit(a: str, b: str) -> tuple[float, float]:
    """How the vowels of `a` (written in another script) fit those of `b` (Latin): the
    share of the shorter vowel sequence found in order in the longer one, and the
    share of the longer one matched.

    Arabic and Hebrew write long vowels and drop short ones; Korean, Japanese and
    Indic scripts add vowels Latin lacks. Either way the fewer vowels of one side
    should be found among the other's: "hsin" (Hossein) passes, "sina" for Hassan not.
    A Latin token without vowels is an abbreviation ("DR"), no spelling of a name.
    """
    va, vb = phonetic.vowels(a), phonetic.vowels(b)
    if not vb and len(va) > 1:
        return 0.0, 0.0
    if len(va) > len(vb):
        va, vb = vb, va
    if not va:
        return 1.0, 1.0 if not vb else 0.0
    row = [0] * (len(vb) + 1)
    for ca in va:  # longest common subsequence, one row at a time
        prev_diag = 0
        for k, cb in enumerate(vb, 1):
            current = row[k]
            row[k] = prev_diag + 1 if ca == cb else max(row[k], row[k - 1])
            prev_diag = current
    return row[-1] / len(va), row[-1] / len(vb)


def _skeleton_sim(sa: str, sb: str, leniency: int, vowel_agreement: float) -> float:
    """Similarity of consonant skeletons for a token written in another script.

    SYLLABIC and ABJAD (Korean, Japanese, Indic; Arabic, Hebrew): equal skeletons
    match, short ones less and only if the vowels fit (`vowel_fit`); long
    skeletons may differ by one consonant. MEDIUM (Cyrillic, Greek …): equal
    skeletons with vowels roughly agreeing (`vowel_agreement` is then an edit
    similarity); one consonant off only in long skeletons.
    """
    longest = max(len(sa), len(sb))
    if longest == 0:
        return 0.0
    dist = Levenshtein.distance(sa, sb, score_cutoff=2)
    if leniency >= SYLLABIC:
        if dist == 0 and vowel_agreement >= (0.6 if longest <= 3 else 0.4):
            return (0.82, 0.86, 0.9)[longest - 1] if longest <= 3 else 0.93
        if dist == 1 and longest >= 4 and vowel_agreement >= 0.5:
            return 0.78 if longest == 4 else 0.45 + 0.5 * (1.0 - dist / longest)
        return 0.0
    if dist == 0 and (longest >= 4 or vowel_agreement >= 0.4):
        return 0.9 if longest >= 3 else 0.86
    if dist == 1 and longest >= 5 and vowel_agreement >= 0.5:
        return 0.45 + 0.5 * (1.0 - dist / longest)
    return 0.0


def token_similarity(a: str, b: str, leniency: int = STRICT, skeletons: bool = True) -> TokenMatch:
    """Compare two lower-case Latin tokens; `leniency` from the script `a` came from
    (`a` is the query token in screening, the more lenient one in `compare`). Without
    `skeletons` only spelling and sound count (for words joined by the aligner).

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
        if leniency >= SYLLABIC:
            pairs = [(skeleton(a), skeleton(b))]
            contained, matched = vowel_fit(a, b)
            # Two consonants say little: where vowels are written (Korean, Japanese)
            # they must then agree both ways.
            short = max(len(pairs[0][0]), len(pairs[0][1])) <= 2
            agreement = matched if short and leniency == SYLLABIC else contained
        else:  # Cyrillic & co: j may be y, ch may be kh
            agreement = Levenshtein.normalized_similarity(pa, pb)
            pairs = [(x, y) for x in phonetic.skeletons(a) for y in phonetic.skeletons(b)]
        sim = max(_skeleton_sim(x, y, leniency, agreement) for x, y in pairs)
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
