"""Names as the lists pack them: one name field -> the names it holds.

The lists write several names into one field: `A; B; C` (UN aliases), `NAME (ABBR)`,
`NAME (a.k.a. OTHER; OTHER)`, `X A/K/A Y`, `حسن غول (Hassan Ghul; Hassan Gul)`,
`KANAAN, Maustaf Fawzi (Faouzi)`, `Parent (P). Affiliated Entity: Unit`. A matcher
that compares whole fields misses every one of those names. `split_name_field` finds
them with the rules below; `with_derived_names` adds them to an entity's names,
after the fields as listed (which stay names of their own, so the field as written
still matches exactly), each marked with its `NameDerivation` and the field it came
from. The rules are format-agnostic: every loader that reads a name field calls them.

Parenthesised text is not always a name. `(KIEV)`, `(UKRAINE)`, `(HK)` say where,
`(PVT.)`, `(LLC)`, `(NGO)` what legal form, `(original script)`, `(birth name)`,
`- sub-unit name` are the list's notes: those are dropped, never made names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from clearance.loaders.name_scripts import non_latin_script
from clearance.model import Name, NameDerivation, NameKind

D = NameDerivation


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class DerivedName:
    value: str
    derivation: NameDerivation
    kind: NameKind | None = None  # set when the rule says the kind (a.k.a., f.k.a.)


# Words an acronym may skip ("Islamic State in Iraq and the Levant" -> ISIL).
_PARTICLES = _words(
    "OF THE AND FOR IN ON AT TO A AN DE DU DES LA LE LES L D DEL DI DA DO DOS DAS AL EL E I Y "
    "ET UND DER DIE VON VAN WA WAL FI LI UL BIN BEN И В НА ПО С &"
)
# Legal forms: `(PVT.)`, `(PUBLIC JOINT-STOCK COMPANY)` qualify a name, they are no name.
_LEGAL = _words(
    "LTD LIMITED CO COMPANY CORP CORPORATION INC INCORPORATED LLC LLP LP PLC SA SAL SARL SAS "
    "SRL SPA AG GMBH KG BV NV AB AS OY PTE PTY PVT PRIVATE PUBLIC JSC OJSC CJSC PJSC PJS ZAO "
    "OAO OOO PAO AO TOO FZE FZC FZCO FZ LDA EOOD OOD DOO SDN BHD CC EST SL HOLDING HOLDINGS "
    "GROUP OFFSHORE OFF SHORE JOINT STOCK CLOSED OPEN LIABILITY FEDERAL STATE UNITARY UNITED "
    "ENTERPRISE ZAKRYTOE OTKRYTOE AKTSIONERNOE OBSHCHESTVO PUBLICHNOE OGRANICHENNOI "
    "OTVETSTVENNOSTYU SMC NGO АО ОАО ЗАО ПАО ООО ПУБЛИЧНОЕ ОТКРЫТОЕ ЗАКРЫТОЕ АКЦИОНЕРНОЕ "
    "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ"
)
# Honorifics and generation marks: `(Sheikh) Musa Hilal`, `SANTOS III (THIRD)`.
_TITLES = _words(
    "SHEIKH SHAYKH RTD HAJI HAJJI MULLAH MAULANA MAULAVI DR FIRST SECOND THIRD FOURTH "
    "FIFTH JR SR JUNIOR SENIOR II III IV"
)
# Places the place table spells otherwise (ISO codes, old spellings) or not at all.
_PLACES = _words("uk hk usa us uae prc dprk rok kiev")
_NOTE = re.compile(
    r"\b(original script|sub-unit|birth name|combat name|previously|listed as|false identity"
    r"|passport|identification|individual|located|location|branch"
    r"|subordinate|successors?|subsidiar\w*|including|born|official|preceding)\b"
    r"|:|\d{5}|^[A-Z]{2}[a-zA-Z]\.\d{3}$",
    re.IGNORECASE,
)
_MARKERS = {"a": D.AKA, "n": D.AKA, "f": D.FKA, "d": D.DBA}
_DOTTED = r"[afn](?:\.\s?k\.\s?a\.?|/k/a)|d(?:\.\s?b\.\s?a\.?|/b/a)"
# a.k.a. / A/K/A / f.k.a. / d/b/a anywhere; undotted "aka" only between words
# ("AKA INTEGRAL SERVICES" and the aircraft "YK-AKA" are names).
_MARKER = re.compile(
    rf"(?:(?<=[\s,])|^)(?:{_DOTTED})(?=[\s,]|$)|(?<=\s)(?:[afn]ka|dba)(?=\s)", re.IGNORECASE
)
_LEADING_MARKER = re.compile(rf"^(?:{_DOTTED}|[afn]ka|dba)(?:\s*,)?\s+", re.IGNORECASE)
_SUBORDINATE = re.compile(
    r"\.\s+(?:Affiliated Entity|Subordinate Institution)\s*[:\-–]\s+"
    r"|,?\s+and subordinate entity\s+|\bentity:\s+",
    re.IGNORECASE,
)
_NOTE_TAIL = re.compile(
    r",?\s+and (?:its|any) (?:sub-?units?|successors?|subsidiar\w*)\b.*$"
    r"|,\s+(?:including|born)\b.*$|\s+[-–]\s+sub-unit name$",
    re.IGNORECASE,
)
_ENUMERATION = re.compile(r"(?:^|\s)[a-h]\)\s+")
_OR = re.compile(r"\s+or\s+")
_WORD = re.compile(r"[^\s\-–/]+")
_HINT = re.compile(r"[(\[;]|[afnd][./]?\s?[kb][./]?\s?a\b|\bor\b|entity:|, (?:and|incl|born)", re.I)
_OPEN = {"(": ")", "[": "]"}


@functools.cache
def _places() -> frozenset[str]:
    from clearance.model.word_lists import read_place_names

    return read_place_names() | _PLACES


@functools.cache
def _english() -> dict[str, int]:
    from clearance.model.word_lists import read_english_word_counts

    return read_english_word_counts()


def _everyday(word: str) -> bool:
    """An English word common in prose ("MARTYRS", "GIANT"): a translation, no name."""
    return _english().get(word.lower(), 0) >= 1000


def fold(value: str) -> str:
    """The key two spellings of a name share when they differ only in case and spaces."""
    return " ".join(value.casefold().split())


def _letters(word: str) -> str:
    return "".join(c for c in word if c.isalnum()).upper()


_QUOTES = {"'": "'", '"': '"', "‘": "’", "“": "”"}


def _trim(text: str) -> str:
    """Without the separators around it, and without quotes that enclose it all."""
    text = text.strip(" \t,;:-–")
    if len(text) > 2 and _QUOTES.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    return text


def _tidy(text: str) -> str:
    """Spaces made by cutting text out: `A , B` -> `A, B`, `A  (B)` -> `A (B)`."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:)\]])", r"\1", text)
    text = re.sub(r"\s+([-–])(?=\S)", r"\1", text)
    text = re.sub(r"([,.])\1+", r"\1", text)
    return _trim(text)


@dataclass(frozen=True, slots=True)
class _Group:
    start: int  # offset of the opening bracket
    end: int  # offset after the closing bracket
    content: str


def _groups(text: str) -> list[_Group] | None:
    """Top-level bracket groups, nested ones inside; None when brackets do not balance.

    A group glued to letters on both sides (`華信船務(香港)有限公司`) is part of a word.
    """
    groups: list[_Group] = []
    stack: list[tuple[str, int]] = []
    for i, char in enumerate(text):
        if char in _OPEN:
            stack.append((_OPEN[char], i))
        elif char in ")]":
            if not stack or stack[-1][0] != char:
                return None
            _, start = stack.pop()
            if not stack:
                groups.append(_Group(start, i + 1, text[start + 1 : i]))
    if stack:
        return None
    return [g for g in groups if not (_glued(text, g.start - 1) and _glued(text, g.end))]


def _glued(text: str, at: int) -> bool:
    return 0 <= at < len(text) and (text[at].isalnum() or "\u0300" <= text[at] <= "\u036f")


def _mask(text: str, groups: Sequence[_Group]) -> str:
    """The text with every group blanked out (same length, so offsets still hold)."""
    chars = list(text)
    for g in groups:
        chars[g.start : g.end] = " " * (g.end - g.start)
    return "".join(chars)


def _fits(acronym: str, words: Sequence[str]) -> int | None:
    """Index of the first word an acronym abbreviates, or None.

    Each word gives a prefix of one letter or more ("SAPICO": SAhand Aluminum Parts
    Industrial COmpany); particles and, at the end, legal forms may be skipped; words
    before the abbreviated ones may be left out ("(RSSJO)" after "Islamic Revolutionary
    Guard Corps (IRGC) Research and Self-Sufficiency Jihad Organization"). Letters that
    fit no initials, such as the `(HK)` of `KINGS ROMANS INTERNATIONAL (HK)`, make no
    short form.
    """
    n, m = len(acronym), len(words)

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == n:
            return all(w in _LEGAL or w in _PARTICLES for w in words[j:])
        if j == m:
            return False
        word = words[j]
        if word in _PARTICLES and match(i, j + 1):
            return True
        return any(
            acronym[i : i + k] == word[:k] and match(i + k, j + 1)
            for k in range(1, min(len(word), n - i) + 1)
        )

    for start in range(m):
        if match(0, start):
            return start
    return None


@dataclass
class _Context:
    person: bool | None
    kind: NameKind | None
    depth: int


def split_name_field(value: str, *, person: bool | None = None) -> list[DerivedName]:
    """The names one name field holds, besides the field itself.

    `person` is True for a person's name, False for anything else, None when the
    list does not say (BIS): person names take a parenthesised word in place of the
    word before it (`SAMMY (IHSAN MEDHAT) ELASHI`), organisations do not
    (`VTB BANK (AUSTRIA) AG` is no "VTB AUSTRIA AG"). De-duplicated case- and
    space-insensitively; never the field itself, never an empty or one-letter name.
    """
    text = " ".join(value.split())
    if not _HINT.search(text):
        return []
    found = _read(text, _Context(person, None, 0))[1]
    seen = {fold(text)}
    names = []
    for name in found:
        key = fold(name.value)
        if key in seen or sum(c.isalnum() for c in name.value) < 2:
            continue
        seen.add(key)
        names.append(name)
    return names


def _read(text: str, ctx: _Context) -> tuple[bool, list[DerivedName]]:
    """(whether `text` is a plain name, the names found in it)."""
    text = _trim(text)
    if not text or ctx.depth > 4:
        return False, []
    deeper = _Context(ctx.person, ctx.kind, ctx.depth + 1)
    for reader in (_read_note_tail, _read_list, _read_subordinate, _read_markers):
        result = reader(text, deeper)
        if result is not None:
            return False, result
    return _read_groups(text, ctx)


def _with_own(
    text: str, derivation: NameDerivation, ctx: _Context, kind: NameKind | None = None
) -> list[DerivedName]:
    """`text` as a name (when it is a plain one) followed by the names inside it."""
    inner = _Context(ctx.person, kind or ctx.kind, ctx.depth)
    plain, found = _read(text, inner)
    own = [DerivedName(_trim(text), derivation, kind or ctx.kind)] if plain else []
    return own + found


def _top_level(text: str) -> str | None:
    groups = _groups(text)
    return None if groups is None else _mask(text, groups)


def _cut(text: str, masked: str, pattern: re.Pattern[str]) -> list[str]:
    """`text` split where `pattern` matches outside brackets."""
    parts, last = [], 0
    for m in pattern.finditer(masked):
        parts.append(text[last : m.start()])
        last = m.end()
    parts.append(text[last:])
    return [p for p in (_trim(p) for p in parts) if p]


def _read_list(text: str, ctx: _Context) -> list[DerivedName] | None:
    """`A; B; C`, `a) A b) B`, `A or B`: the UN and the CSL pack aliases in lists."""
    if re.search(r"\s[b-h]\)\s", text):
        items = [p for p in (_trim(p) for p in _ENUMERATION.split(text)) if p]
    else:
        masked = _top_level(text)
        if masked is None:
            return None
        items = _cut(text, masked, re.compile(";"))
        if len(items) < 2:
            items = _cut(text, masked, _OR)
            if any(len(i.split()) < 2 for i in items):
                return None
    if len(items) < 2:
        return None
    return [n for item in items for n in _with_own(item, D.SPLIT, ctx)]


def _read_subordinate(text: str, ctx: _Context) -> list[DerivedName] | None:
    """`Parent (P). Affiliated Entity: Unit`: the CSL lists a unit after its parent.

    Only the unit is this record's name; the parent is listed on its own.
    """
    masked = _top_level(text)
    m = _SUBORDINATE.search(masked) if masked is not None else None
    if m is None or not _trim(text[m.end() :]):
        return None
    return _with_own(text[m.end() :], D.SUBORDINATE, ctx)


def _marker_kind(derivation: NameDerivation) -> NameKind | None:
    """The kind a marker gives: a.k.a. an alias, f.k.a. a former name, d.b.a. none."""
    if derivation is D.AKA:
        return NameKind.ALIAS
    return NameKind.FORMER if derivation is D.FKA else None


def _read_markers(text: str, ctx: _Context) -> list[DerivedName] | None:
    """`X a.k.a. Y`, `X A/K/A Y`, `X, f.k.a., Y`, `F.K.A. Y`: names after a marker."""
    masked = _top_level(text)
    if masked is None:
        return None
    matches = list(_MARKER.finditer(masked))
    if not matches:
        return None
    found: list[DerivedName] = []
    last, derivation = 0, D.SPLIT
    for m in [*matches, None]:
        piece = text[last : m.start() if m else len(text)]
        kind = _marker_kind(derivation)
        if _trim(piece):
            found += _with_own(piece, derivation, ctx, kind)
        if m:
            derivation, last = _MARKERS[m.group()[0].lower()], m.end()
    return found


def _read_note_tail(text: str, ctx: _Context) -> list[DerivedName] | None:
    """`NAME, including …`, `NAME and its sub-units and successors`: the name is the head."""
    masked = _top_level(text)
    m = _NOTE_TAIL.search(masked) if masked is not None else None
    if m is None or not _trim(text[: m.start()]):
        return None
    return _with_own(text[: m.start()], D.WITHOUT_NOTE, ctx)


@dataclass
class _Reading:
    """What the groups of one name say: names found, and edits that make others."""

    text: str
    groups: list[_Group]
    masked: str
    names: list[DerivedName]
    removed: set[int]  # groups the name is whole without
    edits: list[tuple[NameDerivation, tuple[int, int, str]]]  # names made by replacing text
    plain: bool = True  # no group was a note, list or marker
    mixed: bool = False  # a group is in another script than the name
    without: NameDerivation = D.WITHOUT_PARENTHESES

    def words(self, end: int) -> list[tuple[int, str]]:
        """(offset, letters) of the words before `end`, outside every group."""
        return _word_letters(self.masked[:end])

    def compose(self, edit: tuple[int, int, str] | None = None) -> str:
        """The text without the removed groups, with `edit` (start, end, text) made."""
        cuts = [(g.start, g.end, " ") for i, g in enumerate(self.groups) if i in self.removed]
        if edit:
            cuts = [c for c in cuts if c[1] <= edit[0] or c[0] >= edit[1]] + [edit]
        out, last = [], 0
        for start, end, insert in sorted(cuts):
            out += [self.text[last:start], insert]
            last = end
        out.append(self.text[last:])
        return _tidy("".join(out))


def _read_groups(text: str, ctx: _Context) -> tuple[bool, list[DerivedName]]:
    groups = _groups(text)
    if groups is None:
        return False, []
    if not groups:
        return True, []
    reading = _Reading(text, groups, _mask(text, groups), [], set(), [])
    for index, group in enumerate(groups):
        _read_group(reading, index, group, ctx)
    found = [DerivedName(reading.compose(edit), how, ctx.kind) for how, edit in reading.edits]
    if reading.removed:
        whole = reading.compose()
        derivation = reading.without
        if reading.mixed and non_latin_script(whole):
            derivation = D.ORIGINAL_SCRIPT
        found.insert(0, DerivedName(whole, derivation, ctx.kind))
    return reading.plain, found + reading.names


def _read_group(reading: _Reading, index: int, group: _Group, ctx: _Context) -> None:
    """Classify one bracket group and record the names and edits it makes."""
    content = _trim(_NOTE_TAIL.sub("", group.content))
    after = _trim(reading.masked[group.end :])
    lead = not _trim(reading.masked[: group.start])
    end = not after or reading.masked[group.end :].lstrip()[:1] in (",", ".", ":")
    deeper = _Context(ctx.person, ctx.kind, ctx.depth + 1)
    words = reading.words(group.start)
    upper = [w for _, w in _word_letters(content)]
    single = len(upper) == 1
    previous = words[-1][0] if words else None

    def remove(*names: DerivedName, plain: bool = True) -> None:
        reading.removed.add(index)
        reading.names.extend(names)
        reading.plain = reading.plain and plain

    def replace(derivation: NameDerivation, start: int) -> None:
        reading.removed.add(index)
        reading.edits.append((derivation, (start, group.end, content)))

    if not content:
        return remove()
    if non_latin_script(content) != non_latin_script(_trim(reading.masked)):
        reading.mixed = True  # "Jin Tiesan (金铁三)", "حسن غول (Hassan Ghul; Hassan Gul)"
    if m := _LEADING_MARKER.match(content):  # "(a.k.a. X; Y)", "(f.k.a., X)"
        derivation = _MARKERS[m.group()[0].lower()]
        rest, kind = content[m.end() :], _marker_kind(derivation)
        items = _cut(rest, _top_level(rest) or rest, re.compile(";"))
        found = [n for item in items for n in _with_own(item, derivation, deeper, kind)]
        return remove(*found, plain=False)
    if content.lower().startswith("original script"):  # "(original script: Амир Хазмат)"
        rest = _trim(content[len("original script") :])
        if not rest:
            reading.without = D.ORIGINAL_SCRIPT  # "هيئة تحرير الشام (original script)"
        script_name = [DerivedName(rest, D.ORIGINAL_SCRIPT, ctx.kind)] if rest else []
        return remove(*script_name, plain=False)
    if ";" in (_top_level(content) or ""):  # "(the Victory Front; Jabhat al-Nusrah; …)"
        return remove(*_read_list(content, deeper) or [], plain=False)
    if _NOTE.search(content):  # "(birth name)", "(DPRK individual)", "(KPE.018)"
        return remove(plain=False)
    if reading.mixed and non_latin_script(content) != non_latin_script(_trim(reading.masked)):
        derivation = D.ORIGINAL_SCRIPT if non_latin_script(content) else D.ALTERNATIVE
        return remove(*_with_own(content, derivation, deeper), plain=False)
    if upper and all(w in _LEGAL or len(w) == 1 for w in upper) and set(upper) & _LEGAL:
        return remove()  # "(PVT.)", "(F Z CO)", "(PUBLIC JOINT-STOCK COMPANY)"
    if upper and all(w in _TITLES for w in upper):
        return remove()  # "(Sheikh)", "(THIRD)"
    if lead or sum(len(w) for w in upper) < 2:
        return None  # "(S) PTE. LTD.": one letter says nothing we can tell
    if single and any(w == upper[0] for _, w in words):  # "(Huawei)", "(HAFEI)": a word of it
        short = end and ctx.person is False  # a person's name has no short form
        return remove(*([DerivedName(content, D.SHORT_FORM, ctx.kind)] if short else []))
    start = _fits_words(_strip_legal(content), words)
    if start is not None:  # "(HTS)"; inside the name "(IRGC)-QODS FORCE" -> "IRGC-QODS FORCE"
        if end:
            return remove(DerivedName(content, D.SHORT_FORM, ctx.kind))
        return replace(D.SHORT_FORM, words[start][0])
    if single and previous is not None and content.isalpha():
        before = _WORD.match(reading.masked, previous)
        word = before.group() if before else ""
        if fuzz.ratio(word.casefold(), content.casefold()) >= 60:  # "Fawzi (Faouzi)"
            return replace(D.VARIANT, previous)
    if not end and previous is not None and _other_given_names(ctx, upper, reading, previous):
        return replace(D.ALTERNATIVE, previous)  # "SAMMY (IHSAN MEDHAT) ELASHI": in place
    if not end:
        return None  # "VTB BANK (AUSTRIA) AG", "SC (DALIAN) INDUSTRY": part of the name
    if _is_place(content):
        return None  # "AL-HARAMAIN FOUNDATION (PAKISTAN)": another branch, not another name
    if single and content.isalpha() and _everyday(content):
        # "… OF SHAHIDS (MARTYRS)" translates the word before it; "VOLAT (GIANT)" names none
        return replace(D.ALTERNATIVE, previous) if len(words) > 1 and previous else remove()
    parts = content.split(", ")
    if len(parts) > 1 and _fits_words(parts[0], words) is not None:
        # "(ISIL-SEA, ISIL-SOUTH EAST ASIA)": a short form, then other names
        others = [DerivedName(p, D.ALTERNATIVE, ctx.kind) for p in parts[1:]]
        return remove(DerivedName(parts[0], D.SHORT_FORM, ctx.kind), *others)
    if len(words) == 1 and _fits(words[0][1], upper) == 0:
        reading.without = D.SHORT_FORM  # "ASMAT (APPLIED SYSTEMS METHODS AND TECHNOLOGY)"
    return remove(*_with_own(content, D.ALTERNATIVE, deeper))


def _other_given_names(ctx: _Context, upper: list[str], reading: _Reading, previous: int) -> bool:
    """Whether a bracketed word or three inside a name are another given name for the
    word before them: in a person's name, or in a name of a list that does not say
    (the DPL, the CSL's blank-type rows) with no legal form and no everyday word in it
    ("K Logistics (China) Limited", "Kunhai (Yanjiao) Innovation Research Institute")."""
    if ctx.person is False or len(upper) > 3 or not all(map(str.isalpha, upper)):
        return False
    if _is_place(" ".join(upper)):
        return False
    if ctx.person is None:  # the words besides the one replaced
        others = [w for at, w in _word_letters(reading.masked) if at != previous]
        return not any(w in _LEGAL or _everyday(w) for w in others)
    return True


def _word_letters(text: str) -> list[tuple[int, str]]:
    """(offset, letters) of each word, words split at spaces, hyphens and slashes."""
    return [(m.start(), _letters(m.group())) for m in _WORD.finditer(text) if _letters(m.group())]


def _fits_words(short: str, words: Sequence[tuple[int, str]]) -> int | None:
    """Index of the first of `words` that `short` abbreviates, if it covers two or more."""
    start = _fits(_letters(short), [w for _, w in words]) if words else None
    return start if start is not None and len(words) - start >= 2 else None


def _strip_legal(content: str) -> str:
    """`RWDS, LLC` -> `RWDS`: a legal form after a short form is not part of it."""
    words = content.replace(",", " ").split()
    while len(words) > 1 and _letters(words[-1]) in _LEGAL:
        words.pop()
    return " ".join(words)


def _is_place(content: str) -> bool:
    from anyascii import anyascii

    folded = " ".join(anyascii(content).replace(".", "").lower().split())
    return folded in _places()


def invert_person_name(value: str) -> tuple[str, str] | None:
    """(first, last) of a person written `LAST, First` (OFAC, the CSL's Treasury rows)."""
    if value.count(", ") != 1:
        return None
    last, first = (part.strip() for part in value.split(", "))
    return (first, last) if first and last else None


def _derived_kind(field: NameKind, rule: NameKind | None) -> NameKind:
    """A derived name keeps its field's kind, except after a.k.a. (alias) and f.k.a.
    (former); a weak field's names stay weak, and a former name's a.k.a. is former too."""
    if rule is None or field is NameKind.WEAK:
        return field
    if rule is NameKind.ALIAS and field is not NameKind.PRIMARY:
        return field
    return rule


def with_derived_names(
    names: Sequence[Name], *, person: bool | None, invert: bool = False
) -> list[Name]:
    """The names as listed, then the names their fields pack (see `split_name_field`).

    A derived name equal to a listed one (case and spaces aside) is left out: the
    field as written says it already. `invert` fills first and last name of derived
    person names written `LAST, First`.
    """
    out = list(names)
    seen = {fold(n.value) for n in names}
    for name in names:
        if name.derived is not None:
            continue
        for found in split_name_field(name.value, person=person):
            key = fold(found.value)
            if key in seen:
                continue
            seen.add(key)
            parts = invert_person_name(found.value) if person and invert else None
            out.append(
                Name(
                    found.value,
                    _derived_kind(name.kind, found.kind),
                    first_name=parts[0] if parts else None,
                    last_name=parts[1] if parts else None,
                    script=non_latin_script(found.value),
                    derived=found.derivation,
                    derived_from=name.value,
                )
            )
    return out
