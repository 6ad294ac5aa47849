"""Deadlines of workflow states: stored on entering a state, swept when they pass (healthchecks' ``alert_after`` +
``sendalerts`` habit).

Design. A workflow declares ``Deadline(state, days, working, action, trigger)`` rows. When ``transition()`` moves an
object into a state, ``on_enter`` deletes the object's unfired ``WorkflowDeadline`` rows (it left their state) and
writes one row per deadline of the new state with ``due_on`` (the last day, included) and ``due_at`` (the start
of the next day, indexed). A generic row keyed by content type, object and state serves every app without a
field on each model, and keeps the fired rows as a record of what the system did.

``sweep(now)`` — called by ``kechuang manage sweep_deadlines`` and by the periodic task scheduler — takes every
unfired row with ``due_at <= now``, each in its own transaction with the row locked, and:

- ``transition``: the SYSTEM actor takes the named step through ``transition()`` (same guarded update and
  ``StateChange`` log as a clerk); a step refused by its condition is recorded on the row, not retried forever;
- ``remind`` / ``escalate``: the deadline's ``notify`` names the recipients; they get a notification.

Working days come from ``kechuang.workflow.calendar``; a year the calendar does not know leaves ``due_on`` empty
(and the page says why) until the bureau enters it — except for a ``transition`` deadline, which must not be
silently dropped: entering its state is refused with the calendar's Chinese message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.workflow import calendar, clock
from kechuang.workflow.calendar import CalendarUnknownYear
from kechuang.workflow.engine import REGISTRY, SYSTEM, Deadline, Workflow, send, transition
from kechuang.workflow.models import WorkflowDeadline


def due_on(entered_on: dt.date, days: int, working: bool) -> dt.date:
    """The last day of a period of ``days`` (working) days after ``entered_on`` (the entry day not counted)."""
    if working:
        return calendar.add_working_days(entered_on, days)
    return entered_on + dt.timedelta(days=days)


def _due_at(day: dt.date) -> dt.datetime:
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start, timezone.get_current_timezone())


def on_enter(obj: models.Model, workflow: Workflow, state: str) -> None:
    """Replace the object's pending deadlines with those of ``state`` (called by ``transition()``)."""
    ct = ContentType.objects.get_for_model(obj)
    WorkflowDeadline.objects.filter(content_type=ct, object_id=str(obj.pk), fired_at__isnull=True).delete()
    entered = clock.today()
    rows = []
    for d in workflow.deadlines_for(state):
        days = d.length()
        stated = d.due(obj) if d.due is not None else None
        if stated is not None:
            last: dt.date | None = stated
            days = max((stated - entered).days, 0)
        else:
            try:
                last = due_on(entered, days, d.working)
            except CalendarUnknownYear:
                if d.action == "transition":
                    raise
                last = None
        rows.append(WorkflowDeadline(
            content_type=ct, object_id=str(obj.pk), workflow=workflow.name, state=state, key=d.key,
            label=d.label, action=d.action, trigger=d.trigger, entered_on=entered, days=days, working=d.working,
            due_on=last, due_at=_due_at(last) if last else None))
    WorkflowDeadline.objects.bulk_create(rows)


@dataclass(frozen=True)
class Remaining:
    """What a page says about one pending deadline."""

    label: str
    due_on: dt.date | None
    working_days_left: int | None  # negative when overdue
    working: bool
    problem: str = ""  # the calendar's message when the due day cannot be computed yet

    def text(self) -> str:
        name = self.label or "办理期限"
        if self.due_on is None:
            return f"{name}：{self.problem or '期限日尚未确定'}"
        day = f"{self.due_on.year}年{self.due_on.month}月{self.due_on.day}日"
        unit = "个工作日" if self.working else "天"
        left = self.working_days_left or 0
        if left > 0:
            return f"{name}至{day}，还剩 {left} {unit}"
        if left == 0:
            return f"{name}至{day}，今天是最后一天"
        return f"{name}至{day}，已超过 {-left} {unit}"


def remaining(obj: models.Model, today: dt.date | None = None) -> list[Remaining]:
    """The object's pending deadlines with the working days left, for its page."""
    day = today or clock.today()
    rows = WorkflowDeadline.objects.filter(content_type=ContentType.objects.get_for_model(obj),
                                           object_id=str(obj.pk), fired_at__isnull=True).order_by("due_on", "id")
    out = []
    for r in rows:
        if r.due_on is None:
            try:
                r.due_on = due_on(r.entered_on, r.days, r.working)
            except CalendarUnknownYear as exc:
                out.append(Remaining(r.label, None, None, r.working, exc.message))
                continue
        try:
            left = (calendar.working_days_between(day, r.due_on) if r.working else (r.due_on - day).days)
        except CalendarUnknownYear as exc:
            out.append(Remaining(r.label, r.due_on, None, r.working, exc.message))
            continue
        out.append(Remaining(r.label, r.due_on, left, r.working))
    return out


def _deadline_of(row: WorkflowDeadline) -> tuple[Workflow, Deadline] | None:
    _discover()
    wf = REGISTRY.get(row.workflow)
    if wf is None:
        return None
    d = next((d for d in wf.deadlines if d.key == row.key), None)
    return (wf, d) if d is not None else None


_discovered = False


def _discover() -> None:
    """Import every app's workflow tables so the registry knows them (a command does not load the URLconf)."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("workflow", "services")
        _discovered = True


def _complete_due_dates() -> None:
    """Rows whose due day waited for the holiday calendar: compute it now if the year has been entered."""
    for row in WorkflowDeadline.objects.filter(fired_at__isnull=True, due_at__isnull=True):
        try:
            row.due_on = due_on(row.entered_on, row.days, row.working)
        except CalendarUnknownYear:
            continue
        row.due_at = _due_at(row.due_on)
        row.save(update_fields=["due_on", "due_at"])


def sweep(now: dt.datetime | None = None, *, limit: int = 1000) -> dict[str, int]:
    """Fire every deadline that has passed by ``now``. Returns counts: fired, transitions, notices, refused, stale."""
    now = now or clock.now()
    _complete_due_dates()
    counts = {"fired": 0, "transitions": 0, "notices": 0, "refused": 0, "stale": 0}
    ids = list(WorkflowDeadline.objects.filter(fired_at__isnull=True, due_at__lte=now)
               .order_by("due_at", "id").values_list("pk", flat=True)[:limit])
    for pk in ids:
        outcome = _fire(pk, now)
        if outcome:
            counts[outcome] += 1
            if outcome in ("transitions", "notices", "refused"):
                counts["fired"] += 1
    return counts


@transaction.atomic
def _fire(pk: int, now: dt.datetime) -> str | None:
    row = WorkflowDeadline.objects.select_for_update().filter(pk=pk, fired_at__isnull=True).first()
    if row is None:
        return None  # another sweep took it
    found = _deadline_of(row)
    model = row.content_type.model_class()
    obj = model._default_manager.filter(pk=row.object_id).first() if model is not None else None
    if found is None or obj is None or getattr(obj, found[0].status_field) != row.state:
        row.delete()  # the table changed, the object is gone or has moved on: nothing is due
        return "stale"
    wf, deadline = found
    if deadline.action == "transition":
        try:
            with transaction.atomic():
                transition(obj, wf, deadline.trigger, actor=SYSTEM,
                           comment=f"{deadline.label or '办理期限'}已到期，系统自动办理")
        except ApplicationError as exc:
            WorkflowDeadline.objects.filter(pk=row.pk).update(fired_at=now, outcome=f"未能自动办理：{exc.message}"[:300])
            return "refused"
        # transition() deleted this row with the object's other pending ones; keep a record of what was done.
        WorkflowDeadline.objects.create(
            content_type=row.content_type, object_id=row.object_id, workflow=row.workflow, state=row.state,
            key=row.key, label=row.label, action=row.action, trigger=row.trigger, entered_on=row.entered_on,
            days=row.days, working=row.working, due_on=row.due_on, due_at=row.due_at, fired_at=now,
            outcome=f"已自动办理：{wf.label_of(deadline.trigger)}")
        return "transitions"
    messages = list(deadline.notify(obj, deadline)) if deadline.notify is not None else []
    send(messages)
    row.fired_at = now
    row.outcome = f"已{'督办' if deadline.action == 'escalate' else '提醒'} {len(messages)} 人"
    row.save(update_fields=["fired_at", "outcome"])
    return "notices"


def pending_for(obj: Any) -> models.QuerySet[WorkflowDeadline]:
    return WorkflowDeadline.objects.filter(content_type=ContentType.objects.get_for_model(obj),
                                           object_id=str(obj.pk), fired_at__isnull=True)
