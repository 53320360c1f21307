"""Screening a name against the index: candidates, scoring, secondary facts, hits.

A query is tokenised like the listed names; each token is looked up once (exactly,
then through the fuzzy keys, then verified) and the result cached, because the same
first names and surnames recur through a batch. Candidate names come from the
postings of the matched tokens, ranked by a cheap accumulated score; only the best
few are aligned in full and scored by the fitted model (match_model.py): a
probability that the query names the listed party. Birth date and country move its
log-odds; an identical identifier makes it near-certain.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import hashlib
import os
import pickle
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from clearance.matching import secondary
from clearance.matching.alignment import Alignment, Side, align
from clearance.matching.explain import describe_name_match
from clearance.matching.features import PairFacts, SideSummary, alignment_features, summarize
from clearance.matching.index import KINDS, MatchIndex
from clearance.matching.match_model import MatchModel, bundled_model, logit_of, probability
from clearance.matching.name_statistics import NameStatistics, bundled_statistics
from clearance.matching.names import NameTokens, tokenize_name
from clearance.matching.retrieval import (
    TokenLookup,
    TokenLookups,
    cached_similarity,
    candidate_names,
    query_tokens,
)
from clearance.matching.scripts import LATIN, STRICT
from clearance.matching.similarity import TokenMatch, token_similarity
from clearance.model import Entity, NameKind

DEFAULT_THRESHOLD = bundled_model().threshold
# Look-ups a person browses (search, suggest), not alerts: two log-odds more lenient.
LOOKUP_THRESHOLD = probability(logit_of(DEFAULT_THRESHOLD) - 2.0)
_PERSON_SCHEMAS = frozenset({"Person"})
_NO_SHARES = (0.0, 0.0, 0.0, 0.0)
_LISTED_CACHE = 30_000  # listed names kept ready for scoring (of about 94,000)


@dataclass(slots=True)
class Hit:
    """One listed party that matched, best name first, with reasons."""

    entity_id: str
    list: str
    name: str  # the party's caption
    matched_name: str  # which of its names matched
    score: float
    explanation: builtins.list[str]
    entity_blob: bytes = field(repr=False, compare=False)
    _entity: Entity | None = field(default=None, repr=False, compare=False)

    @property
    def entity(self) -> Entity:
        """The listed entity, unpickled on first use (most hits are never opened)."""
        if self._entity is None:
            self._entity = pickle.loads(self.entity_blob)
        return self._entity

    def to_dict(self, with_entity: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "entity_id": self.entity_id,
            "list": self.list,
            "name": self.name,
            "matched_name": self.matched_name,
            "score": round(self.score, 4),
            "explanation": list(self.explanation),
            "schema": self.entity.schema,
            "programs": list(self.entity.listing.programs),
        }
        if with_entity:
            data["entity"] = self.entity.to_dict()
        return data


# One name in each script the matcher transliterates, and a Latin one.
PRIMING_NAMES = (
    "Hikvision Digital Technology Co Ltd",
    "海康威视数字技术股份有限公司",
    "Владимир Путин",
    "محمد بن سلمان",
    "עמית כהן",
    "김정은",
    "ヤマダ タロウ",
    "Αλέξης Τσίπρας",
)


class _Scored(NamedTuple):
    logit: float
    name_idx: int
    alignment: Alignment
    features: list[float]


class _PreparedQuery(NamedTuple):
    schema: str | None
    side: Side
    summary: SideSummary
    lookups: list[TokenLookup]
    organisation: bool  # its words name a body (a legal form, "group" …)
    candidates: list[int]


class _ListedName(NamedTuple):
    vids: list[int]
    side: Side
    summary: SideSummary
    schema: str  # of the listed entity
    kind: NameKind


class ScoredName(NamedTuple):
    """One listed name scored against a query (Screener.scored_candidates)."""

    name_idx: int
    entity_idx: int
    logit: float
    features: list[float]
    retrieved: bool  # found by the candidate search (else scored on request)


def query_side(tokens: NameTokens, info: Sequence[float], kinds: Sequence[int]) -> Side:
    return Side(tokens.tokens, tokens.leniency, info, kinds, tokens.glued, tokens.scripts)


class Screener:
    """Screens names against one compiled index (one set of lists, one version)."""

    def __init__(
        self,
        index: MatchIndex,
        model: MatchModel | None = None,
        statistics: NameStatistics | None = None,
    ) -> None:
        self.index = index
        self.lookup = TokenLookups(index)
        self.model = model or bundled_model()
        self.statistics = statistics or bundled_statistics()
        self._token_facts: dict[tuple[str, str], tuple[float, int]] = {}
        self._listed_names: dict[int, _ListedName] = {}

    # -- construction -------------------------------------------------------------------

    @classmethod
    def load(cls, lists: list[str] | None = None, as_of: Any = None) -> Screener:
        """Screener over the store's lists (all, or those named) as of a date.

        The compiled index is cached per list version: the entities are read from the
        store only when no index for that version exists yet.
        """
        from clearance import store

        key = store.screening_cache_key(lists, as_of)
        return cls(cached_index(key, lambda: store.load_entities_for_screening(lists, as_of)[1]))

    # -- screening ----------------------------------------------------------------------

    def check(
        self,
        name: str,
        schema: str | None = None,
        country: str | None = None,
        birth_date: str | None = None,
        identifiers: Sequence[str] | None = None,
        limit: int = 10,
        threshold: float | None = None,
    ) -> list[Hit]:
        """Listed parties matching `name` (and the facts given), best first."""
        threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        prepared = self._prepare(name, schema)
        query_schema, query = prepared.schema, prepared.side
        best: dict[int, _Scored] = {}
        # Facts that agree can lift a name score up to the threshold: look lower for them.
        floor = secondary.lowest_liftable(logit_of(threshold), bool(birth_date), bool(country))
        for name_idx in prepared.candidates:
            scored = self._score_prepared(prepared, name_idx)
            e_idx = int(self.index.name_entity[name_idx])
            if scored.logit > floor and (e_idx not in best or scored.logit > best[e_idx].logit):
                best[e_idx] = scored
        id_keys = secondary.query_identifier_keys(list(identifiers or []))
        id_entities = {e for k in id_keys for e in self.index.identifier_index.get(k, [])}
        results: list[tuple[float, int, list[str]]] = []
        for e_idx in set(best) | id_entities:
            score, reasons = self._adjust(
                e_idx, best.get(e_idx), id_keys, query_schema, country, birth_date
            )
            if score >= threshold:
                results.append((score, e_idx, reasons))
        results.sort(key=lambda r: (-r[0], self.index.entities[r[1]].id))
        return [self._hit(query, best.get(e), e, s, r) for s, e, r in results[:limit]]

    def scored_candidates(
        self, name: str, schema: str | None = None, extra_names: Sequence[int] = ()
    ) -> list[ScoredName]:
        """Every listed name the retrieval hands the scorer for `name` (and the names
        `extra_names`, if not among them), with features and log-odds: what
        tools/fit_scorer.py fits on and the benchmarks look into."""
        prepared = self._prepare(name, schema)
        found = prepared.candidates
        retrieved = set(found)
        out = []
        for name_idx in [*found, *(n for n in extra_names if n not in retrieved)]:
            scored = self._score_prepared(prepared, name_idx)
            entity = int(self.index.name_entity[name_idx])
            out.append(
                ScoredName(name_idx, entity, scored.logit, scored.features, name_idx in retrieved)
            )
        return out

    def _prepare(self, name: str, schema: str | None) -> _PreparedQuery:
        """Everything about the query that every candidate's scoring reads, done once."""
        tokens = tokenize_name(name or "")
        self.lookup.many(query_tokens(tokens.tokens, tokens.leniency, tokens.glued))
        lookups = [self.lookup(t, lv) for t, lv in zip(tokens.tokens, tokens.leniency, strict=True)]
        side = self._query_side(tokens)
        return _PreparedQuery(
            schema=secondary.normalize_schema(schema),
            side=side,
            summary=summarize(side),
            lookups=lookups,
            organisation=secondary.names_an_organisation(tokens.tokens),
            candidates=candidate_names(
                self.lookup, tokens.tokens, tokens.leniency, tokens.glued, lookups
            ),
        )

    def _score_prepared(self, prepared: _PreparedQuery, name_idx: int) -> _Scored:
        return self._score_name(
            prepared.side,
            prepared.summary,
            prepared.lookups,
            name_idx,
            prepared.schema,
            prepared.organisation,
        )

    def _query_side(self, tokens: NameTokens) -> Side:
        """The query's words with their information (by the script each was written in,
        against the population of that script) and kind."""
        index, cache = self.index, self._token_facts
        info: list[float] = []
        kinds: list[int] = []
        for token, script in zip(tokens.tokens, tokens.scripts, strict=True):
            known = cache.get((token, script))
            if known is None:
                vid = index.vocab_ids.get(token)
                listed = index.vocab_df_list[vid] if vid is not None else 0
                known = (
                    self.statistics.information(token, script, listed),
                    int(self.statistics.kind(token, script)),
                )
                if len(cache) > 200_000:
                    cache.clear()
                cache[(token, script)] = known
            info.append(known[0])
            kinds.append(known[1])
        return query_side(tokens, info, kinds)

    def _score_name(
        self,
        query: Side,
        summary: SideSummary,
        lookups: list[TokenLookup],
        name_idx: int,
        query_schema: str | None,
        organisation: bool = False,
    ) -> _Scored:
        listed = self._listed(name_idx)
        vids, name = listed.vids, listed.side

        def pair_sim(i: int, j: int) -> TokenMatch | None:
            return lookups[i].matches.get(vids[j])

        alignment = align(query, name, pair_sim, cached_similarity)
        facts = self._pair_facts(query_schema, organisation, listed.schema, listed.kind)
        x = alignment_features(query, name, alignment, facts, summary, listed.summary)
        return _Scored(self.model.logit(x), name_idx, alignment, x)

    def _listed(self, name_idx: int) -> _ListedName:
        """What scoring reads of a listed name, built on first use and kept: the same
        names come back as candidates query after query."""
        listed = self._listed_names.get(name_idx)
        if listed is None:
            index = self.index
            vids = index.name_token_ids(name_idx)
            listed = _ListedName(
                vids,
                self._name_side(vids, name_idx),
                SideSummary(
                    index.name_info_list[name_idx],
                    index.name_counted_list[name_idx] == 1,
                    _NO_SHARES,
                ),
                index.entities.schema_of(int(index.name_entity[name_idx])),
                KINDS[int(index.name_kind[name_idx])],
            )
            if len(self._listed_names) >= _LISTED_CACHE:
                self._listed_names.clear()  # about 1 kB a name: bounded per worker
            self._listed_names[name_idx] = listed
        return listed

    @staticmethod
    @functools.cache
    def _pair_facts(
        query_schema: str | None, organisation: bool, listed_schema: str, kind: NameKind
    ) -> PairFacts:
        """What the features need beyond the two names: a few kinds of query by a few
        kinds of party and of name, each made once (a frozen dataclass is slow to make)."""
        return PairFacts(
            schema_mismatch=secondary.pair_schema_mismatch(
                query_schema, organisation, listed_schema
            ),
            listed_person=listed_schema in _PERSON_SCHEMAS,
            listed_craft=listed_schema in ("Vessel", "Airplane"),
            weak_alias=kind is NameKind.WEAK,
            former_name=kind is NameKind.FORMER,
        )

    def _name_side(self, vids: list[int], name_idx: int) -> Side:
        index = self.index
        return Side(
            [index.vocab_text[v] for v in vids],
            [STRICT] * len(vids),  # listed spellings are taken as written
            [index.vocab_info_list[v] for v in vids],
            [index.vocab_kind_list[v] for v in vids],
            index.name_glued(name_idx),
            [LATIN] * len(vids),
        )

    def _adjust(
        self,
        e_idx: int,
        scored: _Scored | None,
        id_keys: set[str],
        query_schema: str | None,
        country: str | None,
        birth_date: str | None,
    ) -> tuple[float, list[str]]:
        facts = self.index.entities[e_idx]
        reasons: list[str] = []
        logit = scored.logit if scored else -30.0
        for adjust, value in (
            (secondary.birth_date_adjustment, birth_date),
            (secondary.country_adjustment, country),
        ):
            delta, why_fact = adjust(value, facts)
            logit += delta
            if why_fact:
                reasons.append(why_fact)
        score = probability(logit)
        matched_id = secondary.identifier_match(id_keys, facts) if id_keys else None
        if matched_id:
            score = secondary.IDENTIFIER_SCORE + (1.0 - secondary.IDENTIFIER_SCORE) * score
            reasons.insert(0, f"identifier matches the listed {matched_id}")
        why = secondary.schema_reason(query_schema, facts)
        if why:
            reasons.append(why)
        return min(1.0, score), reasons

    def _hit(
        self,
        query: Side,
        scored: _Scored | None,
        e_idx: int,
        score: float,
        reasons: list[str],
    ) -> Hit:
        index = self.index
        facts = index.entities[e_idx]
        explanation: list[str] = []
        matched_name = facts.caption
        if scored is not None:
            matched_name = index.name_values[scored.name_idx]
            vids = index.name_token_ids(scored.name_idx)
            explanation = describe_name_match(
                query,
                [index.vocab_text[v] for v in vids],
                scored.alignment,
                matched_name,
                KINDS[int(index.name_kind[scored.name_idx])],
                self.model,
                scored.features,
                self._name_side(vids, scored.name_idx),
            )
        return Hit(
            entity_id=facts.id,
            list=facts.list_id,
            name=facts.caption,
            matched_name=matched_name,
            score=score,
            explanation=explanation + reasons,
            entity_blob=index.entity_blob(e_idx),
        )

    # -- comparing and batches ----------------------------------------------------------

    def compare(self, name_a: str, name_b: str, schema: str | None = None) -> float:
        """Like `compare`: the same model and statistics, the listed words' counts from
        this index where it has them."""
        return _compare(name_a, name_b, self.model, self.statistics)

    def warm(self, names: Iterable[str | None]) -> None:
        """Look up the words of many names in one pass, before checking them one by one:
        words new to this screener are then scored together, not one query at a time."""
        keys: list[tuple[str, int]] = []
        for name in names:
            t = tokenize_name(name or "")
            keys.extend(query_tokens(t.tokens, t.leniency, t.glued))
        self.lookup.many(keys)

    def prime(self) -> None:
        """Load now what the first queries would load on their way (the transliteration
        tables of each script, Han's pinyin dictionaries above all): a server does this
        once before its workers fork, rather than in each worker, mid-request."""
        for name in PRIMING_NAMES:
            self.check(name, birth_date="1970-01-01", country="cn")

    def check_many(
        self, queries: Iterable[str | dict[str, Any]], workers: int = 2, **options: Any
    ) -> list[list[Hit]]:
        """Screen many queries (names, or dicts of `check` arguments) on `workers` cores."""
        from clearance.matching.batch import run_batch

        return run_batch(self, list(queries), workers, options)


def _side(tokens: NameTokens, statistics: NameStatistics) -> Side:
    info = [
        statistics.information(t, s) for t, s in zip(tokens.tokens, tokens.scripts, strict=True)
    ]
    kinds = [int(statistics.kind(t, s)) for t, s in zip(tokens.tokens, tokens.scripts, strict=True)]
    return query_side(tokens, info, kinds)


def compare_alignment(
    name_a: str, name_b: str, statistics: NameStatistics, read_across: bool = True
) -> tuple[Side, Side, Alignment]:
    """`name_a` as the query, `name_b` as the listed name, aligned. A name written only
    in Latin letters is taken as the listed one when the other is in another script:
    lists write names in Latin, and the model reads the query's script."""
    ta, tb = tokenize_name(name_a or ""), tokenize_name(name_b or "")
    a_latin = all(s == LATIN for s in ta.scripts)
    b_latin = all(s == LATIN for s in tb.scripts)
    if a_latin and not b_latin:
        ta, tb = tb, ta
    a, b = _side(ta, statistics), _side(tb, statistics)

    def pair_sim(i: int, j: int) -> TokenMatch:
        # No query side here: the token from the more lenient script goes first.
        if ta.leniency[i] >= tb.leniency[j]:
            return token_similarity(ta.tokens[i], tb.tokens[j], ta.leniency[i])
        return token_similarity(tb.tokens[j], ta.tokens[i], tb.leniency[j])

    return a, b, align(a, b, pair_sim, read_across=read_across)


def _compare(name_a: str, name_b: str, model: MatchModel, statistics: NameStatistics) -> float:
    a, b, alignment = compare_alignment(name_a, name_b, statistics)
    if not alignment.pairs:
        return 0.0
    return probability(model.logit(alignment_features(a, b, alignment, PairFacts())))


def compare(name_a: str, name_b: str, schema: str | None = None) -> float:
    """How alike two names are, 0..1, on the scale of `Screener.check` scores: the
    probability the fitted model gives that `name_a` (a query) names the party listed
    as `name_b`, word frequencies from the bundled lists and populations."""
    return _compare(name_a, name_b, bundled_model(), bundled_statistics())


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("CLEARANCE_CACHE_DIR") or user_cache_dir("clearance"))


def cached_index(cache_key: str, entities: Any) -> MatchIndex:
    """The index for `cache_key` from the cache, or built from `entities()` and cached."""
    from clearance.matching.index import code_fingerprint

    digest = hashlib.sha256(f"{code_fingerprint()}:{cache_key}".encode()).hexdigest()[:24]
    path = cache_dir() / "match-index" / f"{digest}.pkl"
    in_use = _INDEXES_IN_USE.get(str(path))
    if in_use is not None:
        return in_use
    index = None
    if path.exists():
        # A stale or damaged cache is rebuilt.
        with contextlib.suppress(ValueError, EOFError, OSError, AttributeError, ImportError):
            index = MatchIndex.load(path)
            with contextlib.suppress(OSError):
                os.utime(path)  # used now: the last to be pruned
    if index is None:
        index = MatchIndex.build(entities())
        with contextlib.suppress(OSError):  # a read-only cache screens too, rebuilding each time
            index.save(path)
            prune_index_cache(path.parent)
    _INDEXES_IN_USE[str(path)] = index
    return index


MAX_CACHED_INDEXES = 12


def prune_index_cache(folder: Path, keep: int = MAX_CACHED_INDEXES) -> list[Path]:
    """Delete all but the `keep` most recently used indexes (and abandoned temporary files).

    Every list update and every new version of the code makes a new index (40 MB for
    all lists); without pruning the cache only grows. Returns what was deleted.
    """
    indexes = sorted(folder.glob("*.pkl"), key=_modified, reverse=True)
    stale_temporaries = [t for t in folder.glob("*.tmp") if time.time() - _modified(t) > 3600]
    deleted = []
    for path in indexes[keep:] + stale_temporaries:
        with contextlib.suppress(OSError):  # another process may have pruned it first
            path.unlink()
            deleted.append(path)
    return deleted


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# Indexes some screener of this process holds, by cache file: a second screener over
# the same list versions shares the first one's (read-only) index instead of loading
# it again, and so do the server's workers forked after the parent loaded it.
_INDEXES_IN_USE: weakref.WeakValueDictionary[str, MatchIndex] = weakref.WeakValueDictionary()
