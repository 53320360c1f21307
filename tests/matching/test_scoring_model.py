"""The fitted scorer: its data files, its features, and the cases issue 13 names."""

from __future__ import annotations

import json

import pytest

from clearance.matching import DEFAULT_THRESHOLD, Screener, compare
from clearance.matching.features import (
    FEATURES,
    INDEX,
    VETOES,
    PairFacts,
    alignment_features,
    veto,
)
from clearance.matching.match_model import (
    MODEL_FILE,
    MatchModel,
    ModelMismatchError,
    bundled_model,
)
from clearance.matching.name_statistics import TokenKind, bundled_statistics
from clearance.matching.screener import compare_alignment


def _features(query: str, listed: str) -> dict[str, float]:
    a, b, alignment = compare_alignment(query, listed, bundled_statistics())
    x = alignment_features(a, b, alignment, PairFacts())
    return {name: x[INDEX[name]] for name in FEATURES if x[INDEX[name]]}


def test_the_model_file_says_what_made_it_and_how_it_did() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert len(data["script_sha256"]) == 64
    assert {"name_statistics.npz", "snapshot manifest"} <= set(data["data_sha256"])
    assert 0.0 < data["threshold"] < 1.0
    assert data["threshold"] == DEFAULT_THRESHOLD
    # Calibrated on pairs the fit never saw: each well-filled score band's share of true
    # matches lies within 0.15 of the band.
    for low, high, pairs, true in data["validation"]["calibration"]:
        if pairs >= 500:
            assert low - 0.15 <= true <= high + 0.15, (low, high, pairs, true)


def test_a_model_fitted_for_other_features_is_refused() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    with pytest.raises(ModelMismatchError, match="refit with"):
        MatchModel.from_dict(data)


def test_signs_read_as_an_analyst_expects() -> None:
    """What is met can only raise the score, what is left over only lower it."""
    w = dict(zip(FEATURES, bundled_model().weights, strict=True))
    assert w["met_info"] > 0 and w["complete"] > 0
    assert all(w[f] <= 0 for f in FEATURES if "_left_" in f or f.endswith("_miss"))
    assert w["conflict_other"] <= 0 and w["q_left_names"] <= 0
    # Another kind of party, differing numbers, generic words only: decided, not weighed.
    for feature, _reason in VETOES:
        x = [0.0] * len(FEATURES)
        x[INDEX["met_info"]], x[INDEX["complete"]], x[INDEX[feature]] = 8.0, 1.0, 1.0
        assert bundled_model().probability(x) < 1e-6, feature
        assert veto(x) == _reason


def test_words_say_more_the_rarer_they_are_in_the_script_they_are_written_in() -> None:
    stats = bundled_statistics()
    assert stats.information("hikvision") > stats.information("bank")
    assert stats.information("putin") > stats.information("vladimir")
    # One Korean in five is a Kim: written in Hangul the word says little.
    assert stats.information("kim", "Hang") < stats.information("kim", "Latn")
    assert stats.information("#llc") == 0.0


@pytest.mark.parametrize(
    ("token", "kind"),
    [("vladimirovich", TokenKind.PATRONYMIC), ("bank", TokenKind.GENERIC), ("al", TokenKind.MINOR),
     ("#llc", TokenKind.LEGAL), ("3", TokenKind.NUMBER), ("j", TokenKind.INITIAL),
     ("hikvision", TokenKind.OTHER)],
)  # fmt: skip
def test_token_kinds(token: str, kind: TokenKind) -> None:
    assert bundled_statistics().kind(token) == kind


def test_features_name_what_was_left_over_and_where() -> None:
    extra = _features("Vladimir Vladimirovich Putin Spiridonovich", "PUTIN, Vladimir Vladimirovich")
    assert extra["q_left_patronymic"] > 0 and "n_left_other" not in extra
    swap = _features("Directorate of the Gomel Oblast", "Directorate of the Brest Oblast")
    assert swap["conflict_other"] > 0
    same = _features("Smith John", "JOHN SMITH")
    assert same["identical"] == 1.0 and same["q_share"] == 1.0


def test_one_name_within_the_other_is_told_from_two_names_that_differ() -> None:
    """A second given name on one side only is not a conflict (issue 13: extra parts)."""
    listed_more = _features("Marisa Gonzalez Valencia", "GONZALEZ VALENCIA, Marisa Ivette")
    assert listed_more["query_within_listed"] == 1.0 and "listed_within_query" not in listed_more
    query_more = _features("Mohammed Ali Hassan", "Mohammed Hassan")
    assert query_more["listed_within_query"] == 1.0 and "query_within_listed" not in query_more
    both = _features("John Paul Smith", "John Peter Smith")
    assert "query_within_listed" not in both and "listed_within_query" not in both
    one_word = _features("Smith", "John Smith")  # one word met is no name within a name
    assert "query_within_listed" not in one_word
    w = dict(zip(FEATURES, bundled_model().weights, strict=True))
    assert w["query_within_listed"] >= 0 and w["listed_within_query"] >= 0


def test_words_of_another_script_are_read_with_learned_costs() -> None:
    """Russian spells Japanese names by Polivanov (ти is "chi"): no rule of similarity.py
    lets "итибоси" meet "ichiboshi", the learned costs of Cyrillic do."""
    x = _features("итибоси", "Ichiboshi")
    assert x["translit_info"] > 0 and x["cross_cost"] > 0
    assert _features("итибоси", "Ishibashi").get("translit_info", 0.0) == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [("Natl Iranian Oil Co", "NATIONAL IRANIAN OIL COMPANY"),
     ("Iran Air Lines", "Iran Airlines"),
     ("Three Stars Shipping Line", "3 STARS SHIPPING LINES"),
     ("Hilarion Santos III", "Hilarion SANTOS THIRD")],
)  # fmt: skip
def test_abbreviations_and_number_words_are_understood(a: str, b: str) -> None:
    assert compare(a, b) >= DEFAULT_THRESHOLD


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "schema"),
    [("Петренко LLC", "Organization"), ("Коваленко Ltd", "Organization"),
     ("Шевчук Inc", "Organization"), ("Omega Group", None)],
)  # fmt: skip
def test_the_false_alerts_of_issue_13_are_gone(
    all_lists: Screener, query: str, schema: str | None
) -> None:
    assert all_lists.check(query, schema=schema) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "listed"),
    [("Ramzan Akhmatovich Ahmadovich Kadyrov", "KADYROV"),
     ("Vladimir Vladimirovich Putin Spiridonovich", "PUTIN"),
     ("Natl Iranian Oil Co", "NATIONAL IRANIAN OIL"),
     ("Korea Natl Insurance Corp", "KOREA NATIONAL INSURANCE"),
     ("Iran Air Lines", "IRAN")],
)  # fmt: skip
def test_the_misses_of_issue_13_are_found(all_lists: Screener, query: str, listed: str) -> None:
    hits = all_lists.check(query)
    assert hits and listed in hits[0].name.upper(), [(h.name, h.score) for h in hits]


@pytest.mark.slow
def test_compare_is_on_the_scale_of_check(all_lists: Screener) -> None:
    for query in ("Higuision", "Vladimir Putin", "Natl Iranian Oil Co"):
        hit = all_lists.check(query)[0]
        assert abs(compare(query, hit.matched_name) - hit.score) < 0.05, query


@pytest.mark.slow
def test_explanations_say_what_each_word_left_over_cost(all_lists: Screener) -> None:
    hit = all_lists.check("Vladimir Vladimirovich Putin Spiridonovich")[0]
    text = "\n".join(hit.explanation)
    assert "putin = putin (exact)" in text
    assert "spiridonovich (patronymic" in text
