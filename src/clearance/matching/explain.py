"""Explanations in words an analyst can act on: what met what, and how."""

from __future__ import annotations

from collections.abc import Sequence

from clearance.matching.alignment import INITIAL, LEGAL, Alignment
from clearance.matching.similarity import EDIT, EXACT, JOINED, PHONETIC, TRANSLIT
from clearance.matching.vocabulary import LEGAL_PREFIX
from clearance.model import NameKind

_KIND_WORDS = {
    NameKind.PRIMARY: "primary name",
    NameKind.ALIAS: "alias",
    NameKind.WEAK: "weak alias (low quality, counts less)",
    NameKind.FORMER: "former name",
}


def _token(text: str) -> str:
    return text[len(LEGAL_PREFIX) :].upper() if text.startswith(LEGAL_PREFIX) else text


def _how(how: str, edits: int, sim: float) -> str:
    if how == EXACT:
        return "exact"
    if how == EDIT:
        return f"{edits} edit{'s' if edits != 1 else ''}"
    if how == PHONETIC:
        return "sounds alike"
    if how == TRANSLIT:
        return "same consonants across scripts (transliterated)"
    if how == JOINED:
        return "written together / apart" + ("" if sim >= 1.0 else f", {sim:.2f} alike")
    if how == INITIAL:
        return "initial"
    if how == LEGAL:
        return "legal forms of a kind"
    return how


def describe_name_match(
    query_tokens: Sequence[str],
    name_tokens: Sequence[str],
    alignment: Alignment,
    name_value: str,
    kind: NameKind,
    name_score: float,
) -> list[str]:
    """Lines saying which listed name matched, token by token, and what was left over."""
    lines = [f'name {name_score:.2f} against the {_KIND_WORDS[kind]} "{name_value}"']
    met: list[str] = []
    for pair in alignment.pairs:
        q = "+".join(_token(query_tokens[i]) for i in pair.q)
        n = "+".join(_token(name_tokens[j]) for j in pair.n)
        sign = "=" if pair.match.how == EXACT else "~"
        met.append(f"{q} {sign} {n} ({_how(pair.match.how, pair.match.edits, pair.match.sim)})")
    if met:
        lines.append("tokens: " + "; ".join(met))
    q_left = [query_tokens[i] for i in alignment.q_unmatched]
    n_left = [name_tokens[j] for j in alignment.n_unmatched]
    plain_q = [t for t in q_left if not t.startswith(LEGAL_PREFIX)]
    plain_n = [t for t in n_left if not t.startswith(LEGAL_PREFIX)]
    if plain_q:
        lines.append("in the query but not in the listed name: " + ", ".join(plain_q))
    if plain_n:
        lines.append("in the listed name but not in the query: " + ", ".join(plain_n))
    legal = [
        _token(t) for t in list(query_tokens) + list(name_tokens) if t.startswith(LEGAL_PREFIX)
    ]
    if legal and not alignment.legal_counted:
        lines.append(f"legal form {', '.join(sorted(set(legal)))} ignored (only one name has one)")
    return lines
