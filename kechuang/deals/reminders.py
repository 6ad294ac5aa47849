"""Reminders on a deal's next-action date (下一步工作日期), run by the periodic scheduler.

The workflow's deadlines remind the broker when a stage has not moved for N working days; this one reminds on
the date the broker wrote down. ``sweep(now)`` (hook ``deals.next_action.remind`` in
``settings.KECHUANG_PERIODIC_TASKS``) finds every open deal whose next-action date has come and whose
``next_action_reminded_on`` is not that date, claims it with a conditional update (two schedulers never remind the
same deal twice) and notifies after commit. A new date differs from the stored one, so it re-arms the reminder.

Who is reminded: the broker, who owns the next action. A deal without a broker (an enterprise's 我要对接 that no
broker has taken yet) reminds the members of both parties instead — otherwise nobody would hear of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from kechuang.deals.choices import Stage
from kechuang.deals.models import Deal
from kechuang.workflow import clock
from kechuang.workflow.engine import send

OPEN_STAGES = (Stage.INTENT, Stage.CONTACTING, Stage.NEGOTIATING)


def _not_reminded() -> Q:
    return Q(next_action_reminded_on__isnull=True) | ~Q(next_action_reminded_on=F("next_action_on"))


def due(today: dt.date) -> QuerySet[Deal]:
    """Open deals whose next-action date has come and has not been reminded yet."""
    return (Deal.objects.filter(stage__in=OPEN_STAGES, next_action_on__isnull=False, next_action_on__lte=today)
            .filter(_not_reminded()))


def recipients(deal: Deal) -> list[Any]:
    if deal.broker_id:
        return [deal.broker]
    people: list[Any] = []
    for org in (deal.enterprise, deal.institute):
        if org is not None:
            people += [m for m in org.members.all() if m.is_active]
    return people


def _message(deal: Deal, today: dt.date) -> str:
    day = deal.next_action_on
    assert day is not None
    when = "今天" if day == today else f"{day:%Y-%m-%d}（已过 {(today - day).days} 天）"
    return f"商洽“{deal.title}”的下一步工作“{deal.next_action or '未填写'}”定于{when}，请及时办理并记录进展"


@transaction.atomic
def _remind(pk: int, today: dt.date) -> int | None:
    deal = Deal.objects.select_related("broker", "enterprise", "institute").filter(pk=pk).first()
    if deal is None or deal.next_action_on is None:
        return None
    claimed = (Deal.objects.filter(pk=pk, stage__in=OPEN_STAGES, next_action_on=deal.next_action_on)
               .filter(_not_reminded()).update(next_action_reminded_on=deal.next_action_on))
    if claimed != 1:
        return None  # another sweep took it, or the deal moved on since it was listed
    people = recipients(deal)
    send([(p, _message(deal, today), deal.get_absolute_url()) for p in people])
    return len(people)


def sweep(now: dt.datetime | None = None, *, limit: int = 1000) -> dict[str, int]:
    """Remind every due deal once; returns how many deals were reminded and how many people were notified."""
    today = timezone.localdate(now) if now is not None else clock.today()
    counts = {"deals": 0, "notices": 0}
    for pk in list(due(today).order_by("next_action_on", "id").values_list("pk", flat=True)[:limit]):
        sent = _remind(pk, today)
        if sent is not None:
            counts["deals"] += 1
            counts["notices"] += sent
    return counts
