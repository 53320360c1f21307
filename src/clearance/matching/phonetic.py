"""Sound-alike keys for Latin tokens: a spelling-neutral form and a consonant skeleton.

The same name reaches a list through many hands: "Khrushchev", "Chruschtschow",
"Hruščov"; "Mohammed", "Muhammad"; "Hikvision", "Higuision". Two keys catch what edit
distance alone misses:

- `phonetic_form` rewrites spellings of one sound to one symbol (sh/sch/ş, ch/tch/tsch,
  kh, ph/f, c/k/q, w/v, y/i) and collapses doubled letters; vowels stay.
- `skeleton` keeps only consonant classes (labials, velars, dentals, sibilants,
  affricates, liquids, m, n) in order, without vowels and h. Scripts that leave vowels
  out (Arabic, Hebrew) or add them (Korean, Japanese) still agree on it.
"""

from __future__ import annotations

import functools
import re

# Longest spellings first: each maps to one symbol; upper case marks a digraph sound.
_SOUNDS = [
    ("tsch", "C"), ("sch", "S"), ("tch", "C"), ("tsh", "C"), ("dzh", "J"), ("dsh", "J"),
    ("dz", "J"), ("shch", "S"),
    ("sh", "S"), ("ch", "C"), ("zh", "Z"), ("kh", "X"), ("gh", "G"), ("ph", "f"),
    ("th", "T"), ("dh", "D"), ("ck", "k"), ("dj", "J"), ("tz", "c"), ("ts", "c"),
    ("qu", "kv"), ("q", "k"), ("x", "ks"), ("w", "v"), ("ou", "u"), ("oo", "u"),
    ("ee", "i"), ("ij", "i"), ("iy", "i"), ("yi", "i"), ("ii", "i"), ("ae", "e"),
    ("oe", "e"), ("c", "k"),
]  # fmt: skip
_SOUND_RE = re.compile("|".join(re.escape(s) for s, _ in _SOUNDS))
_SOUND_MAP = dict(_SOUNDS)
_VOWELS = frozenset("aeiouy")
_LEADING_VOWEL = frozenset("aeiouY")
_SOFT_C = re.compile(r"c(?=[eiy])")
_Y_GLIDE = re.compile(r"(?:^|(?<=[aeiou]))y(?=[aeiou])")
_SOFT_G = re.compile(r"g(?=[eiy])")
_U_GLIDE = re.compile(r"(?:^|(?<=[bcdfgjklmnprstvzSCZXGTD]))u(?=[aeio])")
_FINAL_OFF = re.compile(r"(?<=o)ff?$")
_NASAL_NG = re.compile(r"ng(?![aeiouy])")

# Consonant classes for the skeleton. Vowels, h, kh (Russian and Hebrew write it for
# Latin h) and the glide y vanish.
_CLASS = {
    "b": "B", "p": "B", "f": "B", "v": "B",
    "k": "K", "g": "K", "c": "S", "G": "K",
    "t": "T", "d": "T", "T": "T", "D": "T",
    "s": "S", "z": "S", "S": "S", "Z": "S",
    "C": "S", "J": "S", "j": "S",
    "l": "R", "r": "R", "m": "M", "n": "N",
}  # fmt: skip


@functools.lru_cache(maxsize=262144)
def phonetic_form(token: str) -> str:
    """Spelling-neutral form of a lower-case Latin token (vowels kept)."""
    if not token.isalpha():
        return token
    text = _FINAL_OFF.sub("v", token)
    text = _SOFT_C.sub("s", text)
    text = _SOUND_RE.sub(lambda m: _SOUND_MAP[m.group(0)], text)
    text = _SOFT_G.sub("J", text)
    text = _Y_GLIDE.sub("Y", text).replace("y", "i")
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=262144)
def skeleton(token: str) -> str:
    """Consonant-class skeleton; a leading vowel is kept as "A" (Ahmed is not Hamed)."""
    if not token.isalpha():
        return token
    return _classes(_U_GLIDE.sub("v", phonetic_form(_NASAL_NG.sub("n", token))))


# Letters that are two sounds depending on the language: "j" is y in Jakob and Gajda
# (Якоб, Гайда) but dzh in John; "ch" is kh in Gottschlich (Готшлих) but tsh in
# Charles; "c" is ts in Krivic and Zarycki (Кривиц, Зарыцкий) but k in Carlos.
_SLAVIC_C = re.compile(r"c(?![hkz])")


@functools.lru_cache(maxsize=262144)
def skeletons(token: str) -> tuple[str, ...]:
    """The skeleton, and a second one reading j as y, ch as kh, c as ts if that differs."""
    main = skeleton(token)
    if not token.isalpha() or not ("j" in token or "c" in token):
        return (main,)
    other_reading = _NASAL_NG.sub("n", token).replace("j", "y").replace("ch", "kh")
    other_reading = _SLAVIC_C.sub("ts", other_reading)
    form = _U_GLIDE.sub("v", phonetic_form(other_reading))
    other = _classes(form)
    return (main,) if other == main else (main, other)


def alternative_skeleton(token: str) -> str:
    """The second reading's skeleton (j as y, ch as kh …), or the skeleton itself."""
    return skeletons(token)[-1]


_VOWEL_CLASS = {"a": "A", "e": "E", "i": "I", "o": "U", "u": "U"}


@functools.lru_cache(maxsize=262144)
def vowels(token: str) -> str:
    """The token's vowels in order, o and u as one."""
    return "".join(_VOWEL_CLASS.get(c, "") for c in phonetic_form(token))


def _classes(form: str) -> str:
    out: list[str] = ["A"] if form[:1] in _LEADING_VOWEL else []
    previous = ""
    for ch in form:
        cls = _CLASS.get(ch)
        # Vowels, h and glides vanish; "ks" and "gk" next to each other are one sound.
        if cls is not None and cls != previous:
            out.append(cls)
        previous = cls or ""
    return "".join(out)
