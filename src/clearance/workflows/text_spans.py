"""Where a name may be written in free text: words with their character spans, runs
of capitalised words, and the candidate spans (n-grams of a run) worth asking the
matcher about.

Names in running text are capitalised ("Hikvision", "Hangzhou Hikvision Digital
Technology") or written in a script without case; everything else is prose. A
capitalised word that only starts a sentence ("However", "The") is in `STOPWORDS`
and never begins or ends a candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SPAN_WORDS = 6  # listed names in running text rarely run longer
MAX_RUN_WORDS = 12


def _word_set(text: str) -> frozenset[str]:
    """A word list written as one string: easier to read and extend than a long literal."""
    return frozenset(text.split())


_WORD = re.compile(r"[^\W\d_](?:\w|[-'’.&](?=\w))*")
_POSSESSIVE = re.compile(r"['’][sS]$")
_TITLES = _word_set(
    "mr mrs ms miss dr prof sir dame lord lady judge senator president minister general "
    "colonel captain sheikh imam mullah rev father saint st"
)
CONNECTORS = _word_set(
    "of de del della der den di da du dos das van von la le al el bin ibn bint abu and & y "
    "e und et for the"
)
# Function words and common sentence openers: capitalised by position, not by being names.
STOPWORDS = _word_set(
    "a about above according across after afterwards again against all almost alone along "
    "already also although always am among an and another any anyone anything anyway are "
    "around as at back be became because become been before beforehand behind being below "
    "beside besides between beyond both but by can cannot could did do does doing done down "
    "during each either else elsewhere enough even ever every everyone everything "
    "everywhere except few first for former formerly from further furthermore had has have "
    "having he hence her here hereby herein hers herself him himself his how however i if "
    "in indeed instead into is it its itself just last later least less like many may me "
    "meanwhile might mine more moreover most mostly much must my myself neither never "
    "nevertheless next no nobody none nor not nothing now nowhere of off often on once one "
    "only onto or other others otherwise our ours ourselves out over own per perhaps please "
    "rather same see several she should since so some somehow someone something sometimes "
    "somewhere still such than that the their theirs them themselves then thence there "
    "thereafter thereby therefore therein these they this those though through throughout "
    "thus to together too toward towards under unless until up upon us very via was we well "
    "were what whatever when whenever where whereas wherever whether which while who "
    "whoever whole whom whose why will with within without would yet you your yours "
    "yourself yourselves today yesterday tomorrow monday tuesday wednesday thursday friday "
    "saturday sunday january february march april june july august september october "
    "november december read find further note notes see also photo source sources yes okay "
    "chapter section figure table page example examples"
)


@dataclass(frozen=True, slots=True)
class Word:
    """One word of the text: its span (possessive 's cut off) and whether it is capitalised."""

    index: int
    start: int
    end: int
    text: str
    capitalised: bool

    @property
    def key(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span of consecutive words that may be a name: words[first:last+1]."""

    first: int
    last: int
    start: int
    end: int
    text: str
    neighbours: tuple[str, ...] = ()  # run words right before and after the span
    run_text: str = ""  # the whole run of capitalised words the span comes from

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def _is_capitalised(word: str) -> bool:
    head = word[0]
    if head.isupper():
        return True
    # Scripts without case (Arabic, Han, Hebrew...): any word may be a name.
    return head.isalpha() and not head.islower()


def words_of(text: str) -> list[Word]:
    """Every word with its character span; "Hikvision’s" spans "Hikvision"."""
    out: list[Word] = []
    for match in _WORD.finditer(text):
        value = match.group()
        end = match.end()
        possessive = _POSSESSIVE.search(value)
        if possessive and len(value) > 3:
            value = value[: possessive.start()]
            end = match.start() + len(value)
        out.append(Word(len(out), match.start(), end, value, _is_capitalised(value)))
    return out


def _joined(text: str, left: Word, right: Word) -> bool:
    """Two words belong to one name only if nothing but spaces separates them."""
    gap = text[left.end : right.start]
    if left.end < len(text) and gap.startswith(("’", "'")):
        return False  # "Hikvision’s report": the possessive ends the name
    return len(gap) <= 3 and gap.strip(" \t\u00a0-") == ""


def capitalised_runs(text: str, words: list[Word]) -> list[list[Word]]:
    """Maximal runs of capitalised words, bridging lower-case connectors ("Bank of Iran")."""
    runs: list[list[Word]] = []
    current: list[Word] = []
    pending: list[Word] = []  # connectors waiting for a capitalised word
    for word in words:
        previous = pending[-1] if pending else (current[-1] if current else None)
        linked = previous is not None and _joined(text, previous, word)
        if word.capitalised:
            if current and linked:
                current.extend(pending)
                current.append(word)
            else:
                if current:
                    runs.append(current)
                current = [word]
            pending = []
        elif current and linked and word.key in CONNECTORS and len(pending) < 2:
            pending.append(word)
        else:
            if current:
                runs.append(current)
            current, pending = [], []
    if current:
        runs.append(current)
    return [run[i : i + MAX_RUN_WORDS] for run in runs for i in range(0, len(run), MAX_RUN_WORDS)]


def _usable_edge(word: Word) -> bool:
    return word.capitalised and word.key not in STOPWORDS and word.key not in CONNECTORS


def candidates_of(text: str, words: list[Word]) -> list[Candidate]:
    """All sub-spans of each run that start and end on a capitalised non-stopword."""
    found: list[Candidate] = []
    for run in capitalised_runs(text, words):
        for i, first in enumerate(run):
            if not _usable_edge(first):
                continue
            for j in range(i, min(len(run), i + MAX_SPAN_WORDS)):
                last = run[j]
                if not _usable_edge(last):
                    continue
                if i == j and len(first.text) < 3:
                    continue  # "US", "EU": too short to stand alone
                found.append(
                    Candidate(
                        first.index,
                        last.index,
                        first.start,
                        last.end,
                        text[first.start : last.end],
                        tuple(w.text for w in (run[i - 1 : i] + run[j + 1 : j + 2])),
                        text[run[0].start : run[-1].end],
                    )
                )
    return found


def is_title(word: Word | None) -> bool:
    return word is not None and word.key.rstrip(".") in _TITLES


def context_words(
    words: list[Word], first: int, last: int, radius: int = 12, keep_short: bool = False
) -> set[str]:
    """Content words near a span, for judging whether two spans speak of the same thing
    (`keep_short`: also short words and function words, for cues such as "MV")."""
    low, high = max(0, first - radius), min(len(words), last + radius + 1)
    return {
        w.key
        for w in words[low:high]
        if (w.index < first or w.index > last)
        and (keep_short or (len(w.text) >= 4 and w.key not in STOPWORDS))
        and w.key not in CONNECTORS
    }
