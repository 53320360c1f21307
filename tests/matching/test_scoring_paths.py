"""The screener's scoring, with its cached listed names, against the scorer's parts
called from scratch: the same log-odds, pair by pair, on real queries (issue 14)."""

from __future__ import annotations

import csv
from typing import Any

import pytest

from clearance.matching import Screener
from clearance.matching import screener as screener_module
from clearance.matching.alignment import Side, align
from clearance.matching.features import PairFacts, SideSummary, alignment_features
from clearance.matching.index import KINDS
from clearance.matching.retrieval import cached_similarity
from clearance.matching.scripts import LATIN, STRICT
from clearance.matching.similarity import TokenMatch
from clearance.model import NameKind
from tests.conftest import SHARED

pytestmark = pytest.mark.slow
FIXTURES = SHARED / "bench" / "yente_candidate_fixtures"
NEGATIVES = 1000  # of negatives_global.csv, after the UN positives


def _names(file: str, limit: int | None = None) -> list[str]:
    with (FIXTURES / file).open(encoding="utf-8") as f:
        return [row["full_name"] for row in csv.DictReader(f)][:limit]


def _from_scratch(screener: Screener, prepared: Any, name_idx: int) -> float:
    """The log-odds of one pair, every listed fact read afresh from the index."""
    index = screener.index
    vids = index.name_token_ids(name_idx)
    listed = Side(
        [index.vocab_text[v] for v in vids],
        [STRICT] * len(vids),
        [index.vocab_info_list[v] for v in vids],
        [index.vocab_kind_list[v] for v in vids],
        index.name_glued(name_idx),
        [LATIN] * len(vids),
    )

    def pair_sim(i: int, j: int) -> TokenMatch | None:
        return prepared.lookups[i].matches.get(vids[j])

    alignment = align(prepared.side, listed, pair_sim, cached_similarity)
    schema = index.entities.schema_of(int(index.name_entity[name_idx]))
    kind = KINDS[int(index.name_kind[name_idx])]
    facts = PairFacts(
        schema_mismatch=prepared.organisation and schema == "Person",
        listed_person=schema == "Person",
        listed_craft=schema in ("Vessel", "Airplane"),
        weak_alias=kind is NameKind.WEAK,
        former_name=kind is NameKind.FORMER,
    )
    summary = SideSummary(
        index.name_info_list[name_idx], index.name_counted_list[name_idx] == 1, (0.0,) * 4
    )
    x = alignment_features(prepared.side, listed, alignment, facts, prepared.summary, summary)
    return screener.model.logit(x)


def test_cached_listed_names_score_as_built_afresh(
    all_lists: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every candidate of the UN positives and 1,000 negatives: the log-odds of the
    screener (its listed names cached, the cache emptied and refilled on the way) equal
    those computed from the index alone, bit for bit."""
    monkeypatch.setattr(screener_module, "_LISTED_CACHE", 500)
    screener = Screener(all_lists.index)
    queries = _names("positives_un_treated.csv") + _names("negatives_global.csv", NEGATIVES)
    pairs = 0
    for name in queries:
        prepared = screener._prepare(name, None)
        for scored in screener.scored_candidates(name):
            assert scored.logit == _from_scratch(screener, prepared, scored.name_idx), name
            pairs += 1
    assert pairs > 10_000  # the candidates of every query were compared
    assert 0 < len(screener._listed_names) <= 500
