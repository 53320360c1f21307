"""Names as the lists pack them: the splitter on real fields of the bundled lists."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.loaders.name_fields import (
    fold,
    invert_person_name,
    split_name_field,
    with_derived_names,
)
from clearance.model import Entity, Listing, Name, NameDerivation, NameKind

D = NameDerivation
HTS = (
    "Hay’at Tahrir al-Sham (HTS) (هيئة تحرير الشام (original script); Hay’at Tahrir al-Sham; "
    "Hay’et Tahrir al-Sham; Hayat Tahrir al-Sham; Assembly for the Liberation of Syria; "
    "Assembly for the Liberation of the Levant; Liberation of al-Sham Commission; "
    "Liberation of the Levant Organisation Tahrir al-Sham; Tahrir al-Sham Hay’at)"
)


def split(value: str, person: bool | None = False) -> dict[str, NameDerivation]:
    return {n.value: n.derivation for n in split_name_field(value, person=person)}


def test_un_alias_list_with_short_form_and_original_script() -> None:
    names = split(HTS)
    assert names["HTS"] is D.SHORT_FORM
    assert names["هيئة تحرير الشام"] is D.ORIGINAL_SCRIPT
    assert names["Hayat Tahrir al-Sham"] is D.SPLIT
    assert names["Hay’at Tahrir al-Sham"] is D.WITHOUT_PARENTHESES
    assert names["Tahrir al-Sham Hay’at"] is D.SPLIT
    assert not any("original script" in n or "(" in n for n in names)
    assert len(names) == 10


ORGANISATION_FIELDS = [
    (
        "جبهة النصرة (the Victory Front; Jabhat al-Nusrah; Al-Nusra Front)",
        {
            "جبهة النصرة": D.ORIGINAL_SCRIPT,
            "the Victory Front": D.SPLIT,
            "Jabhat al-Nusrah": D.SPLIT,
            "Al-Nusra Front": D.SPLIT,
        },
    ),
    (
        "شبكة أنصار المجاهدين (Ansar al-Mujahideen Network - sub-unit name)",
        {"شبكة أنصار المجاهدين": D.ORIGINAL_SCRIPT, "Ansar al-Mujahideen Network": D.ALTERNATIVE},
    ),
    (
        "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)",
        {
            "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)": D.SPLIT,
            "COMPAGNIE AERIENNE DES GRANDS LACS": D.WITHOUT_PARENTHESES,
            "CAGL": D.SHORT_FORM,
            "GREAT LAKES BUSINESS COMPANY (GLBC)": D.SPLIT,
            "GREAT LAKES BUSINESS COMPANY": D.WITHOUT_PARENTHESES,
            "GLBC": D.SHORT_FORM,
        },
    ),
    (
        "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE",
        {
            "IRGC-QODS FORCE": D.SHORT_FORM,
            "ISLAMIC REVOLUTIONARY GUARD CORPS-QODS FORCE": D.WITHOUT_PARENTHESES,
        },
    ),
    (
        "SEPAH-E QODS (JERUSALEM FORCE)",
        {"SEPAH-E QODS": D.WITHOUT_PARENTHESES, "JERUSALEM FORCE": D.ALTERNATIVE},
    ),
    (
        "SHER MATCH INDUSTRIES (PVT.) LIMITED",
        {"SHER MATCH INDUSTRIES LIMITED": D.WITHOUT_PARENTHESES},
    ),
    (
        "Gazprom Promgaz, AO (f.k.a. Otkrytoe Aktsionernoe Obshchestvo Gazprom Promgaz)",
        {
            "Gazprom Promgaz, AO": D.WITHOUT_PARENTHESES,
            "Otkrytoe Aktsionernoe Obshchestvo Gazprom Promgaz": D.FKA,
        },
    ),
    (
        "Yichang Testing Technology Research Institute a.k.a. Yichang Institute of Testing",
        {
            "Yichang Testing Technology Research Institute": D.SPLIT,
            "Yichang Institute of Testing": D.AKA,
        },
    ),
    ("CETC Infrared or CETC IR", {"CETC Infrared": D.SPLIT, "CETC IR": D.SPLIT}),
    ("LLC Surgutmebel;-LLC Syrgutmebel", {"LLC Surgutmebel": D.SPLIT, "LLC Syrgutmebel": D.SPLIT}),
    (
        "HiSilicon Technologies Co., Ltd (HiSilicon), Bantian Longgang District",
        {
            "HiSilicon": D.SHORT_FORM,
            "HiSilicon Technologies Co., Ltd, Bantian Longgang District": D.WITHOUT_PARENTHESES,
        },
    ),
    (  # the parent is listed apart: only the unit is this record's name
        "Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Marine Networks Co.",
        {"Huawei Marine Networks Co.": D.SUBORDINATE},
    ),
    ("SIBERIAN AIRLINES D/B/A S7 AIRLINES", {"SIBERIAN AIRLINES": D.SPLIT, "S7 AIRLINES": D.DBA}),
    (
        "MOSTOTREST; OPEN JOINT STOCK COMPANY 'MOSTOTREST'",
        {"MOSTOTREST": D.SPLIT, "OPEN JOINT STOCK COMPANY 'MOSTOTREST'": D.SPLIT},
    ),
    (
        "STATE PURCHASING ORGANISATION (SPO)",
        {"STATE PURCHASING ORGANISATION": D.WITHOUT_PARENTHESES, "SPO": D.SHORT_FORM},
    ),
    (  # an everyday word translates the word before it
        "SABOTAGE BATTALION OF SHAHIDS (MARTYRS)",
        {
            "SABOTAGE BATTALION OF SHAHIDS": D.WITHOUT_PARENTHESES,
            "SABOTAGE BATTALION OF MARTYRS": D.ALTERNATIVE,
        },
    ),
    (
        "The Ministry of Defence of Belarus, including the Armed Forces of Belarus",
        {"The Ministry of Defence of Belarus": D.WITHOUT_NOTE},
    ),
]


@pytest.mark.parametrize(("field", "expected"), ORGANISATION_FIELDS)
def test_organisation_fields(field: str, expected: dict[str, NameDerivation]) -> None:
    assert split(field) == expected


@pytest.mark.parametrize(
    ("field", "person", "expected"),
    [
        (
            "Mohammad Islami; Mohamed Islami; Mohammed Islami",
            True,
            {"Mohammad Islami": D.SPLIT, "Mohamed Islami": D.SPLIT, "Mohammed Islami": D.SPLIT},
        ),
        (
            "KANAAN, Maustaf Fawzi (Faouzi)",
            True,
            {"KANAAN, Maustaf Fawzi": D.WITHOUT_PARENTHESES, "KANAAN, Maustaf Faouzi": D.VARIANT},
        ),
        (
            "PEARL (A.K.A. NEI-CHIEN CHU) LI",
            None,
            {"PEARL LI": D.WITHOUT_PARENTHESES, "NEI-CHIEN CHU": D.AKA},
        ),
        ("FUYI SUN A/K/A FRANK SUN", None, {"FUYI SUN": D.SPLIT, "FRANK SUN": D.AKA}),
        (
            "SAMMY (IHSAN MEDHAT) ELASHI",
            None,
            {"SAMMY ELASHI": D.WITHOUT_PARENTHESES, "IHSAN MEDHAT ELASHI": D.ALTERNATIVE},
        ),
        ("Hilarion SANTOS III (THIRD)", True, {"Hilarion SANTOS III": D.WITHOUT_PARENTHESES}),
        (
            "Amir Khazmat (original script: Амир Хазмат)",
            True,
            {"Amir Khazmat": D.WITHOUT_PARENTHESES, "Амир Хазмат": D.ORIGINAL_SCRIPT},
        ),
        ("EL PARA (COMBAT NAME)", True, {"EL PARA": D.WITHOUT_PARENTHESES}),
        (
            "Mohammed Sabet; Mohammad Sabet b) M. Javad Kareemi Sabet; M. Jawad Karimi Sabet",
            True,
            {
                "Mohammed Sabet": D.SPLIT,
                "Mohammad Sabet": D.SPLIT,
                "M. Javad Kareemi Sabet": D.SPLIT,
                "M. Jawad Karimi Sabet": D.SPLIT,
            },
        ),
    ],
)
def test_person_fields(
    field: str, person: bool | None, expected: dict[str, NameDerivation]
) -> None:
    assert split(field, person) == expected


@pytest.mark.parametrize(
    "field",
    [
        "PJSC VTB BANK (KIEV)",  # where, not who: and "PJSC VTB BANK" is the parent bank
        "VTB BANK, PJSC (UKRAINE)",
        "AL-HARAMAIN FOUNDATION (PAKISTAN)",
        "TING SHING TAI JEWELLERY (HK) CO. LIMITED",
        "LEADER (HONG KONG) INTERNATIONAL",
        "華信船務(香港)有限公司",  # brackets inside a word
        "AKA INTEGRAL SERVICES, S. DE R.L. DE C.V.",  # a company called AKA
        "YK-AKA",  # an aircraft
        "Hussein Mansour Othman Aba ABAHUSEYIN",
        "(شركت صنعتي دريايي ايران (صدرا",  # brackets that do not balance
    ],
)
def test_qualifiers_and_plain_names_give_nothing(field: str) -> None:
    assert split_name_field(field, person=False) == []


def test_qualifier_notes_are_dropped_not_named() -> None:
    assert split("TOUS POUR LA PAIX ET LE DEVELOPPEMENT (NGO)") == {
        "TOUS POUR LA PAIX ET LE DEVELOPPEMENT": D.WITHOUT_PARENTHESES
    }
    assert split("VOLAT (GIANT)") == {"VOLAT": D.WITHOUT_PARENTHESES}  # no alias "GIANT"
    ri = split("Ri Sung Chol (aka Ri Su'ng-ch'o'l) (DPRK individual)", None)
    assert ri == {"Ri Sung Chol": D.WITHOUT_PARENTHESES, "Ri Su'ng-ch'o'l": D.AKA}


def test_short_form_must_fit_the_initials() -> None:
    # "(ISIL-SEA)" fits Islamic State in Iraq and the Levant in South-East Asia; "(SADRA)"
    # does not fit IRAN MARINE INDUSTRIAL COMPANY: a name of its own, not a short form.
    isil = split(
        "ISLAMIC STATE IN IRAQ AND THE LEVANT IN SOUTH-EAST ASIA (ISIL-SEA, ISIL-SOUTH EAST ASIA)"
    )
    assert isil["ISIL-SEA"] is D.SHORT_FORM
    assert isil["ISIL-SOUTH EAST ASIA"] is D.ALTERNATIVE
    assert split("IRAN MARINE INDUSTRIAL COMPANY (SADRA)")["SADRA"] is D.ALTERNATIVE
    # a word of the name is an organisation's short form, never a person's
    assert split("Huawei Technologies Co., Ltd. (Huawei)")["Huawei"] is D.SHORT_FORM
    assert split("GE SONG TAO (GE)", None) == {"GE SONG TAO": D.WITHOUT_PARENTHESES}


def test_kinds_and_provenance_of_derived_names() -> None:
    fields = [
        Name(
            "Precision Image Corporation (a.k.a. Precision Industries, Inc.; CK Enterprises, Inc.)"
        ),
        Name("F.K.A. Office of Scientific and Industrial Studies (OSIS)", NameKind.ALIAS),
        Name("Haj Qasem; Haji Qassem; Sardar Soleimani", NameKind.WEAK),
    ]
    names = with_derived_names(fields, person=False)
    assert names[:3] == fields  # the fields as listed stay names, first and unchanged
    by_value = {n.value: n for n in names[3:]}
    aka = by_value["CK Enterprises, Inc."]
    assert (aka.kind, aka.derived, aka.derived_from) == (NameKind.ALIAS, D.AKA, fields[0].value)
    assert by_value["Precision Image Corporation"].kind is NameKind.PRIMARY
    assert by_value["OSIS"].kind is NameKind.FORMER  # f.k.a. -> former, inside it too
    assert by_value["Sardar Soleimani"].kind is NameKind.WEAK  # a weak field stays weak


def test_inverted_person_names_get_their_parts() -> None:
    names = with_derived_names([Name("SANTOS, Ahmad (Ahmed)")], person=True, invert=True)
    variant = next(n for n in names if n.derived is D.VARIANT)
    assert (variant.value, variant.first_name, variant.last_name) == (
        "SANTOS, Ahmed",
        "Ahmed",
        "SANTOS",
    )
    assert invert_person_name("KNOWLES, JR., Samuel") is None  # not plainly LAST, First
    assert len(names) == 3  # no inverted "Ahmed SANTOS" duplicate: matching is order-free


def test_no_repeat_of_a_listed_name() -> None:
    fields = [Name("STATE PURCHASING ORGANISATION (SPO)"), Name("spo", NameKind.ALIAS)]
    derived = with_derived_names(fields, person=False)[2:]
    assert [n.value for n in derived] == ["STATE PURCHASING ORGANISATION"]


def test_derived_names_survive_the_store_format() -> None:
    names = with_derived_names([Name("STATE PURCHASING ORGANISATION (SPO)")], person=False)
    entity = Entity("uk-ofsi:10658", "Organization", Listing("uk-ofsi"), names)
    data = entity.to_dict()
    assert "derived" not in data["names"][0]  # a name as listed serialises (and hashes) as before
    assert data["names"][2]["derived"] == "short_form"
    again = Entity.from_dict(data)
    assert again == entity and again.names[2].derived is D.SHORT_FORM


_PIECES = st.sampled_from(
    [" ", "; ", " (", ")", "[", "]", ", ", " a.k.a. ", " F.K.A. ", " A/K/A ", " or ", " - ", "/",
     " b) ", "'", "original script", ": ", " entity: ", ". Affiliated Entity: ", ", including "]
)  # fmt: skip
_WORDS = st.text(alphabet="ABCDEFGHIJKabcdefghij’'-.é金Жع0123", min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(_PIECES, _WORDS), max_size=14).map("".join),
    st.sampled_from([True, False, None]),
)
def test_any_field_splits_into_names_taken_from_it(field: str, person: bool | None) -> None:
    found = split_name_field(field, person=person)
    words = set(re.findall(r"\w+", field.casefold()))
    keys = [fold(n.value) for n in found]
    assert len(keys) == len(set(keys))  # no repeats
    assert fold(field) not in keys  # never the field itself
    for name in found:
        assert name.value == name.value.strip() and sum(c.isalnum() for c in name.value) >= 2
        assert set(re.findall(r"\w+", name.value.casefold())) <= words  # made of the field's words
