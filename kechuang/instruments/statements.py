"""Monthly statements (对账单) of bookings, per customer organisation or per provider, and their XLSX export
through ``kechuang.core.tabular`` (Chinese headers, every cell neutralised)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from kechuang.core.tabular.spec import Column, ImportSpec
from kechuang.instruments.choices import BookingStatus
from kechuang.instruments.models import Booking

BILLED = (BookingStatus.USED, BookingStatus.SETTLED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW)


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


STATEMENT_SPEC = ImportSpec(
    entity="instrument-statement", label="仪器使用对账单", model=Booking, columns=[
        Column("instrument", "仪器", export=lambda b: b.instrument.name),
        Column("provider", "服务单位", export=lambda b: b.instrument.organisation.name),
        Column("organisation", "预约单位", export=lambda b: b.organisation.name),
        Column("start", "预约开始", export=lambda b: _local(b.start)),
        Column("end", "预约结束", export=lambda b: _local(b.end)),
        Column("actual_start", "实际开始", export=lambda b: _local(b.actual_start)),
        Column("actual_end", "实际结束", export=lambda b: _local(b.actual_end)),
        Column("status", "状态"),
        Column("price_group", "价格类别"),
        Column("hourly_rate", "机时费（元/小时）"),
        Column("charged_hours", "计费机时（小时）", export=lambda b: round(b.charged_minutes / 60, 2)),
        Column("samples", "样品数"),
        Column("amount", "使用费（元）"),
        Column("cancel_fee", "取消或爽约费（元）"),
        Column("total", "合计（元）", export=lambda b: b.total),
    ])


def month_bounds(month: str | None) -> tuple[dt.datetime, dt.datetime, str]:
    today = timezone.localdate()
    try:
        y, m = (int(x) for x in (month or "").split("-"))
        first = dt.date(y, m, 1)
    except ValueError:
        first = today.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time.min, tz), dt.datetime.combine(nxt, dt.time.min, tz),
            f"{first.year}-{first.month:02d}")


def statement(bookings: QuerySet[Booking], month: str | None) -> tuple[QuerySet[Booking], dict[str, int], str]:
    start, end, key = month_bounds(month)
    rows = (bookings.filter(start__gte=start, start__lt=end, status__in=BILLED)
            .select_related("instrument", "instrument__organisation", "organisation").order_by("start", "id"))
    totals = rows.aggregate(amount=Sum("amount"), fees=Sum("cancel_fee"), minutes=Sum("charged_minutes"))
    totals = {k: v or 0 for k, v in totals.items()}
    totals["total"] = totals["amount"] + totals["fees"]
    return rows, totals, key
