"""Evaluation: the points of every indicator with the fact, its source and the reason; category subtotals,
total, stage; rank and percentile in the stage cohort and the stage-and-region cohort; the tier.

One code path scores one enterprise or many: `_score` works on arrays (numpy), `evaluate` passes one profile
and a `Cohort` (the sorted values of the enterprises it is compared with), `evaluate_batch` passes all
profiles and builds their cohort. Points are kept as integer hundredths (分 × 100) so that totals, ranks and
percentiles are exact sums and counts: batch and per-enterprise results are equal, not merely close.

Percentiles are mid-rank: 100 × (number below + half the number equal, itself included) / cohort size. The
top of ten is at 95, a cohort of one at 50.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .loader import default_model
from .model import STAGE_OPS, ScoreModel, num
from .profile import ScoreProfile

_OPS = {"<": np.less, "<=": np.less_equal, ">=": np.greater_equal, ">": np.greater}


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    id: str
    name: str
    category: str
    fact: str
    unit: str
    value: float | None
    source: str
    missing: bool
    points: float
    max_points: float
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "category": self.category, "fact": self.fact, "unit": self.unit,
            "value": self.value, "source": self.source, "missing": self.missing, "points": self.points,
            "max_points": self.max_points, "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class Position:
    """Where the enterprise stands in a cohort: rank 1 is the highest total."""

    rank: int
    size: int
    percentile: float

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "size": self.size, "percentile": self.percentile}


@dataclass(frozen=True, slots=True)
class Evaluation:
    profile_id: str
    name: str
    region: str
    model_id: str
    model_version: str
    as_of: dt.date
    stage: str
    stage_label: str
    stage_why: str
    total: float
    max_total: float
    categories: tuple[tuple[str, str, float, float], ...]  # (id, label, points, max points)
    indicators: tuple[IndicatorResult, ...]
    missing_facts: tuple[str, ...]
    stage_position: Position
    region_position: Position
    tier: str
    tier_label: str
    tier_why: str
    what_if: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile_id": self.profile_id, "name": self.name, "region": self.region,
            "model": {"id": self.model_id, "version": self.model_version}, "as_of": self.as_of.isoformat(),
            "stage": {"id": self.stage, "label": self.stage_label, "why": self.stage_why},
            "total": self.total, "max_total": self.max_total,
            "categories": [{"id": c, "label": lbl, "points": p, "max_points": m}
                           for c, lbl, p, m in self.categories],
            "indicators": [r.to_dict() for r in self.indicators],
            "missing_facts": list(self.missing_facts),
            "cohort": {"stage": self.stage_position.to_dict(), "stage_region": self.region_position.to_dict()},
            "tier": {"id": self.tier, "label": self.tier_label, "why": self.tier_why},
            "what_if": list(self.what_if),
        }


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

    def position(self, stage: int, region: str, total: int) -> tuple[Position, Position]:
        out = []
        for arr in (self.stage_totals.get(stage), self.region_totals.get((stage, region))):
            if arr is None or arr.size == 0:  # not a member: compared with itself alone
                arr = np.array([total], dtype=np.int64)
            rank = int(arr.size - np.searchsorted(arr, total, side="right") + 1)
            pct = float(np.round(_mid_rank(arr, np.array([total]))[0], 1))
            out.append(Position(rank, int(arr.size), pct))
        return out[0], out[1]


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
    return _Scored(values, stage, pct, cents, totals, cols["age_years"], cols.get("revenue", np.full(n, np.nan)),
                   cohort)


def _pct_text(x: float) -> str:
    return f"{num(round(x * 100, 1))}%"


def _stage_why(model: ScoreModel, rule_id: str, age: float, revenue: float) -> str:
    rule = model.stage(rule_id)
    known = []
    known.append(f"成立{num(age)}年" if age == age else "成立年限未知")
    known.append(f"营业收入{num(revenue)}万元" if revenue == revenue else "营业收入未知")
    return f"{'，'.join(known)}：{rule.description or rule.label}，属{rule.label}"


def _indicator_why(model: ScoreModel, j: int, value: float, pct: float, pts: float, mx: float,
                   cohort_size: int) -> str:
    ind = model.indicators[j]
    if mx == 0:
        return "本阶段该指标权重为0，不计分"
    if value != value:
        return f"暂无该项数据，按模型计满分的{_pct_text(ind.missing_fraction)}：{num(pts)}分"
    v = f"{num(value)}{ind.unit}"
    sc = ind.scoring
    share = pts / mx
    if sc.kind == "thresholds":
        pts_list = sc.points
        if value <= pts_list[0][0]:
            where = f"不高于{num(pts_list[0][0])}{ind.unit}"
        elif value >= pts_list[-1][0]:
            where = f"达到{num(pts_list[-1][0])}{ind.unit}（满档）"
        else:
            seg = next(s for s in range(len(pts_list) - 1) if pts_list[s][0] <= value < pts_list[s + 1][0])
            (x0, y0), (x1, y1) = pts_list[seg], pts_list[seg + 1]
            where = (f"介于{num(x0)}{ind.unit}（{_pct_text(y0)}）与{num(x1)}{ind.unit}（{_pct_text(y1)}）之间，"
                     "线性插值")
        how = where
    elif sc.kind == "log":
        how = f"对数计分，{num(sc.high)}{ind.unit}及以上为满分"
    elif sc.kind == "cap":
        how = f"{num(sc.cap)}{ind.unit}封顶"
    else:
        how = f"在同阶段{cohort_size}家有数据的企业中位于第{num(round(pct, 1))}百分位"
    return f"{v}，{how}，得满分{num(mx)}分的{_pct_text(share)}：{num(pts)}分"


def _explain(model: ScoreModel, sc: _Scored, i: int, profile: ScoreProfile, as_of: dt.date) -> Evaluation:
    s = int(sc.stage[i])
    stage_id = model.stage_order[s]
    weights = model.weights[stage_id]
    results = []
    missing = []
    cat_pts: dict[str, int] = {c.id: 0 for c in model.categories}
    cat_max: dict[str, float] = {c.id: 0.0 for c in model.categories}
    row_v = sc.values[i].tolist()
    row_c = sc.cents[i].tolist()
    row_p = sc.pct[i].tolist()
    for j, ind in enumerate(model.indicators):
        v = row_v[j]
        mx = weights[ind.id]
        pts = row_c[j] / 100
        is_missing = v != v
        if is_missing:
            missing.append(ind.fact)
        size = 0
        if ind.scoring.kind == "percentile" and not is_missing:
            ref = sc.cohort.fact_values.get((s, j))
            size = int(ref.size) if ref is not None else 1
        cat_pts[ind.category] += row_c[j]
        cat_max[ind.category] += mx
        results.append(IndicatorResult(
            ind.id, ind.name, ind.category, ind.fact, ind.unit, None if is_missing else v,
            profile.sources.get(ind.fact, "" if is_missing else "档案填报"), is_missing, pts, mx,
            _indicator_why(model, j, v, row_p[j], pts, mx, size),
        ))
    total = int(sc.totals[i])
    sp, rp = sc.cohort.position(s, profile.region, total)
    tier = model.tier_for(sp.percentile)
    return Evaluation(
        profile_id=profile.id, name=profile.name, region=profile.region, model_id=model.id,
        model_version=model.version, as_of=as_of, stage=stage_id, stage_label=model.stage(stage_id).label,
        stage_why=_stage_why(model, stage_id, float(sc.age[i]), float(sc.revenue[i])),
        total=total / 100, max_total=model.total_points,
        categories=tuple((c.id, c.label, cat_pts[c.id] / 100, cat_max[c.id]) for c in model.categories),
        indicators=tuple(results), missing_facts=tuple(missing), stage_position=sp, region_position=rp,
        tier=tier.id, tier_label=tier.label,
        tier_why=(f"在同阶段{sp.size}家企业中排第{sp.rank}名、位于第{num(sp.percentile)}百分位，"
                  f"{tier.label}的百分位下限为{num(tier.min_percentile)}"),
    )


def evaluate(profile: ScoreProfile, model: ScoreModel | None = None, as_of: dt.date | None = None,
             cohort: Cohort | None = None, what_if: bool = False) -> Evaluation:
    """Score one enterprise. `cohort` (from `Cohort.build`) is the group it is ranked in and must include it;
    without one it is compared with itself alone (percentile 50)."""
    m = model if model is not None else default_model()
    day = as_of or dt.date.today()
    sc = _score(m, [profile], day, cohort)
    ev = _explain(m, sc, 0, profile, day)
    if what_if:
        from .whatif import hints

        ev = _with_hints(ev, hints(profile, m, day, sc.cohort))
    return ev


def _with_hints(ev: Evaluation, hs: list[dict[str, Any]]) -> Evaluation:
    from dataclasses import replace

    return replace(ev, what_if=tuple(hs))


def evaluate_batch(profiles: Sequence[ScoreProfile], model: ScoreModel | None = None,
                   as_of: dt.date | None = None, what_if: bool = False) -> list[Evaluation]:
    """Score many enterprises as one cohort; equal to `evaluate(p, cohort=Cohort.build(profiles))` for each."""
    m = model if model is not None else default_model()
    day = as_of or dt.date.today()
    if not profiles:
        return []
    sc = _score(m, profiles, day, None)
    out = [_explain(m, sc, i, p, day) for i, p in enumerate(profiles)]
    if what_if:
        from .whatif import hints

        out = [_with_hints(ev, hints(p, m, day, sc.cohort)) for ev, p in zip(out, profiles, strict=True)]
    return out


def stage_op_label(op: str) -> str:
    return STAGE_OPS[op]
