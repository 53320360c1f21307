"""The scoring model: a logistic regression over the features of an alignment.

score = 1 / (1 + exp(-(bias + sum of weight x feature))), a probability that the
query names the listed party, calibrated on pairs mined from the lists themselves
and synthetic populations (tools/fit_scorer.py). The weights live in
`data/match_model.json` with the threshold chosen on the validation split, the
hashes of the script and data that fitted them, and the validation figures; no
training library is needed to score. Each weight x feature is a term an
explanation can name ("the patronymic left over cost 0.3").
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearance.matching.features import FEATURES, veto

MODEL_FILE = Path(__file__).parent / "data" / "match_model.json"
MAX_LOGIT = 30.0
VETO_LOGIT = -MAX_LOGIT  # a pair a rule says is no match (features.VETOES)


class ModelMismatchError(ValueError):
    """The weights file was fitted for other features than this code computes."""


@dataclass(frozen=True)
class MatchModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchModel:
        names = tuple(data["features"])
        if names != FEATURES:
            missing = sorted(set(FEATURES) - set(names))
            extra = sorted(set(names) - set(FEATURES))
            raise ModelMismatchError(
                f"the match model was fitted for other features (missing {missing}, "
                f"unknown {extra}): refit with `python tools/fit_scorer.py`"
            )
        weights = tuple(float(data["weights"][name]) for name in FEATURES)
        return cls(weights, float(data["bias"]), float(data["threshold"]), dict(data))

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> MatchModel:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def logit(self, x: Sequence[float]) -> float:
        if veto(x):
            return VETO_LOGIT
        total = self.bias
        for w, v in zip(self.weights, x, strict=True):
            if v:
                total += w * v
        return total

    def probability(self, x: Sequence[float]) -> float:
        return probability(self.logit(x))

    def terms(self, x: Sequence[float]) -> dict[str, float]:
        """Each feature's share of the logit (non-zero terms only)."""
        return {name: w * v for name, w, v in zip(FEATURES, self.weights, x, strict=True) if v}


def probability(logit: float) -> float:
    logit = max(-MAX_LOGIT, min(MAX_LOGIT, logit))
    return 1.0 / (1.0 + math.exp(-logit))


def logit_of(p: float) -> float:
    p = min(max(p, 1e-12), 1.0 - 1e-12)
    return math.log(p / (1.0 - p))


@functools.cache
def bundled_model() -> MatchModel:
    """The fitted model shipped with the package."""
    return MatchModel.load()
