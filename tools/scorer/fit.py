"""Fit the logistic regression of the scoring model, and judge it on the validation split.

Weights are fitted by L-BFGS-B (scipy) on the mined pairs, with a small L2 penalty
and the sign each feature must have (more information met can only raise the score,
more left over only lower it), so that every weight reads as what an analyst would
expect. Sample weights balance the sources of pairs: each source of positives and
negatives counts as much as its share below, whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from clearance.matching.features import FEATURES, INDEX, VETOES
from clearance.matching.match_model import VETO_LOGIT

# Weights that must not be negative (+1) or positive (-1); 0: free.
_POSITIVE = {
    "met_info", "met_info_more", "numbers_met", "q_share", "n_share", "identical", "complete",
    "legal_agree", "initials", "complete_cross", "complete_cyrillic", "complete_syllabic",
    "complete_abjad", "complete_han", "query_within_listed", "listed_within_query",
}  # fmt: skip
_NEGATIVE = {
    "edit_miss", "sound_miss", "translit_miss", "joined_miss", "number_conflict",
    "legal_differ", "schema_mismatch", "weak_alias", "former_name", "short_fuzzy",
    "conflict_other", "conflict_given", "cross_cost", "cross_cost_worst",
}  # fmt: skip
SIGNS = {
    name: 1 if name in _POSITIVE else -1 if name in _NEGATIVE or "_left_" in name else 0
    for name in FEATURES
}
L2 = 1e-3


@dataclass
class FittedModel:
    weights: np.ndarray
    bias: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        result: np.ndarray = x @ self.weights + self.bias
        vetoed = np.zeros(len(x), dtype=bool)
        for feature, _ in VETOES:
            vetoed |= x[:, INDEX[feature]] != 0
        result[vetoed] = VETO_LOGIT
        return result

    def probability(self, x: np.ndarray) -> np.ndarray:
        result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(self.logit(x), -30, 30)))
        return result


def fit_logistic(x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray) -> FittedModel:
    """Weighted, L2-penalised logistic regression with sign constraints."""
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    w = sample_weight.astype(np.float64)
    w = w / w.sum()
    n_features = x.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        beta, bias = theta[:-1], theta[-1]
        z = x @ beta + bias
        # log(1 + exp(z)) - y z, stably
        nll = np.logaddexp(0.0, z) - y * z
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        g = w * (p - y)
        value = float(w @ nll) + 0.5 * L2 * float(beta @ beta)
        grad = np.empty_like(theta)
        grad[:-1] = x.T @ g + L2 * beta
        grad[-1] = g.sum()
        return value, grad

    bounds = []
    for name in FEATURES:
        sign = SIGNS[name]
        bounds.append((0.0, None) if sign > 0 else (None, 0.0) if sign < 0 else (None, None))
    bounds.append((None, None))  # bias
    theta0 = np.zeros(n_features + 1)
    result = minimize(
        loss,
        theta0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 5000, "ftol": 1e-12, "gtol": 1e-8},
    )
    return FittedModel(result.x[:-1], float(result.x[-1]))


def calibration_table(p: np.ndarray, y: np.ndarray, edges: Sequence[float]) -> list[tuple]:
    """(low, high, pairs, share true) per score band."""
    rows = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (p >= low) & ((p < high) if high < 1.0 else (p <= high))
        n = int(inside.sum())
        rows.append((low, high, n, float(y[inside].mean()) if n else float("nan")))
    return rows


def pair_f1(p: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """(precision, recall, F1) of the pairs at `threshold`."""
    predicted = p >= threshold
    tp = float((predicted & (y == 1)).sum())
    precision = tp / max(1.0, float(predicted.sum()))
    recall = tp / max(1.0, float((y == 1).sum()))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return precision, recall, f1
