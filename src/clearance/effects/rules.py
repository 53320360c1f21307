"""THE table of legal effects: one row per kind of listing, read top to bottom.

Each `EffectRule` row says which listings it applies to (canonical family, see
`listing_facts`, plus an optional condition), what kind of effect that listing
has, who is bound, under what authority, and for each activity (transact,
export, import, invest) the outcome and a sentence saying why.

A listing gets an effect from EVERY non-fallback row that matches it (a UN
listing can carry an asset freeze, a travel ban and an arms embargo at once);
fallback rows apply only when no other row matched. Where the effect depends on
facts we do not have (the item, the payment route, the directive), the outcome
is CAUTION and the sentence says what to check. This is decision support, not
legal advice: see docs/effects.md.

Templates may use these fields (filled in `verdict.effects_for`):
  {requirement} {requirement_scope} {policy}   licence requirement / policy of the row
  {since} {effective_on} {divestment_on} {until}  dates of the listing
  {programs} {legal_basis} {isins} {quotes}     the source's own fields
  {us_regulations} {un_regime} {un_resolutions} {uk_law} {eu_basis}
  {ownership}                                   derived listings: who owns how much, and why
"""

from __future__ import annotations

from dataclasses import dataclass

from clearance.effects.authorities import ARMS_EMBARGO, ASSET_FREEZE, TRAVEL_BAN
from clearance.effects.conditions import (
    EO13382,
    LIBYA_ASSET_FREEZE_ONLY,
    LIBYA_TRAVEL_BAN_ONLY,
    NOT_ONLY_EO13382,
    UN_RECOGNISED,
    C,
    Condition,
    L,
    N,
    P,
    Says,
    derived,
    directive,
    mentions,
    schema,
    un_measure,
)
from clearance.effects.kinds import Activity, EffectKind
from clearance.effects.listing_facts import (
    CAPTA,
    CMIC,
    CSL_OTHER,
    DPL,
    DTC,
    EL,
    EU,
    FSE,
    ISN,
    MBS,
    MEU,
    NONSDN_OTHER,
    OWNED,
    PLC,
    SDN,
    SSI,
    UK,
    UN,
    USER,
    UVL,
    ListingFacts,
)
from clearance.effects.ownership_tests import (
    EAR_744_8_PROGRAMMES,
    OwnerListing,
    OwnershipTest,
    RulePeriod,
)

# OFAC and CSL families that can carry Treasury directives.
TREASURY_NON_SDN = (SSI, CAPTA, MBS, NONSDN_OTHER, CSL_OTHER)

NOT_BLOCKED = "not blocked: "
GP10 = (
    "not blocked: payments and contracts are not prohibited by this listing, but no one may "
    "finance, service or otherwise take part in an export they know violates the EAR "
    "(General Prohibition 10, 15 CFR 736.2(b)(10))."
)


@dataclass(frozen=True, slots=True)
class EffectRule:
    """One row of the table."""

    id: str
    families: tuple[str, ...] | None  # None: any family
    kind: EffectKind
    list_name: str
    authority: str
    binds: str  # who the obligation falls on
    effect: str  # what the listing does, in words
    transact: Says
    export: Says
    import_: Says
    invest: Says
    when: Condition | None = None
    fallback: bool = False  # applies only when no other row matched the listing
    # Dates the source writes as "<kind> Date (<dated_by>)", e.g. "Effective Date (CMIC)".
    dated_by: str | None = None
    # When the source gives no effective / divestment date: days after the listing date.
    effective_after_days: int | None = None
    divestment_after_days: int | None = None
    # A derived listing: the owners' listings and shares that make it (see ownership_tests).
    ownership: OwnershipTest | None = None
    # Periods the rule itself is in force (empty: always); outside them it does not apply.
    in_force: tuple[RulePeriod, ...] = ()

    def says(self, activity: Activity) -> Says:
        return {
            Activity.TRANSACT: self.transact,
            Activity.EXPORT: self.export,
            Activity.IMPORT: self.import_,
            Activity.INVEST: self.invest,
        }[activity]

    def matches(self, facts: ListingFacts) -> bool:
        if self.families is not None and not facts.families.intersection(self.families):
            return False
        return self.when is None or self.when(facts)


RULES: tuple[EffectRule, ...] = (
    # ---------------------------------------------------------------- OFAC: blocking
    EffectRule(
        id="sdn-blocked",
        families=(SDN,),
        kind=EffectKind.BLOCKED,
        list_name="Specially Designated Nationals and Blocked Persons List (OFAC)",
        authority=(
            "IEEPA (50 U.S.C. 1701 ff.; for CUBA the Trading with the Enemy Act) and the "
            "programme's regulations{us_regulations}; reporting under 31 CFR Part 501"
        ),
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "all property and interests in property of the party in the US or held by US persons "
            "are blocked, and US persons may not deal with it directly or indirectly. OFAC's "
            "50 Percent Rule: entities owned 50 % or more, directly or indirectly, individually "
            "or in the aggregate, by blocked persons are blocked too, even when not listed"
        ),
        transact=P(
            "US persons may not pay, be paid by, contract with or provide services to the party; "
            "its property that comes into your hands must be blocked and reported to OFAC within "
            "10 business days (31 CFR 501.603)."
        ),
        export=P(
            "exporting goods, services or technology to the party from the US or by US persons is "
            "a prohibited dealing (the EAR adds licence requirements for some programmes, "
            "15 CFR 744.8 and 744.12-744.14)."
        ),
        import_=P("buying or importing the party's goods is a dealing in blocked property."),
        invest=P(
            "buying, selling or transferring the party's securities, lending to it or taking "
            "equity in it is prohibited: they are blocked property."
        ),
    ),
    EffectRule(
        id="isn-eo13382-blocked",
        families=(ISN,),
        when=EO13382,
        kind=EffectKind.BLOCKED,
        list_name="Nonproliferation Sanctions (State Department, ISN), designation under EO 13382",
        authority="EO 13382 (blocking; 31 CFR Part 544)",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "a designation under EO 13382 blocks the party's property like an SDN listing "
            "(it also appears on OFAC's SDN list as [NPWMD]); the 50 Percent Rule applies"
        ),
        transact=P("US persons may not deal with the party: its property is blocked."),
        export=P("exports to the party by US persons or from the US are prohibited dealings."),
        import_=P("buying or importing the party's goods is a dealing in blocked property."),
        invest=P("investing in or lending to the party is a dealing in blocked property."),
    ),
    EffectRule(
        id="fse-evader",
        families=(FSE,),
        kind=EffectKind.SANCTIONS_EVADER,
        list_name="Foreign Sanctions Evaders List (FSE, OFAC)",
        authority="EO 13608 §1(b)",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "US persons may not engage in transactions or dealings with the party in or related "
            "to goods, services or technology in or intended for the US, or provided by or to US "
            "persons; its property is not blocked"
        ),
        transact=P("transactions or dealings by US persons with the party are prohibited."),
        export=P(
            "supplying goods, services or technology to the party by US persons is prohibited."
        ),
        import_=P(
            "buying goods, services or technology from the party is prohibited for US persons."
        ),
        invest=P(
            "providing or receiving financial services involving the party is a prohibited "
            "dealing for US persons."
        ),
    ),
    # ---------------------------------------------------------------- OFAC: sectoral directives
    EffectRule(
        id="ssi-eo13662-directive-1",
        families=TREASURY_NON_SDN,
        when=directive("13662", "1"),
        kind=EffectKind.SECTORAL,
        list_name="Sectoral Sanctions Identifications List (SSI, OFAC), Directive 1 under EO 13662",
        authority="EO 13662 §1(a)(i); Directive 1 as amended under CAATSA §223; 31 CFR Part 589",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "financial sector: US persons may not deal in new debt of longer than 14 days "
            "maturity or new equity of the party (or of entities it owns 50 % or more) issued "
            "after it became subject to the directive; other dealings are not prohibited"
        ),
        transact=C(
            f"{NOT_BLOCKED}ordinary payments are allowed, but payment terms or other credit "
            "longer than 14 days are new debt and are prohibited."
        ),
        export=C("exports are not prohibited, but payment terms longer than 14 days are new debt."),
        import_=C("purchases are not prohibited, but financing longer than 14 days is new debt."),
        invest=P(
            "buying new equity, or new debt of longer than 14 days maturity, issued by the party "
            "after it became subject to Directive 1 is prohibited; older securities are not "
            "covered."
        ),
    ),
    EffectRule(
        id="ssi-eo13662-directive-2",
        families=TREASURY_NON_SDN,
        when=directive("13662", "2"),
        kind=EffectKind.SECTORAL,
        list_name="Sectoral Sanctions Identifications List (SSI, OFAC), Directive 2 under EO 13662",
        authority="EO 13662 §1(a)(i); Directive 2 as amended under CAATSA §223; 31 CFR Part 589",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "energy sector: US persons may not deal in new debt of longer than 60 days maturity "
            "(90 days for debt issued before 2017-11-28) of the party or entities it owns 50 % or "
            "more; equity and other dealings are not prohibited"
        ),
        transact=C(
            f"{NOT_BLOCKED}ordinary payments are allowed, but payment terms or other credit "
            "longer than 60 days are new debt and are prohibited."
        ),
        export=C("exports are not prohibited, but payment terms longer than 60 days are new debt."),
        import_=C("purchases are not prohibited, but financing longer than 60 days is new debt."),
        invest=P(
            "buying new debt of longer than 60 days maturity issued by the party is prohibited; "
            "its equity and older debt are not covered by Directive 2."
        ),
    ),
    EffectRule(
        id="ssi-eo13662-directive-3",
        families=TREASURY_NON_SDN,
        when=directive("13662", "3"),
        kind=EffectKind.SECTORAL,
        list_name="Sectoral Sanctions Identifications List (SSI, OFAC), Directive 3 under EO 13662",
        authority="EO 13662 §1(a)(i); Directive 3; 31 CFR Part 589",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "defence sector: US persons may not deal in new debt of longer than 30 days maturity "
            "of the party or entities it owns 50 % or more; other dealings are not prohibited"
        ),
        transact=C(
            f"{NOT_BLOCKED}ordinary payments are allowed, but payment terms or other credit "
            "longer than 30 days are new debt and are prohibited."
        ),
        export=C(
            "exports are not prohibited by the directive (payment terms over 30 days are new "
            "debt); defence items need their own licences."
        ),
        import_=C("purchases are not prohibited, but financing longer than 30 days is new debt."),
        invest=P(
            "buying new debt of longer than 30 days maturity issued by the party is prohibited; "
            "its equity and older debt are not covered by Directive 3."
        ),
    ),
    EffectRule(
        id="ssi-eo13662-directive-4",
        families=TREASURY_NON_SDN,
        when=directive("13662", "4"),
        kind=EffectKind.SECTORAL,
        list_name="Sectoral Sanctions Identifications List (SSI, OFAC), Directive 4 under EO 13662",
        authority="EO 13662 §1(a)(i); Directive 4 as amended under CAATSA §223; 31 CFR Part 589",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "oil projects: US persons may not provide, export or reexport goods, services (except "
            "financial services) or technology in support of exploration or production for "
            "deepwater, Arctic offshore or shale projects that may produce oil in Russia, or "
            "(from 2018-01-29) such projects anywhere in which the party holds 33 % or more or a "
            "majority of the voting interests"
        ),
        transact=C(
            f"{NOT_BLOCKED}services in support of the oil projects the directive describes are "
            "prohibited; other dealings are not."
        ),
        export=C(
            "goods or technology for deepwater, Arctic offshore or shale oil projects are "
            "prohibited; the EAR may also require a licence (15 CFR 746.5). Check the end use."
        ),
        import_=N("Directive 4 does not restrict purchases from the party."),
        invest=N("Directive 4 does not restrict the party's debt or equity."),
    ),
    EffectRule(
        id="ssi-directive-not-stated",
        families=(SSI,),
        when=~Condition("subject to an EO 13662 directive", lambda f: f.has_directive("13662")),
        kind=EffectKind.SECTORAL,
        list_name="Sectoral Sanctions Identifications List (SSI, OFAC)",
        authority="EO 13662 §1(a)(i); Directives 1-4; 31 CFR Part 589",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "subject to one or more of Directives 1-4 under EO 13662, but the record does not say "
            "which: new debt (1: over 14 days, 2: over 60 days, 3: over 30 days), new equity (1), "
            "or support for certain oil projects (4)"
        ),
        transact=C(
            f"{NOT_BLOCKED}credit or payment terms beyond 14 days may be prohibited new debt."
        ),
        export=C(
            "goods for certain oil projects (Directive 4) may be prohibited; check the directive."
        ),
        import_=C("financing beyond 14 days may be prohibited new debt; check the directive."),
        invest=P(
            "new debt and, under Directive 1, new equity issued by the party are prohibited; find "
            "the directive to know which instruments."
        ),
    ),
    EffectRule(
        id="eo14024-directive-1a",
        families=TREASURY_NON_SDN,
        when=directive("14024", "1A"),
        dated_by="EO 14024 Directive 1A",
        kind=EffectKind.SECTORAL,
        list_name="EO 14024 Directive 1A, Russian sovereign debt (OFAC)",
        authority="EO 14024 §1(a)(i); Directive 1A (2022-02-22); 31 CFR Part 587",
        binds="US financial institutions and US persons",
        effect=(
            "US persons may not take part in the primary or secondary market for ruble or "
            "non-ruble bonds issued after 2022-03-01 by the party (Central Bank, National Wealth "
            "Fund or Ministry of Finance of the Russian Federation), nor lend it funds"
        ),
        transact=C(f"{NOT_BLOCKED}lending to it is prohibited (see also Directive 4)."),
        export=N("Directive 1A does not restrict exports."),
        import_=N("Directive 1A does not restrict purchases."),
        invest=P(
            "buying its bonds issued after 2022-03-01, in the primary or secondary market, or "
            "lending to it is prohibited."
        ),
    ),
    EffectRule(
        id="eo14024-directive-2",
        families=TREASURY_NON_SDN,
        when=directive("14024", "2"),
        dated_by="EO 14024 Directive 2",
        kind=EffectKind.CORRESPONDENT_ACCOUNT,
        list_name="EO 14024 Directive 2, correspondent and payable-through accounts (OFAC)",
        authority="EO 14024 §1(a)(i); Directive 2 (2022-02-24); 31 CFR Part 587",
        binds="US financial institutions",
        effect=(
            "US financial institutions may not open or maintain correspondent or payable-through "
            "accounts for the party, nor process transactions involving it"
        ),
        transact=C(
            f"{NOT_BLOCKED}a US financial institution may not process a transaction involving it, "
            "so payments through US banks will be rejected."
        ),
        export=C("payment for an export through a US bank involving the party will be rejected."),
        import_=C("payment for goods through a US bank involving the party will be rejected."),
        invest=N("Directive 2 does not itself restrict the party's securities."),
    ),
    EffectRule(
        id="eo14024-directive-3",
        families=TREASURY_NON_SDN,
        when=directive("14024", "3"),
        dated_by="EO 14024 Directive 3",
        kind=EffectKind.SECTORAL,
        list_name="EO 14024 Directive 3, new debt and equity of Russian entities (OFAC)",
        authority="EO 14024 §1(a)(i); Directive 3 (2022-02-24); 31 CFR Part 587",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "US persons may not deal in new debt of longer than 14 days maturity or new equity of "
            "the party (or entities it owns 50 % or more) issued on or after the effective date"
        ),
        transact=C(
            f"{NOT_BLOCKED}payment terms or other credit longer than 14 days are new debt and "
            "are prohibited."
        ),
        export=C("exports are not prohibited, but payment terms longer than 14 days are new debt."),
        import_=C("purchases are not prohibited, but financing longer than 14 days is new debt."),
        invest=P(
            "buying new equity, or new debt of longer than 14 days maturity, issued by the party "
            "on or after the directive's effective date is prohibited."
        ),
    ),
    EffectRule(
        id="eo14024-directive-4",
        families=TREASURY_NON_SDN,
        when=directive("14024", "4"),
        dated_by="EO 14024 Directive 4",
        kind=EffectKind.SECTORAL,
        list_name="EO 14024 Directive 4, Russian Central Bank, NWF and Ministry of Finance (OFAC)",
        authority="EO 14024 §1(a)(i); Directive 4 (2022-02-28); 31 CFR Part 587",
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "any transaction involving the party, including any transfer of assets to it and any "
            "foreign exchange transaction for its benefit, is prohibited"
        ),
        transact=P("any transaction involving the party is prohibited for US persons."),
        export=P("an export involving the party is a prohibited transaction."),
        import_=P("a purchase involving the party is a prohibited transaction."),
        invest=P("transactions in the party's assets or securities are prohibited."),
    ),
    # ---------------------------------------------------------------- OFAC: other non-SDN lists
    EffectRule(
        id="ns-cmic-investment-ban",
        families=(CMIC,),
        kind=EffectKind.INVESTMENT_BAN,
        dated_by="CMIC",
        # EO 14032 §1(a)(ii) and §1(b): 60 days after listing; divest within 365 days.
        effective_after_days=60,
        divestment_after_days=365,
        list_name="Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC, OFAC)",
        authority="EO 13959 as amended by EO 14032",
        binds="US persons wherever located",
        effect=(
            "US persons may not purchase or sell publicly traded securities of the party, or "
            "securities derived from them or giving exposure to them (ADRs, ETFs, index funds, "
            "derivatives), from the effective date; purchases or sales solely to divest were "
            "allowed until the divestment date; holding is not prohibited. The party is not "
            "blocked"
        ),
        transact=C(
            f"{NOT_BLOCKED}ordinary commercial dealings are not prohibited by the NS-CMIC "
            "listing, but no payment or deal may involve buying or selling its securities."
        ),
        export=N(
            "the NS-CMIC listing does not restrict exports; check the Entity List and the "
            "military end-use / end-user rules (15 CFR 744.21) for this PRC defence company."
        ),
        import_=N("the NS-CMIC listing does not restrict buying the party's goods or services."),
        invest=P(
            "US persons may not buy or sell its publicly traded securities{isins} or securities "
            "giving exposure to them (prohibited from {effective_on}; sales or purchases solely "
            "to divest allowed until {divestment_on})."
        ),
    ),
    EffectRule(
        id="capta-correspondent-accounts",
        families=(CAPTA,),
        kind=EffectKind.CORRESPONDENT_ACCOUNT,
        list_name="CAPTA List, correspondent or payable-through account sanctions (OFAC)",
        authority=(
            "the programme named in the listing ({programs}): 31 CFR 561.201 for 561-Related "
            "(Iran), EO 14024 Directive 2 for RUSSIA-EO14024"
        ),
        binds="US financial institutions",
        effect=(
            "US financial institutions may not open or maintain a correspondent or payable-"
            "through account for this foreign financial institution (under EO 14024 Directive 2 "
            "they may not process transactions involving it either); it is not blocked"
        ),
        transact=C(
            f"{NOT_BLOCKED}payments routed through US banks to, from or via this bank will be "
            "rejected."
        ),
        export=N("the CAPTA listing does not restrict exports; it restricts US bank accounts."),
        import_=N("the CAPTA listing does not restrict purchases; it restricts US bank accounts."),
        invest=N("the CAPTA listing does not restrict the party's securities."),
    ),
    EffectRule(
        id="ns-plc-rejected",
        families=(PLC,),
        kind=EffectKind.TRANSACTIONS_REJECTED,
        list_name="Non-SDN Palestinian Legislative Council List (NS-PLC, OFAC)",
        authority="General License 4(b) under 31 CFR Parts 594, 595 and 597",
        binds="US financial institutions",
        effect=(
            "a member of the Palestinian Legislative Council elected on the slate of Hamas or "
            "another designated terrorist group, not on the SDN list: not blocked, but US "
            "financial institutions reject transactions with the person"
        ),
        transact=C(f"{NOT_BLOCKED}US banks will reject transactions with the person."),
        export=C("payments for goods to or from the person through US banks will be rejected."),
        import_=C("payments for goods to or from the person through US banks will be rejected."),
        invest=C("transfers to or from the person through US banks will be rejected."),
    ),
    EffectRule(
        id="ns-mbs-menu-based",
        families=(MBS,),
        kind=EffectKind.MENU_BASED,
        list_name="Non-SDN Menu-Based Sanctions List (NS-MBS, OFAC)",
        authority="the statute or order named in the programme ({programs}), e.g. CAATSA §235 via "
        "EO 13849, EO 14024 directives",
        binds="US persons, as each measure says",
        effect=(
            "the party is subject to specific non-blocking measures chosen from a menu (e.g. no "
            "US loans above a threshold, no export licences, no investment in its debt or "
            "equity, a directive){quotes}"
        ),
        transact=C(f"{NOT_BLOCKED}which dealings are prohibited depends on the measures imposed."),
        export=C("some menu measures deny export licences to the party; check the measures."),
        import_=C("some menu measures restrict imports from the party; check the measures."),
        invest=C("some menu measures prohibit investing in or lending to the party; check them."),
    ),
    EffectRule(
        id="ofac-non-sdn-other",
        families=(NONSDN_OTHER,),
        fallback=True,
        kind=EffectKind.OTHER_LISTING,
        list_name="OFAC consolidated non-SDN list (sub-list not identified)",
        authority="the programme named in the listing ({programs})",
        binds="US persons",
        effect="on an OFAC non-SDN list: restrictions short of blocking{quotes}",
        transact=C("the effect depends on the programme; read the listing."),
        export=C("the effect depends on the programme; read the listing."),
        import_=C("the effect depends on the programme; read the listing."),
        invest=C("the effect depends on the programme; read the listing."),
    ),
    # ---------------------------------------------------------------- BIS export controls
    EffectRule(
        id="entity-list-licence",
        families=(EL,),
        kind=EffectKind.EXPORT_LICENCE_REQUIRED,
        list_name="Entity List (BIS)",
        authority="EAR §744.11 and Supp. No. 4 to Part 744 (15 CFR 744)",
        binds="anyone exporting, reexporting or transferring items subject to the EAR, anywhere",
        effect=(
            "a licence is required to export, reexport or transfer (in-country) to the party "
            "{requirement_scope}; licence policy: {policy}"
        ),
        transact=C(GP10),
        export=L(
            "a BIS licence is required to export, reexport or transfer (in-country) "
            "{requirement_scope} to the party; licence policy: {policy} Licence exceptions are "
            "generally unavailable (15 CFR 744.11)."
        ),
        import_=N("the Entity List restricts exports to the party, not purchases from it."),
        invest=N("the Entity List does not restrict investing in the party."),
    ),
    EffectRule(
        id="denied-persons-export-denied",
        families=(DPL,),
        kind=EffectKind.EXPORT_DENIED,
        list_name="Denied Persons List (BIS)",
        authority=(
            "denial order under 15 CFR 764.3(a)(2); EAR General Prohibition 4 (15 CFR "
            "736.2(b)(4)); 15 CFR 764.2(k)"
        ),
        binds="anyone dealing in items subject to the EAR, anywhere",
        effect=(
            "the party's export privileges are denied{until}: no one may export or reexport items "
            "subject to the EAR to it or on its behalf, or take part with it in any transaction "
            "involving such items; the order's terms are in its Federal Register notice"
        ),
        transact=C(
            "dealings that involve items subject to the EAR (financing, forwarding, servicing, "
            "brokering) are prohibited; other payments are not restricted by the order."
        ),
        export=P(
            "exporting or reexporting any item subject to the EAR to or for the party, or "
            "helping it acquire one, is prohibited."
        ),
        import_=C(
            "acquiring from the party items subject to the EAR that were exported from the US is "
            "prohibited; other purchases are not restricted by the order."
        ),
        invest=N("a denial order does not restrict investing in the party."),
    ),
    EffectRule(
        id="unverified-list",
        families=(UVL,),
        kind=EffectKind.UNVERIFIED,
        list_name="Unverified List (BIS)",
        authority=(
            "EAR §744.15 and Supp. No. 6 to Part 744; Electronic Export Information under "
            "15 CFR 758.1"
        ),
        binds="exporters of items subject to the EAR",
        effect=(
            "BIS could not verify the party's bona fides: licence exceptions are suspended for "
            "exports to it, a UVL statement from the party is required before exporting items "
            "that need no licence, and EEI must be filed for every export to it"
        ),
        transact=N("the Unverified List does not restrict payments or contracts."),
        export=C(
            "UVL statement required: obtain a signed UVL statement from the party before any "
            "export that needs no licence; no licence exceptions; file EEI for every shipment."
        ),
        import_=N("the Unverified List does not restrict purchases from the party."),
        invest=N("the Unverified List does not restrict investing in the party."),
    ),
    EffectRule(
        id="military-end-user",
        families=(MEU,),
        kind=EffectKind.MILITARY_END_USER,
        list_name="Military End-User List (BIS)",
        authority="EAR §744.21 and Supp. No. 7 to Part 744",
        binds="anyone exporting, reexporting or transferring items subject to the EAR, anywhere",
        effect=(
            "a licence is required to export, reexport or transfer to the party the items listed "
            "in Supp. No. 2 to Part 744 ({requirement_scope}); licence policy: {policy}"
        ),
        transact=C(GP10),
        export=L(
            "a BIS licence is required for {requirement_scope}; licence policy: {policy} Items "
            "not listed in Supp. No. 2 to Part 744 need no licence on this ground."
        ),
        import_=N("the MEU List restricts exports to the party, not purchases from it."),
        invest=N("the MEU List does not restrict investing in the party."),
    ),
    # ---------------------------------------------------------------- State Department
    EffectRule(
        id="itar-debarred",
        families=(DTC,),
        kind=EffectKind.ITAR_DEBARRED,
        list_name="ITAR Debarred List (State Department, DDTC)",
        authority="Arms Export Control Act §38(g)(4); ITAR 22 CFR 127.7",
        binds="anyone engaged in activities subject to the ITAR",
        effect=(
            "the party is debarred from taking part, directly or indirectly, in exports of "
            "defence articles, technical data or defence services; licences and approvals that "
            "involve it are denied"
        ),
        transact=C(
            "dealings related to defence articles or services (brokering, financing) with the "
            "party are prohibited; other dealings are not restricted by the debarment."
        ),
        export=P(
            "exports, reexports or retransfers of defence articles, technical data or defence "
            "services (ITAR, US Munitions List) involving the party are prohibited; items outside "
            "the ITAR are not restricted by this listing."
        ),
        import_=C(
            "temporary imports and brokering of defence articles involving the party are "
            "subject to the ITAR and barred; other imports are not restricted by the debarment."
        ),
        invest=N("the debarment does not restrict investing in the party."),
    ),
    EffectRule(
        id="isn-nonproliferation",
        families=(ISN,),
        when=NOT_ONLY_EO13382,
        kind=EffectKind.NONPROLIFERATION,
        list_name="Nonproliferation Sanctions (State Department, ISN)",
        authority=(
            "the statute named in the listing ({programs}), e.g. INKSNA, the CBW Act, missile "
            "sanctions under the AECA and the EAA, EO 12938"
        ),
        binds="the US Government; US persons where the notice says so",
        effect=(
            "measures vary by statute and are usually time-limited (often two years): typically "
            "no US Government procurement from or assistance to the party, and no new export "
            "licences for controlled items; some statutes add an import ban. Read the notice"
        ),
        transact=C(
            "US Government agencies may not buy from or contract with the party (procurement "
            "ban); for private parties the effect depends on the measures in the notice."
        ),
        export=C(
            "new licences for items on the Commerce Control List or the US Munitions List may be "
            "denied and existing ones suspended; check the notice."
        ),
        import_=C("some statutes (e.g. the CBW Act, EO 12938) ban imports from the party."),
        invest=N("nonproliferation measures do not usually restrict investing in the party."),
    ),
    EffectRule(
        id="csl-other",
        families=(CSL_OTHER,),
        fallback=True,
        kind=EffectKind.OTHER_LISTING,
        list_name="Consolidated Screening List (source not recognised)",
        authority="the source list named in the record",
        binds="US persons",
        effect="on a US government screening list whose effect this table does not know",
        transact=C("read the source list's rules before dealing with the party."),
        export=C("read the source list's rules before exporting to the party."),
        import_=C("read the source list's rules before buying from the party."),
        invest=C("read the source list's rules before investing in the party."),
    ),
    # ---------------------------------------------------------------- UN Security Council
    EffectRule(
        id="un-asset-freeze",
        families=(UN,),
        when=un_measure(ASSET_FREEZE) & ~LIBYA_TRAVEL_BAN_ONLY,
        kind=EffectKind.ASSET_FREEZE,
        list_name="UN Security Council Consolidated List ({un_regime} sanctions)",
        authority="UN Charter Chapter VII; Security Council resolutions {un_resolutions}",
        binds=(
            "every UN member state, which must apply it through national law (EU and UK "
            "regulations, US designations): binding on persons in their jurisdiction"
        ),
        effect=(
            "asset freeze: the party's funds, financial assets and economic resources must be "
            "frozen, and none may be made available to it, directly or indirectly"
        ),
        transact=P("making funds or economic resources available to the party is prohibited."),
        export=P("supplying goods to the party makes economic resources available to it."),
        import_=P("paying the party for goods makes funds available to it."),
        invest=P("investing in or lending to the party makes funds available to it."),
    ),
    EffectRule(
        id="un-travel-ban",
        families=(UN,),
        when=un_measure(TRAVEL_BAN) & schema("Person") & ~LIBYA_ASSET_FREEZE_ONLY,
        kind=EffectKind.TRAVEL_BAN,
        list_name="UN Security Council Consolidated List ({un_regime} sanctions)",
        authority="UN Charter Chapter VII; Security Council resolutions {un_resolutions}",
        binds="every UN member state (border and visa authorities)",
        effect=(
            "travel ban: states must prevent the person's entry into or transit through their "
            "territory"
        ),
        transact=N("a travel ban does not itself restrict dealings with the person."),
        export=N("a travel ban does not itself restrict exports to the person."),
        import_=N("a travel ban does not itself restrict purchases from the person."),
        invest=N("a travel ban does not itself restrict investment."),
    ),
    EffectRule(
        id="un-arms-embargo",
        families=(UN,),
        when=un_measure(ARMS_EMBARGO),
        kind=EffectKind.ARMS_EMBARGO,
        list_name="UN Security Council Consolidated List ({un_regime} sanctions)",
        authority="UN Charter Chapter VII; Security Council resolutions {un_resolutions}",
        binds="every UN member state, and through national law persons in their jurisdiction",
        effect=(
            "targeted arms embargo: no direct or indirect supply, sale or transfer to the party of "
            "arms and related materiel, or of related technical advice, assistance or training"
        ),
        transact=N("the arms embargo concerns arms and military assistance only."),
        export=P(
            "supplying arms, related materiel or military assistance to the party is prohibited."
        ),
        import_=N("the targeted arms embargo does not restrict purchases from the party."),
        invest=N("the targeted arms embargo does not restrict investment."),
    ),
    EffectRule(
        id="un-regime-not-recognised",
        families=(UN,),
        when=~UN_RECOGNISED,
        fallback=True,
        kind=EffectKind.OTHER_LISTING,
        list_name="UN Security Council Consolidated List (regime {programs} not recognised)",
        authority="UN Charter Chapter VII",
        binds="every UN member state",
        effect="UN listings usually carry an asset freeze and a travel ban: check the regime",
        transact=C("treat the party's assets as possibly frozen until the regime is checked."),
        export=C("treat the party's assets as possibly frozen until the regime is checked."),
        import_=C("treat the party's assets as possibly frozen until the regime is checked."),
        invest=C("treat the party's assets as possibly frozen until the regime is checked."),
    ),
    # ---------------------------------------------------------------- UK and EU
    EffectRule(
        id="uk-asset-freeze",
        families=(UK,),
        when=~schema("Vessel") | mentions(r"\basset of\b"),
        kind=EffectKind.ASSET_FREEZE,
        list_name="UK financial sanctions list (OFSI), {programs} regime",
        authority="{uk_law}",
        binds="UK persons anywhere, and anyone in the UK",
        effect=(
            "asset freeze: funds and economic resources owned, held or controlled by the party "
            "must not be dealt with, and none may be made available to it or for its benefit, "
            "without an OFSI licence; entities it owns (more than 50 %) or controls are covered too"
        ),
        transact=P("UK persons may not make funds or economic resources available to the party."),
        export=P("supplying goods to the party makes economic resources available to it."),
        import_=P("paying the party for goods makes funds available to it."),
        invest=P(
            "UK persons may not deal in the party's funds or securities without an OFSI licence."
        ),
    ),
    EffectRule(
        id="uk-specified-ship",
        families=(UK,),
        when=schema("Vessel") & ~mentions(r"\basset of\b"),
        kind=EffectKind.SHIP_RESTRICTIONS,
        list_name="UK financial sanctions list (OFSI), specified ship, {programs} regime",
        authority="{uk_law}",
        binds="UK persons anywhere, and anyone in the UK; UK ports and ship registry",
        effect=(
            "a specified ship: it may be detained, refused entry to UK ports and refused "
            "registration, and certain services to it may be prohibited; its owner may also be "
            "an asset-freeze target"
        ),
        transact=C("services to the ship (e.g. port, registration, flag) may be prohibited."),
        export=C("carrying goods on or supplying the ship may be restricted; check its owner."),
        import_=C("goods carried by the ship may be restricted; check its owner and cargo."),
        invest=C("the ship's owner may be an asset-freeze target; check it."),
    ),
    EffectRule(
        id="eu-asset-freeze",
        families=(EU,),
        kind=EffectKind.ASSET_FREEZE,
        list_name="EU Financial Sanctions File, {programs} regime",
        authority="Article 215 TFEU and the Council Regulation for the regime{eu_basis}",
        binds="EU nationals and companies anywhere, and anyone in the EU or doing business there",
        effect=(
            "asset freeze: all funds and economic resources belonging to, owned, held or "
            "controlled by the party are frozen and none may be made available to it, directly "
            "or indirectly; entities it owns (more than 50 %) or controls are presumed covered"
        ),
        transact=P("EU persons may not make funds or economic resources available to the party."),
        export=P("supplying goods to the party makes economic resources available to it."),
        import_=P("paying the party for goods makes funds available to it."),
        invest=P("EU persons may not deal in the party's funds or securities."),
    ),
    # ---------------------------------------------------------------- derived from ownership
    # Not listings: parties no government named, reached by the listings of their owners
    # (ownership data loaded as a user list, aggregated by clearance.ownership). "May be"
    # (only the top of a share range reaches the threshold) caps every outcome at CAUTION.
    EffectRule(
        id="ofac-50-percent",
        families=(OWNED,),
        when=derived("ofac-50-percent"),
        ownership=OwnershipTest(
            name="OFAC 50 Percent Rule",
            owners=(OwnerListing("sdn-blocked"), OwnerListing("isn-eo13382-blocked")),
            threshold=50,
            strict=False,
            aggregates=True,
            interests=("shares",),
        ),
        kind=EffectKind.BLOCKED_BY_OWNERSHIP,
        list_name="OFAC 50 Percent Rule (blocked by ownership; not on any list)",
        authority=(
            "OFAC, Revised Guidance on Entities Owned by Persons Whose Property and Interests in "
            "Property Are Blocked (2014-08-13), and the blocking owners' programmes{us_regulations}"
        ),
        binds="US persons wherever located, and anyone acting within the US",
        effect=(
            "not listed; blocked by ownership: {ownership}. An entity owned 50 % or more, "
            "directly or indirectly, individually or in the aggregate, by blocked persons is "
            "blocked itself, listed or not"
        ),
        transact=P(
            "not listed; blocked by ownership: {ownership}. US persons may not pay, be paid by, "
            "contract with or provide services to it; its property must be blocked and reported "
            "(31 CFR 501.603)."
        ),
        export=P(
            "not listed; blocked by ownership: {ownership}. Exporting to it from the US or by US "
            "persons is a dealing in blocked property."
        ),
        import_=P(
            "not listed; blocked by ownership: {ownership}. Buying its goods is a dealing in "
            "blocked property."
        ),
        invest=P(
            "not listed; blocked by ownership: {ownership}. Its securities and debt are blocked "
            "property."
        ),
    ),
    EffectRule(
        id="uk-ownership-control",
        families=(OWNED,),
        when=derived("uk-ownership-control"),
        ownership=OwnershipTest(
            name="UK ownership and control",
            owners=(OwnerListing("uk-asset-freeze"),),
            threshold=50,
            strict=True,
            aggregates=False,
            interests=("shares", "votes", "control"),
            consequence="frozen",
        ),
        kind=EffectKind.ASSET_FREEZE_BY_OWNERSHIP,
        list_name="UK ownership and control (asset freeze by ownership; not on any list)",
        authority=(
            "the regime's regulations under the Sanctions and Anti-Money Laundering Act 2018 "
            "(owned or controlled directly or indirectly: more than 50 % of the shares or voting "
            "rights, or control, e.g. the Russia (Sanctions) (EU Exit) Regulations 2019 reg. 7); "
            "OFSI General Guidance ch. 4 (holdings of different designated persons are not "
            "simply aggregated)"
        ),
        binds="UK persons anywhere, and anyone in the UK",
        effect=(
            "not listed; owned or controlled by a designated person: {ownership}. The asset "
            "freeze of the owner reaches it: its funds and economic resources are frozen and "
            "none may be made available to it without an OFSI licence"
        ),
        transact=P(
            "not listed; frozen by ownership: {ownership}. UK persons may not make funds or "
            "economic resources available to it."
        ),
        export=P(
            "not listed; frozen by ownership: {ownership}. Supplying goods to it makes economic "
            "resources available to a designated person's entity."
        ),
        import_=P("not listed; frozen by ownership: {ownership}. Paying it makes funds available."),
        invest=P(
            "not listed; frozen by ownership: {ownership}. Its funds and securities may not be "
            "dealt with without an OFSI licence."
        ),
    ),
    EffectRule(
        id="eu-ownership-control",
        families=(OWNED,),
        when=derived("eu-ownership-control"),
        ownership=OwnershipTest(
            name="EU ownership and control",
            owners=(OwnerListing("eu-asset-freeze"),),
            threshold=50,
            strict=True,
            aggregates=True,
            interests=("shares", "votes", "control"),
            consequence="frozen",
        ),
        kind=EffectKind.ASSET_FREEZE_BY_OWNERSHIP,
        list_name="EU ownership and control (asset freeze by ownership; not on any list)",
        authority=(
            "Article 2 of the regime's Council Regulation (funds owned, held or controlled by "
            "listed persons); EU Best Practices for the effective implementation of restrictive "
            "measures (ownership: more than 50 % of the proprietary rights; control); Commission "
            "FAQ on Regulation 269/2014 (8 April 2022: listed persons' holdings are aggregated)"
        ),
        binds="EU nationals and companies anywhere, and anyone in the EU or doing business there",
        effect=(
            "not listed; owned or controlled by listed persons: {ownership}. Funds and economic "
            "resources may not be made available to it, since they would benefit its owners"
        ),
        transact=P(
            "not listed; frozen by ownership: {ownership}. EU persons may not make funds or "
            "economic resources available to it."
        ),
        export=P(
            "not listed; frozen by ownership: {ownership}. Supplying goods to it makes economic "
            "resources available to its listed owners."
        ),
        import_=P("not listed; frozen by ownership: {ownership}. Paying it makes funds available."),
        invest=P("not listed; frozen by ownership: {ownership}. EU persons may not deal in it."),
    ),
    EffectRule(
        id="bis-affiliates-rule",
        families=(OWNED,),
        when=derived("bis-affiliates-rule"),
        ownership=OwnershipTest(
            name="BIS Affiliates Rule",
            owners=(
                OwnerListing("entity-list-licence"),
                OwnerListing("military-end-user"),
                OwnerListing("sdn-blocked", EAR_744_8_PROGRAMMES),
            ),
            threshold=50,
            strict=False,
            aggregates=True,
            interests=("shares",),
            consequence="covered",
        ),
        in_force=(
            RulePeriod(
                "2025-09-29",
                "2025-11-09",
                "interim final rule 'Expansion of End-User Controls To Cover Affiliates of "
                "Certain Listed Entities', 90 FR 47201, 2025-09-30, effective 2025-09-29; "
                "stayed from 2025-11-10 by 90 FR 50857",
            ),
            RulePeriod(
                "2026-11-10",
                None,
                "the one-year suspension, 90 FR 50857 (2025-11-12), ends on 2026-11-09 absent a "
                "further extension: check the Federal Register",
            ),
        ),
        kind=EffectKind.LICENCE_BY_OWNERSHIP,
        list_name="BIS Affiliates Rule (licence requirement by ownership; not on any list)",
        authority=(
            "EAR §744.11(a)(1), §744.21 and §744.8 as amended by 90 FR 47201 (2025-09-30; "
            "effective 2025-09-29), suspended from 2025-11-10 to 2026-11-09 by 90 FR 50857 "
            "(2025-11-12)"
        ),
        binds="anyone exporting, reexporting or transferring items subject to the EAR, anywhere",
        effect=(
            "not listed; licence required by ownership: {ownership}. An entity owned 50 % or "
            "more, directly or indirectly, individually or in the aggregate, by Entity List, MEU "
            "List or §744.8 SDN parties takes on their licence requirement ({requirement_scope}); "
            "licence policy: {policy}"
        ),
        transact=C(f"not listed; owned by listed parties ({{ownership}}); {GP10}"),
        export=L(
            "not listed; licence required by ownership: {ownership}. A BIS licence is required "
            "to export, reexport or transfer (in-country) {requirement_scope} to it, as to its "
            "listed owner; licence policy: {policy}"
        ),
        import_=N("the Affiliates Rule restricts exports to the party, not purchases from it."),
        invest=N("the Affiliates Rule does not restrict investing in the party."),
    ),
    # ---------------------------------------------------------------- user lists, catch-all
    EffectRule(
        id="user-list",
        families=(USER,),
        fallback=True,
        kind=EffectKind.USER_LIST,
        list_name="user list {list_id}",
        authority="the user's own list",
        binds="whoever maintains the list",
        effect="listed on a list the user loaded: review the reason recorded there",
        transact=C("listed on a user list: review before dealing with the party."),
        export=C("listed on a user list: review before exporting to the party."),
        import_=C("listed on a user list: review before buying from the party."),
        invest=C("listed on a user list: review before investing in the party."),
    ),
    EffectRule(
        id="any-other-listing",
        families=None,
        fallback=True,
        kind=EffectKind.OTHER_LISTING,
        list_name="{list_id} list",
        authority="the list's own legal basis{eu_basis}",
        binds="as the list says",
        effect="listed, with an effect this table does not describe",
        transact=C("listed: review the listing before dealing with the party."),
        export=C("listed: review the listing before exporting to the party."),
        import_=C("listed: review the listing before buying from the party."),
        invest=C("listed: review the listing before investing in the party."),
    ),
)


def matching_rules(facts: ListingFacts, rules: tuple[EffectRule, ...] = RULES) -> list[EffectRule]:
    """Every non-fallback row that matches, or else every fallback row that matches."""
    specific = [r for r in rules if not r.fallback and r.matches(facts)]
    if specific:
        return specific
    fallbacks = [r for r in rules if r.fallback and r.matches(facts)]
    # The catch-all is only for what no named fallback covers.
    named = [r for r in fallbacks if r.families is not None]
    return named or fallbacks


# US programme codes -> the regulations in 31 CFR chapter V that implement them.
