"""Score aggregation of a challenge's expert review. Pure Python (no Django) so it has property tests.

Each expert's total for an application is the weighted share of the maximum: Σ weight·points/max ÷ Σ weight ×
100 (a 0–100 figure comparable across scorecards). The panel's figure is the mean of the experts' totals; with
five experts or more the highest and the lowest are dropped first (one generous or one harsh reviewer cannot
decide alone). Dispersion is the population standard deviation of the totals that counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import mean, pstdev

TRIM_FROM = 5


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    weight: Decimal
    max_points: int


def expert_total(criteria: Sequence[CriterionSpec], scores: Mapping[str, float]) -> float:
    """0–100; a criterion without a score counts as 0 (the form refuses to save one missing)."""
    weight_sum = sum(float(c.weight) for c in criteria)
    if weight_sum <= 0:
        return 0.0
    got = sum(float(c.weight) * min(max(float(scores.get(c.key, 0)), 0.0), c.max_points) / c.max_points
              for c in criteria)
    return round(got / weight_sum * 100, 2)


@dataclass(frozen=True)
class Aggregate:
    score: float | None
    dispersion: float | None
    counted: int
    dropped: int


def aggregate(totals: Sequence[float]) -> Aggregate:
    if not totals:
        return Aggregate(None, None, 0, 0)
    values = sorted(totals)
    dropped = 0
    if len(values) >= TRIM_FROM:
        values = values[1:-1]
        dropped = 2
    return Aggregate(round(mean(values), 2), round(pstdev(values), 2), len(values), dropped)


def criterion_means(criteria: Sequence[CriterionSpec], reviews: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Mean points per criterion across the experts (what a team reads as its per-criterion feedback)."""
    out: dict[str, float] = {}
    for c in criteria:
        got = [float(r[c.key]) for r in reviews if c.key in r]
        if got:
            out[c.key] = round(mean(got), 2)
    return out


def rank(scores: Mapping[int, float | None]) -> dict[int, int]:
    """Competition rank (1, 2, 2, 4) of each application by its aggregate score; unscored ones rank last."""
    ordered = sorted(scores.items(), key=lambda kv: -(kv[1] if kv[1] is not None else -1))
    ranks: dict[int, int] = {}
    for i, (pk, s) in enumerate(ordered):
        if i and s == ordered[i - 1][1]:
            ranks[pk] = ranks[ordered[i - 1][0]]
        else:
            ranks[pk] = i + 1
    return ranks
