"""What an analyst can read off an alignment, as the numbers the scoring model weighs.

Each feature is a sum over the aligned pairs or the words left over, in units of
information (`name_statistics.information`: a word shared by one name in ten
thousand is 4, by one in ten is 1):

- how much the words met say, up to a point (a name told apart by eight units of
  information is told apart), and how much of it came from another script;
- how the fuzzy words met: by a spelling edit, by sound, by transliteration across
  scripts, joined or split, as an initial; and how far apart their spellings still are;
- what is left over on each side, by kind: given name, patronymic, surname or
  distinctive word, generic word (bank, group …), title or particle, number; and what
  is left over on both sides at once (Gomel against Brest: another party);
- the shape of the pair: identical words, one-word names, legal forms that agree or
  not, the kind of party on both sides, the script of the query, the kind of name
  on the list (weak alias, former name).

`tools/fit_scorer.py` fits one weight per feature (match_model.py); the explanation
of a hit is the same sums read back in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from clearance.matching.alignment import INITIAL, LEGAL, Alignment, Side
from clearance.matching.name_statistics import TokenKind
from clearance.matching.scripts import ABJAD, LATIN, MEDIUM, SYLLABIC
from clearance.matching.similarity import EDIT, EXACT, JOINED, PHONETIC, TRANSLIT
from clearance.matching.transliteration import transliteration_cost

FEATURES: tuple[str, ...] = (
    "met_info",  # information met, by any way of meeting (x similarity), up to MET_CAP
    "met_info_more",  # information met beyond MET_CAP, up to another MET_CAP
    "cross_info",  # … of it from query words written in another script than Latin
    "cross_info_cyrillic",  # … of it from Cyrillic, Greek & co. (each script its own slope)
    "cross_info_syllabic",  # … from Korean or Japanese
    "cross_info_abjad",  # … from Arabic, Hebrew or Indic scripts
    "cross_info_han",  # … from Chinese characters
    "edit_info",  # information of words one or two edits apart
    "edit_miss",  # information x spelling distance (1 - normalised Levenshtein) of the same
    "sound_info",  # … of words that sound alike
    "sound_miss",
    "translit_info",  # … of words with the same consonants across scripts
    "translit_miss",  # information x spelling distance of the same
    "joined_info",  # … of words written together on one side and apart on the other
    "joined_miss",
    "initials",  # initials that fit a word
    "short_fuzzy",  # fuzzy pairs of words of five letters or fewer
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
    "q_left_names",  # how many name words (given names, surnames) of the query are left
    "n_left_names",  # … of the listed name (a common surname left out still says "other")
    "conflict_other",  # names or distinctive words left over on both sides (the lesser)
    "conflict_given",  # given names left over on both sides (the lesser)
    "q_share",  # share of the query's information met
    "n_share",  # share of the listed name's information met
    "identical",  # the same words on both sides (order aside)
    "complete",  # every name word on both sides met, exactly or not (legal forms, titles,
    # generic words, patronymics aside), the query in Latin
    "complete_cross",  # the same, the query written in another script
    "complete_cyrillic",  # … in Cyrillic, Greek & co.
    "complete_syllabic",  # … in Korean or Japanese
    "complete_abjad",  # … in Arabic, Hebrew or an Indic script
    "complete_han",  # … in Chinese characters
    "q_one_word",  # the query has one word that counts
    "n_one_word",  # the listed name has one word that counts
    "both_one_word",  # both have one word that counts
    "n_one_word_person",  # a person listed by one word only (a nickname, a kunya)
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
    "q_no_name_word",  # the query (or, in `compare`, either name) has no name or
    # distinctive word: generic words, titles or initials only
    "craft_left_names",  # name words of the query left over against a vessel or aircraft
    "only_tiny_fuzzy",  # every word met is a fuzzy pair, one side of three letters or fewer
    # (SAP ~ SPP, SAP ~ SAPA)
    "cross_cost",  # learned cost per letter of reading the words of another script as
    # the Latin words they met (transliteration.py), their mean weighed by information
    "cross_cost_worst",  # the highest of those costs per letter: one word badly read
    "query_within_listed",  # not complete, but every name word of the query met (two or
    # more), the listed name has more: a second given name, a father's name
    "listed_within_query",  # … every name word of the listed name met, the query has more
)
TINY_WORD = 3  # letters: a word this short that differs from another is another word
# Rules the model does not weigh: a pair they name is no match, whatever its words.
# Different numbers name different things (Unit 731 is not Unit 732), and a query of
# generic words alone ("Trading", "International Group") names no one; a query of one
# kind of party (given, or shown by a legal form or a word such as "group") does not name
# a listed party of another kind, as in yente's matchable schemata.
VETOES: tuple[tuple[str, str], ...] = (
    ("number_conflict", "the numbers differ"),
    ("q_no_name_word", "the query has no name or distinctive word"),
    ("schema_mismatch", "the query names another kind of party"),
    ("only_tiny_fuzzy", "the only words met are of three letters or fewer, and not exactly"),
    ("craft_left_names", "a vessel or aircraft is named by its whole name, and the query has more"),
)
SHORT_WORD = 5  # letters: a fuzzy pair of words this short is weak evidence (CNNC, CNOOC)
MET_CAP = 8.0  # information met beyond this adds less: the name is already told apart
INDEX = {name: k for k, name in enumerate(FEATURES)}

COUNTED_KINDS = (TokenKind.OTHER, TokenKind.GIVEN, TokenKind.PATRONYMIC, TokenKind.GENERIC)
NAME_KINDS = (TokenKind.OTHER, TokenKind.GIVEN, TokenKind.PATRONYMIC)


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What the features need beyond the two names."""

    schema_mismatch: bool = False
    listed_person: bool = False
    listed_craft: bool = False  # a vessel or an aircraft
    weak_alias: bool = False
    former_name: bool = False


class SideSummary(NamedTuple):
    """What the features need of one side as a whole (computed once per name)."""

    total: float  # information of its words that are not legal forms
    one_word: bool  # one word that counts (a name, given name, patronymic, generic word)
    shares: tuple[float, float, float, float]  # of `total` from Cyrillic & co., syllabic,
    # abjad and Han script words
    name_words: int = 1  # words that are names or distinctive (not generic, legal, minor)


def summarize(side: Side) -> SideSummary:
    total = 0.0
    counted = 0
    name_words = 0
    by_script = [0.0, 0.0, 0.0, 0.0]
    for info, kind, level, script in zip(
        side.info, side.kinds, side.leniency, side.scripts, strict=True
    ):
        if kind == TokenKind.LEGAL:
            continue
        total += info
        counted += kind in COUNTED_KINDS
        name_words += kind in NAME_KINDS
        if level == MEDIUM:
            by_script[0] += info
        elif level == SYLLABIC:
            by_script[1] += info
        elif level == ABJAD:
            by_script[2] += info
        elif script == "Hani":
            by_script[3] += info
    shares = (0.0, 0.0, 0.0, 0.0)
    if total > 0:
        shares = (by_script[0] / total, by_script[1] / total, by_script[2] / total,
                  by_script[3] / total)  # fmt: skip
    return SideSummary(total, counted == 1, shares, name_words)


_VOWELS = str.maketrans("", "", "aeiouyw")


def _spelling_similarity(query: Side, name: Side, qs: Sequence[int], ns: Sequence[int]) -> float:
    """How alike the spellings are; across an abjad (Arabic, Hebrew: short vowels
    unwritten, long ones written as consonants) only the consonants are compared, so a
    romanised "ntniho" is as close to NETANYAHU as its script lets it be."""
    a = "".join(query.tokens[i] for i in qs)
    b = "".join(name.tokens[j] for j in ns)
    if query.leniency[qs[0]] == ABJAD:
        a, b = a.translate(_VOWELS) or a, b.translate(_VOWELS) or b
    return float(Levenshtein.normalized_similarity(a, b))


def _cross_cost(query: Side, name: Side, qs: Sequence[int], ns: Sequence[int]) -> float:
    """The learned cost per letter of reading the words of another script as the Latin
    words they met (0 when neither side is Latin: no table for that)."""
    q_script, n_script = query.scripts[qs[0]], name.scripts[ns[0]]
    a = "".join(query.tokens[i] for i in qs)
    b = "".join(name.tokens[j] for j in ns)
    if n_script == LATIN:
        return transliteration_cost(q_script, a, b)
    if q_script == LATIN:
        return transliteration_cost(n_script, b, a)
    return 0.0


def _short_fuzzy(a: str, b: str) -> bool:
    """A fuzzy pair of short words is weak evidence (CNNC ~ CNOOC, Omega ~ Mega), unless
    one letter is added or dropped inside the word (Jon ~ John, Ali ~ Alli)."""
    if max(len(a), len(b)) > SHORT_WORD:
        return False
    return not (a[:1] == b[:1] and a[-1:] == b[-1:] and abs(len(a) - len(b)) == 1
                and Levenshtein.distance(a, b) == 1)  # fmt: skip


(_MET, _MET_MORE, _CROSS, _EDIT, _EDIT_MISS, _SOUND, _SOUND_MISS, _TRANSLIT, _TRANSLIT_MISS,
 _JOINED, _JOINED_MISS, _INITIALS, _SHORT, _NUMBERS_MET, _NUMBER_CONFLICT) = (
    INDEX[name] for name in (
        "met_info", "met_info_more", "cross_info", "edit_info", "edit_miss", "sound_info",
        "sound_miss", "translit_info", "translit_miss", "joined_info", "joined_miss",
        "initials", "short_fuzzy", "numbers_met", "number_conflict"))  # fmt: skip
_LEFT = {
    (True, TokenKind.GIVEN): INDEX["q_left_given"],
    (True, TokenKind.OTHER): INDEX["q_left_other"],
    (True, TokenKind.PATRONYMIC): INDEX["q_left_patronymic"],
    (True, TokenKind.GENERIC): INDEX["q_left_generic"],
    (True, TokenKind.MINOR): INDEX["q_left_minor"],
    (True, TokenKind.INITIAL): INDEX["q_left_minor"],
    (True, TokenKind.NUMBER): INDEX["q_left_number"],
    (False, TokenKind.GIVEN): INDEX["n_left_given"],
    (False, TokenKind.OTHER): INDEX["n_left_other"],
    (False, TokenKind.PATRONYMIC): INDEX["n_left_patronymic"],
    (False, TokenKind.GENERIC): INDEX["n_left_generic"],
    (False, TokenKind.MINOR): INDEX["n_left_minor"],
    (False, TokenKind.INITIAL): INDEX["n_left_minor"],
    (False, TokenKind.NUMBER): INDEX["n_left_number"],
}
_NUMBER, _LEGAL_KIND = int(TokenKind.NUMBER), int(TokenKind.LEGAL)
# Words whose leftover means the names differ; a title, a generic word, a patronymic or an
# initial left over does not keep two names from being complete.
_BREAKS_COMPLETE = frozenset({int(TokenKind.OTHER), int(TokenKind.GIVEN), _NUMBER})


def alignment_features(
    query: Side,
    name: Side,
    alignment: Alignment,
    facts: PairFacts,
    q_summary: SideSummary | None = None,
    n_summary: SideSummary | None = None,
) -> list[float]:
    """The feature vector (FEATURES order) of one query aligned with one listed name;
    the summaries of either side may be given (the screener has them ready)."""
    qs = q_summary or summarize(query)
    ns = n_summary or summarize(name)
    x = [0.0] * len(FEATURES)
    q_info, n_info, q_kinds, q_scripts = query.info, name.info, query.kinds, query.scripts
    n_scripts = name.scripts  # cross-script: a query word met by a word of another script
    q_met = n_met = met = 0.0
    all_exact = True
    left_over = False
    tiny_fuzzy = met_pairs = word_pairs = 0
    cross_weight = 0.0
    for pair in alignment.pairs:
        match = pair.match
        how = match.how
        if how == LEGAL:
            x[_I_LEGAL_AGREE if match.sim >= 0.85 else _I_LEGAL_DIFFER] += 1.0
            continue
        pq, pn = pair.q, pair.n
        if len(pq) == 1:
            info_q = q_info[pq[0]]
            number = q_kinds[pq[0]] == _NUMBER
            cross = q_scripts[pq[0]] != n_scripts[pn[0]]
        else:
            info_q = sum(q_info[i] for i in pq)
            number = any(q_kinds[i] == _NUMBER for i in pq)
            cross = any(q_scripts[i] != n_scripts[pn[0]] for i in pq)
        info_n = n_info[pn[0]] if len(pn) == 1 else sum(n_info[j] for j in pn)
        info = info_q if info_q < info_n else info_n
        q_met += info_q
        n_met += info_n
        if number:
            x[_NUMBERS_MET] += 1.0
            continue
        sim = match.sim
        met += info * sim
        met_pairs += 1
        word_pairs += how != INITIAL
        if (
            how != EXACT
            and how != INITIAL
            and min(sum(len(query.tokens[i]) for i in pq), sum(len(name.tokens[j]) for j in pn))
            <= TINY_WORD
        ):
            tiny_fuzzy += 1
        if cross:
            x[_CROSS] += info * sim
            x[_CROSS_BY_CLASS[_script_class(query, pq[0])]] += info * sim
            cost = _cross_cost(query, name, pq, pn)
            cross_weight += info
            x[_I_CROSS_COST] += info * cost
            if cost > x[_I_CROSS_WORST]:
                x[_I_CROSS_WORST] = cost
        if how == EXACT:
            continue
        all_exact = False
        if how == INITIAL:
            x[_INITIALS] += 1.0
            continue
        if len(pq) == 1 and len(pn) == 1:
            if _short_fuzzy(query.tokens[pq[0]], name.tokens[pn[0]]):
                x[_SHORT] += 1.0
        elif max(len(t) for t in [*(query.tokens[i] for i in pq),
                                  *(name.tokens[j] for j in pn)]) <= SHORT_WORD:  # fmt: skip
            x[_SHORT] += 1.0
        # How far apart the spellings still are, whatever rule let them meet: the rules
        # let in much that only shares a consonant skeleton ("ichunja" ~ OCEANOS).
        miss = info * (1.0 - _spelling_similarity(query, name, pq, pn))
        if how == EDIT:
            x[_EDIT] += info
            x[_EDIT_MISS] += miss
        elif how == PHONETIC:
            x[_SOUND] += info
            x[_SOUND_MISS] += miss
        elif how == TRANSLIT:
            x[_TRANSLIT] += info
            x[_TRANSLIT_MISS] += miss
        elif how == JOINED:
            x[_JOINED] += info
            x[_JOINED_MISS] += miss
    if cross_weight > 0:
        x[_I_CROSS_COST] /= cross_weight
    x[_MET] = met if met < MET_CAP else MET_CAP
    x[_MET_MORE] = min(max(0.0, met - MET_CAP), MET_CAP)
    numbers_left = [0, 0]
    for side, left, is_query in (
        (query, alignment.q_unmatched, True),
        (name, alignment.n_unmatched, False),
    ):
        kinds, info_of = side.kinds, side.info
        for i in left:
            kind = kinds[i]
            if kind == _LEGAL_KIND:
                continue
            all_exact = False
            if kind in _BREAKS_COMPLETE:
                left_over = True
            if kind == _NUMBER:
                numbers_left[is_query] += 1
                x[_LEFT[(is_query, TokenKind.NUMBER)]] += 1.0
                continue
            x[_LEFT[(is_query, TokenKind(kind))]] += info_of[i]
            if kind in _NAME_KIND_INTS:
                x[_I_Q_LEFT_NAMES if is_query else _I_N_LEFT_NAMES] += 1.0
    if numbers_left[0] and numbers_left[1] and not x[_NUMBERS_MET]:
        x[_NUMBER_CONFLICT] = 1.0
    x[_I_CONFLICT_OTHER] = min(x[_I_Q_LEFT_OTHER], x[_I_N_LEFT_OTHER])
    x[_I_CONFLICT_GIVEN] = min(x[_I_Q_LEFT_GIVEN], x[_I_N_LEFT_GIVEN])
    x[_I_Q_SHARE] = min(1.0, q_met / qs.total) if qs.total > 0 else 0.0
    x[_I_N_SHARE] = min(1.0, n_met / ns.total) if ns.total > 0 else 0.0
    x[_I_IDENTICAL] = 1.0 if all_exact and alignment.pairs else 0.0
    if not left_over and alignment.pairs:
        if x[_CROSS]:
            x[_I_COMPLETE_CROSS] = 1.0
            shares = qs.shares
            x[_COMPLETE_BY_CLASS[max(range(4), key=shares.__getitem__)]] = 1.0
        else:
            x[_I_COMPLETE] = 1.0
    elif word_pairs >= 2 and not any(numbers_left):
        # One name inside the other: what is left over is on one side only.
        if not x[_I_Q_LEFT_NAMES] and x[_I_N_LEFT_NAMES]:
            x[_I_Q_WITHIN] = 1.0
        elif not x[_I_N_LEFT_NAMES] and x[_I_Q_LEFT_NAMES]:
            x[_I_N_WITHIN] = 1.0
    x[_I_Q_ONE_WORD] = 1.0 if qs.one_word else 0.0
    x[_I_N_ONE_WORD] = 1.0 if ns.one_word else 0.0
    x[_I_BOTH_ONE_WORD] = 1.0 if qs.one_word and ns.one_word else 0.0
    x[_I_N_ONE_WORD_PERSON] = 1.0 if ns.one_word and facts.listed_person else 0.0
    x[_I_Q_CYRILLIC], x[_I_Q_SYLLABIC], x[_I_Q_ABJAD], x[_I_Q_HAN] = qs.shares
    x[_I_SCHEMA] = float(facts.schema_mismatch)
    x[_I_PERSON] = float(facts.listed_person)
    x[_I_WEAK] = float(facts.weak_alias)
    x[_I_FORMER] = float(facts.former_name)
    if met_pairs and tiny_fuzzy == met_pairs:
        x[_I_TINY] = 1.0
    if facts.listed_craft:
        x[_I_CRAFT_LEFT] = x[_I_Q_LEFT_NAMES]
    x[_I_NO_NAME] = 1.0 if qs.name_words == 0 or ns.name_words == 0 else 0.0
    return x


def _script_class(side: Side, i: int) -> int:
    """0 Cyrillic & co., 1 syllabic, 2 abjad, 3 Han: the order of SideSummary.shares."""
    level = side.leniency[i]
    if level == MEDIUM:
        return 0
    if level == SYLLABIC:
        return 1
    if level == ABJAD:
        return 2
    return 3 if side.scripts[i] == "Hani" else 0


def veto(x: Sequence[float]) -> str | None:
    """Why the pair is no match by rule (VETOES), or None."""
    for feature, reason in VETOES:
        if x[INDEX[feature]]:
            return reason
    return None


_I_LEGAL_AGREE, _I_LEGAL_DIFFER = INDEX["legal_agree"], INDEX["legal_differ"]
_I_CONFLICT_OTHER, _I_CONFLICT_GIVEN = INDEX["conflict_other"], INDEX["conflict_given"]
_I_Q_LEFT_OTHER, _I_N_LEFT_OTHER = INDEX["q_left_other"], INDEX["n_left_other"]
_I_Q_LEFT_GIVEN, _I_N_LEFT_GIVEN = INDEX["q_left_given"], INDEX["n_left_given"]
_I_Q_SHARE, _I_N_SHARE, _I_IDENTICAL = INDEX["q_share"], INDEX["n_share"], INDEX["identical"]
_I_Q_ONE_WORD, _I_N_ONE_WORD = INDEX["q_one_word"], INDEX["n_one_word"]
_I_BOTH_ONE_WORD, _I_COMPLETE = INDEX["both_one_word"], INDEX["complete"]
_I_COMPLETE_CROSS, _I_N_ONE_WORD_PERSON = INDEX["complete_cross"], INDEX["n_one_word_person"]
_I_Q_CYRILLIC, _I_Q_SYLLABIC = INDEX["q_cyrillic"], INDEX["q_syllabic"]
_I_Q_ABJAD, _I_Q_HAN = INDEX["q_abjad"], INDEX["q_han"]
_I_SCHEMA, _I_PERSON = INDEX["schema_mismatch"], INDEX["listed_person"]
_I_WEAK, _I_FORMER = INDEX["weak_alias"], INDEX["former_name"]
_I_NO_NAME = INDEX["q_no_name_word"]
_I_Q_LEFT_NAMES, _I_N_LEFT_NAMES = INDEX["q_left_names"], INDEX["n_left_names"]
_I_CRAFT_LEFT = INDEX["craft_left_names"]
_I_TINY = INDEX["only_tiny_fuzzy"]
_I_CROSS_COST, _I_CROSS_WORST = INDEX["cross_cost"], INDEX["cross_cost_worst"]
_I_Q_WITHIN, _I_N_WITHIN = INDEX["query_within_listed"], INDEX["listed_within_query"]
_NAME_KIND_INTS = frozenset({int(TokenKind.OTHER), int(TokenKind.GIVEN)})
_CROSS_BY_CLASS = tuple(INDEX[f"cross_info_{c}"] for c in ("cyrillic", "syllabic", "abjad", "han"))
_COMPLETE_BY_CLASS = tuple(INDEX[f"complete_{c}"] for c in ("cyrillic", "syllabic", "abjad", "han"))
