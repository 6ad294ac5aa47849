"""Every write of the indicators app: observations are appended as revisions, never overwritten."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from kechuang.core import regions
from kechuang.core.exceptions import ApplicationError
from kechuang.indicators.choices import Method
from kechuang.indicators.models import Indicator, Observation


@transaction.atomic
def record_observation(indicator: Indicator, region_code: str, date: dt.date, value: Decimal | str, *,
                       method: str, source: str, actor: Any = None, attachment: Any = None,
                       job: Any = None) -> Observation:
    """Record a figure. When a current figure exists for the same indicator, region and date, the new row is
    its next revision and the old one is marked superseded (an equal value from a recomputation is not a new
    revision)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ApplicationError(f"“数值”应为数字，收到“{value}”", field="value") from None
    if not amount.is_finite():
        raise ApplicationError("“数值”应为数字", field="value")
    if not regions.lookup(region_code):
        raise ApplicationError(f"“行政区划代码”{region_code}不是有效的 GB/T 2260 代码", field="region_code")
    if not source.strip():
        raise ApplicationError("请填写“来源”（文件名称、统计表或计算口径）", field="source")
    if method not in Method.values:
        raise ApplicationError("“取得方式”无效", field="method")
    current = (Observation.objects.select_for_update()
               .filter(indicator=indicator, region_code=region_code, date=date, superseded_by__isnull=True).first())
    if current is not None and method == Method.COMPUTED and current.method == Method.COMPUTED \
            and current.value == amount:
        return current
    row = Observation(indicator=indicator, region_code=region_code, date=date, value=amount, method=method,
                      source=source.strip(), revision=(current.revision + 1) if current else 1, job=job,
                      created_by=actor if getattr(actor, "is_authenticated", False) else None)
    if attachment:
        row.attachment = attachment
    row.save()
    if current is not None:
        # The old row stays as it was, only pointing to its successor (the row lock above serialises writers).
        Observation.objects.filter(pk=current.pk).update(superseded_by=row)
    return row
