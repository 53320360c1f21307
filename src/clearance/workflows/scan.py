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
from clearance.workflows.scan_rules import (
    COMMON_WORD_COUNT,
    common_word_count,
    is_place_name,
    refuse_match,
    resemblance,
    short_name_of,
)
from clearance.workflows.text_spans import (
    CONNECTORS,
    STOPWORDS,
    Candidate,
    Word,
    candidates_of,
    capitalised_runs,
    context_words,
    is_title,
    words_of,
)

PROBABLE_MIN_RESEMBLANCE = 0.84  # a written form this close to a confirmed one may refer to it
PROBABLE_NEAR_WORDS = 250  # "near a confirmed mention": within this many words
PROBABLE_CLOSE_RESEMBLANCE = 0.92  # close enough that nearness alone suffices
SHORT_NAME_FLOOR = 0.15  # one word is checked down to here, for companies' short names
# ("Huawei" against HUAWEI TECHNOLOGIES CO., LTD. scores about 0.2: the listed name's
# other words are left over)
SERIAL_BELOW = 512  # fewer distinct spans than this: no worker processes
HITS_PER_SPAN = 3  # a refused best hit leaves the next ones to judge


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
    # "match": the matcher's score reached the threshold; "short name": one word below
    # it, accepted as a company's short name (`scan_rules.short_name_of`, the reason in
    # `explanation`); "probable": a word the text ties to a party it names for sure.
    decision: str
    explanation: list[str]
    lists: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)  # effect kinds of every listing
    verdict: str | None = None  # for the activity asked
    reasons: list[str] = field(default_factory=list)
    party_key: str = ""  # one id for the party, whichever of its records was hit

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
    """A span the matcher or the evidence pointed at, refused as a mention, and why."""

    text: str
    start: int
    end: int
    entity_id: str
    score: float
    reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "entity_id": self.entity_id,
            "score": round(self.score, 4),
            "reasons": self.reasons,
        }


@dataclass
class ScanResult:
    mentions: list[Mention]
    considered: list[Considered]
    words: int
    spans_checked: int
    seconds: float
    threshold: float = 0.0  # the matcher's score a span must reach to be a "match"

    @property
    def parties(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for m in self.mentions:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "short_name_floor": SHORT_NAME_FLOOR,
            "words": self.words,
            "spans_checked": self.spans_checked,
            "seconds": round(self.seconds, 4),
            "mentions": [m.to_dict() for m in self.mentions],
            "considered": [c.to_dict() for c in self.considered],
        }


def _hits_per_span(
    screener: Any, texts: list[str], threshold: float | None, workers: int
) -> dict[str, list[Any]]:
    """The best few hits per distinct span text (none below the threshold)."""
    if not texts:
        return {}
    queries = [{"name": t, "limit": HITS_PER_SPAN, "threshold": threshold} for t in texts]
    check_many = getattr(screener, "check_many", None)
    if check_many is not None and workers > 1 and len(texts) >= SERIAL_BELOW:
        results = check_many(queries, workers=workers)
    else:
        results = [screener.check(**q) for q in queries]
    return {t: list(hits) for t, hits in zip(texts, results, strict=True) if hits}


def _resolve_overlaps(found: list[tuple[Candidate, Any]]) -> list[tuple[Candidate, Any]]:
    """Best score first, then the longer span; a word belongs to one mention at most."""
    taken: set[int] = set()
    kept = []
    ranked = sorted(found, key=lambda ch: (-float(ch[1].score), -ch[0].size, ch[0].start))
    for cand, hit in ranked:
        span = set(range(cand.first, cand.last + 1))
        if span & taken:
            continue
        taken |= span
        kept.append((cand, hit))
    return sorted(kept, key=lambda ch: ch[0].start)


@dataclass
class _Confirmed:
    """A party the text names for sure: where, under which spellings, in which context."""

    key: str  # one id for the party, whichever of its records a span hit
    hit: Any
    word_positions: list[int] = field(default_factory=list)
    spellings: dict[str, None] = field(default_factory=dict)  # as written, in text order
    context: set[str] = field(default_factory=set)

    def forms(self) -> list[tuple[str, str]]:
        """(written form, where it comes from) to compare a doubtful word with."""
        forms = [(s, "the text's own spelling") for s in self.spellings]
        entity = getattr(self.hit, "entity", None)
        for name in getattr(entity, "names", []):
            forms.append((name.value, "a listed name"))
        return forms


def _probable(
    word: Word, words: list[Word], confirmed: list[_Confirmed]
) -> tuple[_Confirmed, float, list[str], bool] | None:
    """Weigh the evidence that `word` refers to a party the text confirms; None: no lead."""
    best: tuple[_Confirmed, float, str, str] | None = None
    for party in confirmed:
        for form, origin in party.forms():
            if word.key in {t.lower() for t in form.split()[1:]} and len(form.split()) > 1:
                sim = 1.0  # "Putin" after "Vladimir Putin": the text repeats part of a name
                origin = f"{origin}, of which it repeats a word"
            else:
                sim = resemblance(word.text, form)
            if best is None or sim > best[1]:
                best = (party, sim, form, origin)
    if best is None or best[1] < PROBABLE_MIN_RESEMBLANCE:
        return None
    party, sim, form, origin = best
    distance = min(abs(word.index - p) for p in party.word_positions)
    shared = sorted(context_words(words, word.index, word.index) & party.context)
    before = words[word.index - 1] if word.index > 0 else None
    person_marker = before is not None and (
        is_title(before)
        or (before.capitalised and before.key not in STOPWORDS and before.end + 1 >= word.start)
    )
    times = len(party.word_positions)
    reasons = [
        f"'{word.text}' resembles '{form}' ({origin}; resemblance {sim:.2f})",
        f"{party.hit.name} is confirmed in this text ({times} word{'s' if times > 1 else ''}), "
        f"the nearest {distance} words away",
    ]
    if shared:
        reasons.append("shares context words with the confirmed mentions: " + ", ".join(shared[:6]))
    else:
        reasons.append("shares no context word with the confirmed mentions")
    near = distance <= PROBABLE_NEAR_WORDS
    accepted = not person_marker and near and (bool(shared) or sim >= PROBABLE_CLOSE_RESEMBLANCE)
    if person_marker:
        reasons.append(f"'{before.text if before else ''} {word.text}' reads as a person's name")
    elif not near:
        reasons.append(f"too far from a confirmed mention (more than {PROBABLE_NEAR_WORDS} words)")
    elif not accepted:
        reasons.append(
            f"a resemblance under {PROBABLE_CLOSE_RESEMBLANCE:.2f} needs shared context to count"
        )
    reasons.append("accepted as a probable mention" if accepted else "not accepted as a mention")
    return party, sim, reasons, accepted


def _words_in_longer_names(text: str, words: list[Word]) -> set[int]:
    """Words that belong to a run with another capitalised, non-everyday word: a name of
    two or more words ("Karen Lauren"), which no one-word evidence should split."""
    inside: set[int] = set()
    for run in capitalised_runs(text, words):
        names = [w for w in run if w.key not in STOPWORDS and w.key not in CONNECTORS]
        proper = [w for w in names if common_word_count(w.text) < COMMON_WORD_COUNT]
        if len(names) > 1 and len(proper) > 1:
            inside.update(w.index for w in names)
    return inside


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
    from clearance.matching import DEFAULT_THRESHOLD

    bar = DEFAULT_THRESHOLD if threshold is None else threshold
    one_word = [t for t in distinct if " " not in t]
    hits_of = _hits_per_span(screener, one_word, min(bar, SHORT_NAME_FLOOR), workers)
    hits_of.update(_hits_per_span(screener, [t for t in distinct if " " in t], bar, workers))
    parties = PartyEffects(store if store is not None else store_of(screener), as_of)

    found: list[tuple[Candidate, Any]] = []
    refused: dict[str, tuple[Candidate, Any, str]] = {}
    for cand in candidates:
        for hit in hits_of.get(cand.text, []):
            below = float(hit.score) < bar
            if below and short_name_of(cand.text, hit) is None:
                continue
            around = frozenset(
                context_words(words, cand.first, cand.last, radius=15, keep_short=True)
            )
            why_not = refuse_match(
                cand.text, cand.size, hit, cand.neighbours, cand.run_text, around
            )
            if why_not is None:
                found.append((cand, hit))
                break
            if not below:
                refused.setdefault(cand.text, (cand, hit, why_not))
    kept = _resolve_overlaps(found)

    confirmed: dict[str, _Confirmed] = {}
    for cand, hit in kept:
        key = parties.of(hit.entity_id, getattr(hit, "entity", None)).key
        party = confirmed.setdefault(key, _Confirmed(key, hit))
        party.word_positions.extend(range(cand.first, cand.last + 1))
        party.spellings[cand.text] = None
        party.context |= context_words(words, cand.first, cand.last)
    for party in confirmed.values():
        party.context -= {w.lower() for s in party.spellings for w in s.split()}

    mentions = [
        _mention(
            c.text,
            c.start,
            c.end,
            hit,
            "match" if hit.score >= bar else "short name",
            [
                *hit.explanation,
                *([_under_threshold(c.text, hit, bar)] if hit.score < bar else []),
            ],
        )
        for c, hit in kept
    ]
    used = {i for c, _ in kept for i in range(c.first, c.last + 1)}
    considered = [
        Considered(c.text, c.start, c.end, hit.entity_id, float(hit.score), [why])
        for c, hit, why in refused.values()
        if not used & set(range(c.first, c.last + 1))
    ]
    if probable and confirmed:
        in_longer_names = _words_in_longer_names(text, words)
        seen: set[str] = set()
        for word in words:
            if (
                word.index in used
                or not word.capitalised
                or len(word.text) < 5
                or word.key in STOPWORDS
                or word.key in seen
                or word.index in in_longer_names
                or is_place_name(word.text)
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
            else:
                seen.add(word.key)
                considered.append(
                    Considered(word.text, word.start, word.end, party.hit.entity_id, sim, reasons)
                )
    mentions.sort(key=lambda m: m.start)
    considered.sort(key=lambda c: c.start)
    for mention in mentions:
        _add_effects(mention, parties, act, as_of)
    return ScanResult(
        mentions=mentions,
        considered=considered,
        words=len(words),
        spans_checked=len(distinct),
        seconds=time.perf_counter() - started,
        threshold=bar,
    )


def _under_threshold(text: str, hit: Any, bar: float) -> str:
    """Why a span scoring under the threshold is still a mention: the evidence rule."""
    return (
        f"accepted under the threshold {bar:.2f} (score {float(hit.score):.2f}, floor "
        f"{SHORT_NAME_FLOOR:.2f} for one word): {short_name_of(text, hit)}"
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
    mention: Mention, parties: PartyEffects, activity: Activity, as_of: date | None
) -> None:
    facts = parties.of(mention.entity_id)
    verdict = facts.verdict(activity, as_of)
    mention.party_key = facts.key
    mention.lists = list(facts.lists)
    mention.effects = list(facts.effect_kinds)
    mention.verdict = verdict.verdict.value
    mention.reasons = list(verdict.reasons)
