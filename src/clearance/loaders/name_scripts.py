"""Which script a name is written in, read from its characters.

The lists mark a name as "original script" (UN) or give a loose label ("Cryillic",
OFSI) but not which script; transliteration and matching need to know, and the
Unicode character names tell reliably. Shared by every loader that reads names.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

# Unicode character-name prefixes -> ISO 15924 script codes.
_SCRIPTS = {
    "ARABIC": "Arab",
    "CYRILLIC": "Cyrl",
    "LATIN": "Latn",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "ETHIOPIC": "Ethi",
    "BENGALI": "Beng",
    "TAMIL": "Taml",
    "MYANMAR": "Mymr",
    "KHMER": "Khmr",
}


def detect_script(text: str) -> str | None:
    """ISO 15924 code of the script most letters of `text` are written in.

    The UN marks NAME_ORIGINAL_SCRIPT but not which script; transliteration and
    matching need to know, and Unicode character names tell us reliably.
    """
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            prefix = unicodedata.name(char, "").split(" ", 1)[0]
            counts[_SCRIPTS.get(prefix, "Zyyy")] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def non_latin_script(text: str) -> str | None:
    """The script of a name, None for Latin: `Name.script` marks non-Latin names."""
    script = detect_script(text)
    return None if script in (None, "Latn", "Zyyy") else script
