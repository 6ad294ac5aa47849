"""The score model as immutable data: indicators, their scoring functions, stage rules, weights and tiers.

Nothing here knows the national model; it lives in `models/*.yaml` and is read by `loader.py`. The scoring
functions work on numpy arrays so that one enterprise and a hundred thousand are scored by the same code
(`engine.py` passes arrays of length one): batch equals per-enterprise by construction, and a property test
checks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

SCORING_KINDS: Final[dict[str, str]] = {
    "thresholds": "分段线性",
    "log": "对数计分",
    "cap": "线性计分封顶",
    "percentile": "同阶段百分位",
}
STAGE_OPS: Final[dict[str, str]] = {"<": "不满", "<=": "不超过", ">=": "不低于", ">": "超过"}
# Facts the stage rules may read besides indicator facts.
STAGE_FACT_LABELS: Final[dict[str, str]] = {"age_years": "成立年限（年）", "revenue": "营业收入（万元）"}


def num(x: float) -> str:
    """A number as a clerk writes it: no trailing zeros, thousands separated."""
    if float(x).is_integer():
        return f"{int(x):,}"
    t = f"{x:,.2f}"
    return t.rstrip("0").rstrip(".") if t[-1] == "0" else t


@dataclass(frozen=True, slots=True)
class Scoring:
    """Maps a fact value to the share (0..1) of the indicator's weight it earns."""

    kind: str
    points: tuple[tuple[float, float], ...] = ()  # thresholds: (value, share) with increasing value
    low: float = 0.0  # log: share 0 at `low`, 1 at `high`, on a log(1 + x) scale
    high: float = 1.0
    cap: float = 1.0  # cap: share = value / cap, at most 1
    step: float = 1.0  # cap: the what-if step (e.g. one more patent)

    def shares(self, values: np.ndarray, pct: np.ndarray | None = None) -> np.ndarray:
        """Share of the weight for each value (NaN where missing: the caller applies the missing rule)."""
        if self.kind == "thresholds":
            xs = np.array([p[0] for p in self.points])
            ys = np.array([p[1] for p in self.points])
            return np.interp(values, xs, ys)
        if self.kind == "log":
            lo, hi = np.log1p(self.low), np.log1p(self.high)
            return np.clip((np.log1p(np.maximum(values, 0.0)) - lo) / (hi - lo), 0.0, 1.0)
        if self.kind == "cap":
            return np.clip(values / self.cap, 0.0, 1.0)
        assert pct is not None, "percentile scoring needs the cohort percentile"
        return pct / 100.0

    def describe(self, unit: str) -> str:
        if self.kind == "thresholds":
            return "分段线性：" + "，".join(f"{num(x)}{unit}得{num(y * 100)}%" for x, y in self.points) + "，之间线性插值"
        if self.kind == "log":
            return f"对数计分：{num(self.low)}{unit}得0，{num(self.high)}{unit}及以上得满分，按 log(1+x) 插值"
        if self.kind == "cap":
            return f"线性计分：每{unit}得满分的{num(100 / self.cap)}%，{num(self.cap)}{unit}封顶"
        return "按同阶段企业中的百分位计分（百分位 × 满分）"

    def next_target(self, value: float | None, cohort_sorted: np.ndarray | None = None) -> float | None:
        """The nearest value that earns more points (what-if), None when already at the top."""
        v = value
        if self.kind == "thresholds":
            for x, y in self.points:
                if (v is None or x > v) and y > float(self.shares(np.array([v if v is not None else -np.inf]))[0]):
                    return x
            return None
        if self.kind == "log":
            if v is not None and v >= self.high:
                return None
            if v is None or v <= 0:
                return max(self.high / 100.0, 1.0)
            return min(v * 2.0, self.high)
        if self.kind == "cap":
            if v is not None and v >= self.cap:
                return None
            return min((v or 0.0) + self.step, self.cap)
        # percentile: the next higher value held by an enterprise of the cohort (overtaking it)
        if cohort_sorted is None or cohort_sorted.size == 0:
            return None
        if v is None:
            return float(np.median(cohort_sorted))
        i = int(np.searchsorted(cohort_sorted, v, side="right"))
        return float(cohort_sorted[i]) if i < cohort_sorted.size else None


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    name: str
    category: str
    fact: str
    unit: str
    scoring: Scoring
    missing_fraction: float = 0.0  # share of the weight a missing fact earns (the model says; named in results)
    allow_negative: bool = False
    local: bool = False  # a local extra indicator rather than one of the national core 18
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "category": self.category, "fact": self.fact, "unit": self.unit,
            "scoring": self.scoring.kind, "scoring_label": SCORING_KINDS[self.scoring.kind],
            "scoring_description": self.scoring.describe(self.unit), "missing_fraction": self.missing_fraction,
            "local": self.local, "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class StageRule:
    id: str
    label: str
    all: tuple[tuple[str, str, float], ...] = ()
    any: tuple[tuple[str, str, float], ...] = ()
    default: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Tier:
    id: str
    label: str
    min_percentile: float


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class ScoreModel:
    id: str
    name: str
    version: str
    effective_from: dt.date
    source: str
    total_points: float
    categories: tuple[Category, ...]
    indicators: tuple[Indicator, ...]
    stages: tuple[StageRule, ...]  # in matching order
    stage_order: tuple[str, ...]  # in display order (初创期 → 成长期 → 稳定期)
    weights: Mapping[str, Mapping[str, float]]  # stage -> indicator -> points
    tiers: tuple[Tier, ...]  # from the highest
    weights_rationale: str = ""

    def stage(self, stage_id: str) -> StageRule:
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise KeyError(stage_id)

    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(indicator_id)

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.fact for i in self.indicators))

    def weight_matrix(self) -> np.ndarray:
        """(stage in stage_order) × (indicator) weights."""
        return np.array([[self.weights[s][i.id] for i in self.indicators] for s in self.stage_order], dtype=float)

    def tier_for(self, percentile: float) -> Tier:
        for t in self.tiers:
            if percentile >= t.min_percentile:
                return t
        return self.tiers[-1]

    def header_json(self) -> dict[str, Any]:
        return {
            "type": "model", "id": self.id, "name": self.name, "version": self.version,
            "effective_from": self.effective_from.isoformat(), "source": self.source,
            "total_points": self.total_points, "weights_rationale": self.weights_rationale,
            "categories": [{"id": c.id, "label": c.label} for c in self.categories],
            "stages": [{"id": s.id, "label": s.label, "description": s.description,
                        "all": [list(t) for t in s.all], "any": [list(t) for t in s.any], "default": s.default}
                       for s in self.stages],
            "stage_order": list(self.stage_order),
            "tiers": [{"id": t.id, "label": t.label, "min_percentile": t.min_percentile} for t in self.tiers],
        }

    def json_lines(self) -> list[dict[str, Any]]:
        """The model as JSON lines: a header, then one line per indicator with its weight in each stage."""
        out = [self.header_json()]
        for ind in self.indicators:
            d = {"type": "indicator", **ind.to_json(), "category_label": self.category(ind.category).label}
            d["weights"] = {s: self.weights[s][ind.id] for s in self.stage_order}
            out.append(d)
        return out

    def to_yaml_dict(self) -> dict[str, Any]:
        """A dict the loader reads back into an equal model (the staff's 'save as new version')."""
        def scoring(s: Scoring) -> dict[str, Any]:
            if s.kind == "thresholds":
                return {"kind": s.kind, "points": [list(p) for p in s.points]}
            if s.kind == "log":
                return {"kind": s.kind, "low": s.low, "high": s.high}
            if s.kind == "cap":
                return {"kind": s.kind, "cap": s.cap, "step": s.step}
            return {"kind": s.kind}

        return {
            "id": self.id, "name": self.name, "version": self.version,
            "effective_from": self.effective_from.isoformat(), "source": self.source,
            "total_points": self.total_points, "weights_rationale": self.weights_rationale,
            "categories": [{"id": c.id, "label": c.label} for c in self.categories],
            "stages": [
                {"id": s.id, "label": s.label, "description": s.description,
                 **({"all": [list(t) for t in s.all]} if s.all else {}),
                 **({"any": [list(t) for t in s.any]} if s.any else {}),
                 **({"default": True} if s.default else {})}
                for s in self.stages
            ],
            "stage_order": list(self.stage_order),
            "tiers": [{"id": t.id, "label": t.label, "min_percentile": t.min_percentile} for t in self.tiers],
            "indicators": [
                {"id": i.id, "name": i.name, "category": i.category, "fact": i.fact, "unit": i.unit,
                 "scoring": scoring(i.scoring), "missing_fraction": i.missing_fraction,
                 "allow_negative": i.allow_negative, "local": i.local, "note": i.note}
                for i in self.indicators
            ],
            "weights": {s: dict(w) for s, w in self.weights.items()},
        }
