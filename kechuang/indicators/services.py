"""Every write of the indicators app: observations are appended as revisions, never overwritten."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kechuang.core import audit, regions
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


@transaction.atomic
def record_series(indicator: Indicator, series: dict[dt.date, dict[str, Decimal]], *, source: str,
                  actor: Any = None, job: Any = None) -> int:
    """Record a computation's figures for every region and date, with the rules of ``record_observation`` (an
    unchanged figure writes nothing, a changed one becomes the next revision and the old row points to it) in a
    few statements whatever the number of dates: one read of the current rows, one insert of the new ones and
    their audit entries, one update of the replaced rows. Returns the number of rows written."""
    if not series:
        return 0
    codes = sorted({code for figures in series.values() for code in figures})
    for code in codes:
        if not regions.lookup(code):
            raise ApplicationError(f"“行政区划代码”{code}不是有效的 GB/T 2260 代码", field="region_code")
    if not source.strip():
        raise ApplicationError("请填写“来源”（文件名称、统计表或计算口径）", field="source")
    current = {(o.date, o.region_code): o for o in Observation.objects.select_for_update().filter(
        indicator=indicator, date__in=list(series), superseded_by__isnull=True).only(
        "id", "date", "region_code", "value", "method", "revision")}
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    new, replaced = [], []
    for date, figures in series.items():
        for code, value in figures.items():
            amount = Decimal(str(value))
            old = current.get((date, code))
            if old is not None and old.method == Method.COMPUTED and old.value == amount:
                continue
            new.append(Observation(indicator=indicator, region_code=code, date=date, value=amount,
                                   method=Method.COMPUTED, source=source.strip(), job=job, created_by=created_by,
                                   revision=(old.revision + 1) if old else 1))
            if old is not None:
                replaced.append(old)
    if not new:
        return 0
    Observation.objects.bulk_create(new, batch_size=2000)
    # bulk_create sends no post_save: the audit log gets the rows as save() would have written them.
    audit.record_created(new, actor=created_by)
    if replaced:
        # bulk_create sets primary keys on PostgreSQL and SQLite; each old row points to its successor.
        successor = {(o.date, o.region_code): o.pk for o in new}
        for old in replaced:
            old.superseded_by_id = successor[(old.date, old.region_code)]
        Observation.objects.bulk_update(replaced, ["superseded_by"], batch_size=500)
    return len(new)


DISPLAY_SECONDS = 60
DISPLAY_KEY = "indicators:display:{year}"


def forget_display() -> None:
    """Drop the public display's cached pages (after a recomputation, an entry or an import)."""
    this_year = timezone.localdate().year
    cache.delete_many([DISPLAY_KEY.format(year=y) for y in range(this_year - 10, this_year + 2)])
