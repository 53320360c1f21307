"""Labelled pairs mined from the lists themselves, for the fit and the benchmark.

Queries, each with the entity it truly names (or none):
- alias: one name of a listed entity, as the list spells it; its other names are the
  true matches (a Cyrillic or Arabic name against its Latin aliases is a cross-script
  query);
- variant: a name of a listed entity changed the way names reach a screening system
  (a typo, a dropped or added part, an abbreviation, an initial, a legal form spelled
  out or left out, two words joined or split); `variants.py` makes them;
- yente: the UN positives of ../shared/bench (as spelled and with typos);
- population: innocent names of Faker's locales, whose every candidate is false.

Each query goes through the real retrieval and scorer (`Screener.scored_candidates`):
its candidates from the true entity are positives, candidates of other entities of
the same list (and, on the Consolidated Screening List, the same part of it) that
share no name with it are negatives. Two records of one party on two governments'
lists are neither: their link is the held-out evaluation's business, never read here;
within one list each entry is its own party. A candidate with the very words of the
query, or (in Latin) with every word met, is no negative either (two parties with one
name, up to its spelling, cannot be told apart by name),
and a true name the candidate search does not hand the scorer is no positive (it is
another name of the party, not a spelling of this one, or the search's miss).
Entities are split into train and validation by groups of entities that share a
name, so that no party is on both sides.
"""

from __future__ import annotations

import csv
import hashlib
import multiprocessing as mp
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from clearance.matching.features import INDEX
from clearance.matching.index import KINDS
from clearance.matching.name_statistics import TokenKind
from clearance.matching.screener import Screener
from clearance.model import NameKind
from tools.scorer.population import population
from tools.scorer.variants import VARIANT_KINDS, make_variant

_WEAK = KINDS.index(NameKind.WEAK)
_IDENTICAL = INDEX["identical"]
_COMPLETE = INDEX["complete"]
VALIDATION_SHARE = 5  # one group in five is held out
NEGATIVES_PER_QUERY = 10  # the hardest by the current model, plus one at random
POSITIVES_PER_QUERY = 5  # an entity with forty aliases is one party, not forty


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    source: str  # "alias", "alias-cross-script", "variant:typo", "yente", "population:ko_KR"
    split: str  # "train" or "validation"
    want: int = -1  # the entity the query truly names (index position), -1 for none
    schema: str | None = None
    extra: tuple[int, ...] = ()  # the true entity's names, scored even if not retrieved
    own: tuple[int, ...] = ()  # names that are the query itself (not a pair to learn from)


@dataclass
class PairTable:
    """One row per (query, listed name) pair."""

    features: np.ndarray  # float32, rows x FEATURES
    label: np.ndarray  # int8: 1 a true match, 0 not
    query: np.ndarray  # int32: position in `queries`
    name_idx: np.ndarray  # int32
    logit: np.ndarray  # float32, under the model the pairs were mined with
    retrieved: np.ndarray  # bool
    queries: list[Query]


def written_in_latin(text: str) -> bool:
    """No letter beyond the Latin blocks (accents are Latin)."""
    return all(ord(c) < 0x370 or not c.isalpha() for c in text)


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


class EntityGroups:
    """Entities tied by a shared name of two or more distinctive words (one party on two
    lists, or two parties with one name): the unit of the train/validation split. Also
    which part of which list each entity is on: negatives come from the same part."""

    def __init__(self, screener: Screener) -> None:
        index = screener.index
        n = len(index)
        self.part = [_list_part(index, e) for e in range(n)]
        parent = list(range(n))

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        by_key: dict[tuple[str, ...], int] = {}
        for name_idx in range(len(index.name_values)):
            vids = index.name_token_ids(name_idx)
            words = sorted(
                index.vocab_text[v]
                for v in vids
                if index.vocab_kind_list[v]
                in (TokenKind.OTHER, TokenKind.GIVEN, TokenKind.PATRONYMIC)
            )
            if len(words) < 2 and not (words and len(words[0]) >= 6):
                continue
            key = tuple(words)
            entity = int(index.name_entity[name_idx])
            if key in by_key:
                a, b = find(entity), find(by_key[key])
                if a != b:
                    parent[a] = b
            else:
                by_key[key] = entity
        self.root = [find(e) for e in range(n)]
        self._ids = [index.entities[e].id for e in range(n)]

    def split(self, entity: int) -> str:
        root_id = self._ids[self.root[entity]]
        return "validation" if stable_hash(root_id) % VALIDATION_SHARE == 0 else "train"

    def same(self, a: int, b: int) -> bool:
        return self.root[a] == self.root[b]

    def comparable(self, query_entity: int, candidate: int) -> bool:
        """Whether `candidate` is surely another party than `query_entity`."""
        return self.part[query_entity] == self.part[candidate] and not self.same(
            query_entity, candidate
        )


def _list_part(index: Any, entity: int) -> str:
    facts = index.entities[entity]
    if facts.list_id != "us-csl":
        return facts.list_id
    return "us-csl/" + (index.entity(entity).listing.sub_list or "")


def entity_names(screener: Screener) -> list[list[int]]:
    """Name positions of each entity."""
    out: list[list[int]] = [[] for _ in range(len(screener.index))]
    for name_idx, entity in enumerate(screener.index.name_entity.tolist()):
        out[entity].append(name_idx)
    return out


def _schema_of(screener: Screener, entity: int, rng: random.Random) -> str | None:
    """Half the queries say what kind of party they are, as screening files do."""
    if rng.random() < 0.5:
        return None
    schema = screener.index.entities.schema_of(entity)
    return {"Person": "person", "Vessel": "vessel", "Airplane": "aircraft"}.get(
        schema, "organization"
    )


def _token_key(screener: Screener, name_idx: int) -> tuple[str, ...]:
    index = screener.index
    return tuple(sorted(index.vocab_text[v] for v in index.name_token_ids(name_idx)))


def alias_queries(
    screener: Screener, groups: EntityGroups, seed: int, names_per_entity: int = 3
) -> list[Query]:
    """Each entity's names against its others (entities with two or more names)."""
    rng = random.Random(seed)
    index = screener.index
    out: list[Query] = []
    for entity, names in enumerate(entity_names(screener)):
        keys = {n: _token_key(screener, n) for n in names}
        distinct = list({keys[n]: n for n in names}.values())
        if len(distinct) < 2:
            continue
        picks = rng.sample(distinct, min(names_per_entity, len(distinct)))
        for name_idx in picks:
            if index.name_kind[name_idx] == _WEAK:
                continue
            value = index.name_values[name_idx]
            own = tuple(n for n in names if keys[n] == keys[name_idx])
            cross = any(ord(c) > 0x36F and c.isalpha() for c in value)
            out.append(
                Query(
                    value,
                    "alias-cross-script" if cross else "alias",
                    groups.split(entity),
                    entity,
                    _schema_of(screener, entity, rng),
                    tuple(n for n in names if n not in own),
                    own,
                )
            )
    return out


def variant_queries(
    screener: Screener, groups: EntityGroups, seed: int, per_kind: int = 3000
) -> list[Query]:
    """Listed names changed as names reach screening systems (variants.py)."""
    rng = random.Random(seed)
    index = screener.index
    names_of = entity_names(screener)
    strong = [n for n in range(len(index.name_values)) if index.name_kind[n] != _WEAK]
    out: list[Query] = []
    for kind in VARIANT_KINDS:
        made = tries = 0
        while made < per_kind and tries < per_kind * 20:
            tries += 1
            name_idx = rng.choice(strong)
            entity = int(index.name_entity[name_idx])
            schema = index.entities.schema_of(entity)
            text = make_variant(kind, index.name_values[name_idx], schema, rng)
            if text is None:
                continue
            made += 1
            out.append(
                Query(
                    text,
                    f"variant:{kind}",
                    groups.split(entity),
                    entity,
                    _schema_of(screener, entity, rng),
                    tuple(names_of[entity]),
                )
            )
    return out


def yente_queries(
    screener: Screener, groups: EntityGroups, fixtures: Path, expected: Sequence[int | None]
) -> list[Query]:
    """The UN positives of ../shared/bench, with the UN entry each names."""
    names_of = entity_names(screener)
    out: list[Query] = []
    for file, source in (
        ("positives_un_untreated.csv", "yente"),
        ("positives_un_treated.csv", "yente-treated"),
    ):
        with (fixtures / file).open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row, want in zip(rows, expected, strict=True):
            if want is None:
                continue
            out.append(
                Query(
                    row["full_name"], source, groups.split(want), want, None, tuple(names_of[want])
                )
            )
    return out


def population_queries(
    locales: Iterable[str], per_locale: int, seed: int, split: str
) -> list[Query]:
    rng = random.Random(seed)
    out = []
    for person in population(tuple(locales), per_locale, seed, non_latin_factor=4):
        schema = None
        if rng.random() < 0.5:
            schema = "person" if person.kind == "person" else "organization"
        out.append(Query(person.name, f"population:{person.locale}", split, -1, schema))
    return out


# -- scoring every query through the real retrieval and scorer ---------------------------

_worker: tuple[Screener, EntityGroups] | None = None


def _mine_chunk(queries: list[Query]) -> list[tuple[int, int, int, float, list[float], bool]]:
    """(query position in chunk, name, label, logit, features, retrieved) rows."""
    assert _worker is not None
    screener, groups = _worker
    rng = random.Random(len(queries))
    rows: list[tuple[int, int, int, float, list[float], bool]] = []
    names = screener.index.name_values
    for k, q in enumerate(queries):
        scored = screener.scored_candidates(q.text, q.schema, q.extra)
        if written_in_latin(q.text):
            # A listed name in another script is matched as written (its Latin aliases
            # are what a Latin query meets): no pair to learn from.
            scored = [s for s in scored if written_in_latin(names[s.name_idx])]
        own = set(q.own)
        if q.want < 0 and any(s.features[_IDENTICAL] for s in scored):
            continue  # an innocent name that is a listed name: not innocent after all
        positives, negatives = [], []
        for s in scored:
            if s.name_idx in own:
                continue
            if q.want >= 0 and s.entity_idx == q.want:
                if s.retrieved:
                    positives.append(s)
            elif s.features[_IDENTICAL] or s.features[_COMPLETE]:
                continue  # one name up to its spelling (in Latin: across scripts it is the
                # transliteration that agrees, and common names do that by chance)
            elif q.want < 0 or groups.comparable(q.want, s.entity_idx):
                negatives.append(s)
        negatives.sort(key=lambda s: -s.logit)
        keep = negatives[:NEGATIVES_PER_QUERY]
        rest = negatives[NEGATIVES_PER_QUERY:]
        if rest:
            keep.append(rng.choice(rest))
        if len(positives) > POSITIVES_PER_QUERY:
            positives = rng.sample(positives, POSITIVES_PER_QUERY)
        for s in positives:
            rows.append((k, s.name_idx, 1, s.logit, s.features, s.retrieved))
        for s in keep:
            rows.append((k, s.name_idx, 0, s.logit, s.features, s.retrieved))
    return rows


def _init(state: Any) -> None:
    global _worker
    if state is not None:
        _worker = state


def mine(
    screener: Screener, groups: EntityGroups, queries: list[Query], workers: int = 2
) -> PairTable:
    """Score every query's candidates; the pairs with their labels and features."""
    global _worker
    _worker = (screener, groups)
    chunks = [queries[i : i + 500] for i in range(0, len(queries), 500)]
    if workers > 1 and "fork" in mp.get_all_start_methods():
        with mp.get_context("fork").Pool(workers, initializer=_init, initargs=(None,)) as pool:
            parts = pool.map(_mine_chunk, chunks)
    else:
        parts = [_mine_chunk(c) for c in chunks]
    feats, label, query, name_idx, logit, retrieved = [], [], [], [], [], []
    for c, rows in enumerate(parts):
        for k, n, y, lg, x, r in rows:
            feats.append(x)
            label.append(y)
            query.append(c * 500 + k)
            name_idx.append(n)
            logit.append(lg)
            retrieved.append(r)
    _worker = None
    return PairTable(
        np.asarray(feats, dtype=np.float32).reshape(len(feats), -1),
        np.asarray(label, dtype=np.int8),
        np.asarray(query, dtype=np.int32),
        np.asarray(name_idx, dtype=np.int32),
        np.asarray(logit, dtype=np.float32),
        np.asarray(retrieved, dtype=bool),
        queries,
    )
