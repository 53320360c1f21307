"""compare(): the name-against-name score on the check scale, no list needed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.matching import DEFAULT_THRESHOLD, compare
from clearance.matching.similarity import EDIT, EXACT, PHONETIC, TRANSLIT, token_similarity

T = DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Higuision", "Hikvision"),
        ("Higvision", "Hikvision"),
        ("Hik Vision", "Hikvision"),
        ("Hangzhou Hikvision Digital Technology Company Limited",
         "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."),
        ("Jon Smith", "John Smith"),
        ("Smith John", "John Smith"),
        ("SMITH, John", "John Smith"),
        ("Путин Владимир Владимирович", "PUTIN, Vladimir Vladimirovich"),
        ("Abdul Rahman", "Abdulrahman"),
        ("SiemensAG", "Siemens AG"),
        ("ООО Ромашка", "Romashka LLC"),
        ("Romashka OOO", "Obshchestvo s Ogranichennoy Otvetstvennostyu Romashka"),
        ("J. Smith", "John Smith"),
        ("Ivanoff Sergei", "Sergey Ivanov"),
    ],
)  # fmt: skip
def test_same_party_scores_above_threshold(a: str, b: str) -> None:
    assert compare(a, b) >= T


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("George Bush", "George Habbash"),
        ("emma daniels", "EMMA LLC"),
        ("BELLETECH CORP", "11420 CORP."),
        ("CORP 1", "CORP 2"),
        ("Acme Trading 1", "Acme Trading 2"),
        ("Trading", "Trading Co"),
        ("CORP", "CORP"),  # a lone legal form is no name
        ("Mohammed", "Mohammed Ali Hassan"),
        ("Lin Xu", "Bin Xu"),  # one changed letter in a short name is another name
        ("SAP SE", "SPP"),  # three letters that differ are another word
        ("SAP", "SAPA"),
    ],
)
def test_different_parties_score_below_threshold(a: str, b: str) -> None:
    assert compare(a, b) < T


# Known misses of the fitted scorer across abjads and Hangul (Persian vowels, short
# Arabic names, Hebrew): the cross-script goals of issue 13 are not all met yet
# (docs/benchmarks.md, bench/quality.py).
# Strict: the day one of them meets, the test says so and the mark comes off.
_CROSS_SCRIPT_MISS = pytest.mark.xfail(
    strict=True, reason="cross-script recall below issue 13's goals (abjad, Hangul, Han)"
)


@pytest.mark.parametrize(
    ("latin", "other"),
    [
        ("Vladimir Putin", "Владимир Путин"),
        ("Sokratis Papadopoulos", "Σωκράτης Παπαδόπουλος"),
        pytest.param("Mohammed", "محمد", marks=_CROSS_SCRIPT_MISS),
        pytest.param("Hossein Mousavi", "حسین موسوی", marks=_CROSS_SCRIPT_MISS),
        ("Casanova", "كازانوفا"),
        pytest.param("Benjamin Netanyahu", "בנימין נתניהו", marks=_CROSS_SCRIPT_MISS),
        ("Kim Jong Un", "김정은"),
        pytest.param("Rickles", "리클스", marks=_CROSS_SCRIPT_MISS),
        ("Klimt", "クリムト"),
        ("Xi Jinping", "習近平"),
    ],
)
def test_cross_script_names_meet(latin: str, other: str) -> None:
    assert compare(latin, other) >= T


def test_cross_script_names_outscore_unrelated_names() -> None:
    """Even where a cross-script name stays under the threshold, its own Latin name is
    the best of a field of similar-looking others (the ranking an analyst reviews)."""
    for latin, other, decoys in [
        ("Benjamin Netanyahu", "בנימין נתניהו", ("Benjamin Natan", "Binyamin Nathan")),
        ("Hossein Mousavi", "حسین موسوی", ("Hassan Musa", "Hussein Moussa")),
        ("Kim Jong Un", "김정은", ("Kim Jong Il", "Kim Jung Eun Hee")),
    ]:
        own = compare(other, latin)
        assert all(own > compare(other, d) for d in decoys), (latin, own)


def test_legal_forms_neither_carry_nor_sink_a_match() -> None:
    alone = compare("Romashka", "Romashka")
    assert alone >= T
    assert compare("Romashka LLC", "Romashka") == pytest.approx(alone, abs=0.02)
    assert compare("Romashka GmbH", "Romashka Ltd") >= T
    assert compare("Alpha LLC", "Beta LLC") < T / 2


def test_numbers_must_match_exactly() -> None:
    assert compare("Unit 731", "Unit 731") >= T
    assert compare("Unit 731", "Unit 732") < T / 2


def test_short_tokens_are_strict_and_long_ones_forgive() -> None:
    assert token_similarity("wang", "yang").sim < 0.75
    assert token_similarity("alexandrov", "aleksandrov").sim >= 0.85
    assert token_similarity("hikvision", "higuision").how == PHONETIC
    assert token_similarity("smith", "smiht").how == EDIT  # a transposition is one edit
    assert token_similarity("putin", "putin").how == EXACT
    assert token_similarity("mohammed", "mhmd").sim < 0.7
    assert token_similarity("mhmd", "mohammed", leniency=3).how == TRANSLIT


names = st.text(alphabet=st.sampled_from("abcdefghijklmnoprstuvyz ,.-"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(names, names)
def test_compare_is_a_score_and_roughly_symmetric(a: str, b: str) -> None:
    ab, ba = compare(a, b), compare(b, a)
    assert 0.0 <= ab <= 1.0
    assert abs(ab - ba) <= 0.35  # query and listed names weigh unmatched parts differently


SURNAMES = ["Katanga", "Zidane", "Hikvision", "Ivanov", "Müller", "Okonkwo", "Nakamura",
            "Abdullahi", "Fernández", "Петров", "Στεφανίδης", "欧阳"]  # fmt: skip
_letters = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüçñøßабвгдежзийклмнопрстуфхцчшщыэюя"
         "ΑΒΓΔαβγδ王李张刘陈杨黄赵吴周")
)  # fmt: skip
# A name with one distinctive word among up to three random ones, in any position.
real_names = st.tuples(
    st.lists(st.text(alphabet=_letters, min_size=1, max_size=12), max_size=3),
    st.sampled_from(SURNAMES),
    st.integers(min_value=0, max_value=3),
).map(lambda t: " ".join([*t[0][: t[2]], t[1], *t[0][t[2] :]]))


@settings(max_examples=200, deadline=None)
@given(real_names, st.one_of(real_names, st.text(min_size=1, max_size=40)))
def test_a_name_matches_itself(name: str, other: str) -> None:
    itself = compare(name, name)
    assert itself >= DEFAULT_THRESHOLD  # a match at the default threshold
    assert itself >= compare(name, other) - 1e-9  # and no other name matches it better
    assert compare(other, other) >= 0.0  # identity cannot crash, even for junk
