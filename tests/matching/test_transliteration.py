"""The learned transliteration costs: a true reading is cheap, a near miss dear, and the
shipped table says which data made it."""

from __future__ import annotations

import hashlib
import json
import random

from clearance.matching.features import INDEX, PairFacts, alignment_features
from clearance.matching.name_statistics import bundled_statistics
from clearance.matching.names import tokenize_name
from clearance.matching.screener import compare_alignment
from clearance.matching.scripts import LATIN
from clearance.matching.transliteration import (
    COSTS_FILE,
    MAX_COST,
    EditCosts,
    bundled_costs,
    cheapest_path,
    transliteration_cost,
)
from tests.conftest import BENCH
from tools.scorer.translit import read_pairs, split_of

WIKIDATA = BENCH / "transliteration_wikidata"


def _word(text: str) -> tuple[str, str]:
    tokens = tokenize_name(text)
    script = next((s for s in tokens.scripts if s != LATIN), LATIN)
    return script, "".join(t for t in tokens.tokens if t.isalpha())


def test_cheapest_path_spells_out_its_edits() -> None:
    costs = EditCosts(
        {"a>a": 0.0, "t>ch": 0.5}, {"del": 2.0, "ins": 2.0, "sub": 2.0, "sub12": 3.0, "sub21": 3.0}
    )
    total, edits = cheapest_path(costs, "ata", "acha")
    assert edits == [("a", "a"), ("t", "ch"), ("a", "a")]
    assert total == 0.5
    total, edits = cheapest_path(costs, "ab", "a")
    assert (total, edits) == (2.0, [("a", "a"), ("b", "")])


def test_habits_of_each_script_are_cheap_and_strangers_dear() -> None:
    # Polivanov's Russian spelling of Japanese names: ти is "chi", си is "shi".
    script, romanised = _word("итибоси")
    assert transliteration_cost(script, romanised, "ichiboshi") < 1.5
    assert transliteration_cost(script, romanised, "ichiboshi") < transliteration_cost(
        script, romanised, "ishibashi"
    )
    assert transliteration_cost(script, romanised, romanised) == 0.0
    assert transliteration_cost(script, romanised, "zzzzzzzz") == MAX_COST


def test_true_pairs_cost_less_than_near_misses_on_the_held_out_half() -> None:
    """On Wikidata pairs the costs were not learned from, a word's own Latin spelling
    costs less than another Latin name drawn at random for most pairs of every script."""
    rng = random.Random(3)
    for script_file in ("russian", "arabic", "korean", "chinese"):
        pairs = [p for p in read_pairs(WIKIDATA, script_file) if split_of(p[0]) == "validation"]
        pairs = rng.sample(pairs, 150)
        latins = [latin for latin, _ in pairs]
        wins = 0
        for latin, other in pairs:
            script, romanised = _word(other)
            stranger = _word(rng.choice(latins))[1]
            own = transliteration_cost(script, romanised, _word(latin)[1])
            wins += own < transliteration_cost(script, romanised, stranger)
        assert wins / len(pairs) > 0.85, script_file


def test_costs_file_names_the_data_that_made_it() -> None:
    data = json.loads(COSTS_FILE.read_text(encoding="utf-8"))
    for name, digest in data["data_sha256"].items():
        if name.startswith("wd_"):
            assert hashlib.sha256((WIKIDATA / name).read_bytes()).hexdigest() == digest
    assert len(data["data_sha256"]["snapshot manifest"]) == 64
    assert {"Cyrl", "Arab", "Hani", "*"} <= set(bundled_costs())


def test_cross_cost_is_weighed_only_across_scripts() -> None:
    statistics = bundled_statistics()
    a, b, alignment = compare_alignment("Vladimir Putin", "Vladimir Putin", statistics)
    x = alignment_features(a, b, alignment, PairFacts())
    assert x[INDEX["cross_cost"]] == 0.0
    a, b, alignment = compare_alignment("Владимир Путин", "Vladimir Poutine", statistics)
    x = alignment_features(a, b, alignment, PairFacts())
    assert x[INDEX["cross_cost"]] > 0.0
    assert 0.0 < x[INDEX["cross_cost_worst"]] <= MAX_COST
