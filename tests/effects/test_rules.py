"""One test per row of the effect table: a listing of that kind, and what each activity gets.

The listings are built directly from the model (the effects layer's real input);
remark and `ids` texts are copied from the bundled official files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from clearance.effects import RULES, Activity, Outcome, Verdict, effects_for, verdict_for
from clearance.model import Entity
from tests.effects.listings import derived_listing, listed

P, L, C, N = Outcome.PROHIBITED, Outcome.LICENCE_REQUIRED, Outcome.CAUTION, Outcome.NONE
AS_OF = date(2025, 1, 1)


@dataclass(frozen=True)
class Case:
    build: Callable[[], Entity]
    outcomes: tuple[Outcome, Outcome, Outcome, Outcome]  # transact, export, import, invest
    decisive: Activity  # the activity whose reason we read
    says: tuple[str, ...]  # phrases that reason must contain (list, programme, basis, dates)
    as_of: date = AS_OF  # a rule with its own periods of force is read inside one


CASES: dict[str, Case] = {
    "sdn-blocked": Case(
        lambda: listed("ofac-sdn", None, ("SDGT",), schema="Person", name="AL-QAIDA MEMBER"),
        (P, P, P, P),
        Activity.TRANSACT,
        ("Specially Designated Nationals", "programme SDGT", "31 CFR Part 594", "IEEPA"),
    ),
    "isn-eo13382-blocked": Case(
        lambda: listed("us-csl", "ISN", ("E.O. 13382",), listed_on="2021-03-02"),
        (P, P, P, P),
        Activity.INVEST,
        ("EO 13382", "since 2021-03-02"),
    ),
    "fse-evader": Case(
        lambda: listed("us-csl", "FSE", ("FSE-IR",)),
        (P, P, P, P),
        Activity.IMPORT,
        ("Foreign Sanctions Evaders", "EO 13608"),
    ),
    "ssi-eo13662-directive-1": Case(
        lambda: listed(
            "ofac-nonsdn",
            None,
            ("UKRAINE-EO13662", "RUSSIA-EO14024"),
            remarks="Executive Order 13662 Directive Determination - Subject to Directive 1; "
            "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, "
            "31 CFR 589.201 and/or 589.209",
        ),
        (C, C, C, P),
        Activity.INVEST,
        ("Directive 1 under EO 13662", "14 days", "new equity", "31 CFR Part 589"),
    ),
    "ssi-eo13662-directive-2": Case(
        lambda: listed(
            "us-csl",
            "SSI",
            ("UKRAINE-EO13662",),
            remarks="Subject to Directive 2, Executive Order 13662 Directive Determination -",
        ),
        (C, C, C, P),
        Activity.INVEST,
        ("Directive 2 under EO 13662", "60 days"),
    ),
    "ssi-eo13662-directive-3": Case(
        lambda: listed(
            "us-csl",
            "SSI",
            ("UKRAINE-EO13662",),
            remarks="Subject to Directive 3, Executive Order 13662 Directive Determination -",
        ),
        (C, C, C, P),
        Activity.INVEST,
        ("Directive 3 under EO 13662", "30 days"),
    ),
    "ssi-eo13662-directive-4": Case(
        lambda: listed(
            "us-csl",
            "SSI",
            ("UKRAINE-EO13662",),
            remarks="Subject to Directive 4, Executive Order 13662 Directive Determination -",
        ),
        (C, C, N, N),
        Activity.EXPORT,
        ("Directive 4 under EO 13662", "shale", "15 CFR 746.5"),
    ),
    "ssi-directive-not-stated": Case(
        lambda: listed("us-csl", "SSI", ("UKRAINE-EO13662",)),
        (C, C, C, P),
        Activity.INVEST,
        ("Sectoral Sanctions Identifications List", "Directive 1", "programme UKRAINE-EO13662"),
    ),
    "eo14024-directive-1a": Case(
        lambda: listed(
            "ofac-nonsdn",
            None,
            ("RUSSIA-EO14024",),
            remarks="Executive Order 14024 Directive Information Subject to Directive 1a - As of "
            "the effective date, participation in the secondary market for ruble or non-ruble "
            "denominated bonds issued on or after the effective date by the Central Bank; "
            "Listing Date (EO 14024 Directive 1a): 22 Feb 2022; "
            "Effective Date (EO 14024 Directive 1a): 01 Mar 2022",
        ),
        (C, N, N, P),
        Activity.INVEST,
        ("Directive 1A", "2022-03-01", "listed 2022-02-22, effective 2022-03-01"),
    ),
    "eo14024-directive-2": Case(
        lambda: listed(
            "us-csl",
            "CAP",
            ("RUSSIA-EO14024",),
            remarks="24 Feb 2022, Listing Date (EO 14024 Directive 2):; "
            "26 Mar 2022, Effective Date (EO 14024 Directive 2):",
        ),
        (C, C, C, N),
        Activity.TRANSACT,
        ("Directive 2", "correspondent", "effective 2022-03-26", "US financial institution"),
    ),
    "eo14024-directive-3": Case(
        lambda: listed(
            "us-csl",
            "NS-MBS",
            ("RUSSIA-EO14024",),
            remarks="Subject to Directive 3 - All transactions in, provision of financing for, "
            "and other dealings in new debt of longer than 14 days maturity or new equity where "
            "such new debt or new equity is issued on or after the 'Effective Date (EO 14024 "
            "Directive 3)'",
        ),
        (C, C, C, P),
        Activity.INVEST,
        ("Directive 3", "new equity", "14 days"),
    ),
    "eo14024-directive-4": Case(
        lambda: listed(
            "ofac-nonsdn",
            "NS-MBS",
            ("RUSSIA-EO14024",),
            remarks="Executive Order 14024 Directive Information Subject to Directive 4 - any "
            "transaction involving the Central Bank of the Russian Federation, the National "
            "Wealth Fund of the Russian Federation, or the Ministry of Finance",
        ),
        (P, P, P, P),
        Activity.TRANSACT,
        ("Directive 4", "any transaction"),
    ),
    "ns-cmic-investment-ban": Case(
        lambda: listed(
            "ofac-nonsdn",
            "NS-CMIC",
            ("CMIC-EO13959",),
            isins=("CNE100000PM8",),
            listed_on="2021-06-03",
            effective_on="2021-08-02",
            divestment_on="2022-06-03",
        ),
        (C, N, N, P),
        Activity.INVEST,
        ("NS-CMIC", "CMIC-EO13959", "EO 14032", "CNE100000PM8", "2021-08-02", "2022-06-03"),
    ),
    "capta-correspondent-accounts": Case(
        lambda: listed("ofac-nonsdn", "CAPTA", ("561-Related",)),
        (C, N, N, N),
        Activity.TRANSACT,
        ("CAPTA", "561.201", "payable-through"),
    ),
    "ns-plc-rejected": Case(
        lambda: listed("ofac-nonsdn", "NS-PLC", ("NS-PLC",), schema="Person"),
        (C, C, C, C),
        Activity.TRANSACT,
        ("NS-PLC", "reject", "General License 4(b)"),
    ),
    "ns-mbs-menu-based": Case(
        lambda: listed(
            "us-csl",
            "NS-MBS",
            ("CAATSA - RUSSIA",),
            remarks="EXPORT SANCTIONS Sec. 235(a)(2), CAATSA Section 235 Information:",
        ),
        (C, C, C, C),
        Activity.EXPORT,
        ("Menu-Based", "CAATSA"),
    ),
    "ofac-non-sdn-other": Case(
        lambda: listed("ofac-nonsdn", None, ("SOME-NEW-PROGRAM",)),
        (C, C, C, C),
        Activity.TRANSACT,
        ("non-SDN", "SOME-NEW-PROGRAM"),
    ),
    "entity-list-licence": Case(
        lambda: listed(
            "us-csl",
            "EL",
            listed_on="2022-04-07",
            legal_basis=("87 FR 20299",),
            license_requirement="For all items subject to the EAR. (See §§734.9(g),3 746.8(a)(3), "
            "and 744.21(b) of the EAR.)",
            license_policy="Policy of denial. ",
        ),
        (C, L, N, N),
        Activity.EXPORT,
        ("Entity List (BIS)", "87 FR 20299", "since 2022-04-07", "all items subject to the EAR"),
    ),
    "denied-persons-export-denied": Case(
        lambda: listed(
            "bis-dpl",
            programs=("EAR",),
            listed_on="2003-06-19",
            end_on="2056-06-29",
            legal_basis=("68 F.R. 38290 6/27/03",),
        ),
        (C, P, C, N),
        Activity.EXPORT,
        ("Denied Persons List", "764.3(a)(2)", "68 F.R. 38290", "until 2056-06-29"),
    ),
    "unverified-list": Case(
        lambda: listed("us-csl", "UVL"),
        (N, C, N, N),
        Activity.EXPORT,
        ("Unverified List", "UVL statement", "744.15"),
    ),
    "military-end-user": Case(
        lambda: listed(
            "us-csl",
            "MEU",
            listed_on="2020-12-23",
            legal_basis=("85 FR 83799",),
            license_requirement="For any item subject to the EAR listed in supplement no. 2 to "
            "part 744.",
        ),
        (C, L, N, N),
        Activity.EXPORT,
        ("Military End-User List", "supplement no. 2 to part 744", "85 FR 83799", "744.21"),
    ),
    "itar-debarred": Case(
        lambda: listed("us-csl", "DTC", schema="Person", legal_basis=("67 FR 10033",)),
        (C, P, C, N),
        Activity.EXPORT,
        ("ITAR Debarred", "defence articles", "127.7", "67 FR 10033"),
    ),
    "isn-nonproliferation": Case(
        lambda: listed("us-csl", "ISN", ("INKSNA",), listed_on="2020-01-01"),
        (C, C, C, N),
        Activity.TRANSACT,
        ("Nonproliferation Sanctions", "INKSNA", "procurement"),
    ),
    "csl-other": Case(
        lambda: listed("us-csl", "XYZ"),
        (C, C, C, C),
        Activity.TRANSACT,
        ("Consolidated Screening List",),
    ),
    "un-asset-freeze": Case(
        lambda: listed("un-sc", None, ("Iraq",), schema="Person", listed_on="2003-06-27"),
        (P, P, P, P),
        Activity.TRANSACT,
        ("UN Security Council", "Iraq", "1483 (2003)", "asset", "member state"),
    ),
    "un-travel-ban": Case(
        lambda: listed("un-sc", None, ("GB",), schema="Person"),
        (N, N, N, N),
        Activity.TRANSACT,
        ("Guinea-Bissau", "2048 (2012)", "travel ban"),
    ),
    "un-arms-embargo": Case(
        lambda: listed("un-sc", None, ("Al-Qaida",), schema="Organization"),
        (N, P, N, N),
        Activity.EXPORT,
        ("ISIL (Da'esh) and Al-Qaida", "arms", "1267 (1999)"),
    ),
    "un-regime-not-recognised": Case(
        lambda: listed("un-sc", None, ("Atlantis",)),
        (C, C, C, C),
        Activity.TRANSACT,
        ("Atlantis", "not recognised"),
    ),
    "uk-asset-freeze": Case(
        lambda: listed("uk-ofsi", None, ("Russia",), listed_on="2022-03-15"),
        (P, P, P, P),
        Activity.TRANSACT,
        ("OFSI", "Russia regime", "Sanctions and Anti-Money Laundering Act 2018", "UK persons"),
    ),
    "uk-specified-ship": Case(
        lambda: listed("uk-ofsi", None, ("Russia",), schema="Vessel", name="SOME TANKER"),
        (C, C, C, C),
        Activity.TRANSACT,
        ("specified ship", "Russia"),
    ),
    "eu-asset-freeze": Case(
        lambda: listed("eu-fsf", None, ("RUS",), legal_basis=("2014/269 (OJ L78)",)),
        (P, P, P, P),
        Activity.INVEST,
        ("EU Financial Sanctions File", "Article 215 TFEU", "2014/269", "EU persons"),
    ),
    "ofac-50-percent": Case(
        lambda: derived_listing(
            "ofac-50-percent", "60 % by B LTD (SDN, programme SDGT)", ("SDGT",)
        ),
        (P, P, P, P),
        Activity.TRANSACT,
        ("not listed; blocked by ownership: 60 % by B LTD (SDN, programme SDGT)", "2014-08-13"),
    ),
    "uk-ownership-control": Case(
        lambda: derived_listing("uk-ownership-control", "100 % by D PLC (UK, Russia)", ("Russia",)),
        (P, P, P, P),
        Activity.TRANSACT,
        ("not listed; frozen by ownership: 100 % by D PLC", "OFSI General Guidance"),
    ),
    "eu-ownership-control": Case(
        lambda: derived_listing("eu-ownership-control", "55 % in aggregate", ("RUS",)),
        (P, P, P, P),
        Activity.EXPORT,
        ("not listed; frozen by ownership: 55 % in aggregate", "269/2014"),
    ),
    "bis-affiliates-rule": Case(
        lambda: derived_listing(
            "bis-affiliates-rule",
            "60 % by HIKVISION (Entity List)",
            (),
            license_requirement="For all items subject to the EAR.",
            license_policy="Case-by-case review.",
        ),
        (C, L, N, N),
        Activity.EXPORT,
        (
            "not listed; licence required by ownership",
            "all items subject to the EAR",
            "90 FR 47201",
        ),
        date(2025, 10, 15),
    ),
    "user-list": Case(
        lambda: listed("ftm", None, ("sanction",)),
        (C, C, C, C),
        Activity.TRANSACT,
        ("user list ftm", "review"),
    ),
    "any-other-listing": Case(
        # A UN Guinea-Bissau *organisation*: that regime only bans persons' travel.
        lambda: listed("un-sc", None, ("GB",), schema="Organization"),
        (C, C, C, C),
        Activity.TRANSACT,
        ("un-sc list", "review"),
    ),
}


def test_every_rule_of_the_table_has_a_case() -> None:
    assert sorted(CASES) == sorted(rule.id for rule in RULES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule(rule_id: str) -> None:
    case = CASES[rule_id]
    effects = effects_for(case.build())
    mine = [e for e in effects if e.rule_id == rule_id]
    assert len(mine) == 1, [e.rule_id for e in effects]
    effect = mine[0]
    got = tuple(effect.outcome(a) for a in Activity)
    assert got == case.outcomes
    reason = effect.reason(case.decisive, case.as_of)
    for phrase in case.says:
        assert phrase.lower() in (reason + " " + effect.summary).lower(), (phrase, reason)
    assert effect.authority and "{" not in reason + effect.summary  # every template filled
    json.dumps(effect.to_dict())

    # The verdict for the decisive activity is at least as strong as this rule says,
    # and never better than CAUTION for a listed party.
    verdict = verdict_for(effects, case.decisive, case.as_of)
    expected = Verdict.from_outcome(max(e.outcome(case.decisive) for e in effects))
    assert verdict.verdict is expected
    assert verdict.verdict is not Verdict.NO_LISTING_FOUND


def test_csl_sdn_rows_get_the_same_effect_as_ofac_sdn() -> None:
    csl = effects_for(listed("us-csl", "SDN", ("SYRIA",)))
    assert [e.rule_id for e in csl] == ["sdn-blocked"]
    assert "31 CFR Part 542" in csl[0].authority
    assert "50 Percent Rule" in csl[0].summary


def test_ns_cmic_listing_does_not_block_and_ofac_sdn_does() -> None:
    cmic = effects_for(CASES["ns-cmic-investment-ban"].build())
    sdn = effects_for(CASES["sdn-blocked"].build())
    assert verdict_for(cmic, "transact", AS_OF).verdict is Verdict.CAUTION
    assert verdict_for(sdn, "transact", AS_OF).verdict is Verdict.PROHIBITED


def test_libya_listing_naming_only_the_travel_ban_has_no_asset_freeze() -> None:
    person = listed(
        "un-sc",
        None,
        ("Libya",),
        schema="Person",
        remarks="Listed pursuant to paragraph 15 of resolution 1970 (Travel Ban).",
    )
    assert [e.rule_id for e in effects_for(person)] == ["un-travel-ban"]
    both = listed(
        "un-sc",
        None,
        ("Libya",),
        schema="Person",
        remarks="Listed pursuant to paragraphs 15 and 17 of resolution 1970 "
        "(Travel Ban, Asset Freeze).",
    )
    assert sorted(e.rule_id for e in effects_for(both)) == ["un-asset-freeze", "un-travel-ban"]
    freeze_only = listed(
        "un-sc",
        None,
        ("Libya",),
        schema="Person",
        remarks="Listed pursuant to paragraph 17 of resolution 1970 ( Asset Freeze).",
    )
    assert [e.rule_id for e in effects_for(freeze_only)] == ["un-asset-freeze"]


def test_uk_ship_listed_as_asset_of_a_designated_owner_is_frozen() -> None:
    ship = listed(
        "uk-ofsi",
        None,
        ("Democratic People's Republic of Korea",),
        schema="Vessel",
        remarks="Listed as asset of Korea Samjong Shipping (OFSI ID: 13635)",
    )
    assert [e.rule_id for e in effects_for(ship)] == ["uk-asset-freeze"]


def test_uk_domestic_counter_terrorism_rests_on_tafa_2010() -> None:
    effect = effects_for(listed("uk-ofsi", None, ("Counter-Terrorism (Domestic)",)))[0]
    assert effect.authority == "Terrorist Asset-Freezing etc. Act 2010"


def test_un_person_under_a_full_regime_gets_freeze_travel_ban_and_arms_embargo() -> None:
    person = listed("un-sc", None, ("Al-Qaida",), schema="Person")
    kinds = sorted(e.kind.value for e in effects_for(person))
    assert kinds == ["arms_embargo", "asset_freeze", "travel_ban"]


def test_entity_list_without_licence_fields_says_the_source_gives_none() -> None:
    effect = effects_for(listed("us-csl", "EL"))[0]
    assert "no licence requirement" in effect.notes[Activity.EXPORT]
    assert "not stated in the source" in effect.notes[Activity.EXPORT]


def test_secondary_sanctions_warning_from_the_remarks_reaches_the_reason() -> None:
    effect = effects_for(CASES["ssi-eo13662-directive-1"].build())[0]
    assert "Non-US persons" in effect.reason(Activity.TRANSACT, AS_OF)
    assert "589.201" in effect.reason(Activity.TRANSACT, AS_OF)


def test_extra_sub_lists_recorded_by_the_loader_are_honoured() -> None:
    record = listed(
        "ofac-nonsdn",
        "SSI",
        ("UKRAINE-EO13662",),
        properties={"subLists": ["SSI", "CAPTA"]},
        remarks="Executive Order 13662 Directive Determination - Subject to Directive 1",
    )
    rule_ids = {e.rule_id for e in effects_for(record)}
    assert rule_ids == {"ssi-eo13662-directive-1", "capta-correspondent-accounts"}


def test_docs_table_matches_the_code() -> None:
    """docs/effects.md has one row per rule, with the same four outcomes."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "effects.md").read_text("utf-8")
    letters = {"P": P, "L": L, "C": C, "–": N}
    documented = {}
    for line in docs.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) != 8:  # the activities table, not the rule table
                continue
            documented[cells[0].strip("`")] = tuple(letters[c] for c in cells[-4:])
    assert documented == {rule.id: tuple(rule.says(a).outcome for a in Activity) for rule in RULES}


@pytest.mark.parametrize("list_id", ["uk-my-watchlist", "un-vendors", "ofac-sdn-copy", "mylist"])
def test_a_user_list_named_like_an_official_one_stays_a_user_list(list_id: str) -> None:
    assert [e.rule_id for e in effects_for(listed(list_id))] == ["user-list"]


def test_a_derived_listing_only_the_top_of_a_range_reaches_is_caution() -> None:
    record = derived_listing("ofac-50-percent", "25–50 % by B LTD (SDN)", ("SDGT",), may_be=True)
    (effect,) = effects_for(record)
    assert [effect.outcome(a) for a in Activity] == [C, C, C, C]
    reason = effect.reason(Activity.TRANSACT, AS_OF)
    assert "may be blocked by ownership" in reason and "25–50 % by B LTD" in reason
    assert "at least 50 %" in reason


def test_the_affiliates_rule_applies_only_in_its_periods_of_force() -> None:
    record = derived_listing(
        "bis-affiliates-rule",
        "60 % by HIKVISION (Entity List)",
        (),
        license_requirement="For all items subject to the EAR.",
    )
    effects = effects_for(record)
    inside = verdict_for(effects, Activity.EXPORT, date(2025, 10, 15))
    suspended = verdict_for(effects, Activity.EXPORT, date(2025, 12, 1))
    before = verdict_for(effects, Activity.EXPORT, date(2025, 9, 28))
    again = verdict_for(effects, Activity.EXPORT, date(2026, 11, 10))
    assert inside.verdict is Verdict.LICENCE_REQUIRED
    assert again.verdict is Verdict.LICENCE_REQUIRED
    for outside in (suspended, before):
        assert outside.verdict is Verdict.NO_LISTING_FOUND
        assert (
            "not in force" in outside.not_in_force[0] and "90 FR 50857" in outside.not_in_force[0]
        )
    assert inside.reasons[0].startswith("LICENCE REQUIRED: BIS Affiliates Rule")
