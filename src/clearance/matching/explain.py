"""Explanations in words an analyst can act on: what met what, how, and what was left.

The lines read the scoring model back: each pair of words and the way they met, then
each word left over on either side with its kind and what it cost the score (the
score with that word's term of the model removed, minus the score).
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.matching.alignment import INITIAL, LEGAL, Alignment, Side
from clearance.matching.features import INDEX, veto
from clearance.matching.match_model import MatchModel, probability
from clearance.matching.name_statistics import TokenKind
from clearance.matching.similarity import EDIT, EXACT, JOINED, PHONETIC, TRANSLIT
from clearance.matching.vocabulary import LEGAL_PREFIX
from clearance.model import NameKind

_KIND_WORDS = {
    NameKind.PRIMARY: "primary name",
    NameKind.ALIAS: "alias",
    NameKind.WEAK: "weak alias (low quality, counts less)",
    NameKind.FORMER: "former name",
}
_TOKEN_KIND_WORDS = {
    TokenKind.OTHER: "name",
    TokenKind.GIVEN: "given name",
    TokenKind.PATRONYMIC: "patronymic",
    TokenKind.GENERIC: "generic word",
    TokenKind.MINOR: "title or particle",
    TokenKind.INITIAL: "initial",
    TokenKind.NUMBER: "number",
}
_LEFT_FEATURE = {
    TokenKind.OTHER: "other",
    TokenKind.GIVEN: "given",
    TokenKind.PATRONYMIC: "patronymic",
    TokenKind.GENERIC: "generic",
    TokenKind.MINOR: "minor",
    TokenKind.INITIAL: "minor",
    TokenKind.NUMBER: "number",
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


def _left_over(
    side: Side, left: Sequence[int], prefix: str, model: MatchModel, logit: float
) -> list[str]:
    """Each plain word left over on one side: kind and what it cost."""
    out = []
    score = probability(logit)
    for i in left:
        kind = TokenKind(side.kinds[i])
        if kind == TokenKind.LEGAL:
            continue
        weight = model.weights[INDEX[prefix + _LEFT_FEATURE[kind]]]
        term = weight * (1.0 if kind == TokenKind.NUMBER else side.info[i])
        cost = probability(logit - term) - score
        word = f"{side.tokens[i]} ({_TOKEN_KIND_WORDS[kind]}"
        out.append(word + (f", cost {cost:.2f})" if cost >= 0.005 else ", costs nothing)"))
    return out


def describe_name_match(
    query: Side,
    name_tokens: Sequence[str],
    alignment: Alignment,
    name_value: str,
    kind: NameKind,
    model: MatchModel,
    features: Sequence[float],
    name: Side | None = None,
) -> list[str]:
    """Lines saying which listed name matched, token by token, and what was left over."""
    logit = model.logit(features)
    lines = [f'name {probability(logit):.2f} against the {_KIND_WORDS[kind]} "{name_value}"']
    vetoed = veto(features)
    if vetoed:
        lines.append(f"no match by rule: {vetoed}")
    met: list[str] = []
    for pair in alignment.pairs:
        q = "+".join(_token(query.tokens[i]) for i in pair.q)
        n = "+".join(_token(name_tokens[j]) for j in pair.n)
        sign = "=" if pair.match.how == EXACT else "~"
        met.append(f"{q} {sign} {n} ({_how(pair.match.how, pair.match.edits, pair.match.sim)})")
    if met:
        lines.append("tokens: " + "; ".join(met))
    q_left = _left_over(query, alignment.q_unmatched, "q_left_", model, logit)
    if q_left:
        lines.append("in the query but not in the listed name: " + ", ".join(q_left))
    if name is not None:
        n_left = _left_over(name, alignment.n_unmatched, "n_left_", model, logit)
    else:
        n_left = [
            name_tokens[j] for j in alignment.n_unmatched if not name_tokens[j].startswith("#")
        ]
    if n_left:
        lines.append("in the listed name but not in the query: " + ", ".join(n_left))
    legal = [
        _token(t) for t in list(query.tokens) + list(name_tokens) if t.startswith(LEGAL_PREFIX)
    ]
    if legal and not alignment.legal_counted:
        lines.append(f"legal form {', '.join(sorted(set(legal)))} ignored (only one name has one)")
    return lines
