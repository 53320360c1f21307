"""Keys that tie records of different lists to one party, where the sources say so.

Two records share a party when they share a key:
- a reference the source itself carries (`Entity.refs`): the OFAC entity number
  on CSL Treasury rows, the UN reference on UK and EU records;
- for organisations, the same primary name (ignoring case, punctuation and the
  legal form) in the same country: how the Entity List row of Hikvision meets
  OFAC's NS-CMIC record, which carries no shared number;
- for people, the same primary name tokens (any order) and the same birth year.

Name keys are deliberately strict (primary names only, country or birth year
required): a wrong link would show a party listings it does not have.
"""

from __future__ import annotations

import re

from anyascii import anyascii

from clearance.model import CountryRole, Entity, NameKind

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


def normalized_name_tokens(name: str) -> list[str]:
    return [t for t in _NON_ALNUM.split(anyascii(name).lower()) if t]


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
        tokens = [t for t in normalized_name_tokens(name) if t not in _LEGAL_FORM_WORDS]
        if tokens and len(" ".join(tokens)) >= 6:
            keys.update(f"org:{' '.join(tokens)}:{cc}" for cc in countries)
    return keys
