"""Reads shared by pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kechuang.directory.models import Instrument
from kechuang.instruments.choices import HOLDING_STATES, BookingStatus
from kechuang.instruments.models import Booking, ServiceSettings


def bookings_for(user: Any) -> QuerySet[Booking]:
    return Booking.objects.restrict(user, "view").select_related("instrument", "organisation",
                                                                 "instrument__organisation")


def may_see_purpose(user: Any, booking: Booking) -> bool:
    """Only the customer organisation, the instrument's organisation and bureau staff see what a booking is for."""
    if getattr(user, "is_bureau", False):
        return True
    org = getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None
    return bool(org) and org in (booking.organisation_id, booking.instrument.organisation_id)


@dataclass
class Cell:
    state: str  # free | taken | own | blackout | maintenance | closed | past
    text: str
    start: dt.datetime | None = None


def week(instrument: Instrument, settings: ServiceSettings, monday: dt.date, user: Any,
         now: dt.datetime) -> tuple[list[dt.date], list[tuple[str, list[Cell]]]]:
    """The week's grid: rows of slots (granularity) across the union of opening hours, one cell a day."""
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    spans = [(a, b) for v in settings.opening_hours.values() for a, b in v]
    if not spans:
        return days, []
    first = min(a for a, _ in spans)
    last = max(b for _, b in spans)
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(monday, dt.time.min, tz)
    taken = list(Booking.objects.filter(instrument=instrument, start__lt=begin + dt.timedelta(days=7),
                                        end__gt=begin)
                 .filter(status__in=[*HOLDING_STATES, BookingStatus.USED, BookingStatus.SETTLED])
                 .select_related("instrument"))
    blackouts = list(settings.blackouts.filter(start_date__lte=days[-1], end_date__gte=monday)) if settings.pk else []
    windows = (list(settings.maintenance_windows.filter(start__lt=begin + dt.timedelta(days=7), end__gt=begin))
               if settings.pk else [])
    step = dt.timedelta(minutes=settings.granularity_minutes)
    h, m = map(int, first.split(":"))
    t = dt.datetime.combine(monday, dt.time(h, m))
    lh, lm = (int(x) for x in last.split(":"))
    stop = dt.datetime.combine(monday, dt.time(lh, lm))
    rows = []
    while t < stop:
        cells = []
        for d in days:
            s = timezone.make_aware(dt.datetime.combine(d, t.time()))
            e = s + step
            open_spans = settings.opening_hours.get(str(d.weekday())) or []
            is_open = any(a <= f"{s:%H:%M}" and f"{timezone.localtime(e):%H:%M}" <= b for a, b in open_spans)
            hit = next((b for b in taken if b.start < e and b.end > s), None)
            off = next((b for b in blackouts if b.start_date <= d <= b.end_date), None)
            down = next((w for w in windows if w.start < e and w.end > s), None)
            if hit is not None:
                own = may_see_purpose(user, hit)
                cells.append(Cell("own" if own else "taken",
                                  f"{hit.get_status_display()}：{hit.purpose[:20]}" if own else "已预约"))
            elif off is not None:
                cells.append(Cell("blackout", f"停用：{off.reason}"))
            elif down is not None and is_open:
                cells.append(Cell("maintenance", f"维护：{down.reason}"))
            elif not is_open:
                cells.append(Cell("closed", "不开放"))
            elif s < now:
                cells.append(Cell("past", "已过"))
            else:
                cells.append(Cell("free", "可预约", s))
        rows.append((f"{t:%H:%M}", cells))
        t += step
    return days, rows
