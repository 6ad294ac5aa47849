"""Evaluation: the points of every indicator with the fact, its source and the reason; category subtotals,
total, stage; rank and percentile in the stage cohort and the stage-and-region cohort; the tier.

One code path scores one enterprise or many: `_score` works on arrays (numpy), `evaluate` passes one profile
and a `Cohort` (the sorted values of the enterprises it is compared with), `score_batch` passes all profiles
and builds their cohort; `explain.py` writes the reasons a column at a time. Points are kept as integer
hundredths (分 × 100) so that totals, ranks and percentiles are exact sums and counts: batch and
per-enterprise results are equal, not merely close.

Percentiles are mid-rank: 100 × (number below + half the number equal, itself included) / cohort size. The
top of ten is at 95, a cohort of one at 50.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .explain import BatchResult
from .loader import default_model
from .model import ScoreModel
from .profile import ScoreProfile
from .results import Evaluation

_OPS = {"<": np.less, "<=": np.less_equal, ">=": np.greater_equal, ">": np.greater}


def _mid_rank(sorted_vals: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of each value within `sorted_vals` (which contains it)."""
    left = np.searchsorted(sorted_vals, values, side="left")
    right = np.searchsorted(sorted_vals, values, side="right")
    return 100.0 * (left + 0.5 * (right - left)) / sorted_vals.size


@dataclass(slots=True)
class Cohort:
    """The sorted values an enterprise is compared with: per (stage, percentile indicator), per stage (totals,
    in hundredths of a point) and per (stage, region). Built from a batch by `Cohort.build`."""

    fact_values: dict[tuple[int, int], np.ndarray]
    stage_totals: dict[int, np.ndarray]
    region_totals: dict[tuple[int, str], np.ndarray]

    @staticmethod
    def build(profiles: Sequence[ScoreProfile], model: ScoreModel | None = None,
              as_of: dt.date | None = None) -> Cohort:
        m = model if model is not None else default_model()
        return _score(m, profiles, as_of or dt.date.today(), None).cohort

    def positions(self, stage: np.ndarray, regions: Sequence[str], totals: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rank, cohort size, percentile rounded to 0.1) per row, columns [stage cohort, stage-and-region]."""
        n = totals.size
        rank = np.zeros((n, 2), dtype=np.int64)
        size = np.zeros((n, 2), dtype=np.int64)
        pct = np.zeros((n, 2), dtype=float)
        groups: list[dict[Any, list[int]]] = [{}, {}]
        for i, (s, r) in enumerate(zip(stage.tolist(), regions, strict=True)):
            groups[0].setdefault(s, []).append(i)
            groups[1].setdefault((s, r), []).append(i)
        tables: tuple[dict[Any, np.ndarray], dict[Any, np.ndarray]] = (
            dict(self.stage_totals), dict(self.region_totals))
        for col, (table, grouping) in enumerate(zip(tables, groups, strict=True)):
            for key, idx_list in grouping.items():
                idx = np.asarray(idx_list)
                arr = table.get(key)
                if arr is None or arr.size == 0:  # not a member: compared with itself alone
                    arr = np.sort(totals[idx])
                t = totals[idx]
                rank[idx, col] = arr.size - np.searchsorted(arr, t, side="right") + 1
                size[idx, col] = arr.size
                pct[idx, col] = np.round(_mid_rank(arr, t), 1)
        return rank, size, pct


@dataclass(slots=True)
class _Scored:
    values: np.ndarray  # n × k, NaN where missing
    stage: np.ndarray  # n, index into model.stage_order
    pct: np.ndarray  # n × k, NaN except percentile indicators with a value
    cents: np.ndarray  # n × k int64, points × 100
    totals: np.ndarray  # n int64
    age: np.ndarray
    revenue: np.ndarray
    cohort: Cohort
    rank: np.ndarray  # n × 2: [stage cohort, stage-and-region cohort]
    size: np.ndarray
    position_pct: np.ndarray


def _stage_facts(model: ScoreModel, profiles: Sequence[ScoreProfile], as_of: dt.date,
                 values: np.ndarray) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {
        "age_years": np.array([np.nan if (a := p.age_years(as_of)) is None else a for p in profiles], dtype=float)
    }
    for j, ind in enumerate(model.indicators):
        cols.setdefault(ind.fact, values[:, j])
    return cols


def _stages(model: ScoreModel, cols: dict[str, np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    for rule in model.stages:
        if rule.default:
            hit = np.ones(n, dtype=bool)
        else:
            hit = np.ones(n, dtype=bool)
            for f, op, v in rule.all:
                hit &= _OPS[op](np.nan_to_num(cols[f], nan=np.nan), v)  # NaN compares False: unknown ≠ met
            if rule.any:
                anyhit = np.zeros(n, dtype=bool)
                for f, op, v in rule.any:
                    anyhit |= _OPS[op](cols[f], v)
                hit &= anyhit
        take = hit & (out < 0)
        out[take] = model.stage_order.index(rule.id)
    return out


def _score(model: ScoreModel, profiles: Sequence[ScoreProfile], as_of: dt.date, cohort: Cohort | None) -> _Scored:
    n, k = len(profiles), len(model.indicators)
    facts = [ind.fact for ind in model.indicators]
    values = np.array([[p.facts.get(f, np.nan) for f in facts] for p in profiles], dtype=float).reshape(n, k)
    cols = _stage_facts(model, profiles, as_of, values)
    stage = _stages(model, cols, n)
    build = cohort is None
    fact_values: dict[tuple[int, int], np.ndarray] = {} if build else cohort.fact_values  # type: ignore[union-attr]
    pct = np.full((n, k), np.nan)
    for j, ind in enumerate(model.indicators):
        if ind.scoring.kind != "percentile":
            continue
        col = values[:, j]
        for s in np.unique(stage).tolist():
            mask = (stage == s) & ~np.isnan(col)
            if not mask.any():
                continue
            if build:
                fact_values[(s, j)] = np.sort(col[mask])
            ref = fact_values.get((s, j))
            if ref is None or ref.size == 0:
                ref = np.sort(col[mask])
            pct[mask, j] = _mid_rank(ref, col[mask])
    weights = model.weight_matrix()[stage]  # n × k
    cents = np.zeros((n, k), dtype=np.int64)
    for j, ind in enumerate(model.indicators):
        share = ind.scoring.shares(values[:, j], pct[:, j])
        share = np.where(np.isnan(values[:, j]), ind.missing_fraction, share)
        cents[:, j] = np.rint(weights[:, j] * share * 100.0).astype(np.int64)
    totals = cents.sum(axis=1)
    if build:
        stage_totals = {s: np.sort(totals[stage == s]) for s in np.unique(stage).tolist()}
        regions = np.array([p.region for p in profiles], dtype=object)
        region_totals: dict[tuple[int, str], np.ndarray] = {}
        keys: dict[tuple[int, str], list[int]] = {}
        for i, key in enumerate(zip(stage.tolist(), regions.tolist(), strict=True)):
            keys.setdefault(key, []).append(i)
        for key, idx in keys.items():
            region_totals[key] = np.sort(totals[idx])
        cohort = Cohort(fact_values, stage_totals, region_totals)
    assert cohort is not None
    rank, size, position_pct = cohort.positions(stage, [p.region for p in profiles], totals)
    return _Scored(values, stage, pct, cents, totals, cols["age_years"], cols.get("revenue", np.full(n, np.nan)),
                   cohort, rank, size, position_pct)


_CENTS_TEXT: dict[int, str] = {}

def score_batch(profiles: Sequence[ScoreProfile], model: ScoreModel | None = None, as_of: dt.date | None = None,
                cohort: Cohort | None = None) -> BatchResult:
    """Score many enterprises as one cohort (or against `cohort`); the result is columnar, every reason
    written, and `BatchResult.evaluation(i)` gives enterprise i's `Evaluation`."""
    m = model if model is not None else default_model()
    day = as_of or dt.date.today()
    # Hundreds of thousands of small acyclic objects (strings, lists) are created here; the cyclic garbage
    # collector would rescan the growing heap again and again and find nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return BatchResult(m, _score(m, profiles, day, cohort), profiles, day)
    finally:
        if was_enabled:
            gc.enable()


def evaluate(profile: ScoreProfile, model: ScoreModel | None = None, as_of: dt.date | None = None,
             cohort: Cohort | None = None, what_if: bool = False) -> Evaluation:
    """Score one enterprise. `cohort` (from `Cohort.build`) is the group it is ranked in and must include it;
    without one it is compared with itself alone (percentile 50)."""
    m = model if model is not None else default_model()
    day = as_of or dt.date.today()
    res = score_batch([profile], m, day, cohort)
    ev = res.evaluation(0)
    if what_if:
        from .whatif import hints

        ev = replace(ev, what_if=tuple(hints(profile, m, day, res.scored.cohort)))
    return ev


def evaluate_batch(profiles: Sequence[ScoreProfile], model: ScoreModel | None = None,
                   as_of: dt.date | None = None, what_if: bool = False) -> list[Evaluation]:
    """Score many enterprises as one cohort; equal to `evaluate(p, cohort=Cohort.build(profiles))` for each."""
    m = model if model is not None else default_model()
    day = as_of or dt.date.today()
    if not profiles:
        return []
    res = score_batch(profiles, m, day)
    out = list(res.evaluations())
    if what_if:
        from .whatif import hints

        out = [replace(ev, what_if=tuple(hints(p, m, day, res.scored.cohort)))
               for ev, p in zip(out, profiles, strict=True)]
    return out
