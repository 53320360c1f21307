"""What an analyst can read off an alignment, as the numbers the scoring model weighs.

Each feature is a sum over the aligned pairs or the words left over, in units of
information (`name_statistics.information`: a word shared by one name in ten
thousand is 4, by one in ten is 1):

- how the words met: exactly, by a spelling edit, by sound, by transliteration
  across scripts, joined or split, as an initial; and how far apart the spellings of
  the fuzzy pairs still are;
- what is left over on each side, by kind: given name, patronymic, surname or
  distinctive word, generic word (bank, group …), title or particle, number;
- the shape of the pair: identical words, one-word names, legal forms that agree or
  not, the kind of party on both sides, the script of the query, the kind of name
  on the list (weak alias, former name).

`tools/fit_scorer.py` fits one weight per feature (match_model.py); the explanation
of a hit is the same sums read back in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from clearance.matching.alignment import INITIAL, LEGAL, Alignment, Side
from clearance.matching.name_statistics import TokenKind
from clearance.matching.scripts import ABJAD, LATIN, MEDIUM, SYLLABIC
from clearance.matching.similarity import EDIT, EXACT, JOINED, PHONETIC, TRANSLIT

FEATURES: tuple[str, ...] = (
    "exact_info",  # information of words met exactly (Latin query words)
    "exact_info_cross",  # … of words met exactly after transliteration from another script
    "edit_info",  # information x similarity of words one or two edits apart
    "edit_miss",  # information x (1 - similarity) of the same
    "sound_info",  # … of words that sound alike
    "sound_miss",
    "translit_info",  # … of words with the same consonants across scripts
    "translit_miss",  # information x spelling distance of the same
    "joined_info",  # … of words written together on one side and apart on the other
    "joined_miss",
    "initials",  # initials that fit a word
    "short_fuzzy",  # fuzzy pairs of words of four letters or fewer
    "numbers_met",  # numbers on both sides that agree
    "number_conflict",  # numbers on both sides, none agreeing
    "q_left_given",  # information of query words left over, by kind
    "q_left_other",
    "q_left_patronymic",
    "q_left_generic",
    "q_left_minor",
    "q_left_number",
    "n_left_given",  # information of listed words left over, by kind
    "n_left_other",
    "n_left_patronymic",
    "n_left_generic",
    "n_left_minor",
    "n_left_number",
    "q_share",  # share of the query's information met
    "n_share",  # share of the listed name's information met
    "identical",  # the same words on both sides (order aside)
    "q_one_word",  # the query has one word that counts
    "n_one_word",  # the listed name has one word that counts
    "legal_agree",  # both have legal forms, of one family
    "legal_differ",  # both have legal forms, of different families
    "schema_mismatch",  # the query says it is another kind of party
    "listed_person",
    "q_cyrillic",  # share of the query's information from Cyrillic, Greek & co.
    "q_syllabic",  # … from Korean or Japanese
    "q_abjad",  # … from Arabic, Hebrew or Indic scripts
    "q_han",  # … from Chinese characters
    "weak_alias",  # the listed name is a weak ("low quality") alias
    "former_name",
)
INDEX = {name: k for k, name in enumerate(FEATURES)}

_PLAIN_LEFT = {
    TokenKind.GIVEN: "given",
    TokenKind.OTHER: "other",
    TokenKind.PATRONYMIC: "patronymic",
    TokenKind.GENERIC: "generic",
    TokenKind.MINOR: "minor",
    TokenKind.INITIAL: "minor",
    TokenKind.NUMBER: "number",
}
_COUNTED = (TokenKind.OTHER, TokenKind.GIVEN, TokenKind.PATRONYMIC, TokenKind.GENERIC)


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What the features need beyond the two names."""

    schema_mismatch: bool = False
    listed_person: bool = False
    weak_alias: bool = False
    former_name: bool = False


def _spelling_similarity(query: Side, name: Side, qs: Sequence[int], ns: Sequence[int]) -> float:
    a = "".join(query.tokens[i] for i in qs)
    b = "".join(name.tokens[j] for j in ns)
    return float(Levenshtein.normalized_similarity(a, b))


def alignment_features(
    query: Side, name: Side, alignment: Alignment, facts: PairFacts
) -> list[float]:
    """The feature vector (FEATURES order) of one query aligned with one listed name."""
    x = [0.0] * len(FEATURES)
    q_info, n_info = query.info, name.info
    q_met = n_met = 0.0
    all_exact = True
    for pair in alignment.pairs:
        how = pair.match.how
        if how == LEGAL:
            x[INDEX["legal_agree" if pair.match.sim >= 0.85 else "legal_differ"]] += 1.0
            continue
        info_q = sum(q_info[i] for i in pair.q)
        info_n = sum(n_info[j] for j in pair.n)
        info = min(info_q, info_n)
        q_met += info_q
        n_met += info_n
        sim = pair.match.sim
        if any(query.kinds[i] == TokenKind.NUMBER for i in pair.q):
            x[INDEX["numbers_met"]] += 1.0
            continue
        if how == EXACT:
            cross = any(query.scripts[i] != LATIN for i in pair.q)
            x[INDEX["exact_info_cross" if cross else "exact_info"]] += info
            continue
        all_exact = False
        if how == INITIAL:
            x[INDEX["initials"]] += 1.0
            continue
        longest = max(
            max(len(query.tokens[i]) for i in pair.q), max(len(name.tokens[j]) for j in pair.n)
        )
        if longest <= 4:
            x[INDEX["short_fuzzy"]] += 1.0
        if how == EDIT:
            x[INDEX["edit_info"]] += info * sim
            x[INDEX["edit_miss"]] += info * (1.0 - sim)
        elif how == PHONETIC:
            x[INDEX["sound_info"]] += info * sim
            x[INDEX["sound_miss"]] += info * (1.0 - sim)
        elif how == TRANSLIT:
            x[INDEX["translit_info"]] += info * sim
            spelling = _spelling_similarity(query, name, pair.q, pair.n)
            x[INDEX["translit_miss"]] += info * (1.0 - spelling)
        elif how == JOINED:
            x[INDEX["joined_info"]] += info * sim
            x[INDEX["joined_miss"]] += info * (1.0 - sim)
    q_numbers_left = n_numbers_left = 0
    for side, left, prefix in (
        (query, alignment.q_unmatched, "q_left_"),
        (name, alignment.n_unmatched, "n_left_"),
    ):
        for i in left:
            kind = TokenKind(side.kinds[i])
            if kind == TokenKind.LEGAL:
                continue
            all_exact = False
            if kind == TokenKind.NUMBER:
                if prefix == "q_left_":
                    q_numbers_left += 1
                else:
                    n_numbers_left += 1
                x[INDEX[prefix + "number"]] += 1.0
                continue
            x[INDEX[prefix + _PLAIN_LEFT[kind]]] += side.info[i]
    if q_numbers_left and n_numbers_left and not x[INDEX["numbers_met"]]:
        x[INDEX["number_conflict"]] = 1.0
    q_total = sum(v for v, k in zip(q_info, query.kinds, strict=True) if k != TokenKind.LEGAL)
    n_total = sum(v for v, k in zip(n_info, name.kinds, strict=True) if k != TokenKind.LEGAL)
    x[INDEX["q_share"]] = min(1.0, q_met / q_total) if q_total > 0 else 0.0
    x[INDEX["n_share"]] = min(1.0, n_met / n_total) if n_total > 0 else 0.0
    x[INDEX["identical"]] = 1.0 if all_exact and alignment.pairs else 0.0
    x[INDEX["q_one_word"]] = 1.0 if sum(k in _COUNTED for k in query.kinds) == 1 else 0.0
    x[INDEX["n_one_word"]] = 1.0 if sum(k in _COUNTED for k in name.kinds) == 1 else 0.0
    if q_total > 0:
        for feature, levels in (
            ("q_cyrillic", (MEDIUM,)),
            ("q_syllabic", (SYLLABIC,)),
            ("q_abjad", (ABJAD,)),
        ):
            own = sum(v for v, lv in zip(q_info, query.leniency, strict=True) if lv in levels)
            x[INDEX[feature]] = own / q_total
        han = sum(v for v, s in zip(q_info, query.scripts, strict=True) if s == "Hani")
        x[INDEX["q_han"]] = han / q_total
    x[INDEX["schema_mismatch"]] = float(facts.schema_mismatch)
    x[INDEX["listed_person"]] = float(facts.listed_person)
    x[INDEX["weak_alias"]] = float(facts.weak_alias)
    x[INDEX["former_name"]] = float(facts.former_name)
    return x
