"""Verdicts across listings and over time: strongest outcome wins, dates decide what applies."""

from __future__ import annotations

import json
from datetime import date

import pytest

from clearance.effects import (
    Activity,
    Outcome,
    Verdict,
    effects_for,
    effects_for_party,
    verdict_for,
    verdicts_for,
)
from clearance.effects.listing_facts import (
    Directive,
    canonical_sub_list,
    find_dated_labels,
    find_directives,
    parse_iso,
)
from tests.effects.listings import listed


def _cmic(**dates: str) -> list:
    return effects_for(
        listed("ofac-nonsdn", "NS-CMIC", ("CMIC-EO13959",), isins=("CNE100000PM8",), **dates)
    )


CMIC_DATES = {
    "listed_on": "2021-06-03",
    "effective_on": "2021-08-02",
    "divestment_on": "2022-06-03",
}


def test_verdict_labels_read_as_words() -> None:
    assert Verdict.LICENCE_REQUIRED.label == "LICENCE REQUIRED"
    assert str(Verdict.NO_LISTING_FOUND) == "NO LISTING FOUND"
    assert Verdict.LICENCE_REQUIRED.value == "LICENCE_REQUIRED"
    assert Outcome.PROHIBITED > Outcome.LICENCE_REQUIRED > Outcome.CAUTION > Outcome.NONE


def test_no_effects_means_no_listing_found() -> None:
    result = verdict_for([], Activity.TRANSACT, date(2024, 1, 1))
    assert result.verdict is Verdict.NO_LISTING_FOUND
    assert result.reasons == ["No listing in force for this party on the lists screened."]


def test_activity_accepts_its_name_and_refuses_anything_else() -> None:
    effects = _cmic(**CMIC_DATES)
    assert verdict_for(effects, "invest", date(2024, 1, 1)).activity is Activity.INVEST
    with pytest.raises(ValueError):
        verdict_for(effects, "smuggle", date(2024, 1, 1))


def test_strongest_outcome_across_listings_wins_and_is_cited_first() -> None:
    party = [
        listed("us-csl", "EL", license_requirement="For all items subject to the EAR."),
        listed("ofac-sdn", None, ("SDGT",)),
        listed("us-csl", "UVL"),
    ]
    result = verdict_for(effects_for_party(party), Activity.EXPORT, date(2024, 1, 1))
    assert result.verdict is Verdict.PROHIBITED
    assert result.reasons[0].startswith("PROHIBITED: Specially Designated Nationals")
    assert result.reasons[1].startswith("LICENCE REQUIRED: Entity List")
    assert result.reasons[2].startswith("CAUTION: Unverified List")
    assert [e.rule_id for e in result.effects] == [
        "sdn-blocked",
        "entity-list-licence",
        "unverified-list",
    ]


def test_listing_not_yet_made_or_already_ended_does_not_apply() -> None:
    effects = effects_for(
        listed("bis-dpl", programs=("EAR",), listed_on="2003-06-19", end_on="2013-06-19")
    )
    before = verdict_for(effects, Activity.EXPORT, date(2003, 6, 18))
    during = verdict_for(effects, Activity.EXPORT, date(2013, 6, 19))
    after = verdict_for(effects, Activity.EXPORT, date(2013, 6, 20))
    assert before.verdict is Verdict.NO_LISTING_FOUND
    assert "not yet listed on 2003-06-18" in before.not_in_force[0]
    assert during.verdict is Verdict.PROHIBITED
    assert after.verdict is Verdict.NO_LISTING_FOUND
    assert "listing ended on 2013-06-19" in after.reasons[1]


def test_partial_dates_are_read_generously() -> None:
    assert parse_iso("2021") == date(2021, 1, 1)
    assert parse_iso("2021", end=True) == date(2021, 12, 31)
    assert parse_iso("2024-02", end=True) == date(2024, 2, 29)
    assert parse_iso("2024-12", end=True) == date(2024, 12, 31)
    assert parse_iso("not a date") is None
    effects = effects_for(listed("us-csl", "UVL", end_on="2021"))
    assert verdict_for(effects, Activity.EXPORT, date(2021, 12, 31)).verdict is Verdict.CAUTION
    no_listing = verdict_for(effects, Activity.EXPORT, date(2022, 1, 1))
    assert no_listing.verdict is Verdict.NO_LISTING_FOUND


def test_ns_cmic_before_the_effective_date_is_caution_not_prohibited() -> None:
    result = verdict_for(_cmic(**CMIC_DATES), Activity.INVEST, date(2021, 7, 1))
    assert result.verdict is Verdict.CAUTION
    assert (
        "Not yet in effect on 2021-07-01: it becomes PROHIBITED on 2021-08-02"
        in (result.reasons[0])
    )


def test_ns_cmic_between_effective_and_divestment_dates_allows_divestment_sales() -> None:
    result = verdict_for(_cmic(**CMIC_DATES), Activity.INVEST, date(2022, 1, 1))
    assert result.verdict is Verdict.PROHIBITED
    assert "Until 2022-06-03, purchases or sales made solely to divest" in result.reasons[0]


def test_ns_cmic_after_the_divestment_date_prohibits_sales_too() -> None:
    result = verdict_for(_cmic(**CMIC_DATES), Activity.INVEST, date(2022, 6, 3))
    assert result.verdict is Verdict.PROHIBITED
    assert "divestment window closed on 2022-06-03" in result.reasons[0]


def test_ns_cmic_dates_missing_from_the_listing_come_from_the_remarks() -> None:
    record = listed(
        "ofac-nonsdn",
        None,
        ("CMIC-EO13959",),
        remarks="Effective Date (CMIC) 02 Aug 2021; Purchase/Sales For Divestment Date (CMIC) "
        "03 Jun 2022; Listing Date (CMIC) 03 Jun 2021",
    )
    (effect,) = effects_for(record)
    assert (effect.listed_on, effect.effective_on, effect.divestment_on) == (
        "2021-06-03",
        "2021-08-02",
        "2022-06-03",
    )


def test_ns_cmic_dates_are_derived_from_the_listing_date_as_eo_14032_sets_them() -> None:
    (effect,) = _cmic(listed_on="2021-06-03")
    assert effect.effective_on == "2021-08-02"  # 60 days
    assert effect.divestment_on == "2022-06-03"  # 365 days
    assert any("derived" in w for w in effect.warnings)


def test_directive_effective_date_caps_the_outcome_before_it() -> None:
    record = listed(
        "us-csl",
        "CAP",
        ("RUSSIA-EO14024",),
        remarks="24 Feb 2022, Listing Date (EO 14024 Directive 3):; "
        "26 Mar 2022, Effective Date (EO 14024 Directive 3):; Subject to Directive 3 - All "
        "transactions in new debt of longer than 14 days maturity or new equity ... "
        "(EO 14024 Directive 3)",
    )
    effects = effects_for(record)
    assert verdict_for(effects, Activity.INVEST, date(2022, 3, 1)).verdict is Verdict.CAUTION
    assert verdict_for(effects, Activity.INVEST, date(2022, 3, 26)).verdict is Verdict.PROHIBITED


def test_listed_party_with_no_restriction_for_the_activity_is_still_caution() -> None:
    result = verdict_for(effects_for(listed("us-csl", "UVL")), Activity.INVEST, date(2024, 1, 1))
    assert result.verdict is Verdict.CAUTION
    assert result.reasons[0].startswith("CAUTION: the party is listed")
    assert result.reasons[1].startswith("NO RESTRICTION FROM THIS LISTING: Unverified List")


def test_as_of_defaults_to_today() -> None:
    result = verdict_for(_cmic(**CMIC_DATES), Activity.INVEST)
    assert result.as_of == date.today()


def test_verdicts_for_every_activity_and_json() -> None:
    results = verdicts_for(_cmic(**CMIC_DATES), date(2024, 1, 1))
    assert {a: r.verdict for a, r in results.items()} == {
        Activity.TRANSACT: Verdict.CAUTION,
        Activity.EXPORT: Verdict.CAUTION,
        Activity.IMPORT: Verdict.CAUTION,
        Activity.INVEST: Verdict.PROHIBITED,
    }
    data = json.loads(json.dumps(results[Activity.INVEST].to_dict()))
    assert data["verdict"] == "PROHIBITED"
    assert data["effects"][0]["outcomes"]["invest"] == "PROHIBITED"


def test_identical_reasons_from_duplicate_rows_are_given_once() -> None:
    row = listed("us-csl", "EL", license_requirement="For all items subject to the EAR.")
    result = verdict_for(effects_for_party([row, row]), Activity.EXPORT, date(2024, 1, 1))
    assert len(result.reasons) == 1
    assert len(result.effects) == 2


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("CAP", "CAPTA"),
        ("NS-MBS", "MBS"),
        ("NS-MBS List", "MBS"),
        ("NS-CMIC", "CMIC"),
        ("Entity List (EL) - Bureau of Industry and Security", "EL"),
        ("Military End User (MEU) List - Bureau of Industry and Security", "MEU"),
        ("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department", "MBS"),
        ("ITAR Debarred (DTC) - State Department", "DTC"),
        ("something else", None),
        (None, None),
    ],
)
def test_sub_list_spellings(written: str | None, canonical: str | None) -> None:
    assert canonical_sub_list(written) == canonical


def test_directives_in_ofac_remarks_and_csl_ids_spellings() -> None:
    found = find_directives(
        [
            "Executive Order 13662 Directive Determination - Subject to Directive 2",
            "Subject to Directive 4, Executive Order 13662 Directive Determination -",
            "Executive Order 14024 Directive Information Subject to Directive 1a - As of ...",
            "26 Mar 2022, Effective Date (EO 14024 Directive 2):",
            # EO 14014 (Burma) Directive 1 is not an EO 14024 directive.
            "Executive Order 14014 Directive Information: Subject to Directive 1 - As of ...",
        ]
    )
    assert found == {
        Directive("13662", "2"),
        Directive("13662", "4"),
        Directive("14024", "1A"),
        Directive("14024", "2"),
    }


def test_dated_labels_in_both_word_orders() -> None:
    assert find_dated_labels(
        ["03 Jun 2021, Listing Date (CMIC)", "Effective Date (CMIC) 02 Aug 2021", "31 Feb 2021, X"]
    ) == {"Listing Date (CMIC)": "2021-06-03", "Effective Date (CMIC)": "2021-08-02"}


def test_dated_labels_in_the_loaders_directive_dates_form() -> None:
    assert find_dated_labels(
        ["effective (EO 14024 Directive 3): 2022-03-26", "divestment (CMIC): 2022-06-03"]
    ) == {
        "Effective Date (EO 14024 Directive 3)": "2022-03-26",
        "Purchase/Sales For Divestment Date (CMIC)": "2022-06-03",
    }


def test_a_directive_date_is_not_the_date_of_the_older_ssi_listing() -> None:
    # As the OFAC loaders build it: listed_on/effective_on are the EO 14024 Directive 2
    # dates, but the EO 13662 Directive 1 (SSI) listing is years older.
    record = listed(
        "ofac-nonsdn",
        "SSI",
        ("UKRAINE-EO13662", "RUSSIA-EO14024"),
        listed_on="2022-02-24",
        effective_on="2022-03-26",
        remarks="Executive Order 13662 Directive Determination - Subject to Directive 1; "
        "Listing Date (EO 14024 Directive 2): 24 Feb 2022; "
        "Effective Date (EO 14024 Directive 2): 26 Mar 2022",
    )
    effects = {e.rule_id: e for e in effects_for(record)}
    assert (
        effects["ssi-eo13662-directive-1"].listed_on,
        effects["ssi-eo13662-directive-1"].effective_on,
    ) == (None, None)
    assert effects["eo14024-directive-2"].listed_on == "2022-02-24"
    result = verdict_for(list(effects.values()), Activity.INVEST, date(2020, 1, 1))
    assert result.verdict is Verdict.PROHIBITED
    assert [e.rule_id for e in result.effects] == ["ssi-eo13662-directive-1"]
    assert "not yet listed on 2020-01-01" in result.not_in_force[0]
