"""Invisible characters are no part of a name: a BOM, a zero-width space, a soft hyphen or
a bidi mark pasted into a query never changes what it matches (it once made "\\ufeffPutin"
hit BELAN, Aleksey at 0.89 while "Putin" hit nothing)."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.matching import Screener, cached_index
from clearance.model.text import is_blank_name, strip_format_characters
from clearance.store import ListStore

INVISIBLE = [
    "\ufeff",  # byte order mark
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2060",  # word joiner
    "\u061c",  # Arabic letter mark
    "\ufe0f",  # variation selector 16
    "\U000e0041",  # tag latin capital letter A
]
QUERIES = [
    "Putin",
    "Vladimir Putin",
    "Higuision",
    "Hangzhou Hikvision Digital Technology Co., Ltd.",
    "Путин Владимир",
    "华为技术有限公司",
    "Kim Jong Un",
    "Al-Qaida",
]


@pytest.fixture(scope="module")
def screener(snapshot_db: str) -> Screener:
    store = ListStore.open(snapshot_db)
    key = store.screening_key(None, None)
    return Screener(cached_index(key, lambda: list(store.entities(None, None))))


def _result(screener: Screener, name: str) -> list[tuple[str, float, str]]:
    return [(h.entity_id, round(h.score, 6), h.matched_name) for h in screener.check(name)]


def test_every_format_character_of_this_python_is_removed() -> None:
    every_cf = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert strip_format_characters("a" + "".join(every_cf) + "b") == "ab"
    # Letters, marks and spaces stay: "é" decomposed, Arabic, Han, a tab.
    kept = "Jose\u0301 \u0645\u062d\u0645\u062f\t\u534e\u4e3a"
    assert strip_format_characters(kept) == kept


def test_a_bom_before_putin_matches_what_putin_matches(screener: Screener) -> None:
    plain = _result(screener, "Putin")
    assert _result(screener, "\ufeffPutin") == plain
    assert "BELAN" not in " ".join(m for _, _, m in _result(screener, "\ufeffPutin"))


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    query=st.sampled_from(QUERIES),
    insertions=st.lists(
        st.tuples(st.integers(min_value=0, max_value=60), st.sampled_from(INVISIBLE)),
        min_size=1,
        max_size=4,
    ),
)
def test_inserting_invisible_characters_anywhere_never_changes_a_result(
    screener: Screener, query: str, insertions: list[tuple[int, str]]
) -> None:
    garbled = query
    for position, char in insertions:
        at = position % (len(garbled) + 1)
        garbled = garbled[:at] + char + garbled[at:]
    assert _result(screener, garbled) == _result(screener, query)


@pytest.mark.parametrize("name", ["", "   ", "\ufeff", "\u200b \u200e\t", None])
def test_names_with_nothing_visible_are_blank(name: str | None) -> None:
    assert is_blank_name(name)


def test_a_visible_name_is_not_blank() -> None:
    assert not is_blank_name("\ufeffX")
