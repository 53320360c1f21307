"""Portfolio screening: which holdings are securities US persons may not trade.

NS-CMIC (EO 13959 / 14032) names issuers *and* their securities by ISIN. A holding
is flagged when its ISIN is one a list names (exact, after checking the ISIN's own
check digit), or, when the holding has no ISIN, when its issuer name matches a
listed party whose listing restricts investing (fuzzy, through the matcher). A
holding whose ISIN is not listed but whose issuer is gets "review": the ban also
covers securities that give exposure to the listed ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clearance.effects import Activity, Effect, EffectKind, Verdict
from clearance.model import Entity, IdentifierType
from clearance.model.identifiers import normalize_identifier
from clearance.workflows.columns import find_column
from clearance.workflows.party_effects import PartyEffects, PartyFacts, PartySource, store_of
from clearance.workflows.summary import Summary
from clearance.workflows.table_writers import open_writer
from clearance.workflows.tables import (
    InputRow,
    TableError,
    detect_format,
    open_table,
)

ISIN_HEADERS = ["isin", "isincode", "isinnumber", "securityisin", "securityid", "identifier"]
ISSUER_HEADERS = [
    "issuer",
    "issuername",
    "issuerlegalname",
    "company",
    "companyname",
    "name",
    "securityname",
    "security",
    "holding",
    "holdingname",
    "description",
    "securitydescription",
]
PORTFOLIO_COLUMNS = (
    "portfolio_row",
    "portfolio_input",
    "portfolio_flag",
    "portfolio_match",
    "portfolio_party_id",
    "portfolio_party",
    "portfolio_score",
    "portfolio_lists",
    "portfolio_effect",
    "portfolio_listed_on",
    "portfolio_effective_on",
    "portfolio_divestment_on",
    "portfolio_verdict",
    "portfolio_reasons",
    "portfolio_explanation",
    "portfolio_error",
)
_ISIN_SHAPE = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")
_RESTRICTS_INVESTING = {
    EffectKind.INVESTMENT_BAN,
    EffectKind.BLOCKED,
    EffectKind.ASSET_FREEZE,
    # Derived from ownership: an issuer blocked or frozen through its owners.
    EffectKind.BLOCKED_BY_OWNERSHIP,
    EffectKind.ASSET_FREEZE_BY_OWNERSHIP,
}


def isin_problem(value: str) -> str | None:
    """Why `value` is not a well-formed ISIN (shape or ISO 6166 check digit), or None."""
    isin = normalize_identifier(value)
    if not _ISIN_SHAPE.match(isin):
        return f"ISIN {value!r} is not 2 letters, 9 letters or digits and a check digit"
    digits = "".join(str(int(ch, 36)) for ch in isin[:-1])
    total = 0
    for position, ch in enumerate(reversed(digits)):
        d = int(ch)
        if position % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    if (10 - total % 10) % 10 != int(isin[-1]):
        return f"ISIN {value!r} fails its check digit"
    return None


def isin_index(entities: Iterable[Entity]) -> dict[str, list[Entity]]:
    """Every ISIN a list names, to the records that name it."""
    index: dict[str, list[Entity]] = {}
    for entity in entities:
        for ident in entity.identifiers:
            if ident.type is IdentifierType.ISIN:
                index.setdefault(normalize_identifier(ident.value), []).append(entity)
    return index


@dataclass
class PortfolioOptions:
    as_of: date | None = None
    threshold: float | None = None
    isin_col: str | None = None
    issuer_col: str | None = None


@dataclass
class HoldingResult:
    flag: str  # "listed" (ISIN named), "issuer" (name match, no ISIN), "review", ""
    match: str = ""  # "isin" or "issuer"
    party: PartyFacts | None = None
    hit: Any = None
    effect: Effect | None = None
    verdict: Verdict | None = None
    reasons: list[str] = field(default_factory=list)
    error: str | None = None


def _investment_effect(facts: PartyFacts) -> Effect | None:
    """The listing that restricts investing, NS-CMIC first (it carries the dates)."""
    ranked = sorted(
        (e for e in facts.effects if e.kind in _RESTRICTS_INVESTING),
        key=lambda e: e.kind is not EffectKind.INVESTMENT_BAN,
    )
    return ranked[0] if ranked else None


class PortfolioScreener:
    """Screens holdings one by one; `summary` counts flags by list and effect."""

    def __init__(
        self,
        screener: Any,
        isins: dict[str, list[Entity]],
        options: PortfolioOptions,
        store: PartySource | None = None,
    ):
        self.screener = screener
        self.isins = isins
        self.options = options
        self.parties = PartyEffects(
            store if store is not None else store_of(screener), options.as_of
        )
        self.summary = Summary()

    def _issuer_hit(self, issuer: str) -> tuple[Any, PartyFacts] | None:
        hits = self.screener.check(issuer, threshold=self.options.threshold, limit=10)
        for hit in hits:
            facts = self.parties.of(hit.entity_id, getattr(hit, "entity", None))
            if _investment_effect(facts) is not None:
                return hit, facts
        return None

    def holding(self, isin: str | None, issuer: str | None) -> HoldingResult:
        problems = []
        key = None
        if isin:
            problem = isin_problem(isin)
            if problem:
                problems.append(problem)
            else:
                key = normalize_identifier(isin)
        result = HoldingResult("")
        if key is not None and key in self.isins:
            record = self.isins[key][0]
            facts = self.parties.of(record.id, record)
            result = HoldingResult("listed", "isin", facts)
        elif issuer:
            found = self._issuer_hit(issuer)
            if found is not None:
                hit, facts = found
                result = HoldingResult("review" if key else "issuer", "issuer", facts, hit)
        elif not isin:
            problems.append("neither an ISIN nor an issuer name: not screened")
        party = result.party
        if party is not None:
            result.effect = _investment_effect(party)
            verdict = party.verdict(Activity.INVEST, self.options.as_of)
            if verdict.verdict is Verdict.NO_LISTING_FOUND:  # listed later, or delisted
                result = HoldingResult("")
                result.error = "; ".join(problems) or None
                return result
            result.verdict = verdict.verdict
            result.reasons = verdict.reasons
            if result.flag == "review":
                result.reasons.insert(
                    0,
                    f"ISIN {isin} is not one the list names, but the issuer matches "
                    f"{party.records[0].caption}: check whether the security gives "
                    "exposure to the listed issuer",
                )
        result.error = "; ".join(problems) or None
        return result

    def row(self, row: InputRow, isin_col: str | None, issuer_col: str | None) -> dict[str, Any]:
        values = dict(row.values)
        isin = str(values.get(isin_col) or "").strip() if isin_col else ""
        issuer = str(values.get(issuer_col) or "").strip() if issuer_col else ""
        result = self.holding(isin or None, issuer or None)
        self.summary.rows += 1
        out: dict[str, Any] = {c: None for c in PORTFOLIO_COLUMNS}
        out["portfolio_row"] = row.number
        out["portfolio_input"] = " ".join(p for p in (isin, issuer) if p)
        out["portfolio_flag"] = result.flag
        problems = [p for p in (row.error, result.error) if p]
        if problems:
            out["portfolio_error"] = f"{row.where}: " + "; ".join(problems)
            self.summary.add_error(row.where, "; ".join(problems))
        if result.party is not None:
            facts = result.party
            effect = result.effect
            self.summary.hit_rows += 1
            self.summary.hits += 1
            for label in facts.lists:
                self.summary.by_list[label] += 1
            for kind in facts.effect_kinds:
                self.summary.by_effect[kind] += 1
            if result.verdict is not None:
                self.summary.by_verdict[result.verdict.value] += 1
            hit = result.hit
            out.update(
                {
                    "portfolio_match": result.match,
                    "portfolio_party_id": facts.entity_id,
                    "portfolio_party": facts.records[0].caption if facts.records else None,
                    "portfolio_score": round(float(hit.score), 4) if hit is not None else 1.0,
                    "portfolio_lists": "; ".join(facts.lists),
                    "portfolio_effect": "; ".join(facts.effect_kinds),
                    "portfolio_listed_on": effect.listed_on if effect else None,
                    "portfolio_effective_on": effect.effective_on if effect else None,
                    "portfolio_divestment_on": effect.divestment_on if effect else None,
                    "portfolio_verdict": result.verdict.value if result.verdict else None,
                    "portfolio_reasons": " | ".join(result.reasons),
                    "portfolio_explanation": (
                        " | ".join(str(e) for e in hit.explanation)
                        if hit is not None
                        else f"ISIN {isin} is named by {facts.entity_id}"
                    ),
                }
            )
            if hit is not None:
                self.summary.add_score(float(hit.score))
        return {**{k: v for k, v in values.items() if k not in out}, **out}


def listed_entities(screener: Any, store: Any, as_of: date | None) -> Iterator[Entity]:
    """The records screened: the screener's own when it holds them, else the store's."""
    held = getattr(screener, "entities", None)
    if held is not None and not callable(held):
        yield from held.values() if isinstance(held, dict) else held
        return
    if store is None:
        raise TableError("-", "portfolio screening needs the list store")
    yield from store.entities(as_of=as_of)


def screen_portfolio(
    screener: Any,
    holdings_path: str | Path,
    output_path: str | Path | None = None,
    *,
    input_format: str | None = None,
    output_format: str | None = None,
    options: PortfolioOptions | None = None,
    store: Any = None,
    sheet: str | None = None,
    encoding: str | None = None,
    write_rows: bool = True,
) -> tuple[Summary, list[dict[str, Any]]]:
    """Screen a holdings file; returns the summary and the flagged rows (also written out).

    Every holding is written to `output_path`; without one, as CSV to standard output
    unless `write_rows` is False (the CLI's table or JSON is then the only output).
    """
    opts = options or PortfolioOptions()
    source = store if store is not None else store_of(screener)
    isins = isin_index(listed_entities(screener, source, opts.as_of))
    worker = PortfolioScreener(screener, isins, opts, source)
    flagged: list[dict[str, Any]] = []
    with open_table(holdings_path, input_format, encoding=encoding, sheet=sheet) as reader:
        isin_col = opts.isin_col or find_column(reader.columns, ISIN_HEADERS)
        issuer_col = opts.issuer_col or find_column(reader.columns, ISSUER_HEADERS)
        for flag, value in (("--isin-col", opts.isin_col), ("--issuer-col", opts.issuer_col)):
            if value is not None and value not in reader.columns:
                raise TableError(
                    holdings_path,
                    f"{flag} {value!r}: no such column; the columns are: "
                    + ", ".join(reader.columns),
                )
        if isin_col is None and issuer_col is None:
            raise TableError(
                holdings_path,
                "no ISIN and no issuer column among ("
                + ", ".join(reader.columns)
                + "); say which with --isin-col / --issuer-col",
            )
        columns = [c for c in reader.columns if c not in PORTFOLIO_COLUMNS] + list(
            PORTFOLIO_COLUMNS
        )
        out_fmt = detect_format(output_path, output_format) if output_path else "csv"
        writing = output_path is not None or write_rows
        writer = open_writer(output_path, out_fmt, columns) if writing else None
        try:
            for row in reader:
                out = worker.row(row, isin_col, issuer_col)
                if writer is not None:
                    writer.write(out)
                if out["portfolio_flag"]:
                    flagged.append(out)
            if writer is not None:
                writer.finish()
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
    return worker.summary, flagged
