"""Writes of the instruments app: service settings, booking (without overlaps), workflow steps.

Overlaps. ``book`` takes the write lock on each instrument's ``ServiceSettings`` row first (an UPDATE, in
instrument order so two multi-instrument requests cannot deadlock), then checks for a holding booking that
overlaps, then inserts. Concurrent requests for one instrument therefore run the check one after the other: on
SQLite the IMMEDIATE transaction already serialises writers and the UPDATE is the first write; on PostgreSQL the
UPDATE's row lock does it, and the exclusion constraint of migration 0002 refuses whatever a path without the lock
might try (its IntegrityError becomes the same Chinese message). Several instruments at once: one transaction,
so one clash refuses all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.directory.choices import INSTITUTION_KINDS
from kechuang.directory.models import Instrument, Organisation
from kechuang.instruments import availability
from kechuang.instruments.choices import HOLDING_STATES, BookingStatus, PriceGroup
from kechuang.instruments.models import Booking, SampleService, ServiceSettings
from kechuang.instruments.workflow import BOOKING_WORKFLOW, no_show_due
from kechuang.workflow import clock
from kechuang.workflow.engine import transition
from kechuang.workflow.models import WorkflowDeadline

WEEKDAYS = "一二三四五六日"


class SlotTaken(ApplicationError):
    """The requested slot overlaps a booking that holds it (the API answers 409)."""


def price_group(org: Organisation, instrument: Instrument) -> str:
    if org.pk == instrument.organisation_id:
        return PriceGroup.INTERNAL
    if org.kind in INSTITUTION_KINDS:
        return PriceGroup.ACADEMIC
    return PriceGroup.ENTERPRISE


def settings_for(instrument: Instrument) -> ServiceSettings:
    s = ServiceSettings.objects.filter(instrument=instrument).first()
    if s is None or not s.bookable:
        raise ApplicationError(f"“{instrument}”暂未开放预约", field="instrument")
    return s


def _hm(text: str) -> dt.time:
    h, m = text.split(":")
    return dt.time(int(h), int(m))


def opening_text(s: ServiceSettings) -> str:
    parts = []
    for day in range(7):
        spans = s.opening_hours.get(str(day)) or []
        if spans:
            parts.append(f"周{WEEKDAYS[day]} " + "、".join(f"{a}–{b}" for a, b in spans))
    return "；".join(parts) or "暂无开放时段"


def check_slot(s: ServiceSettings, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> None:
    """The instrument's own rules for a slot, each refusal in Chinese naming the field."""
    name = s.instrument.name
    if end <= start:
        raise ApplicationError("结束时间应晚于开始时间", field="end")
    minutes = int((end - start).total_seconds() // 60)
    if minutes < s.min_minutes:
        raise ApplicationError(f"“{name}”每次至少预约 {s.min_minutes} 分钟", field="end")
    if minutes > s.max_minutes:
        raise ApplicationError(f"“{name}”每次最多预约 {s.max_minutes} 分钟", field="end")
    ls, le = timezone.localtime(start), timezone.localtime(end)
    g = s.granularity_minutes
    if (ls.hour * 60 + ls.minute) % g or ls.second or minutes % g:
        raise ApplicationError(f"“{name}”按 {g} 分钟为单位预约，开始时间和时长应为 {g} 分钟的整数倍", field="start")
    if start < now + dt.timedelta(hours=s.lead_hours):
        raise ApplicationError(f"“{name}”须至少提前 {s.lead_hours} 小时预约", field="start")
    closed = availability.closure(s, start, end)
    if closed:
        raise ApplicationError(closed, field="start")
    spans = s.opening_hours.get(str(ls.weekday())) or []
    if ls.date() != le.date() or not any(_hm(a) <= ls.time() and le.time() <= _hm(b) for a, b in spans):
        raise ApplicationError(f"所选时段不在“{name}”的开放时间内（开放时间：{opening_text(s)}）", field="start")


def clash_message(instrument: Instrument, other: Booking) -> str:
    return (f"该时段已被占用：“{instrument}”在 {other.slot_text()} 已有预约（{other.get_status_display()}），"
            "请选择其他时段")


@dataclass(frozen=True)
class Request:
    instrument: Instrument
    start: dt.datetime
    end: dt.datetime


def book(*, actor: Any, requests: Sequence[Request], purpose: str, samples: int = 0,
         service: SampleService | None = None, operator_needed: bool = False,
         organisation: Organisation | None = None) -> list[Booking]:
    """Request one or several slots at once; all are made or none (a clash anywhere refuses the whole request)."""
    try:
        return _book(actor=actor, requests=requests, purpose=purpose, samples=samples, service=service,
                     operator_needed=operator_needed, organisation=organisation)
    except IntegrityError as exc:  # the PostgreSQL exclusion constraint: a path that missed the lock
        if "no_overlap" not in str(exc):
            raise
        raise SlotTaken("该时段已被他人抢先预约，请刷新日历后选择其他时段", field="start") from exc


@transaction.atomic
def _book(*, actor: Any, requests: Sequence[Request], purpose: str, samples: int, service: SampleService | None,
          operator_needed: bool, organisation: Organisation | None) -> list[Booking]:
    org = organisation or getattr(actor, "organisation", None)
    if org is None:
        raise ApplicationError("您的账号未关联单位，不能预约仪器", field="organisation")
    if not purpose.strip():
        raise ApplicationError("请填写用途", field="purpose")
    if not requests:
        raise ApplicationError("请选择要预约的仪器和时段", field="instrument")
    if samples < 0:
        raise ApplicationError("样品数不能为负数", field="samples")
    now = clock.now()
    group = uuid.uuid4().hex if len(requests) > 1 else ""
    ordered = sorted(requests, key=lambda r: (r.instrument.pk, r.start))
    for r in ordered:
        settings_for(r.instrument)
    # The write lock, per instrument, in a fixed order: concurrent requests for one instrument queue here, and
    # so do changes of its availability rules (kechuang/instruments/availability.py), so the slot is checked
    # against rules no one is changing at the same moment.
    pks = sorted({r.instrument.pk for r in ordered})
    for pk in pks:
        ServiceSettings.objects.filter(instrument_id=pk).update(updated_at=timezone.now())
    rules = {s.instrument_id: s for s in ServiceSettings.objects.filter(instrument_id__in=pks)
             .select_related("instrument")}  # read again under the lock: the rules as they now are
    for r in ordered:
        check_slot(rules[r.instrument.pk], r.start, r.end, now)
    made: list[Booking] = []
    for r in ordered:
        other = (Booking.objects.filter(instrument=r.instrument, status__in=HOLDING_STATES, start__lt=r.end,
                                        end__gt=r.start).order_by("start").first())
        if other is None:
            other = next((b for b in made if b.instrument_id == r.instrument.pk and b.start < r.end
                          and b.end > r.start), None)
        if other is not None:
            raise SlotTaken(clash_message(r.instrument, other), field="start")
        group_ = price_group(org, r.instrument)
        s = r.instrument.service
        with acting_as(actor):
            b = Booking.objects.create(
                instrument=r.instrument, organisation=org, user=actor if getattr(actor, "pk", None) else None,
                start=r.start, end=r.end, purpose=purpose.strip(), samples=samples,
                service=service if service is not None and service.settings_id == s.pk else None,
                operator_needed=operator_needed, price_group=group_, hourly_rate=s.rate_for(group_), group=group)
        made.append(b)
    for b in made:
        if not b.instrument.service.approval_required:
            transition(b, BOOKING_WORKFLOW, "auto_approve", actor=actor, internal=True)
            _set_no_show_due(b)
    return made


def _set_no_show_due(b: Booking) -> None:
    due = no_show_due(b)
    WorkflowDeadline.objects.filter(content_type=ContentType.objects.get_for_model(b), object_id=str(b.pk),
                                    fired_at__isnull=True, trigger="no_show").update(
        due_at=due, due_on=timezone.localtime(due).date())


@transaction.atomic
def booking_transition(*, booking: Booking, trigger: str, actor: Any,
                       data: Mapping[str, Any] | None = None) -> Booking:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    transition(booking, BOOKING_WORKFLOW, trigger, actor=actor, data=data)
    if booking.status == BookingStatus.APPROVED:
        _set_no_show_due(booking)
    return booking


@transaction.atomic
def rate(*, booking: Booking, rating: int, actor: Any) -> Booking:
    if booking.organisation_id != getattr(actor, "organisation_id", None):
        raise ApplicationError("只有预约单位可以评价", field="rating")
    if booking.status not in (BookingStatus.USED, BookingStatus.SETTLED):
        raise ApplicationError("使用后方可评价", field="rating")
    if rating not in range(1, 6):
        raise ApplicationError("服务评价应为 1 至 5 分", field="rating")
    booking.rating = rating
    with acting_as(actor):
        booking.save(update_fields=["rating", "updated_at"])
    return booking


@transaction.atomic
def settings_save(*, instrument: Instrument, actor: Any, values: dict[str, Any]) -> ServiceSettings:
    if not (getattr(actor, "is_bureau", False) or getattr(actor, "organisation_id", None) == instrument.organisation_id):
        raise ApplicationError("只有仪器所属单位可以修改共享设置")
    s, _ = ServiceSettings.objects.get_or_create(instrument=instrument)
    for k, v in values.items():
        setattr(s, k, v)
    with acting_as(actor):
        s.save()
    return s
