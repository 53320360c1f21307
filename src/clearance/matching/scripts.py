"""Bring names in any script to lower-case Latin letters, offline.

anyascii covers most scripts well. It is weak where a script writes few vowels or
where syllables combine: it drops Arabic alef (so "كازانوفا" would lose every "a"),
reads Hebrew vav only as "v", and spells Japanese small kana as full syllables
("シュ" as "shiyu"). Those scripts get small tables here; Han goes through pypinyin.
Every word is tagged with its script because the matcher forgives more between a
vowel-less script and Latin than between two Latin spellings.
"""

from __future__ import annotations

import functools
import unicodedata

from anyascii import anyascii

LATIN = "Latn"
WORD_BREAK = "|"  # in romanised text: what follows is a word of its own
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "Grek"),
    (0x1F00, 0x1FFF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x0900, 0x0DFF, "Indic"),
    (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, "Hang"),
    (0x3130, 0x318F, "Hang"),
    (0xAC00, 0xD7AF, "Hang"),
    (0x3040, 0x30FF, "Kana"),
    (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xF900, 0xFAFF, "Hani"),
    (0x20000, 0x2FA1F, "Hani"),
)

# How far a token from each script may stray from a Latin spelling and still match.
STRICT, MEDIUM, SYLLABIC, ABJAD = 0, 1, 2, 3
# Latin and pinyin (Han) are the spellings lists use. Cyrillic, Greek, Armenian and
# Georgian romanise nearly one to one, with variants (kh/h, ov/off): MEDIUM. Korean
# and Japanese write vowels but add some: SYLLABIC. Arabic and Hebrew leave short
# vowels unwritten, and romanised Indic scripts lose the inherent "a": ABJAD.
_LENIENCY = {"Latn": STRICT, "Hani": STRICT, "Hang": SYLLABIC, "Kana": SYLLABIC,
             "Indic": ABJAD, "Arab": ABJAD, "Hebr": ABJAD}  # fmt: skip


def script_leniency(script: str) -> int:
    return _LENIENCY.get(script, MEDIUM)


def char_script(ch: str) -> str:
    """The script of one character; Latin for anything not listed (digits, marks…)."""
    cp = ord(ch)
    if cp < 0x0370:
        return LATIN
    for low, high, script in _RANGES:
        if low <= cp <= high:
            return script
    return LATIN


# Arabic, Persian and Urdu letters as English-language sources romanise names.
# Alef and the long vowels are kept (anyascii drops alef); hamza seats become vowels.
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "a", "ى": "a", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k",
    "ۀ": "e", "ے": "e", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ھ": "h", "ـ": "",
    "\u064e": "a", "\u064f": "u", "\u0650": "i", "\u0652": "", "\u0651": "",
    "\u064b": "", "\u064c": "", "\u064d": "", "\u0670": "a",
}  # fmt: skip
_ARABIC_SEMIVOWELS = {"و": ("w", "u"), "ي": ("y", "i"), "ی": ("y", "i")}

_HEBREW = {
    "א": "a", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ז": "z", "ח": "kh", "ט": "t",
    "כ": "k", "ך": "kh", "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s",
    "ע": "a", "פ": "p", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh",
    "ת": "t",
}  # fmt: skip
_HEBREW_GERESH = {"ג": "j", "ז": "zh", "צ": "ch", "ץ": "ch", "ת": "th", "ד": "dh"}
_GERESH = {"'", "\u05f3", "\u2019", "`"}

_GREEK_DIGRAPHS = (
    ("ου", "ou"), ("αυ", "av"), ("ευ", "ev"), ("μπ", "b"), ("ντ", "d"), ("γκ", "g"),
    ("γγ", "ng"), ("τζ", "dz"), ("αι", "e"), ("ει", "i"), ("οι", "i"),
)  # fmt: skip

_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o", "ャ": "a", "ュ": "u", "ョ": "o"}
_SMALL_VOWEL = {
    "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o",
}  # fmt: skip
_SOKUON = {"っ", "ッ"}
_VOWELS = frozenset("aeiou")


def _arabic(word: str) -> str:
    out: list[str] = []
    letters = [c for c in word if c not in "\u064b\u064c\u064d\u0652\u0651\u0640"]
    prefix = ""
    if len(letters) > 3 and letters[0] in "اٱ" and letters[1] == "ل":
        prefix, letters = "al ", letters[2:]  # the article: "الجيلاني" is al-Jilani
    for i, ch in enumerate(letters):
        if i == 1 and out == ["a"] and ch in _ARABIC_SEMIVOWELS:
            out[0] = _ARABIC_SEMIVOWELS[ch][1]  # "أوما" Uma, "إيران" Iran: alef seats a vowel
        elif ch in _ARABIC_SEMIVOWELS:
            consonant, vowel = _ARABIC_SEMIVOWELS[ch]
            prev = out[-1][-1:] if out else ""
            # A consonant at the start of a word or after a vowel, a long vowel after a consonant.
            at_start = i == 0
            after_vowel = prev in _VOWELS
            out.append(consonant if at_start or after_vowel else vowel)
        elif ch in _ARABIC:
            out.append(_ARABIC[ch])
        else:
            out.append(anyascii(ch))
    return prefix + "".join(out)


def _hebrew(word: str) -> str:
    chars = [c for c in word if not ("\u0591" <= c <= "\u05c7")]
    out: list[str] = []
    i = 0
    while i < len(chars):
        ch = chars[i]
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if ch in _HEBREW_GERESH and nxt in _GERESH:
            out.append(_HEBREW_GERESH[ch])
            i += 2
            continue
        if ch == "ו":
            if nxt == "ו":
                out.append("v")
                i += 2
                continue
            out.append("v" if i == 0 else "o")
        elif ch == "י":
            if nxt == "י":
                out.append("y")
                i += 2
                continue
            prev = out[-1][-1:] if out else ""
            out.append("y" if i == 0 or prev in _VOWELS else "i")
        elif ch == "ה" and i == len(chars) - 1 and i > 0:
            out.append("a")  # a final he is a vowel ending: "פליסיה" felicia
        elif ch in _HEBREW:
            out.append(_HEBREW[ch])
        elif ch in _GERESH:
            pass
        else:
            out.append(anyascii(ch))
        i += 1
    return "".join(out)


def _kana(word: str) -> str:
    out: list[str] = []
    double_next = False
    for ch in word:
        if ch in _SOKUON:
            double_next = True
            continue
        if ch in _SMALL_Y and out and len(out[-1]) >= 2 and out[-1].endswith("i"):
            stem = out[-1][:-1]
            out[-1] = stem + ("" if stem in ("sh", "ch", "j") else "y") + _SMALL_Y[ch]
            continue
        if ch in _SMALL_VOWEL and out:
            prev = out[-1]
            if prev in ("u", "o"):
                out[-1] = "w" + _SMALL_VOWEL[ch]
            elif prev == "i":
                out[-1] = "y" + _SMALL_VOWEL[ch]
            elif prev[-1:] in _VOWELS and len(prev) >= 2:
                out[-1] = prev[:-1] + _SMALL_VOWEL[ch]
            else:
                out.append(_SMALL_VOWEL[ch])
            continue
        if ch == "ー":
            # The long mark stands for a Western "r" after a, e, o: "カーナハン" Kernaghan.
            if out and out[-1][-1:] in ("a", "e", "o"):
                out.append("r")
            continue
        roman = anyascii(ch).lower()
        if double_next and roman and roman[0] not in _VOWELS:
            roman = roman[0] + roman
        double_next = False
        out.append(roman)
    return "".join(out)


_HANGUL_INITIAL = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_HANGUL_MEDIAL = [
    "a",
    "ae",
    "ya",
    "yae",
    "o",
    "e",
    "yo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "u",
    "ui",
    "i",
]
_HANGUL_WORD_INITIAL = {"g": "k", "d": "t", "b": "p"}
# The commonest surname is a bare vowel in Revised Romanisation; lists write it Ri, Li, Lee.
_HANGUL_WORDS = {"이": "ri", "리": "ri"}
_HANGUL_FINAL = [""] + [
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "l",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]


def _hangul(word: str) -> str:
    """Revised Romanisation read as pronounced (final consonants as stops: "넷" net; eo
    and eu as o and u), one syllable per token as Korean names are written in Latin
    ("김정은" kim jong un); a word-initial g, d, b as k, t, p ("Kim", "Pak")."""
    if word in _HANGUL_WORDS:
        return _HANGUL_WORDS[word]
    if word in _HANGUL_LEGAL:
        return _HANGUL_LEGAL[word]
    out: list[str] = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            out.append(anyascii(ch).lower())
            continue
        initial, rest = divmod(code, 588)
        medial, final = divmod(rest, 28)
        lead = _HANGUL_INITIAL[initial].strip("-")
        if lead == "r" and out and out[-1].endswith("l"):
            lead = "l"
        elif not out and lead in _HANGUL_WORD_INITIAL:
            lead = _HANGUL_WORD_INITIAL[lead]
        out.append(lead + _HANGUL_MEDIAL[medial] + _HANGUL_FINAL[final])
    return " ".join(out)


def _cyrillic(word: str) -> str:
    """anyascii, but "ё" as "yo" (Fyodor, Semyon) and as "o" after hushing consonants."""
    if "ё" not in word and "Ё" not in word:
        return anyascii(word)
    out: list[str] = []
    for ch in word:
        if ch in "ёЁ":
            out.append("o" if out and out[-1][-1:] in ("h", "j") else "yo")
        else:
            out.append(anyascii(ch).lower())
    return "".join(out)


def _greek(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    for greek, latin in _GREEK_DIGRAPHS:
        text = text.replace(greek, latin)
    return anyascii(text)


# Chinese and Japanese legal forms, longest first, spelled as the Latin forms the
# legal-form table knows.
_HAN_LEGAL = (
    ("股份有限公司", "co ltd"), ("有限责任公司", "llc"), ("有限責任公司", "llc"),
    ("株式会社", "co ltd"), ("有限会社", "ltd"), ("合同会社", "llc"), ("有限公司", "co ltd"),
    ("公司", "co"), ("集团", "group"), ("集團", "group"),
)  # fmt: skip
# Korean legal forms ("(주)" is short for 주식회사), as whole words.
_HANGUL_LEGAL = {"주식회사": "co ltd", "유한회사": "ltd", "(주)": "co ltd", "㈜": "co ltd",
                 "(유)": "ltd"}  # fmt: skip


def _han(word: str) -> str:
    """Han characters as pinyin, legal forms before or after the name as their Latin
    equivalents ("株式会社" is "co ltd" whether written first or last)."""
    prefix = suffix = ""
    for han, latin in _HAN_LEGAL:
        if word.endswith(han) and len(word) > len(han):
            word, suffix = word[: -len(han)], WORD_BREAK + latin
            break
    for han, latin in _HAN_LEGAL:
        if word.startswith(han) and len(word) > len(han):
            word, prefix = word[len(han) :], latin + WORD_BREAK
            break
    return prefix + _han_text(word) + suffix


def _han_text(word: str) -> str:
    from pypinyin import lazy_pinyin  # loads its dictionaries: only when Han text comes

    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:  # one syllable per token: the aligner rejoins "xi jin ping" as needed
            parts.append(" ".join(lazy_pinyin("".join(run))))
            run.clear()

    for ch in word:
        if char_script(ch) == "Hani":
            run.append(ch)
        else:
            flush()
            parts.append(anyascii(ch))
    flush()
    return " ".join(p for p in parts if p.strip())


_BY_SCRIPT = {
    "Arab": _arabic,
    "Hebr": _hebrew,
    "Kana": _kana,
    "Grek": _greek,
    "Hani": _han,
    "Hang": _hangul,
    "Cyrl": _cyrillic,
}


@functools.lru_cache(maxsize=65536)
def romanize_word(word: str) -> tuple[str, str]:
    """One whitespace-free word as lower-case Latin text, with the script it came from.

    The text may contain spaces (Han and Hangul come one syllable per token) and
    punctuation: tokenising it is the caller's job.
    """
    if word.isascii():
        return word.lower(), LATIN
    script = LATIN
    for ch in word:
        s = char_script(ch)
        if s != LATIN:
            script = s
            break
    if script == "Hani" and any(char_script(c) == "Kana" for c in word):
        script = "Kana"  # Japanese mixes kanji into kana names
    convert = _BY_SCRIPT.get(script)
    if convert is None:
        return anyascii(word).lower(), script
    if script == "Kana":
        pieces = [_han(r) if char_script(r[0]) == "Hani" else _kana(r) for r in _runs(word)]
        return "".join(pieces).lower(), script
    return convert(word).lower(), script


def _runs(word: str) -> list[str]:
    """Split a word into runs of Han / non-Han characters."""
    runs: list[str] = []
    for ch in word:
        is_han = char_script(ch) == "Hani"
        if runs and (char_script(runs[-1][-1]) == "Hani") == is_han:
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs
