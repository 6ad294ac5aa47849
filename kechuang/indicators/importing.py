"""Import of observations from an XLSX/CSV (statistical yearbook tables), through ``kechuang.core.tabular``.

Columns: 指标代码 (or the indicator's name), 行政区划 (code or name), 统计日期, 数值, 来源. A row for an indicator,
region and date that already has a figure becomes its next revision (the old row is kept and marked
superseded), so importing a corrected yearbook never overwrites anything.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from kechuang.core.tabular import CellError, Column, ImportContext, ImportSpec, parsers, register_spec
from kechuang.indicators.choices import Method
from kechuang.indicators.models import Indicator, Observation


def _indicator(value: Any, ctx: ImportContext) -> Indicator:
    table = ctx.cache.get("indicators")
    if table is None:
        table = {}
        for ind in Indicator.objects.all():
            table[ind.code.upper()] = ind
            table[ind.name] = ind
        ctx.cache["indicators"] = table
    found = table.get(str(value).strip().upper()) or table.get(str(value).strip())
    if found is None:
        raise CellError(f"没有代码或名称为“{value}”的指标（见“指标体系”表格）")
    return found


def _number(value: Any, ctx: ImportContext) -> Decimal:
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"数值应为数字：“{value}”") from None
    if not number.is_finite():
        raise CellError(f"数值应为数字：“{value}”")
    return number


def _build(clean: dict[str, Any], ctx: ImportContext) -> models.Model:
    return Observation(indicator=clean["indicator"], region_code=clean["region_code"], date=clean["date"],
                       value=clean["value"], source=clean["source"], method=Method.IMPORTED, revision=1,
                       created_by=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None)


def _supersede(created: list[tuple[models.Model, dict[str, Any]]], ctx: ImportContext) -> None:
    """Each imported row supersedes the current row of its indicator, region and date (in file order)."""
    for obj, _ in created:
        older = (Observation.objects.filter(indicator_id=obj.indicator_id, region_code=obj.region_code,  # type: ignore[attr-defined]
                                            date=obj.date, superseded_by__isnull=True, pk__lt=obj.pk)  # type: ignore[attr-defined]
                 .order_by("-revision").first())
        if older is not None:
            Observation.objects.filter(pk=older.pk).update(superseded_by=obj)
            Observation.objects.filter(pk=obj.pk).update(revision=older.revision + 1)


SPEC = register_spec(ImportSpec(
    entity="indicator-observations",
    label="指标观测值",
    model=Observation,
    columns=[
        Column("indicator", "指标代码", aliases=("指标", "指标名称"), required=True, parser=_indicator,
               export=lambda o: o.indicator.code),
        Column("region_code", "行政区划", aliases=("行政区划代码", "区县", "地区"), required=True,
               parser=parsers.region_code("53")),
        Column("date", "统计日期", aliases=("日期", "截至日期"), required=True, parser=parsers.date()),
        Column("value", "数值", aliases=("指标值", "值"), required=True, parser=_number),
        Column("source", "来源", aliases=("数据来源", "出处"), required=True, parser=parsers.text(2000)),
    ],
    title_field="",
    build=_build,
    after_create=_supersede,
))
