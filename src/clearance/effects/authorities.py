"""Who made each rule: UN regimes and resolutions, US regulations, UK acts.

Data the effect table cites in its "authority" column and its UN conditions; kept
apart so the table itself stays a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearance.effects.listing_facts import ListingFacts

# UN Security Council regimes: the UN_LIST_TYPE value -> resolutions and measures.

ASSET_FREEZE, TRAVEL_BAN, ARMS_EMBARGO = "asset freeze", "travel ban", "arms embargo"


@dataclass(frozen=True, slots=True)
class UnRegime:
    name: str
    resolutions: str
    measures: frozenset[str]


_ALL3 = frozenset({ASSET_FREEZE, TRAVEL_BAN, ARMS_EMBARGO})
_AF_TB = frozenset({ASSET_FREEZE, TRAVEL_BAN})

UN_REGIMES: dict[str, UnRegime] = {
    "alqaida": UnRegime(
        "ISIL (Da'esh) and Al-Qaida", "1267 (1999), 1989 (2011), 2253 (2015)", _ALL3
    ),
    "taliban": UnRegime("Taliban", "1988 (2011), 2255 (2015)", _ALL3),
    "dprk": UnRegime("DPRK", "1718 (2006)", _AF_TB),
    "iran": UnRegime("Iran", "1737 (2006) and related resolutions", _AF_TB),
    "iraq": UnRegime("Iraq", "1483 (2003), 1518 (2003)", frozenset({ASSET_FREEZE})),
    # Libya: each listing says "(Travel Ban)", "(Asset Freeze)" or both; see the conditions.
    "libya": UnRegime("Libya", "1970 (2011), 1973 (2011)", _AF_TB),
    "somalia": UnRegime("Al-Shabaab (Somalia)", "751 (1992), 2713 (2023)", _ALL3),
    "drc": UnRegime("Democratic Republic of the Congo", "1533 (2004)", _AF_TB),
    "car": UnRegime("Central African Republic", "2127 (2013)", _AF_TB),
    "sudan": UnRegime("Sudan", "1591 (2005)", _AF_TB),
    "southsudan": UnRegime("South Sudan", "2206 (2015)", _AF_TB),
    "yemen": UnRegime("Yemen", "2140 (2014), 2216 (2015)", _ALL3),
    "haiti": UnRegime("Haiti", "2653 (2022)", _ALL3),
    "gb": UnRegime("Guinea-Bissau", "2048 (2012)", frozenset({TRAVEL_BAN})),
}


def un_regime(facts: ListingFacts) -> UnRegime | None:
    for name in facts.listing.programs:
        key = re.sub(r"[^a-z]", "", name.lower())
        if key in UN_REGIMES:
            return UN_REGIMES[key]
    return None


US_PROGRAMME_REGULATIONS: dict[str, str] = {
    "SDGT": "31 CFR Part 594",
    "SDT": "31 CFR Part 595",
    "FTO": "31 CFR Part 597",
    "SDNTK": "31 CFR Part 598",
    "SDNT": "31 CFR Part 536",
    "IRAN": "31 CFR Part 560",
    "IFSR": "31 CFR Part 561",
    "561-RELATED": "31 CFR Part 561",
    "SYRIA": "31 CFR Part 542",
    "CUBA": "31 CFR Part 515",
    "DPRK": "31 CFR Part 510",
    "DPRK2": "31 CFR Part 510",
    "DPRK3": "31 CFR Part 510",
    "DPRK4": "31 CFR Part 510",
    "NPWMD": "31 CFR Part 544",
    "GLOMAG": "31 CFR Part 583",
    "MAGNIT": "31 CFR Part 584",
    "CYBER": "31 CFR Part 578",
    "CYBER2": "31 CFR Part 578",
    "RUSSIA-EO14024": "31 CFR Part 587",
    "UKRAINE-EO13660": "31 CFR Part 589",
    "UKRAINE-EO13661": "31 CFR Part 589",
    "UKRAINE-EO13662": "31 CFR Part 589",
    "UKRAINE-EO13685": "31 CFR Part 589",
    "VENEZUELA": "31 CFR Part 591",
    "VENEZUELA-EO13850": "31 CFR Part 591",
    "VENEZUELA-EO13884": "31 CFR Part 591",
    "BALKANS": "31 CFR Part 588",
    "IRAQ2": "31 CFR Part 576",
    "IRAQ3": "31 CFR Part 576",
    "BELARUS": "31 CFR Part 548",
    "BURMA-EO14014": "31 CFR Part 525",
    "HK-EO13936": "31 CFR Part 585",
    "LIBYA3": "31 CFR Part 570",
    "SOMALIA": "31 CFR Part 551",
    "DARFUR": "31 CFR Part 546",
    "CAR": "31 CFR Part 553",
    "DRCONGO": "31 CFR Part 547",
    "YEMEN": "31 CFR Part 552",
    "LEBANON": "31 CFR Part 549",
    "TCO": "31 CFR Part 590",
    "ZIMBABWE": "31 CFR Part 541",
}


def uk_law(regime: str) -> str:
    """Counter-terrorism (domestic) designations rest on TAFA 2010, the rest on SAMLA 2018."""
    if "domestic" in regime.lower():
        return "Terrorist Asset-Freezing etc. Act 2010"
    name = f"the UK's {regime} sanctions regulations" if regime else "the regime's regulations"
    return f"Sanctions and Anti-Money Laundering Act 2018 and {name}"
