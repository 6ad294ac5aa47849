"""Progress against targets, trend forecasts and the district composite index — pure Python, no Django.

Methods (shown on the pages, docs/indicators.md):

* **Time** is a decimal year: 2024-08-31 → 2024 + 243/366. A target for year Y is due at the end of Y (t = Y + 1).
* **Forecast**: least squares through the observations. For growth series (money, counts: ``growth=True``) with
  all values positive, a log-linear fit ln v = a + b·t (constant yearly growth rate e^b − 1); otherwise a
  linear fit v = a + b·t. At least two observations at different dates are needed, else "数据不足".
* **Share achieved**: latest ÷ target when higher is better, target ÷ latest when lower is better.
* **Growth needed per year**: for growth series the compound rate (target ÷ latest)^(1/years left) − 1, else
  the yearly change (target − latest) ÷ years left.
* **Status**: 达标 if the latest value satisfies the comparator; 滞后 if the target year is over without it;
  按期可达 if the forecast at the deadline (never below zero for growth series) satisfies it;
  有风险 if the forecast reaches at least 90 % of the
  target (or the forecast is impossible for lack of data); 滞后 otherwise.
* **Composite index** (中国区域创新能力评价's recipe): each indicator is normalised across the regions — min-max
  to 0–100, or z-score — with the sign flipped for lower-is-better indicators, then the weighted sum over the
  indicators (weights renormalised over the indicators that have data).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ACHIEVED = "达标"
ON_TRACK = "按期可达"
AT_RISK = "有风险"
LAGGING = "滞后"
NO_DATA = "暂无数据"
INSUFFICIENT = "数据不足"
RISK_SHARE = 0.9

STATUS_RULES = [
    (ACHIEVED, "最新观测值已满足目标（按目标的比较方式 ≥、> 或 ≤；目标年度已过的，只看截至目标年末的观测值）"),
    (ON_TRACK, "尚未达到，但按趋势预测到目标年末可满足目标"),
    (AT_RISK, "预测值达到目标的90%及以上但不足100%，或观测不足两期无法预测（数据不足）"),
    (LAGGING, "预测值不足目标的90%，或目标年度已过仍未达到"),
]
FORECAST_METHOD = ("增长类指标（金额、数量）且各期数值为正时，对观测值取对数做最小二乘直线拟合（对数线性，即按固定年增长率外推）；"
                   "其他指标做最小二乘直线拟合（线性外推）。至少需要两个不同日期的观测值，否则显示“数据不足”。"
                   "平台按月末计算的数值只取各年年末值和最新值参与拟合（当年累计类指标逐月递增，月度值只在趋势图上展示）。")


def decimal_year(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


@dataclass(frozen=True)
class Fit:
    method: str  # "log-linear" or "linear"
    intercept: float
    slope: float

    def at(self, t: float) -> float:
        y = self.intercept + self.slope * t
        if self.method == "log-linear":
            return math.exp(min(y, 700.0))  # capped so a steep fit cannot overflow
        return y

    @property
    def label(self) -> str:
        return "对数线性" if self.method == "log-linear" else "线性"


def fit(points: Sequence[tuple[float, float]], growth: bool) -> Fit | None:
    """Least-squares trend through (t, value) points; None when fewer than two distinct dates."""
    if len({t for t, _ in points}) < 2:
        return None
    log = growth and all(v > 0 for _, v in points)
    xs = [t for t, _ in points]
    ys = [math.log(v) if log else v for _, v in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return Fit("log-linear" if log else "linear", my - slope * mx, slope)


def meets(value: float, target: float, comparator: str) -> bool:
    if comparator == ">=":
        return value >= target
    if comparator == ">":
        return value > target
    if comparator == "<=":
        return value <= target
    raise ValueError(comparator)


def share_achieved(value: float, target: float, direction: str) -> float | None:
    if direction == "lower":
        return target / value if value > 0 else None
    return value / target if target > 0 else None


def growth_needed(latest: float, target: float, years_left: float, growth: bool) -> float | None:
    """Yearly growth (a rate for growth series, an amount otherwise) to reach the target; None when not
    computable (no time left, or a rate from a non-positive value)."""
    if years_left <= 0:
        return None
    if growth:
        if latest <= 0 or target <= 0:
            return None
        return (target / latest) ** (1 / years_left) - 1
    return (target - latest) / years_left


@dataclass(frozen=True)
class Progress:
    status: str
    reason: str
    latest: float | None
    share: float | None
    needed_per_year: float | None
    forecast: float | None
    method: str  # "对数线性", "线性" or "数据不足"


def assess(points: Sequence[tuple[float, float]], target: float, comparator: str, direction: str, year: int,
           today: float, growth: bool) -> Progress:
    """The progress of one target from its region's observations (t, value), latest last by t."""
    if not points:
        return Progress(NO_DATA, "尚无观测值", None, None, None, None, INSUFFICIENT)
    ordered = sorted(points)
    latest = ordered[-1][1]
    deadline = year + 1.0
    trend = fit(ordered, growth)
    predicted = trend.at(deadline) if trend else None
    if predicted is not None and growth:
        predicted = max(predicted, 0.0)  # money and counts cannot fall below zero, whatever a line says
    method = trend.label if trend else INSUFFICIENT
    share = share_achieved(latest, target, direction)
    needed = growth_needed(latest, target, deadline - max(today, ordered[-1][0]), growth)
    if meets(latest, target, comparator):
        return Progress(ACHIEVED, STATUS_RULES[0][1], latest, share, None, predicted, method)
    if today >= deadline:
        return Progress(LAGGING, "目标年度已过仍未达到", latest, share, None, predicted, method)
    if predicted is None:
        return Progress(AT_RISK, "观测不足两期，无法预测（数据不足）", latest, share, needed, None, method)
    if meets(predicted, target, comparator):
        return Progress(ON_TRACK, STATUS_RULES[1][1], latest, share, needed, predicted, method)
    forecast_share = share_achieved(predicted, target, direction)
    if forecast_share is not None and forecast_share >= RISK_SHARE:
        return Progress(AT_RISK, "预测值达到目标的90%及以上但不足100%", latest, share, needed, predicted, method)
    return Progress(LAGGING, "预测值不足目标的90%", latest, share, needed, predicted, method)


# ------------------------------------------------------------------------------------------------------------
# Composite index


def normalise(values: Mapping[str, float], method: str, lower_is_better: bool = False) -> dict[str, float]:
    """Scores per region: min-max to 0–100 (all equal → 100) or z-score (all equal → 0)."""
    if not values:
        return {}
    signed = {k: (-v if lower_is_better else v) for k, v in values.items()}
    if method == "minmax":
        lo, hi = min(signed.values()), max(signed.values())
        if hi == lo:
            return {k: 100.0 for k in signed}
        return {k: (v - lo) / (hi - lo) * 100 for k, v in signed.items()}
    if method == "zscore":
        if max(signed.values()) == min(signed.values()):
            return {k: 0.0 for k in signed}  # all equal (a float mean would leave a spurious spread)
        n = len(signed)
        mean = sum(signed.values()) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in signed.values()) / n)
        if sd == 0:
            return {k: 0.0 for k in signed}
        return {k: (v - mean) / sd for k, v in signed.items()}
    raise ValueError(method)


def composite(table: Mapping[str, Mapping[str, float]], weights: Mapping[str, float], method: str,
              lower_is_better: frozenset[str] = frozenset()) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(index per region, normalised score per region and indicator) for ``table[region][indicator]``."""
    scores: dict[str, dict[str, float]] = {region: {} for region in table}
    for code in weights:
        column = {region: row[code] for region, row in table.items() if code in row}
        for region, score in normalise(column, method, code in lower_is_better).items():
            scores[region][code] = score
    index: dict[str, float] = {}
    for region, row in scores.items():
        total = sum(weights[c] for c in row)
        index[region] = sum(weights[c] * s for c, s in row.items()) / total if total else 0.0
    return index, scores


def strengths_and_weaknesses(scores: Mapping[str, float], count: int = 2) -> tuple[list[str], list[str]]:
    """The indicators where a region scores best and worst (codes), at most ``count`` each, never overlapping."""
    ordered = sorted(scores, key=lambda c: (-scores[c], c))
    strong = ordered[:count]
    weak = [c for c in reversed(ordered) if c not in strong][:count]
    return strong, weak
