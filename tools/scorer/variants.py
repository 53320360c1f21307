"""Listed names changed the way names reach a screening system, to learn tolerance from.

Each kind is one way a true name gets written differently in a customer file, a
payment or a news text; none changes who is named: a typo, a dropped middle part, an
added patronymic or second given name, an abbreviation, an initial, a legal form
spelled out or left out, words joined or split, a number in words, a respelling of
the same sound. Organisation names only lose or gain words that do not tell parties
apart (legal forms, generic words), never a distinctive one.
"""

from __future__ import annotations

import random
import re

from clearance.matching.vocabulary import ABBREVIATIONS, GENERIC, LEGAL_PHRASES

VARIANT_KINDS = (
    "typo",
    "two_typos",
    "drop_part",
    "extra_part",
    "abbreviation",
    "legal_form",
    "initial",
    "join_split",
    "number_words",
    "respelling",
)
_SHORT_FORMS: dict[str, list[str]] = {}
for _short, _long in ABBREVIATIONS.items():
    _SHORT_FORMS.setdefault(_long, []).append(_short)
_SHORT_FORMS.update(
    {
        "company": ["Co", "Co."],
        "corporation": ["Corp", "Corp."],
        "limited": ["Ltd", "Ltd."],
        "incorporated": ["Inc", "Inc."],
        "international": ["Intl", "Int'l"],
        "national": ["Natl", "Nat'l"],
        "brothers": ["Bros"],
        "association": ["Assn"],
    }
)
_LEGAL_WORDS = {w for phrase in LEGAL_PHRASES for w in phrase}
_LEGAL_SWAPS = [
    ("LLC", "Limited Liability Company"),
    ("Ltd", "Limited"),
    ("Co", "Company"),
    ("Corp", "Corporation"),
    ("Inc", "Incorporated"),
    ("JSC", "Joint Stock Company"),
    ("OOO", "LLC"),
    ("ZAO", "CJSC"),
    ("OAO", "OJSC"),
    ("PAO", "PJSC"),
    ("GmbH", "mbH"),
]
_GIVEN = [
    "Ali",
    "Mohammed",
    "Ahmad",
    "Hassan",
    "Ivan",
    "Sergei",
    "Aleksandr",
    "Nikolai",
    "Yusuf",
    "Omar",
    "Ibrahim",
    "Khalid",
    "Abdul",
    "Viktor",
    "Pavel",
    "Mikhail",
    "Jose",
    "Juan",
    "Carlos",
    "Maria",
    "Ana",
    "John",
    "Peter",
    "Song",
    "Chol",
    "Hui",
]
_GENERIC_EXTRA = [
    "Group",
    "Holding",
    "International",
    "Trading",
    "Company",
    "Co Ltd",
    "LLC",
    "Technology",
    "Industries",
    "Enterprises",
    "Corporation",
    "Limited",
]
_NUMBERS = {
    "1": "One",
    "2": "Two",
    "3": "Three",
    "4": "Four",
    "5": "Five",
    "7": "Seven",
    "10": "Ten",
    "12": "Twelve",
}
_ORDINAL_WORDS = {"first": "1st", "second": "2nd", "third": "3rd"}
_RESPELLINGS = [
    ("ou", "u"),
    ("u", "ou"),
    ("ph", "f"),
    ("f", "ph"),
    ("y", "i"),
    ("i", "y"),
    ("ee", "i"),
    ("kh", "h"),
    ("h", "kh"),
    ("w", "v"),
    ("v", "w"),
    ("ck", "k"),
    ("c", "k"),
    ("k", "c"),
    ("ov", "off"),
    ("ev", "eff"),
    ("ie", "i"),
    ("j", "dj"),
    ("dj", "j"),
    ("sh", "ch"),
    ("ch", "sh"),
    ("ai", "ay"),
    ("ei", "ey"),
    ("oo", "u"),
    ("q", "k"),
    ("x", "ks"),
    ("mm", "m"),
    ("ll", "l"),
    ("ss", "s"),
    ("tt", "t"),
    ("a", "e"),
    ("e", "a"),
    ("o", "u"),
]
_WORD = re.compile(r"[A-Za-z]{2,}")


def _words(name: str) -> list[str]:
    return name.replace(",", " ").split()


def _is_legal(word: str) -> bool:
    return word.lower().strip(".,") in _LEGAL_WORDS


def _typo(word: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(word))  # typing rarely gets the first letter wrong
    letters = "abcdefghijklmnopqrstuvwxyz"
    choice = rng.randrange(4)
    if choice == 0:
        return word[:k] + word[k + 1 :]
    if choice == 1:
        return word[:k] + rng.choice(letters) + word[k:]
    if choice == 2 and k < len(word) - 1:
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    return word[:k] + rng.choice(letters) + word[k + 1 :]


def _latin_words(words: list[str], min_len: int) -> list[int]:
    return [
        i
        for i, w in enumerate(words)
        if w.isascii() and w.isalpha() and len(w) >= min_len and not _is_legal(w)
    ]


def make_variant(kind: str, name: str, schema: str, rng: random.Random) -> str | None:
    """A variant of `name` of the given kind, or None where the kind does not apply."""
    words = _words(name)
    person = schema == "Person"
    if not words or not name.isascii():
        return None
    if kind in ("typo", "two_typos"):
        spots = _latin_words(words, 5)
        if not spots:
            return None
        if kind == "two_typos":
            long = [i for i in spots if len(words[i]) >= 9]
            if long:
                i = rng.choice(long)
                words[i] = _typo(_typo(words[i], rng), rng)
            elif len(spots) >= 2:
                for i in rng.sample(spots, 2):
                    words[i] = _typo(words[i], rng)
            else:
                return None
        else:
            i = rng.choice(spots)
            words[i] = _typo(words[i], rng)
        return " ".join(words)
    if kind == "drop_part":
        if person and len(words) >= 3:
            del words[rng.randrange(1, len(words) - 1)]
            return " ".join(words)
        generic = [i for i, w in enumerate(words) if w.lower() in GENERIC or _is_legal(w)]
        if generic and len(words) - len(generic) >= 1 and len(words) >= 2:
            del words[rng.choice(generic)]
            return " ".join(words)
        return None
    if kind == "extra_part":
        if person and len(words) >= 2:
            extra = rng.choice(_GIVEN)
            if rng.random() < 0.5:
                extra += "ovich" if extra[-1] not in "aeiouy" else "vich"
            words.insert(rng.randrange(1, len(words)), extra)
            return " ".join(words)
        if not person:
            extra = rng.choice(_GENERIC_EXTRA)
            return f"{name} {extra}" if rng.random() < 0.7 else f"{extra} {name}"
        return None
    if kind == "abbreviation":
        spots = [i for i, w in enumerate(words) if w.lower().strip(".,") in _SHORT_FORMS]
        if not spots:
            return None
        i = rng.choice(spots)
        words[i] = rng.choice(_SHORT_FORMS[words[i].lower().strip(".,")])
        return " ".join(words)
    if kind == "legal_form":
        legal = [i for i, w in enumerate(words) if _is_legal(w)]
        if legal and len(words) > len(legal):
            if rng.random() < 0.5:
                return " ".join(w for i, w in enumerate(words) if i not in legal)
            text = " ".join(words)
            for a, b in _LEGAL_SWAPS:
                for x, y in ((a, b), (b, a)):
                    if re.search(rf"\b{re.escape(x)}\b", text, re.IGNORECASE):
                        return re.sub(rf"\b{re.escape(x)}\b", y, text, flags=re.IGNORECASE)
        return None
    if kind == "initial":
        spots = _latin_words(words, 3)
        if not person or len(spots) < 2:
            return None
        i = rng.choice(spots[:-1] if "," not in name else spots[1:])
        words[i] = words[i][0] + "."
        return " ".join(words)
    if kind == "join_split":
        spots = _latin_words(words, 3)
        pairs = [i for i in spots if i + 1 in spots]
        if pairs and rng.random() < 0.5:
            i = rng.choice(pairs)
            words[i : i + 2] = [words[i] + words[i + 1].lower()]
            return " ".join(words)
        long = [i for i in spots if len(words[i]) >= 8]
        if long:
            i = rng.choice(long)
            k = rng.randrange(3, len(words[i]) - 3)
            words[i : i + 1] = [words[i][:k], words[i][k:]]
            return " ".join(words)
        return None
    if kind == "number_words":
        for i, w in enumerate(words):
            if w in _NUMBERS:
                words[i] = _NUMBERS[w]
                return " ".join(words)
            if w.lower() in _ORDINAL_WORDS:
                words[i] = _ORDINAL_WORDS[w.lower()]
                return " ".join(words)
        return None
    if kind == "respelling":
        spots = _latin_words(words, 4)
        rng.shuffle(spots)
        for i in spots:
            word = words[i].lower()
            rules = [r for r in _RESPELLINGS if r[0] in word[1:]]
            if rules:
                a, b = rng.choice(rules)
                k = word.index(a, 1)
                new = word[:k] + b + word[k + len(a) :]
                words[i] = new.upper() if words[i].isupper() else new.capitalize()
                return " ".join(words)
        return None
    raise ValueError(f"unknown variant kind {kind!r}")
