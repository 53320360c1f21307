"""Counts a batch run keeps as it goes: small, so it survives in the resume file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SCORE_BINS = 20
ERROR_SAMPLES = 50


@dataclass
class Summary:
    """Rows, hits, errors, and hits by list, by effect and by verdict; a score histogram."""

    rows: int = 0
    hit_rows: int = 0  # rows with a party listed on the screening date
    formerly_listed_rows: int = 0  # rows whose only hits are listings that had ended: not hits
    not_yet_listed_rows: int = 0  # rows whose only hits were listed after the screening date
    hits: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    by_list: Counter[str] = field(default_factory=Counter)
    by_effect: Counter[str] = field(default_factory=Counter)
    by_verdict: Counter[str] = field(default_factory=Counter)
    score_bins: list[int] = field(default_factory=lambda: [0] * SCORE_BINS)
    seconds: float = 0.0

    def add_error(self, where: str, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < ERROR_SAMPLES:
            self.error_samples.append(f"{where}: {message}")

    def add_score(self, score: float) -> None:
        index = min(SCORE_BINS - 1, max(0, int(score * SCORE_BINS)))
        self.score_bins[index] += 1

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "hit_rows": self.hit_rows,
            "formerly_listed_rows": self.formerly_listed_rows,
            "not_yet_listed_rows": self.not_yet_listed_rows,
            "hits": self.hits,
            "errors": self.errors,
            "error_samples": self.error_samples,
            # Most first, then by name: the same counts always read the same way.
            "by_list": _ranked(self.by_list),
            "by_effect": _ranked(self.by_effect),
            "by_verdict": _ranked(self.by_verdict),
            "score_bins": self.score_bins,
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        return cls(
            rows=int(data["rows"]),
            hit_rows=int(data["hit_rows"]),
            formerly_listed_rows=int(data.get("formerly_listed_rows", 0)),
            not_yet_listed_rows=int(data.get("not_yet_listed_rows", 0)),
            hits=int(data["hits"]),
            errors=int(data["errors"]),
            error_samples=list(data["error_samples"]),
            by_list=Counter(data["by_list"]),
            by_effect=Counter(data["by_effect"]),
            by_verdict=Counter(data["by_verdict"]),
            score_bins=list(data["score_bins"]),
            seconds=float(data["seconds"]),
        )


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
