"""The ownership chain of a party as a small SVG graph, drawn on the server.

Owners above (up the chains to the listed parties), the party in the middle, its
direct holdings below; each box says whether the party is listed, reached by a 50 %
rule, or may be; each arrow carries the share. Plain SVG with CSS classes, so the
page needs no script and the strict content-security policy holds.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from markupsafe import Markup, escape

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 46, 24, 56, 8


def _short(text: str, width: int = 27) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _label(view: Any, node: int) -> tuple[str, str]:
    """(second line, CSS class) for a node: its listings, or what ownership makes of it."""
    listed = sorted(
        {f.label.split(",")[0] for r in view.owner_facts.values() if (f := r.get(node))}
    )
    if listed:
        return ", ".join(listed), "own-listed"
    statuses = view.statuses(node)
    if any(s == "is" for s in statuses.values()):
        names = sorted({view.tests[r].consequence for r, s in statuses.items() if s == "is"})
        return f"{' / '.join(names)} by ownership", "own-derived"
    if statuses:
        return "may be covered", "own-maybe"
    return "not reached", "own-plain"


def chain_svg(view: Any, node: int) -> Markup:
    """The SVG of `node`'s chain (at most 40 parties)."""
    nodes, positions = view.chain(node)
    graph = view.aggregation.graph
    level = {node: 0}
    todo = deque([node])
    while todo:  # owners one row up from what they own
        current = todo.popleft()
        for pos in positions:
            if graph.owned[pos] == current and graph.owner[pos] not in level:
                level[graph.owner[pos]] = level[current] - 1
                todo.append(graph.owner[pos])
    for pos in positions:
        if graph.owner[pos] == node and graph.owned[pos] not in level:
            level[graph.owned[pos]] = 1
    for other in nodes:
        level.setdefault(other, 1)
    top = min(level.values())
    rows: dict[int, list[int]] = {}
    for other in nodes:
        rows.setdefault(level[other] - top, []).append(other)
    width = max(len(r) for r in rows.values()) * (BOX_W + GAP_X) + 2 * MARGIN
    height = len(rows) * (BOX_H + GAP_Y) + 2 * MARGIN
    where: dict[int, tuple[float, float]] = {}
    for row, members in rows.items():
        offset = (width - len(members) * (BOX_W + GAP_X)) / 2 + GAP_X / 2
        for i, member in enumerate(members):
            where[member] = (offset + i * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y))
    parts = [
        f'<svg class="ownership-graph" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="ownership-graph-title"><title id="ownership-graph-title">Ownership '
        f"chain of {escape(view.name(node))}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/>'
        "</marker></defs>",
    ]
    for pos in positions:
        owner, owned = graph.owner[pos], graph.owned[pos]
        (x1, y1), (x2, y2) = where[owner], where[owned]
        ax, ay, bx, by = x1 + BOX_W / 2, y1 + BOX_H, x2 + BOX_W / 2, y2
        if y2 <= y1:  # a holding back up the chain (a cycle): from the side
            ax, ay, bx, by = x1 + BOX_W, y1 + BOX_H / 2, x2 + BOX_W, y2 + BOX_H / 2
        share = view.edges[pos][1].share.label
        parts.append(
            f'<line class="own-edge" x1="{ax:.0f}" y1="{ay:.0f}" x2="{bx:.0f}" y2="{by:.0f}" '
            'marker-end="url(#arrow)"/>'
            f'<text class="own-share" x="{(ax + bx) / 2 + 4:.0f}" y="{(ay + by) / 2 + 4:.0f}">'
            f"{escape(share)}</text>"
        )
    for member in nodes:
        x, y = where[member]
        second, css = _label(view, member)
        focus = " own-focus" if member == node else ""
        parts.append(
            f'<g class="own-node {css}{focus}"><rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="5"/><text x="{x + 8:.0f}" y="{y + 19:.0f}">'
            f"{escape(_short(view.name(member)))}</text>"
            f'<text class="own-status" x="{x + 8:.0f}" y="{y + 36:.0f}">{escape(second)}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
