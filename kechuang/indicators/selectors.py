"""Reads of the indicators app: current observations, progress per target, district evaluation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kechuang.core import regions
from kechuang.indicators import computing, progress, registry
from kechuang.indicators.choices import CITY, Comparator, Direction, Method
from kechuang.indicators.models import Indicator, Observation, Target

STATUS_CSS = {progress.ACHIEVED: "ok", progress.ON_TRACK: "ok", progress.AT_RISK: "warn", progress.LAGGING: "bad",
              progress.NO_DATA: "none"}


def fmt(value: float | Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    d = Decimal(str(value)).quantize(Decimal(1) / (10 ** places))
    text = f"{d:,}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def current_observations(indicators: list[Indicator] | None = None,
                         region_codes: list[str] | None = None) -> dict[tuple[int, str], list[Observation]]:
    qs = Observation.objects.filter(superseded_by__isnull=True).order_by("date")
    if indicators is not None:
        qs = qs.filter(indicator__in=indicators)
    if region_codes is not None:
        qs = qs.filter(region_code__in=region_codes)
    series: dict[tuple[int, str], list[Observation]] = defaultdict(list)
    for o in qs:
        series[(o.indicator_id, o.region_code)].append(o)
    return series


def forecast_points(points: list[Observation]) -> list[Observation]:
    """The observations a trend is fitted to (date order): every entered, imported or quoted figure, and of the
    computed month-end series the year-ends and the latest. Month-ends of a year-to-date figure (contract
    amounts) rise from January to December every year, a fit through them would take that for the trend;
    the monthly points are drawn on the trend chart."""
    computed = [o for o in points if o.method == Method.COMPUTED]
    last = computed[-1] if computed else None
    return [o for o in points if o.method != Method.COMPUTED or o is last or (o.date.month, o.date.day) == (12, 31)]


def target_progress(target: Target, points: list[Observation], today: dt.date) -> dict[str, Any]:
    ind = target.indicator
    if target.year < today.year:
        # A target whose year is over is judged on the figures up to its deadline, not on later ones.
        points = [o for o in points if o.date.year <= target.year]
    data = [(progress.decimal_year(o.date), float(o.value)) for o in forecast_points(points)]
    result = progress.assess(data, float(target.value), target.comparator, ind.direction, target.year,
                             progress.decimal_year(today), ind.growth)
    latest = points[-1] if points else None
    return {
        "target": target, "indicator": ind, "region": target.region_name, "result": result,
        "latest": latest, "latest_text": fmt(latest.value) if latest else "—",
        "share_text": f"{result.share * 100:.1f}%" if result.share is not None else "—",
        "share_pct": min(100.0, result.share * 100) if result.share is not None else 0.0,
        "needed_text": (f"{result.needed_per_year * 100:.1f}%/年" if ind.growth else
                        f"{fmt(result.needed_per_year)}{ind.unit}/年") if result.needed_per_year is not None else "—",
        "forecast_text": fmt(result.forecast) if result.forecast is not None else progress.INSUFFICIENT,
        "css": STATUS_CSS[result.status],
        "target_text": f"{Comparator(target.comparator).label}{fmt(target.value)}{ind.unit}",
    }


def all_progress(today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    targets = list(Target.objects.select_related("indicator").order_by("-year", "indicator__position"))
    # Only the targets' regions: the month-end series of every district are not needed here.
    series = current_observations(region_codes=sorted({t.region_code for t in targets}))
    return [target_progress(t, series.get((t.indicator_id, t.region_code), []), today) for t in targets]


def status_counts(rows: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    statuses = [progress.ACHIEVED, progress.ON_TRACK, progress.AT_RISK, progress.LAGGING, progress.NO_DATA]
    return [(s, sum(1 for r in rows if r["result"].status == s), STATUS_CSS[s]) for s in statuses]


def summary_series(indicators: list[Indicator]) -> dict[tuple[int, str], list[Observation]]:
    """What ``indicator_summary`` reads: the series of the city and of the targets' regions, and for an
    indicator with none of those its latest figure in any region (not every district's month-end series)."""
    codes = {CITY} | {t.region_code for i in indicators for t in i.targets.all()}
    series = current_observations(region_codes=sorted(codes))
    seen = {i for i, _ in series}
    for ind in indicators:
        if ind.pk not in seen:
            latest = (Observation.objects.filter(indicator=ind, superseded_by__isnull=True)
                      .order_by("-date", "region_code").first())
            if latest is not None:
                series[(ind.pk, latest.region_code)] = [latest]
    return series


def indicator_summary(ind: Indicator, series: dict[tuple[int, str], list[Observation]],
                      today: dt.date) -> dict[str, Any]:
    """The API row: targets, the latest figure (the city's if any, else any region's) and the status of the
    nearest-deadline target still open (else the latest target)."""
    targets = list(ind.targets.all())
    city = series.get((ind.pk, CITY), [])
    latest = city[-1] if city else max((s[-1] for (i, _), s in series.items() if i == ind.pk and s),
                                       key=lambda o: o.date, default=None)
    status = None
    if targets:
        open_targets = [t for t in targets if t.year >= today.year] or targets
        t = sorted(open_targets, key=lambda x: (x.year, x.region_code != CITY))[0]
        status = target_progress(t, series.get((ind.pk, t.region_code), []), today)["result"].status
    return {"indicator": ind, "targets": targets, "latest": latest, "status": status}


def trend_chart(ind: Indicator, region: str, today: dt.date | None = None) -> dict[str, Any]:
    """Observations, the target points and the forecast line of one indicator in one region."""
    today = today or timezone.localdate()
    points = list(Observation.objects.filter(indicator=ind, region_code=region, superseded_by__isnull=True)
                  .order_by("date"))
    targets = list(ind.targets.filter(region_code=region).order_by("year"))
    trend = progress.fit([(progress.decimal_year(o.date), float(o.value)) for o in forecast_points(points)],
                         ind.growth)
    forecast = []
    if trend and points:
        start = points[-1].date.year
        end = max([t.year for t in targets] + [today.year + 1])
        forecast = [(f"{y}-12-31", round(max(trend.at(y + 1.0), 0.0) if ind.growth else trend.at(y + 1.0), 4))
                    for y in range(start, end + 1)]
    return {
        "region": region, "region_name": regions.name_of(region), "method": trend.label if trend else "数据不足",
        "observations": [(o.date.isoformat(), float(o.value)) for o in points],
        "targets": [(f"{t.year}-12-31", float(t.value)) for t in targets],
        "forecast": forecast,
    }


# ------------------------------------------------------------------------------------------------------------
# District evaluation


def district_evaluation(year: int) -> dict[str, Any]:
    config = registry.composite_config()
    weights: dict[str, float] = {k: float(v) for k, v in config["weights"].items()}
    method = config["normalisation"]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=weights)}
    names = dict(computing.districts())

    def table_for(y: int) -> dict[str, dict[str, float]]:
        day = computing.statistics_date(y)
        table: dict[str, dict[str, float]] = {code: {} for code in names}
        for o in Observation.objects.filter(indicator__code__in=weights, region_code__in=names, date=day,
                                            superseded_by__isnull=True).select_related("indicator"):
            table[o.region_code][o.indicator.code] = float(o.value)
        return {k: v for k, v in table.items() if v}

    lower = frozenset(c for c, i in indicators.items() if i.direction == Direction.LOWER)
    current = table_for(year)
    previous = table_for(year - 1)
    index, scores = progress.composite(current, weights, method, lower)
    prev_index, _ = progress.composite(previous, weights, method, lower) if previous else ({}, {})
    prev_rank = {r: n for n, r in enumerate(sorted(prev_index, key=lambda r: -prev_index[r]), start=1)}
    rows = []
    for rank, region in enumerate(sorted(index, key=lambda r: (-index[r], r)), start=1):
        strong, weak = progress.strengths_and_weaknesses(scores[region])
        rows.append({
            "rank": rank, "region": region, "name": names[region], "index": round(index[region], 1),
            "previous": round(prev_index[region], 1) if region in prev_index else None,
            "previous_rank": prev_rank.get(region),
            "strengths": [indicators[c].name for c in strong if c in indicators],
            "weaknesses": [indicators[c].name for c in weak if c in indicators],
            "values": {c: current[region].get(c) for c in weights},
        })
    return {
        "year": year, "method": method,
        "method_text": ("各指标在区县间做最小-最大标准化（最低 0 分、最高 100 分）" if method == "minmax" else
                        "各指标在区县间做 Z 分数标准化（减均值、除以标准差）")
        + "，越低越好的指标取反；再按权重加权求和（某区县缺某项指标时，按其余指标的权重重新归一）。",
        "weights": [(indicators[c].name if c in indicators else c, w) for c, w in weights.items()],
        "columns": [(c, indicators[c].name, indicators[c].unit) for c in weights if c in indicators],
        "rows": rows,
    }


def contract_months(year: int) -> list[tuple[str, str]]:
    from kechuang.contracts import stats

    return [(r["label"], r["contract_amount"]) for r in stats.statistics(year, "month")["results"]]
