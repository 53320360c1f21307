"""Partial dates: lists give "1960", "May 1960", "circa 1960" or "1958 to 1962"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to year, month or day precision, maybe approximate or a range.

    `value` is ISO-shaped at its precision: "1960", "1960-05" or "1960-05-01".
    `end` is set for ranges ("1958 to 1962"); `circa` for "circa"/"approximately".
    """

    value: str
    circa: bool = False
    end: str | None = None

    @property
    def year(self) -> int:
        return int(self.value[:4])

    def __str__(self) -> str:
        text = self.value if self.end is None else f"{self.value} to {self.end}"
        return f"circa {text}" if self.circa else text


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY_TEXT = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]{3,9})\.?\s+(\d{4})$")
_NUMERIC_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_CIRCA = re.compile(r"^(?:circa|ca\.?|c\.|approximately|approx\.?|about)\s+", re.I)
_RANGE = re.compile(r"\s+(?:to|-|–)\s+")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        if day is not None and month is not None:
            return date(year, month, day).isoformat()
        if month is not None:
            date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}"
    except ValueError:
        return None


def _parse_single(text: str) -> str | None:
    text = text.strip().rstrip(".")
    if m := _ISO.match(text):
        y, mo, d = m.groups()
        return _iso(int(y), int(mo) if mo else None, int(d) if d else None)
    if m := _DMY_TEXT.match(text):
        d, mon, y = m.groups()
        month = _MONTHS.get(mon.lower())
        if month is None:
            return None
        return _iso(int(y), month, int(d) if d else None)
    if m := _NUMERIC_DMY.match(text):
        d, mo, y = m.groups()
        # Sources in this field write day first (UK, EU, UN); US CSL writes ISO.
        return _iso(int(y), int(mo), int(d))
    return None


def parse_partial_date(text: str | None) -> PartialDate | None:
    """Parse the date spellings found on the official lists; None if unreadable."""
    if not text:
        return None
    text = text.strip()
    circa = False
    if m := _CIRCA.match(text):
        circa = True
        text = text[m.end() :]
    parts = _RANGE.split(text, maxsplit=1)
    if len(parts) == 2:
        start, end = _parse_single(parts[0]), _parse_single(parts[1])
        if start and end:
            return PartialDate(start, circa, end)
    value = _parse_single(text)
    return PartialDate(value, circa) if value else None
