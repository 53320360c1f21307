"""Countries as ISO 3166-1 alpha-2 codes, with the role the source gives them."""

from __future__ import annotations

import functools
import re
import unicodedata
from enum import StrEnum

import pycountry


class CountryRole(StrEnum):
    NATIONALITY = "nationality"
    CITIZENSHIP = "citizenship"
    RESIDENCE = "residence"
    JURISDICTION = "jurisdiction"
    ADDRESS = "address"
    BIRTH = "birth"
    FLAG = "flag"
    OTHER = "other"


# Spellings used by OFAC, UN, UK and BIS that pycountry does not know by name.
_ALIASES = {
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "burma": "MM",
    "north korea": "KP",
    "korea north": "KP",
    "korea, north": "KP",
    "democratic people's republic of korea": "KP",
    "korea, democratic people's republic of": "KP",
    "dprk": "KP",
    "south korea": "KR",
    "korea south": "KR",
    "korea, south": "KR",
    "republic of korea": "KR",
    "korea": "KR",
    "laos": "LA",
    "vietnam": "VN",
    "viet nam": "VN",
    "venezuela": "VE",
    "bolivia": "BO",
    "tanzania": "TZ",
    "moldova": "MD",
    "taiwan": "TW",
    "macau": "MO",
    "macao": "MO",
    "hong kong": "HK",
    "palestinian": "PS",
    "palestine": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "kosovo": "XK",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo democratic republic": "CD",
    "drc": "CD",
    "republic of the congo": "CG",
    "congo, republic of the": "CG",
    "cape verde": "CV",
    "brunei": "BN",
    "the bahamas": "BS",
    "bahamas, the": "BS",
    "the gambia": "GM",
    "gambia, the": "GM",
    "swaziland": "SZ",
    "macedonia": "MK",
    "vatican": "VA",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "uae": "AE",
    "u.a.e.": "AE",
    "ussr": "SU",
    "soviet union": "SU",
    "yugoslavia": "YU",
    "sudan, south": "SS",
    "micronesia": "FM",
    "st. kitts and nevis": "KN",
    "st. lucia": "LC",
    "st. vincent and the grenadines": "VC",
    "region: crimea": "UA",
    "crimea": "UA",
    "region: gaza": "PS",
    "region: west bank": "PS",
    "former soviet union": "SU",
    "st. kitts & nevis": "KN",
    "saint kitts and nevis": "KN",
    "hong kong special administrative region": "HK",
    "macao special administrative region": "MO",
    "iran (islamic republic of)": "IR",
    "syrian arab republic": "SY",
    "russian federation": "RU",
    "united republic of tanzania": "TZ",
    "lao people's democratic republic": "LA",
    "bolivia (plurinational state of)": "BO",
    "venezuela (bolivarian republic of)": "VE",
    "republic of moldova": "MD",
}

_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE.sub(" ", text.strip().lower())


@functools.cache
def _names_by_fold() -> dict[str, str]:
    """Every ISO name, official name and common name, folded, to its alpha-2 code."""
    table: dict[str, str] = {}
    for attr in ("official_name", "common_name", "name"):  # plain names win on clashes
        for country in pycountry.countries:
            value = getattr(country, attr, None)
            if value:
                table[_fold(value)] = str(country.alpha_2)
    return table


@functools.lru_cache(maxsize=4096)
def to_country_code(text: str | None) -> str | None:
    """Map a country name or code as a list writes it to an ISO alpha-2 code.

    Returns None when the text names no country we can be sure of; callers keep
    the original text in the raw record, so nothing is lost.
    """
    if not text:
        return None
    folded = _fold(text).strip(" .")
    if not folded:
        return None
    if folded in _ALIASES:
        return _ALIASES[folded]
    if len(folded) == 2 and folded.isalpha():
        country = pycountry.countries.get(alpha_2=folded.upper())
        return country.alpha_2 if country else (folded.upper() if folded == "xk" else None)
    if len(folded) == 3 and folded.isalpha():
        country = pycountry.countries.get(alpha_3=folded.upper())
        if country:
            return str(country.alpha_2)
    if folded in _names_by_fold():
        return _names_by_fold()[folded]
    # UN style "Iran (Islamic Republic of)", "China, Hong Kong Special Administrative Region".
    if "(" in folded:
        return to_country_code(folded.split("(", 1)[0])
    if "," in folded:
        head, tail = (part.strip() for part in folded.split(",", 1))
        return _ALIASES.get(tail.split(" special")[0]) or _ALIASES.get(head)
    # No fuzzy guessing: it is slow and a wrong country is worse than none.
    return None
