"""The result types: an enterprise's evaluation, one indicator's points and why, a cohort position."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class IndicatorResult(NamedTuple):
    """One indicator's points and why. A named tuple rather than a frozen dataclass: a batch of 100,000
    enterprises creates 1.8 million of them, and a frozen dataclass's __init__ is several times slower."""

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

