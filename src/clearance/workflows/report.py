"""A self-contained HTML report of a batch run: inline CSS, inline SVG charts, no CDN.

An analyst opens it from an e-mail or a ticket on a machine without network, so
everything it shows is in the one file.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clearance.workflows.summary import SCORE_BINS, Summary

MAX_TABLE_ROWS = 5000

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1c2430}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}
.meta{color:#5b6675;margin-bottom:1.5rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #d8dee6;border-radius:8px;padding:.75rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.6rem}
.charts{display:flex;gap:2rem;flex-wrap:wrap}
.chart{border:1px solid #d8dee6;border-radius:8px;padding:.75rem}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e3e8ee;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f9;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.v-PROHIBITED{color:#b00020;font-weight:600}.v-LICENCE_REQUIRED{color:#b35c00;font-weight:600}
.v-CAUTION{color:#6b5b00}
ul.expl{margin:0;padding-left:1rem}
.errors li{font-family:ui-monospace,monospace;font-size:12px}
"""


def _bar_chart(title: str, counts: Mapping[str, int], color: str = "#3b6fb6") -> str:
    """Horizontal bars, one per label, largest first; SVG sized to its content."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    if not items:
        return f'<div class="chart"><b>{html.escape(title)}</b><p>none</p></div>'
    label_w, bar_w, row_h = 190, 260, 22
    height = row_h * len(items) + 10
    top = max(v for _, v in items) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" '
        f'height="{height}" role="img" aria-label="{html.escape(title)}">'
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        w = max(1, round(bar_w * value / top))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{html.escape(label[:30])}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 6}" fill="{color}">'
            f"<title>{html.escape(label)}: {value:,}</title></rect>"
            f'<text x="{label_w + w + 4}" y="{y + 15}" font-size="12">{value:,}</text>'
        )
    parts.append("</svg>")
    return f'<div class="chart"><b>{html.escape(title)}</b><br>{"".join(parts)}</div>'


def _histogram(title: str, bins: list[int]) -> str:
    """Score distribution: one column per 1/SCORE_BINS of the 0-1 scale."""
    width, height, pad = 420, 180, 28
    top = max(bins) if bins and max(bins) > 0 else 1
    col = (width - pad) / SCORE_BINS
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 16}" height="{height + pad}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<line x1="{pad}" y1="{height}" x2="{width}" y2="{height}" stroke="#888"/>',
    ]
    for i, count in enumerate(bins):
        h = round((height - 10) * count / top)
        x = pad + i * col
        low, high = i / SCORE_BINS, (i + 1) / SCORE_BINS
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{height - h}" width="{col - 2:.1f}" height="{h}" '
            f'fill="#c0504d"><title>{low:.2f}-{high:.2f}: {count:,}</title></rect>'
        )
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = pad + tick * (width - pad)
        parts.append(
            f'<text x="{x:.1f}" y="{height + 16}" font-size="11" text-anchor="middle">'
            f"{tick:.2f}</text>"
        )
    parts.append(
        f'<text x="4" y="12" font-size="11">{top:,}</text>'
        f'<text x="{width / 2:.0f}" y="{height + pad - 1}" font-size="11" '
        'text-anchor="middle">score</text></svg>'
    )
    return f'<div class="chart"><b>{html.escape(title)}</b><br>{"".join(parts)}</div>'


def _cell(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _explanation(value: Any) -> str:
    items = value if isinstance(value, list) else [p for p in str(value or "").split(" | ") if p]
    if not items:
        return ""
    return '<ul class="expl">' + "".join(f"<li>{_cell(i)}</li>" for i in items) + "</ul>"


def render_html_report(
    summary: Summary,
    hit_rows: Iterable[Mapping[str, Any]],
    meta: Mapping[str, Any],
    former_rows: Iterable[Mapping[str, Any]] = (),
) -> str:
    """The report as one HTML string. `hit_rows` are output rows that hit, in file order;
    `former_rows` found only parties no longer (or not yet) listed: shown apart, never
    counted as hits."""
    title = f"Screening report: {meta.get('input', '')}"
    when = meta.get("generated") or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cards = [
        ("rows screened", f"{summary.rows:,}"),
        ("rows with a hit", f"{summary.hit_rows:,}"),
        ("hit rate", f"{(summary.hit_rows / summary.rows * 100) if summary.rows else 0:.2f} %"),
        ("formerly listed only (not hits)", f"{summary.formerly_listed_rows:,}"),
        ("rows with an error", f"{summary.errors:,}"),
    ]
    if summary.not_yet_listed_rows:
        cards.insert(4, ("listed only later (not hits)", f"{summary.not_yet_listed_rows:,}"))
    meta_line = " · ".join(
        f"{html.escape(str(k))}: {html.escape(str(v))}"
        for k, v in meta.items()
        if k not in ("input",) and v not in (None, "")
    )
    out = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><div class=meta>{meta_line} · generated {when}</div>",
        '<div class="cards">',
        *(f'<div class="card"><b>{v}</b>{html.escape(k)}</div>' for k, v in cards),
        "</div><h2>Charts</h2><div class=charts>",
        _bar_chart("Hits by list", summary.by_list),
        _bar_chart("Hits by effect", summary.by_effect, "#8a5bb6"),
        _histogram("Score distribution of hits", summary.score_bins),
        "</div>",
        "<h2 id=hits>Hits</h2>",
        *_rows_table(hit_rows, "hit rows"),
    ]
    former = list(former_rows)
    if former:
        out += [
            "<h2 id=formerly-listed>Formerly listed (not counted as hits)</h2>",
            "<p>These rows found a party whose every listing had ended (or began later) on "
            "the screening date: history to be aware of, not a hit.</p>",
            *_rows_table(former, "formerly listed rows", reasons=True),
        ]
    if summary.error_samples:
        out.append("<h2>Rows with errors</h2><ul class=errors>")
        out.extend(f"<li>{_cell(e)}</li>" for e in summary.error_samples)
        if summary.errors > len(summary.error_samples):
            out.append(f"<li>… {summary.errors - len(summary.error_samples):,} more</li>")
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


def _rows_table(rows: Iterable[Mapping[str, Any]], what: str, reasons: bool = False) -> list[str]:
    """A table of output rows (the first MAX_TABLE_ROWS), with the verdict's reasons or
    the match explanation in the last column."""
    last = "reasons" if reasons else "explanation"
    out = [
        "<table><thead><tr><th>row</th><th>input name</th><th>score</th>"
        "<th>party</th><th>matched name</th><th>lists</th><th>effect</th><th>verdict</th>"
        f"<th>{last}</th></tr></thead><tbody>"
    ]
    shown = 0
    for row in rows:
        shown += 1
        if shown > MAX_TABLE_ROWS:
            continue
        verdict = str(row.get("screen_verdict") or "")
        out.append(
            f"<tr><td class=num>{_cell(row.get('screen_row'))}</td>"
            f"<td>{_cell(row.get('screen_input_name'))}</td>"
            f"<td class=num>{_cell(row.get('screen_score'))}</td>"
            f"<td>{_cell(row.get('screen_party'))}<br><small>{_cell(row.get('screen_party_id'))}"
            f"</small></td><td>{_cell(row.get('screen_matched_name'))}</td>"
            f"<td>{_cell(row.get('screen_lists'))}</td><td>{_cell(row.get('screen_effect'))}</td>"
            f'<td class="v-{html.escape(verdict)}">{_cell(verdict.replace("_", " "))}</td>'
            f"<td>{_explanation(row.get('screen_' + last))}</td></tr>"
        )
    out.append("</tbody></table>")
    if shown > MAX_TABLE_ROWS:
        out.append(
            f"<p>{shown - MAX_TABLE_ROWS:,} more {what} are in the output file "
            f"(the table shows the first {MAX_TABLE_ROWS:,}).</p>"
        )
    return out


def write_html_report(
    path: str | Path,
    summary: Summary,
    hit_rows: Iterable[Mapping[str, Any]],
    meta: Mapping[str, Any],
    former_rows: Iterable[Mapping[str, Any]] = (),
) -> None:
    Path(path).write_text(
        render_html_report(summary, hit_rows, meta, former_rows), encoding="utf-8"
    )
