"""Keys that tie records of different lists to one party, where the sources say so.

Two records share a party when they share a key:
- a reference the source itself carries (`Entity.refs`): the OFAC entity number
  on CSL Treasury rows, the UN reference on UK and EU records;
- for organisations, the same primary name (ignoring case, punctuation, the legal
  form and a parenthesised short name such as "(Huawei)" or "(IRGC)") in the same
  country: how the Entity List rows of Hikvision and Huawei meet OFAC's NS-CMIC
  records, which carry no shared number;
- for people, the same primary name tokens (any order) and the same birth year.

Name keys are deliberately strict (primary names only, country or birth year
required): a wrong link would show a party listings it does not have.
"""

from __future__ import annotations

import json
import re
import zlib

from anyascii import anyascii
from sqlalchemy import Connection, delete, insert, select

from clearance.model import CountryRole, Entity, NameKind
from clearance.store.schema import entity_keys, entity_records

# Legal-form words that differ between two lists' spellings of the same company.
_LEGAL_FORM_WORDS = frozenset(
    [
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "sa",
        "ag",
        "gmbh",
        "jsc",
        "ojsc",
        "pjsc",
        "cjsc",
        "oao",
        "zao",
        "pao",
        "ooo",
        "ao",
        "llp",
        "lp",
        "bv",
        "nv",
        "srl",
        "sarl",
        "spa",
        "the",
        "of",
    ]
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
# Words an acronym may pass over: "Applied Systems Methods and Technology (ASMAT)".
_CONNECTORS = frozenset(["and", "of", "the", "for", "de", "y", "et"])

# The rules that tie records together, by the prefix of the keys they make.
RULES = {
    "ref": "a reference the source carries (OFAC entity number, UN reference)",
    "org": "organisation name (no legal form, no short name) and country",
    "person": "person name and birth year",
}


def normalized_name_tokens(name: str) -> list[str]:
    return [t for t in _NON_ALNUM.split(anyascii(name).lower()) if t]


def rule_of(key: str) -> str:
    """Which of `RULES` made a key: names keys say so; any other key is a source reference."""
    prefix = key.split(":", 1)[0]
    return prefix if prefix in ("org", "person") else "ref"


def _is_acronym(letters: str, words: list[str]) -> bool:
    """Whether `letters` are prefixes of consecutive words from the first ("NICO": NaftIran
    Intertrade CO); connectors may be passed over. At least two words must give letters."""

    def fits(rest: str, index: int, used: int) -> bool:
        if not rest:
            return used >= 2
        if index >= len(words):
            return False
        word = words[index]
        for size in range(min(len(word), len(rest)), 0, -1):
            if rest[:size] == word[:size] and fits(rest[size:], index + 1, used + 1):
                return True
        return word in _CONNECTORS and fits(rest, index + 1, used)

    return len(letters) >= 2 and fits(letters, 0, 0)


def without_short_names(name: str) -> str | None:
    """The name without parenthesised short names of itself, or None when it has none.

    A short name repeats words of the name ("Huawei Technologies Co., Ltd. (Huawei)")
    or is its acronym ("Islamic Revolutionary Guard Corps (IRGC)"). Other brackets
    say something else, a place or a branch ("VTB Bank (Austria) AG"), and stay.
    """
    outside = _PARENTHESISED.sub(" ", name)
    words = normalized_name_tokens(outside)
    removed = False
    for inner in _PARENTHESISED.findall(name):
        tokens = normalized_name_tokens(inner)
        if not tokens:
            continue
        if set(tokens) <= set(words) or (len(tokens) == 1 and _is_acronym(tokens[0], words)):
            removed = True
        else:
            return None
    return outside if removed else None


def party_keys(entity: Entity) -> set[str]:
    keys = set(entity.refs)
    # Names as listed only: a short form or sub-unit split from a field ("Huawei" from
    # "Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: …") names no party.
    primaries = [n.value for n in entity.names if n.kind is NameKind.PRIMARY and not n.derived]
    if entity.schema == "Person":
        years = {d.value[:4] for d in entity.birth_dates}
        for name in primaries:
            tokens = sorted(normalized_name_tokens(name))
            if len(tokens) >= 2:
                keys.update(f"person:{' '.join(tokens)}:{year}" for year in years)
        return keys
    countries = {c.code for c in entity.countries if c.role is not CountryRole.BIRTH}
    countries.update(a.country for a in entity.addresses if a.country)
    for name in primaries:
        for form in (name, without_short_names(name)):
            if form is None:
                continue
            tokens = [t for t in normalized_name_tokens(form) if t not in _LEGAL_FORM_WORDS]
            if tokens and len(" ".join(tokens)) >= 6:
                keys.update(f"org:{' '.join(tokens)}:{cc}" for cc in countries)
    return keys


def rebuild_party_keys(connection: Connection) -> int:
    """Make the party keys of every stored record again, with the rules above.

    Run by the migration that changed the rules: a record is stored once, with the
    keys of the code that stored it, and a store loaded before must tie parties as
    a new one does. Returns the number of keys written.
    """
    connection.execute(delete(entity_keys))
    written = 0
    batch: list[dict[str, str]] = []
    rows = connection.execute(select(entity_records.c.hash, entity_records.c.data))
    for record_hash, blob in rows.all():
        entity = Entity.from_dict(json.loads(zlib.decompress(blob)))
        batch.extend({"hash": record_hash, "key": key[:400]} for key in party_keys(entity))
        if len(batch) >= 2000:
            connection.execute(insert(entity_keys), batch)
            written += len(batch)
            batch = []
    if batch:
        connection.execute(insert(entity_keys), batch)
        written += len(batch)
    return written
