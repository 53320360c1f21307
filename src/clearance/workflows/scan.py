"""Listed parties mentioned in free text: news, invoices, shipping documents.

The matcher scores names; this module decides which spans of a text are names and
which hits are mentions:

1. Candidate spans are n-grams of runs of capitalised words (`text_spans`). Each
   distinct span is checked once; a span whose best hit reaches the threshold is a
   *match*. Overlapping matches keep the best score, then the longer span.
2. A capitalised word below the threshold can still refer to a party *confirmed*
   in the same text (a machine translation writes "Higgins’ cameras" for
   "Hikvision's cameras"). It is accepted as *probable* only on evidence: it
   resembles the confirmed party's names or the spellings the text itself used,
   it stands near a confirmed mention or shares its context words, and nothing
   marks it as a person's name (a title, a first name before it). Each such
   decision, taken or refused, is explained in words.

Spans are character offsets into the text given (for HTML, PDF and DOCX: into the
text `documents` extracted).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clearance.effects import Activity
from clearance.workflows.party_effects import PartyEffects, PartySource, store_of
from clearance.workflows.text_spans import (
    STOPWORDS,
    Candidate,
    Word,
    candidates_of,
    context_words,
    is_title,
    words_of,
)

PROBABLE_MIN_SIMILARITY = 0.55  # resemblance needed before context is even weighed
PROBABLE_NEAR_WORDS = 250  # "near a confirmed mention": within this many words
PROBABLE_STRONG_SIMILARITY = 0.75  # close enough that nearness alone suffices
SERIAL_BELOW = 64  # fewer distinct spans than this: no worker processes


@dataclass
class Mention:
    """A listed party named in the text, with where, how sure, and what it means."""

    text: str  # as written
    start: int
    end: int
    entity_id: str
    name: str  # the party's caption
    matched_name: str
    score: float
    decision: str  # "match" (the matcher's score reached the threshold) or "probable"
    explanation: list[str]
    lists: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)  # effect kinds of every listing
    verdict: str | None = None  # for the activity asked
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "entity_id": self.entity_id,
            "name": self.name,
            "matched_name": self.matched_name,
            "score": round(self.score, 4),
            "decision": self.decision,
            "lists": self.lists,
            "effects": self.effects,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "explanation": self.explanation,
        }


@dataclass
class Considered:
    """A word that resembled a confirmed party but was not accepted, and why not."""

    text: str
    start: int
    end: int
    entity_id: str
    similarity: float
    reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "entity_id": self.entity_id,
            "similarity": round(self.similarity, 4),
            "reasons": self.reasons,
        }


@dataclass
class ScanResult:
    mentions: list[Mention]
    considered: list[Considered]
    words: int
    spans_checked: int
    seconds: float

    @property
    def parties(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for m in self.mentions:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "spans_checked": self.spans_checked,
            "seconds": round(self.seconds, 4),
            "mentions": [m.to_dict() for m in self.mentions],
            "considered": [c.to_dict() for c in self.considered],
        }


def _similarity(a: str, b: str) -> float:
    """The matcher's own name-to-name score (no matching logic of our own)."""
    from clearance.matching import compare

    result = compare(a, b)
    score = getattr(result, "score", result)
    return float(score)


def _best_hits(
    screener: Any, texts: list[str], threshold: float | None, workers: int
) -> dict[str, Any]:
    """Best hit per distinct span text, or nothing below the threshold."""
    if not texts:
        return {}
    queries = [{"name": t, "limit": 1, "threshold": threshold} for t in texts]
    check_many = getattr(screener, "check_many", None)
    if check_many is not None and workers > 1 and len(texts) >= SERIAL_BELOW:
        results = check_many(queries, workers=workers)
    else:
        results = [screener.check(**q) for q in queries]
    return {t: hits[0] for t, hits in zip(texts, results, strict=True) if hits}


def _resolve_overlaps(found: list[tuple[Candidate, Any]]) -> list[tuple[Candidate, Any]]:
    """Best score first, then the longer span; a word belongs to one mention at most."""
    taken: set[int] = set()
    kept = []
    for cand, hit in sorted(found, key=lambda ch: (-float(ch[1].score), -ch[0].size, ch[0].start)):
        span = set(range(cand.first, cand.last + 1))
        if span & taken:
            continue
        taken |= span
        kept.append((cand, hit))
    return sorted(kept, key=lambda ch: ch[0].start)


@dataclass
class _Confirmed:
    """A party the text names for sure: its mentions, names and spellings, and contexts."""

    entity_id: str
    hit: Any
    word_positions: list[int] = field(default_factory=list)
    spellings: set[str] = field(default_factory=set)
    context: set[str] = field(default_factory=set)

    def names(self) -> list[str]:
        entity = getattr(self.hit, "entity", None)
        listed = [n.value for n in getattr(entity, "names", [])] if entity is not None else []
        return list(dict.fromkeys([*self.spellings, self.hit.matched_name, *listed]))


def _probable(
    word: Word,
    words: list[Word],
    confirmed: list[_Confirmed],
) -> tuple[_Confirmed, float, list[str], bool] | None:
    """Weigh the evidence that `word` refers to a confirmed party; None: no resemblance."""
    best: tuple[_Confirmed, float, str] | None = None
    for party in confirmed:
        for name in party.names():
            sim = _similarity(word.text, name)
            if best is None or sim > best[1]:
                best = (party, sim, name)
    if best is None or best[1] < PROBABLE_MIN_SIMILARITY:
        return None
    party, sim, name = best
    distance = min(abs(word.index - p) for p in party.word_positions)
    shared = sorted(context_words(words, word.index, word.index) & party.context)
    before = words[word.index - 1] if word.index > 0 else None
    person_marker = is_title(before) or (
        before is not None
        and before.capitalised
        and before.key not in STOPWORDS
        and before.end + 1 >= word.start
    )
    times = len(party.word_positions)
    reasons = [
        f"'{word.text}' resembles '{name}' (similarity {sim:.2f}, below the match threshold)",
        f"{party.hit.name} is confirmed {times} time{'s' if times > 1 else ''} in this text, "
        f"the nearest {distance} words away",
    ]
    if shared:
        reasons.append("shares context words with the confirmed mentions: " + ", ".join(shared[:6]))
    else:
        reasons.append("shares no context word with the confirmed mentions")
    near = distance <= PROBABLE_NEAR_WORDS
    accepted = not person_marker and near and (bool(shared) or sim >= PROBABLE_STRONG_SIMILARITY)
    if person_marker:
        reasons.append(f"'{before.text if before else ''} {word.text}' reads as a person's name")
    elif not near:
        reasons.append(f"too far from a confirmed mention (more than {PROBABLE_NEAR_WORDS} words)")
    elif not accepted:
        reasons.append(
            f"resemblance under {PROBABLE_STRONG_SIMILARITY:.2f} needs shared context to count"
        )
    reasons.append("accepted as a probable mention" if accepted else "not accepted as a mention")
    return party, sim, reasons, accepted


def scan_text(
    screener: Any,
    text: str,
    *,
    activity: Activity | str = Activity.TRANSACT,
    as_of: date | None = None,
    threshold: float | None = None,
    store: PartySource | None = None,
    workers: int = 2,
    probable: bool = True,
) -> ScanResult:
    """Listed parties mentioned in `text`, in text order, with spans, scores and effects."""
    started = time.perf_counter()
    act = Activity(activity)
    words = words_of(text)
    candidates = candidates_of(text, words)
    distinct = list(dict.fromkeys(c.text for c in candidates))
    best = _best_hits(screener, distinct, threshold, workers)
    found = [(c, best[c.text]) for c in candidates if c.text in best]
    kept = _resolve_overlaps(found)

    confirmed: dict[str, _Confirmed] = {}
    for cand, hit in kept:
        party = confirmed.setdefault(hit.entity_id, _Confirmed(hit.entity_id, hit))
        party.word_positions.extend(range(cand.first, cand.last + 1))
        party.spellings.add(cand.text)
        party.context |= context_words(words, cand.first, cand.last)
    for party in confirmed.values():
        party.context -= {s.lower() for s in party.spellings}

    parties = PartyEffects(store if store is not None else store_of(screener), as_of)
    mentions = [
        _mention(c.text, c.start, c.end, hit, "match", list(hit.explanation)) for c, hit in kept
    ]
    considered: list[Considered] = []
    if probable and confirmed:
        used = {i for c, _ in kept for i in range(c.first, c.last + 1)}
        seen: set[str] = set()
        for word in words:
            if (
                word.index in used
                or not word.capitalised
                or len(word.text) < 4
                or word.key in STOPWORDS
            ):
                continue
            judged = _probable(word, words, list(confirmed.values()))
            if judged is None:
                continue
            party, sim, reasons, accepted = judged
            if accepted:
                mentions.append(
                    _mention(word.text, word.start, word.end, party.hit, "probable", reasons, sim)
                )
            elif word.key not in seen:
                considered.append(
                    Considered(word.text, word.start, word.end, party.entity_id, sim, reasons)
                )
            seen.add(word.key)
    mentions.sort(key=lambda m: m.start)
    for mention in mentions:
        _add_effects(mention, parties, act, as_of, confirmed[mention.entity_id].hit)
    return ScanResult(
        mentions=mentions,
        considered=considered,
        words=len(words),
        spans_checked=len(distinct),
        seconds=time.perf_counter() - started,
    )


def _mention(
    text: str,
    start: int,
    end: int,
    hit: Any,
    decision: str,
    explanation: Iterable[Any],
    score: float | None = None,
) -> Mention:
    return Mention(
        text=text,
        start=start,
        end=end,
        entity_id=hit.entity_id,
        name=hit.name,
        matched_name=hit.matched_name,
        score=float(hit.score if score is None else score),
        decision=decision,
        explanation=[str(e) for e in explanation],
    )


def _add_effects(
    mention: Mention, parties: PartyEffects, activity: Activity, as_of: date | None, hit: Any
) -> None:
    facts = parties.of(mention.entity_id, getattr(hit, "entity", None))
    verdict = facts.verdict(activity, as_of)
    mention.lists = list(facts.lists)
    mention.effects = list(facts.effect_kinds)
    mention.verdict = verdict.verdict.value
    mention.reasons = list(verdict.reasons)
