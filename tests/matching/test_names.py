"""Names to tokens: scripts, legal forms, structure."""

from __future__ import annotations

import pytest

from clearance.matching.names import tokenize_name
from clearance.matching.phonetic import phonetic_form, skeleton, skeletons
from clearance.matching.scripts import ABJAD, MEDIUM, STRICT, SYLLABIC, romanize_word


@pytest.mark.parametrize(
    ("text", "latin", "script"),
    [
        ("Путин", "putin", "Cyrl"),
        ("Фёдор", "fyodor", "Cyrl"),
        ("Παπαδόπουλος", "papadopoulos", "Grek"),
        ("كازانوفا", "kazanufa", "Arab"),  # alef kept (anyascii drops it)
        ("الجيلاني", "al jilani", "Arab"),  # the article stands apart
        ("אדמוביץ'", "admobich", "Hebr"),  # geresh: tsadi as ch
        ("シュホザネット", "shuhozanetto", "Kana"),  # small kana combine
        ("김정은", "kim jong un", "Hang"),  # one syllable per token, Kim with k
        ("習近平", "xi jin ping", "Hani"),
        ("Հայաստան", "hayastan", "Armn"),
        ("საქართველო", "sakartvelo", "Geor"),
    ],
)
def test_romanize_word(text: str, latin: str, script: str) -> None:
    assert romanize_word(text) == (latin, script)


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
         ("hangzhou", "hikvision", "digital", "technology", "#ltd")),
        ("Hangzhou Hikvision Digital Technology Company Limited",
         ("hangzhou", "hikvision", "digital", "technology", "#ltd")),
        ('Obshchestvo s Ogranichennoy Otvetstvennostyu "Romashka"', ("#llc", "romashka")),
        ("ООО «Ромашка»", ("#llc", "romashka")),
        ("Romashka Limited Liability Company", ("romashka", "#llc")),
        ("PAO Gazprom", ("#pjsc", "gazprom")),
        ("Zakrytoe Aktsionernoe Obshchestvo Foo", ("#cjsc", "foo")),
        ("Foo Sp. z o.o.", ("foo", "#llc")),
        ("Foo GmbH", ("foo", "#llc")),
        ("SiemensAG", ("siemens", "#sa")),
        ("Bar S.A. de C.V.", ("bar", "#sa")),
        ("杭州海康威视数字技术股份有限公司",
         ("hang", "zhou", "hai", "kang", "wei", "shi", "shu", "zi", "ji", "shu", "#ltd")),
        ("PUTIN, Vladimir Vladimirovich", ("putin", "vladimir", "vladimirovich")),
        ("O'Brien", ("obrien",)),
        ("U.S.A. Trading", ("usa", "trading")),
        ("CORP 1", ("#corp", "1")),
    ],
)  # fmt: skip
def test_tokenize_name(name: str, tokens: tuple[str, ...]) -> None:
    assert tokenize_name(name).tokens == tokens


def test_short_legal_forms_only_at_the_edges_and_never_alone() -> None:
    assert tokenize_name("As Sahab Media").tokens == ("as", "sahab", "media")
    assert tokenize_name("Salah ad Din").tokens == ("salah", "ad", "din")
    assert tokenize_name("AG").tokens == ("ag",)
    # A syllable of a Korean word is no legal form ("pe" = private enterprise).
    assert "#ent" not in tokenize_name("페레티").tokens


def test_leniency_and_glue_follow_the_script() -> None:
    t = tokenize_name("Al-Tikriti Путин محمد 김정은")
    assert t.tokens == ("al", "tikriti", "putin", "mhmd", "kim", "jong", "un")
    assert t.leniency == (STRICT, STRICT, MEDIUM, ABJAD, SYLLABIC, SYLLABIC, SYLLABIC)
    assert t.glued == (False, True, False, False, False, True, True)


@pytest.mark.parametrize(
    ("a", "b"),
    [("ivanoff", "ivanov"), ("ivanow", "ivanov"), ("yuriy", "jurij"), ("hikvision", "higvision")],
)
def test_spelling_variants_share_a_phonetic_form_or_skeleton(a: str, b: str) -> None:
    assert phonetic_form(a) == phonetic_form(b) or set(skeletons(a)) & set(skeletons(b))


def test_skeleton_keeps_a_leading_vowel_and_drops_h() -> None:
    assert skeleton("ahmed") == "AMT"
    assert skeleton("hamed") == "MT"
    assert skeleton("mohammed") == skeleton("mhmd") == "MMT"
