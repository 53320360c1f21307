"""Write a benchmark's figures into its own part of docs/benchmarks.md.

Each benchmark owns one `### ` subsection under a `## ` section and replaces only that
subsection, so benchmarks (and other sections) can be re-run in any order.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_subsection(section: str, subsection: str, body: str, path: Path = DOCS) -> None:
    """Replace (or add) `### subsection` inside `## section` with `body`."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"### {subsection}\n\n{body.strip()}\n"
    sec = re.search(rf"^## {re.escape(section)}\n", text, re.M)
    if sec is None:
        text = text.rstrip() + f"\n\n## {section}\n\n{block}"
        path.write_text(text)
        return
    nxt = re.search(r"^## ", text[sec.end() :], re.M)
    sec_end = sec.end() + nxt.start() if nxt else len(text)
    body_text = text[sec.end() : sec_end]
    sub = re.search(rf"^### {re.escape(subsection)}\n", body_text, re.M)
    if sub is None:
        body_text = body_text.rstrip() + "\n\n" + block + "\n"
    else:
        after = re.search(r"^### ", body_text[sub.end() :], re.M)
        sub_end = sub.end() + after.start() if after else len(body_text)
        body_text = body_text[: sub.start()] + block + "\n" + body_text[sub_end:].lstrip("\n")
    text = (
        text[: sec.end()] + body_text.rstrip("\n") + "\n" + ("\n" + text[sec_end:] if nxt else "")
    )
    path.write_text(text.rstrip() + "\n")
