"""How much a matched name word says, and what kind of word it is.

A word shared by a query and a listed name is evidence in proportion to how rarely
two different people or companies share it (Fellegi-Sunter's u-probability, with
splink's term-frequency adjustment): "Hikvision" is strong, "Kim" written in Hangul
weak, because one Korean in five is a Kim. The frequencies come from the data file
`data/name_statistics.npz`, made by `tools/fit_scorer.py`: the share of names
containing each word in synthetic populations of every Faker locale, by the script
the word is written in, and the number of entities of the bundled lists using it.
The same file says whether a word is mostly a given name or a surname.
"""

from __future__ import annotations

import functools
import json
import math
import re
from enum import IntEnum
from pathlib import Path

import numpy as np

from clearance.matching.vocabulary import GENERIC, LEGAL_PREFIX, PARTICLES, STOPWORDS, TITLES

DATA_FILE = Path(__file__).parent / "data" / "name_statistics.npz"
LATIN = "Latn"
# A word common in a population written in another script is common in Latin too
# (Latin is where every script's names are transliterated), but less so.
OTHER_SCRIPTS_IN_LATIN = 0.25
GIVEN_SHARE = 0.7  # of the times a word is a name part, this share as a given name


class TokenKind(IntEnum):
    """What a word of a name is; unmatched words cost by kind (features.py)."""

    OTHER = 0  # surname, or the distinctive word of an organisation's name
    GIVEN = 1
    PATRONYMIC = 2  # father's name written as such (-ovich, -ovna, ogly …)
    GENERIC = 3  # bank, group, trading …
    MINOR = 4  # title, particle, stopword
    INITIAL = 5
    NUMBER = 6
    LEGAL = 7


# Patronymics by their endings (Russian, Ukrainian, Belarusian, Serbian, Turkic).
_PATRONYMIC = re.compile(r"(?:vich|vych|vna|ichna|yich|ovic|evic|ogly|oglu|ogli|uly|kyzy|qizi)$")


class NameStatistics:
    """Word frequencies by script, listed-entity counts and name-part kinds."""

    def __init__(
        self, tokens: list[str], share: np.ndarray, counts: np.ndarray, meta: dict
    ) -> None:
        self._row = {t: i for i, t in enumerate(tokens)}
        self._share = share
        self._counts = counts
        self.scripts: list[str] = meta["scripts"]
        self._script_col = {s: i for i, s in enumerate(self.scripts)}
        self.reference_entities = int(meta["entities"])
        self.floor = 0.5 / self.reference_entities  # a word never seen
        self.max_information = -math.log10(self.floor)
        self.meta = meta

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> NameStatistics:
        with np.load(path) as data:
            tokens = data["tokens"].tobytes().decode("utf-8").split("\n")
            meta = json.loads(data["meta"].tobytes().decode("utf-8"))
            return cls(tokens, data["share"], data["counts"], meta)

    def listed(self, token: str) -> int:
        """Entities of the bundled lists with this word."""
        row = self._row.get(token)
        return 0 if row is None else int(self._counts[row, 0])

    def population_share(self, token: str, script: str) -> float:
        """Largest share of names containing `token` in a population of `script`."""
        row = self._row.get(token)
        if row is None:
            return 0.0
        shares = self._share[row]
        col = self._script_col.get(script)
        own = float(shares[col]) if col is not None else 0.0
        if script == LATIN:
            return max(own, OTHER_SCRIPTS_IN_LATIN * float(shares.max()))
        return own

    def information(self, token: str, script: str = LATIN, listed: int = 0) -> float:
        """-log10 of how often two unrelated names share `token` (0 … max_information):
        the larger of its population share in `script` and its share of listed
        entities (`listed` from a live index, or the bundled lists' count). Legal forms
        say nothing about who a party is: 0."""
        if token.startswith(LEGAL_PREFIX):
            return 0.0
        listed = max(listed, self.listed(token))
        p = max(self.population_share(token, script), listed / self.reference_entities, self.floor)
        return min(self.max_information, -math.log10(p))

    def kind(self, token: str, script: str = LATIN) -> TokenKind:
        """What kind of word `token` is. A syllable romanised from Chinese characters,
        Hangul or kana is part of a name, never a Latin title, particle or initial
        ("dan" in 高丹 is no Dutch particle)."""
        kind = token_kind(token, self._given_share(token))
        if script in SYLLABLE_SCRIPTS and kind in _LATIN_ONLY_KINDS:
            return TokenKind.OTHER
        return kind

    def _given_share(self, token: str) -> float | None:
        row = self._row.get(token)
        if row is None:
            return None
        _, given, surname, title = (int(x) for x in self._counts[row])
        if title > given + surname:
            return -1.0  # mostly a title
        total = given + surname
        return given / total if total >= 3 else None


SYLLABLE_SCRIPTS = frozenset({"Hani", "Hang", "Hira", "Kana"})
_LATIN_ONLY_KINDS = (TokenKind.MINOR, TokenKind.GENERIC, TokenKind.INITIAL)


def token_kind(token: str, given_share: float | None = None) -> TokenKind:
    """The kind of a (canonical) token; `given_share` from the statistics (-1: a title)."""
    if token.startswith(LEGAL_PREFIX):
        return TokenKind.LEGAL
    if any(c.isdigit() for c in token):
        return TokenKind.NUMBER
    if token in STOPWORDS or token in PARTICLES or token in TITLES or given_share == -1.0:
        return TokenKind.MINOR
    if token in GENERIC:
        return TokenKind.GENERIC
    if len(token) == 1:
        return TokenKind.INITIAL
    if len(token) >= 6 and _PATRONYMIC.search(token):
        return TokenKind.PATRONYMIC
    if given_share is not None and given_share >= GIVEN_SHARE:
        return TokenKind.GIVEN
    return TokenKind.OTHER


@functools.cache
def bundled_statistics() -> NameStatistics:
    """The statistics shipped with the package (loaded once per process)."""
    return NameStatistics.load()
