"""Load a score model (YAML) into a `ScoreModel`, refusing any mistake with the field named.

A model with a mistake is refused as a whole: a half-loaded model would score some indicators and silently
drop others.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from .model import (
    SCORING_KINDS,
    STAGE_FACT_LABELS,
    STAGE_OPS,
    Category,
    Indicator,
    ScoreModel,
    Scoring,
    StageRule,
    Tier,
)

MODEL_DIR: Final = Path(__file__).parent / "models"
DEFAULT_MODEL: Final = MODEL_DIR / "national-2024.yaml"
_YAML_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID_RE: Final = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class ModelLoadError(ValueError):
    """A score model that cannot be loaded; names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"积分模型 字段 {field}：{message}")


def load_model(path: Path | None = None) -> ScoreModel:
    """Load a model file (default: the packaged national core model)."""
    p = path if path is not None else DEFAULT_MODEL
    try:
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as e:
        raise ModelLoadError("(文件)", f"不是有效的 YAML：{e}") from None
    return model_from_dict(data)


_default: ScoreModel | None = None


def default_model() -> ScoreModel:
    global _default
    if _default is None:
        _default = load_model()
    return _default


def _req(d: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in d or d[key] in (None, ""):
        raise ModelLoadError(f"{where}.{key}" if where else key, "必填")
    return d[key]


def _number(v: Any, field: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise ModelLoadError(field, f"应为数字，实际为 {v!r}")
    return float(v)


def _id(v: Any, field: str) -> str:
    if not isinstance(v, str) or not _ID_RE.match(v):
        raise ModelLoadError(field, f"标识应为小写字母、数字、下划线：{v!r}")
    return v


def _scoring(d: Any, where: str) -> Scoring:
    if not isinstance(d, Mapping):
        raise ModelLoadError(where, "应为映射")
    kind = d.get("kind")
    if kind not in SCORING_KINDS:
        raise ModelLoadError(f"{where}.kind", f"计分方式应为 {'、'.join(SCORING_KINDS)} 之一，实际为 {kind!r}")
    if kind == "thresholds":
        pts = d.get("points")
        if not isinstance(pts, list) or len(pts) < 2:
            raise ModelLoadError(f"{where}.points", "分段线性至少需要两个 [取值, 得分比例] 点")
        points: list[tuple[float, float]] = []
        for n, p in enumerate(pts):
            if not isinstance(p, list | tuple) or len(p) != 2:
                raise ModelLoadError(f"{where}.points[{n}]", "应为 [取值, 得分比例]")
            x, y = _number(p[0], f"{where}.points[{n}]"), _number(p[1], f"{where}.points[{n}]")
            if not 0 <= y <= 1:
                raise ModelLoadError(f"{where}.points[{n}]", f"得分比例应在 0 到 1 之间，实际为 {y}")
            if points and (x <= points[-1][0] or y < points[-1][1]):
                raise ModelLoadError(f"{where}.points[{n}]", "取值应递增、得分比例不应递减（正向指标）")
            points.append((x, y))
        return Scoring(kind=kind, points=tuple(points))
    if kind == "log":
        low, high = _number(d.get("low", 0), f"{where}.low"), _number(_req(d, "high", where), f"{where}.high")
        if low < 0 or high <= low:
            raise ModelLoadError(f"{where}.high", "对数计分需要 0 ≤ low < high")
        return Scoring(kind=kind, low=low, high=high)
    if kind == "cap":
        cap = _number(_req(d, "cap", where), f"{where}.cap")
        step = _number(d.get("step", 1), f"{where}.step")
        if cap <= 0 or step <= 0:
            raise ModelLoadError(f"{where}.cap", "封顶值与步长应大于0")
        return Scoring(kind=kind, cap=cap, step=step)
    return Scoring(kind=kind)


def _tests(v: Any, field: str, facts: set[str]) -> tuple[tuple[str, str, float], ...]:
    if v is None:
        return ()
    if not isinstance(v, list):
        raise ModelLoadError(field, "应为 [[事实, 比较符, 数值], ...]")
    out = []
    for n, t in enumerate(v):
        if not isinstance(t, list | tuple) or len(t) != 3:
            raise ModelLoadError(f"{field}[{n}]", "应为 [事实, 比较符, 数值]")
        fact, op, value = t
        if fact not in facts:
            raise ModelLoadError(f"{field}[{n}]", f"未知的事实 {fact!r}")
        if op not in STAGE_OPS:
            raise ModelLoadError(f"{field}[{n}]", f"比较符应为 {' '.join(STAGE_OPS)} 之一，实际为 {op!r}")
        out.append((fact, op, _number(value, f"{field}[{n}]")))
    return tuple(out)


def model_from_dict(data: Any) -> ScoreModel:
    if not isinstance(data, Mapping):
        raise ModelLoadError("(文件)", "顶层应为映射")
    mid = _id(_req(data, "id", ""), "id")
    version = str(_req(data, "version", ""))
    eff = _req(data, "effective_from", "")
    if isinstance(eff, str):
        try:
            eff = dt.date.fromisoformat(eff)
        except ValueError:
            raise ModelLoadError("effective_from", f"日期应为 YYYY-MM-DD：{eff}") from None
    if not isinstance(eff, dt.date):
        raise ModelLoadError("effective_from", "应为日期")
    total = _number(_req(data, "total_points", ""), "total_points")
    cats = tuple(Category(_id(_req(c, "id", f"categories[{n}]"), f"categories[{n}].id"),
                          str(_req(c, "label", f"categories[{n}]")))
                 for n, c in enumerate(_req(data, "categories", "")))
    cat_ids = {c.id for c in cats}
    indicators: list[Indicator] = []
    for n, d in enumerate(_req(data, "indicators", "")):
        w = f"indicators[{n}]"
        iid = _id(_req(d, "id", w), f"{w}.id")
        if any(i.id == iid for i in indicators):
            raise ModelLoadError(f"{w}.id", f"指标标识 {iid} 重复")
        cat = _req(d, "category", w)
        if cat not in cat_ids:
            raise ModelLoadError(f"{w}.category", f"未知的一级指标 {cat!r}")
        mf = _number(d.get("missing_fraction", 0), f"{w}.missing_fraction")
        if not 0 <= mf <= 1:
            raise ModelLoadError(f"{w}.missing_fraction", "缺失时的得分比例应在 0 到 1 之间")
        indicators.append(Indicator(
            id=iid, name=str(_req(d, "name", w)), category=cat, fact=_id(_req(d, "fact", w), f"{w}.fact"),
            unit=str(d.get("unit", "")), scoring=_scoring(_req(d, "scoring", w), f"{w}.scoring"),
            missing_fraction=mf, allow_negative=bool(d.get("allow_negative", False)),
            local=bool(d.get("local", False)), note=str(d.get("note") or ""),
        ))
    facts = set(STAGE_FACT_LABELS) | {i.fact for i in indicators}
    stages: list[StageRule] = []
    for n, s in enumerate(_req(data, "stages", "")):
        w = f"stages[{n}]"
        stages.append(StageRule(
            id=_id(_req(s, "id", w), f"{w}.id"), label=str(_req(s, "label", w)),
            all=_tests(s.get("all"), f"{w}.all", facts), any=_tests(s.get("any"), f"{w}.any", facts),
            default=bool(s.get("default", False)), description=str(s.get("description") or ""),
        ))
    if not stages or not stages[-1].default or sum(s.default for s in stages) != 1:
        raise ModelLoadError("stages", "最后一条（且只有最后一条）阶段规则应为兜底（default: true）")
    stage_ids = [s.id for s in stages]
    order = tuple(data.get("stage_order") or stage_ids)
    if sorted(order) != sorted(stage_ids):
        raise ModelLoadError("stage_order", "应恰好列出每个阶段一次")
    weights_raw = _req(data, "weights", "")
    weights: dict[str, dict[str, float]] = {}
    for s in stage_ids:
        ws = weights_raw.get(s) if isinstance(weights_raw, Mapping) else None
        if not isinstance(ws, Mapping):
            raise ModelLoadError(f"weights.{s}", "缺少该阶段的权重")
        unknown = set(ws) - {i.id for i in indicators}
        if unknown:
            raise ModelLoadError(f"weights.{s}", f"未知的指标 {'、'.join(sorted(unknown))}")
        row = {}
        for i in indicators:
            if i.id not in ws:
                raise ModelLoadError(f"weights.{s}.{i.id}", "缺少权重（不计分请写 0）")
            v = _number(ws[i.id], f"weights.{s}.{i.id}")
            if v < 0:
                raise ModelLoadError(f"weights.{s}.{i.id}", "权重不能为负")
            row[i.id] = v
        if not math.isclose(sum(row.values()), total, abs_tol=1e-9):
            raise ModelLoadError(f"weights.{s}", f"各指标权重之和为 {sum(row.values()):g}，应为总分 {total:g}")
        weights[s] = row
    tiers = tuple(Tier(str(_req(t, "id", f"tiers[{n}]")), str(_req(t, "label", f"tiers[{n}]")),
                       _number(t.get("min_percentile"),
                               f"tiers[{n}].min_percentile"))
                  for n, t in enumerate(_req(data, "tiers", "")))
    if [t.min_percentile for t in tiers] != sorted((t.min_percentile for t in tiers), reverse=True) or (
        tiers[-1].min_percentile != 0
    ):
        raise ModelLoadError("tiers", "档次应按百分位下限从高到低排列，最后一档下限为 0")
    return ScoreModel(
        id=mid, name=str(_req(data, "name", "")), version=version, effective_from=eff,
        source=str(data.get("source") or ""), total_points=total, categories=cats, indicators=tuple(indicators),
        stages=tuple(stages), stage_order=order, weights=weights, tiers=tiers,
        weights_rationale=str(data.get("weights_rationale") or ""),
    )
