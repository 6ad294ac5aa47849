"""Availability rules of a shared instrument: weekly opening hours, blackout dates, maintenance windows.

Writes here take the write lock on the instrument's ``ServiceSettings`` row, the same lock ``services.book`` takes
before it checks a slot, so a rule and a booking request for the same time cannot both pass their checks.

A rule that would close time already held by a booking (待审批 or 已批准, still to come) is **refused**, and the
refusal lists the affected bookings. The rules never cancel a booking themselves: an approved booking is a promise
to another organisation, its cancellation has a fee rule and goes through the booking workflow (logged, with a
reason the customer reads). So the owner first refuses or cancels those bookings on their pages, then sets the
rule; the page links to each affected booking.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.directory.models import Instrument
from kechuang.instruments.choices import HOLDING_STATES
from kechuang.instruments.models import Blackout, Booking, MaintenanceWindow, ServiceSettings
from kechuang.workflow import clock

WEEKDAYS = "一二三四五六日"
_SPLIT = re.compile(r"[,，、;；\s]+")
_PERIOD = re.compile(r"^(\d{1,2})[:：](\d{2})[-–—~～至到]+(\d{1,2})[:：](\d{2})$")


class RulesConflict(ApplicationError):
    """A rule would close time held by bookings; ``bookings`` lists them for the page."""

    def __init__(self, message: str, *, bookings: list[Booking], field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.bookings = bookings


def may_manage(user: Any, instrument: Instrument) -> bool:
    """The instrument's organisation and bureau staff manage its availability; nobody else."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_bureau", False):
        return True
    org = getattr(user, "organisation_id", None)
    return bool(org) and org == instrument.organisation_id


def day_label(day: int) -> str:
    return f"周{WEEKDAYS[day]}"


def _minutes(h: str, m: str) -> int | None:
    hour, minute = int(h), int(m)
    if hour > 23 or minute > 59:  # 24:00 is not a time of day; a period ends at 23:59 at the latest
        return None
    return hour * 60 + minute


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_day(day: int, text: str, granularity: int) -> list[list[str]]:
    """One weekday's periods typed as ``08:30-12:00，14:00-18:00`` → ``[["08:30", "12:00"], ["14:00", "18:00"]]``.

    Each refusal names the weekday's field and the period as typed."""
    label = f"{day_label(day)}开放时段"
    periods: list[tuple[int, int, str]] = []
    for n, raw in enumerate((p for p in _SPLIT.split(text.strip()) if p), start=1):
        m = _PERIOD.match(raw)
        if m is None:
            raise ApplicationError(f"{label}第 {n} 段“{raw}”无法识别，请按“08:30-12:00”的格式填写，多个时段用逗号分隔",
                                   field=f"day_{day}")
        a, b = _minutes(m[1], m[2]), _minutes(m[3], m[4])
        if a is None or b is None:
            raise ApplicationError(f"{label}第 {n} 段“{raw}”不是有效的时间（00:00 至 23:59）", field=f"day_{day}")
        if b <= a:
            raise ApplicationError(f"{label}第 {n} 段“{raw}”的结束时间应晚于开始时间", field=f"day_{day}")
        if a % granularity or b % granularity:
            raise ApplicationError(f"{label}第 {n} 段“{raw}”的起止时间应为 {granularity} 分钟的整数倍"
                                   "（与预约时间粒度一致）", field=f"day_{day}")
        periods.append((a, b, raw))
    periods.sort()
    for (_a1, b1, raw1), (a2, _b2, raw2) in zip(periods, periods[1:], strict=False):
        if a2 < b1:
            raise ApplicationError(f"{label}中“{raw1}”与“{raw2}”时间重叠，请合并或调整", field=f"day_{day}")
    return [[_hm(a), _hm(b)] for a, b, _ in periods]


def day_text(s: ServiceSettings, day: int) -> str:
    return "，".join(f"{a}-{b}" for a, b in s.opening_hours.get(str(day)) or [])


def fits_hours(hours: Mapping[str, list[list[str]]], start: dt.datetime, end: dt.datetime) -> bool:
    ls, le = timezone.localtime(start), timezone.localtime(end)
    if ls.date() != le.date():
        return False
    a, b = f"{ls:%H:%M}", f"{le:%H:%M}"
    return any(x <= a and b <= y for x, y in hours.get(str(ls.weekday())) or [])


def closure(s: ServiceSettings, start: dt.datetime, end: dt.datetime) -> str | None:
    """Why ``[start, end)`` is closed by a blackout or a maintenance window, or None."""
    name = s.instrument.name
    first, last = timezone.localtime(start).date(), timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    b = s.blackouts.filter(start_date__lte=last, end_date__gte=first).first()
    if b is not None:
        return f"“{name}”{b.period_text()}停用（{b.reason}），不开放预约，请选择其他日期"
    m = s.maintenance_windows.filter(start__lt=end, end__gt=start).first()
    if m is not None:
        return f"“{name}”在 {m.period_text()} 维护（{m.reason}），该时段不开放预约，请选择其他时段"
    return None


def _locked(instrument: Instrument, actor: Any) -> ServiceSettings:
    if not may_manage(actor, instrument):
        raise ApplicationError("只有仪器所属单位和科技局工作人员可以设置开放时间、停用和维护安排")
    # Rules alone do not open an instrument for booking: that is the 共享设置 page's 开放预约.
    s, _ = ServiceSettings.objects.get_or_create(instrument=instrument, defaults={"bookable": False})
    return ServiceSettings.objects.select_for_update().select_related("instrument").get(pk=s.pk)


def _refuse_if_held(s: ServiceSettings, what: str, closes: Callable[[Booking], bool], field: str) -> None:
    held = [b for b in Booking.objects.filter(instrument_id=s.instrument_id, status__in=HOLDING_STATES,
                                              end__gt=clock.now()).select_related("organisation").order_by("start")
            if closes(b)]
    if not held:
        return
    shown = "；".join(f"{b.slot_text()} {b.organisation.name}（{b.get_status_display()}）" for b in held[:10])
    more = f"等 {len(held)} 项" if len(held) > 10 else f"共 {len(held)} 项"
    raise RulesConflict(f"{what}，未保存。受影响的预约：{shown}（{more}）。请先与预约单位协商，"
                        "在预约页面拒绝或取消这些预约，再设置。", bookings=held, field=field)


@transaction.atomic
def set_opening_hours(*, instrument: Instrument, actor: Any, days: Mapping[int, str]) -> ServiceSettings:
    """Replace the weekly opening hours; ``days`` maps weekday (0 = 周一) to the typed periods ("" = closed)."""
    s = _locked(instrument, actor)
    hours = {str(d): spans for d in range(7) if (spans := parse_day(d, days.get(d, ""), s.granularity_minutes))}
    _refuse_if_held(s, "新的开放时间不再包含已受理预约的时段", lambda b: not fits_hours(hours, b.start, b.end), "day_0")
    s.opening_hours = hours
    with acting_as(actor):
        s.save(update_fields=["opening_hours", "updated_at"])
    return s


def _overlapping(rows: Iterable[Any], clashes: Callable[[Any], bool]) -> Any | None:
    return next((r for r in rows if clashes(r)), None)


@transaction.atomic
def add_blackout(*, instrument: Instrument, actor: Any, start_date: dt.date, end_date: dt.date,
                 reason: str) -> Blackout:
    s = _locked(instrument, actor)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("请填写停用原因", field="reason")
    if end_date < start_date:
        raise ApplicationError("停用结束日期不能早于停用开始日期", field="end_date")
    if end_date < timezone.localdate():
        raise ApplicationError("停用结束日期已过，无需设置", field="end_date")
    other = _overlapping(s.blackouts.all(), lambda b: b.start_date <= end_date and b.end_date >= start_date)
    if other is not None:
        raise ApplicationError(f"停用日期与已有的停用安排“{other}”重叠，请修改日期或先删除原安排", field="start_date")

    def closes(b: Booking) -> bool:
        first, last = timezone.localtime(b.start).date(), timezone.localtime(b.end).date()
        return first <= end_date and last >= start_date

    _refuse_if_held(s, "该停用日期与已受理的预约冲突", closes, "start_date")
    with acting_as(actor):
        return Blackout.objects.create(settings=s, start_date=start_date, end_date=end_date, reason=reason)


@transaction.atomic
def add_maintenance(*, instrument: Instrument, actor: Any, start: dt.datetime, end: dt.datetime,
                    reason: str) -> MaintenanceWindow:
    s = _locked(instrument, actor)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("请填写维护内容", field="reason")
    if end <= start:
        raise ApplicationError("维护结束时间应晚于维护开始时间", field="end")
    if end <= clock.now():
        raise ApplicationError("维护结束时间已过，无需设置", field="end")
    other = _overlapping(s.maintenance_windows.all(), lambda m: m.start < end and m.end > start)
    if other is not None:
        raise ApplicationError(f"维护时段与已有的维护安排“{other}”重叠，请修改时间或先删除原安排", field="start")
    _refuse_if_held(s, "该维护时段与已受理的预约冲突", lambda b: b.start < end and b.end > start, "start")
    with acting_as(actor):
        return MaintenanceWindow.objects.create(settings=s, start=start, end=end, reason=reason)


@transaction.atomic
def remove_rule(*, rule: Blackout | MaintenanceWindow, actor: Any) -> None:
    """Delete a blackout or maintenance window (the audit log keeps what it was and who removed it)."""
    _locked(rule.settings.instrument, actor)
    with acting_as(actor):
        rule.delete()


def upcoming(s: ServiceSettings) -> tuple[list[Blackout], list[MaintenanceWindow]]:
    """Blackouts and maintenance windows not yet over, for the calendar and the settings page."""
    if not s.pk:
        return [], []
    return (list(s.blackouts.filter(end_date__gte=timezone.localdate())[:50]),
            list(s.maintenance_windows.filter(end__gt=clock.now())[:50]))
