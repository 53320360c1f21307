"""A name as the matcher sees it: lower-case Latin tokens, legal forms made canonical.

"HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD." becomes
("hangzhou", "hikvision", "digital", "technology", "#ltd"); "PUTIN, Vladimir" becomes
("putin", "vladimir") - order is left to the aligner, which is order-free.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from clearance.matching.scripts import STRICT, WORD_BREAK, romanize_word, script_leniency
from clearance.matching.vocabulary import (
    LEGAL_END_ONLY,
    LEGAL_MAX_WORDS,
    LEGAL_PHRASES,
    LEGAL_START_OR_END,
    canonical_word,
)
from clearance.model.text import strip_format_characters

_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bb\u00b4\u2032]")
_DOTTED = re.compile(r"(?<![a-z0-9])((?:[a-z]\.){2,})")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TOKEN = re.compile(r"[a-z0-9]+")


class NameTokens(NamedTuple):
    tokens: tuple[str, ...]
    leniency: tuple[int, ...]  # STRICT … ABJAD: from the script the token was written in
    glued: tuple[bool, ...]  # written in one word with the previous token ("Al-Tikriti")
    scripts: tuple[str, ...]  # the script each token was written in ("Latn", "Cyrl" …)


_Item = tuple[str, int, bool, str]


def _camel_parts(word: str) -> list[str]:
    """Split "SiemensAG" and "HikVision" at the case change, but not "GmbH" or "iPhone"."""
    parts = _CAMEL.split(word)
    if len(parts) == 1:
        return parts
    merged = [parts[0]]
    for part in parts[1:]:
        if len(part) == 1 or len(merged[-1]) == 1:
            merged[-1] += part
        else:
            merged.append(part)
    return merged


def _latin_tokens(text: str) -> list[_Item]:
    out: list[_Item] = []
    for word in text.split():
        for part in _camel_parts(word):  # "SiemensAG", "HikVision": two words
            first = True
            latin, script = romanize_word(part)
            latin = _APOSTROPHES.sub("", latin)
            latin = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), latin)
            level = script_leniency(script)
            for k, piece in enumerate(latin.split(WORD_BREAK)):
                first = first or k > 0
                for t in _TOKEN.findall(piece.replace("&", " and ")):
                    out.append((t, level, not first, script))
                    first = False
    return out


def _legal_forms(items: list[_Item]) -> list[_Item]:
    """Replace legal-form phrases by canonical tokens, longest phrase first."""
    words = [t for t, _, _, _ in items]
    out: list[_Item] = []
    i = 0
    n = len(words)
    while i < n:
        found = None
        for size in range(min(LEGAL_MAX_WORDS, n - i), 0, -1):
            phrase = tuple(words[i : i + size])
            canonical = LEGAL_PHRASES.get(phrase)
            if canonical is None:
                continue
            at_end = i + size == n
            if items[i][2] or (not at_end and items[i + size][2]):
                continue  # part of a word ("pe" in "페레티" is no enterprise)
            if phrase in LEGAL_END_ONLY and (not at_end or n == size):
                continue  # "SA" alone is a name, not a legal form
            if phrase in LEGAL_START_OR_END and (not (at_end or i == 0) or n == size):
                continue
            found = (canonical, size)
            break
        if found is not None:
            out.append((found[0], items[i][1], False, items[i][3]))
            i += found[1]
        else:
            out.append(items[i])
            i += 1
    return out


def _canonical_words(items: list[_Item]) -> list[_Item]:
    """Abbreviations, number words and generic plurals as one canonical token each
    (vocabulary.canonical_word); a compound's second part is glued to its first."""
    out: list[_Item] = []
    for token, level, glued, script in items:
        if level != STRICT or token[0] == "#":
            out.append((token, level, glued, script))
            continue
        for k, part in enumerate(canonical_word(token)):
            out.append((part, level, glued or k > 0, script))
    return out


@functools.lru_cache(maxsize=131072)
def tokenize_name(text: str) -> NameTokens:
    """Tokens of one name in any script; legal forms become "#llc", "#jsc" …, other
    words their canonical form ("natl" -> "national", "III" -> "3"); invisible format
    characters are removed first."""
    text = unicodedata.normalize("NFKC", strip_format_characters(text)).replace(",", " ")
    items = _canonical_words(_legal_forms(_latin_tokens(text)))
    return NameTokens(
        tuple(t for t, _, _, _ in items),
        tuple(lv for _, lv, _, _ in items),
        tuple(g for _, _, g, _ in items),
        tuple(s for _, _, _, s in items),
    )
