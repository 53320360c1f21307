"""Screening against every bundled list: the peers' failures, facts, explanations."""

from __future__ import annotations

import hashlib
import pickle

import pytest

from clearance.matching import DEFAULT_THRESHOLD, Hit, MatchIndex, Screener, cached_index
from clearance.matching.index import code_fingerprint
from clearance.matching.match_model import logit_of
from clearance.matching.screener import cache_dir
from clearance.model import Entity, Listing, Name, NameKind, PartialDate

pytestmark = pytest.mark.slow

HIKVISION = "ofac-nonsdn:30946"
PUTIN = "ofac-sdn:35096"


def _first(hits: list[Hit]) -> Hit:
    assert hits, "no hit"
    return hits[0]


@pytest.mark.parametrize(
    "query",
    ["Higuision", "Higvision", "Hik Vision", "Hikvision",
     "Hangzhou Hikvision Digital Technology Company Limited"],
)  # fmt: skip
def test_hikvision_spellings_find_hikvision_first(all_lists: Screener, query: str) -> None:
    hits = all_lists.check(query, limit=20)
    top = _first(hits)
    assert "HIKVISION" in top.name.upper()
    assert top.score >= DEFAULT_THRESHOLD
    assert HIKVISION in {h.entity_id for h in hits}


def test_short_alias_inside_long_legal_name_is_reached(all_lists: Screener) -> None:
    hit = next(h for h in all_lists.check("Higuision", limit=20) if h.entity_id == HIKVISION)
    assert hit.matched_name == "HIKVISION"
    assert hit.name == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert any("higuision ~ hikvision" in line for line in hit.explanation)


def test_cyrillic_putin_finds_putin(all_lists: Screener) -> None:
    hits = all_lists.check("Путин Владимир Владимирович")
    assert PUTIN in {h.entity_id for h in hits}
    assert "PUTIN" in _first(hits).name.upper()


@pytest.mark.parametrize(
    ("query", "listed"),
    [("George Bush", "HABBASH"), ("emma daniels", "EMMA"), ("BELLETECH CORP", "11420")],
)
def test_peer_false_positives_stay_below_threshold(
    all_lists: Screener, query: str, listed: str
) -> None:
    for hit in all_lists.check(query, limit=50):
        assert listed not in hit.matched_name.upper(), hit.explanation


def test_lone_generic_words_match_nothing(all_lists: Screener) -> None:
    assert all_lists.check("CORP") == []
    assert all_lists.check("Trading") == []
    assert all_lists.check("LLC") == []


def test_identifier_alone_is_near_certain(all_lists: Screener) -> None:
    hits = all_lists.check("Some Other Name", identifiers=["CNE100000PM8"])
    hit = next(h for h in hits if h.entity_id == HIKVISION)
    assert hit.score >= 0.97
    assert any("CNE100000PM8" in line for line in hit.explanation)


def test_birth_date_agreeing_lifts_and_disagreeing_sinks(all_lists: Screener) -> None:
    def score(**facts: str) -> float:
        hits = all_lists.check("Wladimir Poutin", threshold=0.3, **facts)
        return next(h.score for h in hits if h.entity_id == PUTIN)

    plain = score()
    assert score(birth_date="1952-10-07") > plain
    assert score(birth_date="1990-01-01") < plain - 0.1
    agreeing = all_lists.check("Putin Vladimir", birth_date="1952-10-07")
    assert any("birth date 1952-10-07 agrees" in line for line in _first(agreeing).explanation)


def test_country_and_kind_of_party_move_the_score(all_lists: Screener) -> None:
    def score(**facts: str) -> float:
        hits = all_lists.check("Putin Vladimir Vladimirovich", threshold=0.3, **facts)
        return next(h.score for h in hits if h.entity_id == PUTIN)

    plain = score()
    assert score(country="RU") >= plain
    assert score(country="BR") < plain
    # Another kind of party is no match by rule (yente's matchable schemata), and a
    # query whose words name a body ("… Group") is not a listed person.
    vessel = all_lists.check("Putin Vladimir Vladimirovich", threshold=0.01, schema="vessel")
    assert PUTIN not in {h.entity_id for h in vessel}
    group = all_lists.check("Putin Vladimir Vladimirovich Group", threshold=0.01)
    assert PUTIN not in {h.entity_id for h in group}
    # Scores are probabilities: near 1 the facts move the log-odds, not the score itself.
    assert logit_of(score(country="BR")) < logit_of(plain) - 0.25
    assert score(schema="person") == pytest.approx(plain)


def test_explanation_names_what_met_what(all_lists: Screener) -> None:
    hit = _first(all_lists.check("Vladimir Putin"))
    text = " | ".join(hit.explanation)
    assert "putin = putin (exact)" in text
    assert "vladimir = vladimir (exact)" in text
    hit = _first(all_lists.check("Jon Kim Un"))
    assert hit.explanation[0].startswith("name ")


def test_hit_to_dict_is_json_ready(all_lists: Screener) -> None:
    import json

    data = _first(all_lists.check("Hikvision")).to_dict()
    assert set(data) >= {"entity_id", "list", "name", "matched_name", "score", "explanation"}
    json.dumps(data)


def test_check_many_equals_check(all_lists: Screener) -> None:
    queries = ["Higuision", "Vladimir Putin", "emma daniels"] * 200
    batch = all_lists.check_many(queries, workers=2)
    assert len(batch) == len(queries)
    for q, hits in zip(queries[:3], batch[:3], strict=True):
        assert [h.entity_id for h in hits] == [h.entity_id for h in all_lists.check(q)]
    assert [h.entity_id for h in batch[-3]] == [h.entity_id for h in batch[0]]


def test_results_survive_pickling_and_load_the_entity(all_lists: Screener) -> None:
    hit = _first(all_lists.check("Hikvision"))
    again = pickle.loads(pickle.dumps(hit))
    assert isinstance(again.entity, Entity)
    assert again.entity.id == hit.entity_id


def _entity(eid: str, names: list[tuple[str, NameKind]], schema: str = "Person") -> Entity:
    return Entity(
        id=eid,
        schema=schema,
        listing=Listing(list_id=eid.split(":")[0]),
        names=[Name(v, k) for v, k in names],
        birth_dates=[PartialDate("1970-01-01")],
    )


def test_small_index_round_trip_and_weak_aliases(tmp_path: pytest.TempPathFactory) -> None:
    entities = [
        _entity("t:1", [("Ivan Petrovich SIDOROV", NameKind.PRIMARY), ("Vanya", NameKind.WEAK)]),
        _entity("t:2", [("Vanya Trading LLC", NameKind.PRIMARY)], "Company"),
        _entity("t:3", [("ACME 1 LLC", NameKind.PRIMARY)], "Company"),
    ]
    index = MatchIndex.build(entities)
    path = tmp_path / "index.pkl"  # type: ignore[operator]
    index.save(path)
    screener = Screener(MatchIndex.load(path))
    weak = next(h for h in screener.check("Vanya", threshold=0.1) if h.entity_id == "t:1")
    assert weak.score < 0.95  # a weak alias counts less
    assert any("weak alias" in line for line in weak.explanation)
    assert [h.entity_id for h in screener.check("ACME 1 LLC")] == ["t:3"]
    assert screener.check("ACME 2 LLC") == []
    assert _first(screener.check("Sidorov Ivan")).entity_id == "t:1"


def test_damaged_index_file_is_refused(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "bad.pkl"  # type: ignore[operator]
    path.write_bytes(pickle.dumps({"format": -1}))
    with pytest.raises(ValueError, match="not a match index"):
        MatchIndex.load(path)


def test_cut_short_or_empty_index_file_is_refused_and_rebuilt(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The arrays and entities follow the pickle in the file and are mapped, not read:
    a file cut short (a full disk) or empty is refused, and the cache rebuilds it."""
    index = MatchIndex.build([_entity("t:1", [("Ivan SIDOROV", NameKind.PRIMARY)])])
    path = tmp_path / "cut.pkl"  # type: ignore[operator]
    index.save(path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 100])
    with pytest.raises(ValueError, match="cut short"):
        MatchIndex.load(path)
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="not a match index"):
        MatchIndex.load(path)
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path))
    digest = hashlib.sha256(f"{code_fingerprint()}:key".encode()).hexdigest()[:24]
    cached = cache_dir() / "match-index" / f"{digest}.pkl"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(whole[:50])
    rebuilt = cached_index("key", lambda: [_entity("t:9", [("Olga PETROVA", NameKind.PRIMARY)])])
    assert rebuilt.entities[0].id == "t:9"
    assert MatchIndex.load(cached).entities[0].id == "t:9"  # the good index replaced it


def test_mapped_index_pickles_whole_and_screens_the_same(
    tmp_path: pytest.TempPathFactory,
) -> None:
    """A worker started by spawn gets the index pickled: the mapped entity bytes travel
    as bytes, and the copy screens as the original does."""
    entities = [
        _entity("t:1", [("Ivan Petrovich SIDOROV", NameKind.PRIMARY)]),
        _entity("t:2", [("Vanya Trading LLC", NameKind.PRIMARY)], "Company"),
    ]
    path = tmp_path / "index.pkl"  # type: ignore[operator]
    MatchIndex.build(entities).save(path)
    mapped = MatchIndex.load(path)
    assert not mapped.name_tokens.flags.writeable  # read in place from the file
    copy = pickle.loads(pickle.dumps(mapped))
    for query in ("Sidorov Ivan", "Vanya Trading"):
        assert [(h.entity_id, h.score) for h in Screener(copy).check(query)] == [
            (h.entity_id, h.score) for h in Screener(mapped).check(query)
        ]
    assert copy.entity(1).id == mapped.entity(1).id == "t:2"


def test_screener_load_reads_the_store_and_caches_the_index(
    snapshot_db: str, tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_DB", snapshot_db)
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path))
    screener = Screener.load(lists=["un-sc"])
    assert {h.list for h in screener.check("ABDULHAI SALEK")} == {"un-sc"}
    cached = list((tmp_path / "match-index").glob("*.pkl"))  # type: ignore[operator]
    assert len(cached) == 1
    again = Screener.load(lists=["un-sc"])  # from the cache this time
    assert len(again.index) == len(screener.index)


def test_two_writers_of_one_index_leave_a_whole_file(tmp_path: pytest.TempPathFactory) -> None:
    """Two workers may build the same index after a list update and save it together."""
    import threading

    index = MatchIndex.build([_entity("t:1", [("Ivan SIDOROV", NameKind.PRIMARY)])])
    path = tmp_path / "same.pkl"  # type: ignore[operator]
    writers = [threading.Thread(target=index.save, args=(path,)) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert len(MatchIndex.load(path)) == 1
    assert [p.name for p in path.parent.iterdir()] == ["same.pkl"]  # no temporary left


def test_the_index_cache_keeps_the_most_recently_used(tmp_path: pytest.TempPathFactory) -> None:
    import os
    import time

    from clearance.matching.screener import MAX_CACHED_INDEXES, prune_index_cache

    folder = tmp_path  # type: ignore[assignment]
    now = time.time()
    for n in range(MAX_CACHED_INDEXES + 3):  # index n last used n hours ago
        path = folder / f"{n:02d}.pkl"
        path.write_bytes(b"x")
        os.utime(path, (now - n * 3600, now - n * 3600))
    abandoned = folder / "00.pkl.123.456.tmp"
    abandoned.write_bytes(b"x")
    os.utime(abandoned, (now - 7200, now - 7200))
    being_written = folder / "01.pkl.789.1.tmp"
    being_written.write_bytes(b"x")
    deleted = prune_index_cache(folder)
    assert sorted(p.name for p in deleted) == ["00.pkl.123.456.tmp", "12.pkl", "13.pkl", "14.pkl"]
    assert being_written.exists()
    assert len(list(folder.glob("*.pkl"))) == MAX_CACHED_INDEXES
