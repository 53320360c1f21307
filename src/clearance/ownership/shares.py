"""A share of ownership as the sources give it: exact, a band, or not known at all.

Registers and filings rarely give exact percentages: UK Companies House bands
(25-50 %, 50-75 %, 75-100 %), BODS `minimum`/`exclusiveMaximum`, a CSV's "25-50".
A `Share` keeps both ends, so aggregation can say what the facts *prove* (the
minimum reaches the threshold) and what they *allow* (only the maximum does).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

# An exclusive bound sits this far inside the band, so "more than 50 %" passes a
# "more than 50 %" test and "less than 50 %" fails an "at least 50 %" one.
EXCLUSIVE = 1e-6

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_RANGE = re.compile(rf"^{_NUMBER}\s*%?\s*(?:-|–|—|to|\.\.)\s*{_NUMBER}\s*%?$", re.I)
_EXACT = re.compile(rf"^{_NUMBER}\s*%?$")
_ABOVE = re.compile(rf"^(>=?|≥|more than|over|at least)\s*{_NUMBER}\s*%?$", re.I)
_BELOW = re.compile(rf"^(<=?|≤|less than|under|at most)\s*{_NUMBER}\s*%?$", re.I)
_UNKNOWN = frozenset({"unknown", "?", "n/a", "not known"})


class ShareError(ValueError):
    """A percentage that cannot be read; the message says what is accepted."""


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _label(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True, slots=True)
class Share:
    """Between `low` and `high` per cent (inclusive once `EXCLUSIVE` is applied)."""

    low: float
    high: float
    label: str  # as a person would write it: "60 %", "25–50 %", "more than 50 %", "unknown"

    @classmethod
    def exact(cls, value: float) -> Share:
        return cls(value, value, f"{_label(value)} %")

    @classmethod
    def band(
        cls,
        low: float | None,
        high: float | None,
        low_exclusive: bool = False,
        high_exclusive: bool = False,
    ) -> Share:
        """A band from its bounds as BODS gives them (either may be missing)."""
        lo = 0.0 if low is None else low + (EXCLUSIVE if low_exclusive else 0.0)
        hi = 100.0 if high is None else high - (EXCLUSIVE if high_exclusive else 0.0)
        if low is not None and high is not None:
            text = f"{_label(low)}–{_label(high)} %"
        elif low is not None:
            text = f"{'more than' if low_exclusive else 'at least'} {_label(low)} %"
        elif high is not None:
            text = f"{'less than' if high_exclusive else 'at most'} {_label(high)} %"
        else:
            text = "unknown"
        return cls(lo, max(lo, hi), text)

    @classmethod
    def unknown(cls) -> Share:
        return cls(0.0, 100.0, "unknown")

    @classmethod
    def parse(cls, text: str) -> Share:
        """ "60", "60 %", "25-50", "25–50 %", ">50", "at least 50", "unknown"."""
        return _parse(str(text))

    @classmethod
    def _parse(cls, text: str) -> Share:
        value = " ".join(text.strip().split())
        if not value:
            raise ShareError("empty: give a number, a range such as 25-50, or 'unknown'")
        if value.lower() in _UNKNOWN:
            return cls.unknown()
        if m := _EXACT.match(value):
            share = cls.exact(_number(m.group(1)))
        elif m := _RANGE.match(value):
            low, high = _number(m.group(1)), _number(m.group(2))
            if low > high:
                raise ShareError(f"{value!r}: the range runs backwards ({low:g} > {high:g})")
            share = cls.band(low, high) if low != high else cls.exact(low)
        elif m := _ABOVE.match(value):
            sign = m.group(1).lower()
            share = cls.band(
                _number(m.group(2)), None, low_exclusive=sign in (">", "more than", "over")
            )
        elif m := _BELOW.match(value):
            sign = m.group(1).lower()
            share = cls.band(
                None, _number(m.group(2)), high_exclusive=sign in ("<", "less than", "under")
            )
        else:
            raise ShareError(
                f"{value!r} is not a percentage: give a number (60), a range (25-50), "
                "a bound (>50) or 'unknown'"
            )
        share.check()
        return share

    def check(self) -> None:
        if not (0.0 <= self.low <= self.high <= 100.0) or math.isnan(self.low + self.high):
            raise ShareError(f"{self.label} is outside 0-100 %")

    @property
    def is_exact(self) -> bool:
        return self.low == self.high

    def scaled(self, factor_low: float, factor_high: float) -> tuple[float, float]:
        """This share of a holding that is itself between two fractions (look-through)."""
        return self.low * factor_low / 100.0, self.high * factor_high / 100.0


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Share:
    """Files repeat a few percentages a million times: each is read once (shares are frozen)."""
    return Share._parse(text)


def percent_text(low: float, high: float) -> str:
    """ "30 %" or "25–50 %" for a computed band, rounded as a reader wants it."""

    def fmt(value: float) -> str:
        rounded = round(value, 2)
        return f"{rounded:g}"

    if abs(high - low) < 0.005:
        return f"{fmt(low)} %"
    return f"{fmt(low)}–{fmt(high)} %"
