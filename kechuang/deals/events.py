"""Matchmaking events: registration, meetings proposed by the matching engine, the schedule, check-in and outcomes.

Pairs come from ``kechuang.market.recommend.for_demand``: for each registrant that brings a published demand, the
achievements the engine recommends whose holder is also registered. The schedule is greedy: meetings in order of
relevance rank, each in the first slot in which neither organisation already meets someone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.deals.choices import MeetingOutcome, Origin, Stage
from kechuang.deals.models import Deal, EventRegistration, MatchEvent, Meeting
from kechuang.market.choices import Status as MarketStatus

MAX_PER_DEMAND = 3


def _bureau(actor: Any) -> None:
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("只有科技局工作人员可以办理对接活动")


@transaction.atomic
def event_create(*, actor: Any, **fields: Any) -> MatchEvent:
    _bureau(actor)
    chains = fields.pop("chains", None)
    event = MatchEvent.objects.create(created_by=actor, **fields)
    if chains:
        event.chains.set(chains)
    return event


@transaction.atomic
def event_register(*, event: MatchEvent, actor: Any, brings: str = "", seeks: str = "",
                   demand: Any = None) -> EventRegistration:
    org_id = getattr(actor, "organisation_id", None)
    if org_id is None:
        raise ApplicationError("您的账户未关联机构：对接活动以单位名义报名")
    if event.starts_at <= timezone.now():
        raise ApplicationError("活动已开始，报名已截止")
    if EventRegistration.objects.select_for_update().filter(event=event).count() >= event.capacity:
        raise ApplicationError("活动名额已满")
    if demand is not None and (demand.organisation_id != org_id or demand.status != MarketStatus.PUBLISHED):
        raise ApplicationError("只能携带本单位已发布的技术需求", field="demand")
    if not (brings or seeks or demand):
        raise ApplicationError("请填写带来什么或寻找什么", field="seeks")
    reg, created = EventRegistration.objects.get_or_create(
        event=event, organisation_id=org_id, defaults={"user": actor, "brings": brings, "seeks": seeks,
                                                       "demand": demand})
    if not created:
        raise ApplicationError("本单位已报名该活动")
    return reg


@transaction.atomic
def propose_meetings(*, event: MatchEvent, actor: Any) -> list[Meeting]:
    """Replace the pending proposals by fresh ones from the engine and lay out the schedule."""
    from kechuang.market import recommend

    _bureau(actor)
    regs = list(event.registrations.select_related("demand"))
    by_org = {r.organisation_id: r for r in regs}
    event.meetings.filter(outcome=MeetingOutcome.PENDING).delete()
    pairs: list[tuple[int, EventRegistration, EventRegistration, Any, str]] = []
    for seeker in regs:
        if seeker.demand is None:
            continue
        recs, _ = recommend.for_demand(seeker.demand, actor, k=20)
        taken = 0
        for r in recs:
            holder = by_org.get(getattr(r.obj, "owner_id", None))
            if holder is None or holder.pk == seeker.pk or r.is_literature:
                continue
            pairs.append((r.rank, seeker, holder, r.obj, r.band))
            taken += 1
            if taken >= MAX_PER_DEMAND:
                break
    pairs.sort(key=lambda p: p[0])
    busy: dict[int, set[int]] = defaultdict(set)
    out = []
    for _, seeker, holder, achievement, band in pairs:
        slot = 0
        while seeker.pk in busy[slot] or holder.pk in busy[slot]:
            slot += 1
        busy[slot] |= {seeker.pk, holder.pk}
        meeting, _ = Meeting.objects.get_or_create(
            event=event, seeker=seeker, holder=holder, achievement=achievement,
            defaults={"demand": seeker.demand, "slot": slot + 1, "relevance_band": band,
                      "starts_at": event.starts_at + dt.timedelta(minutes=event.slot_minutes * slot)})
        out.append(meeting)
    return out


@transaction.atomic
def check_in(*, registration: EventRegistration, actor: Any) -> EventRegistration:
    _bureau(actor)
    if registration.checked_in_at is None:
        EventRegistration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())
        registration.refresh_from_db()
    return registration


@transaction.atomic
def record_outcome(*, meeting: Meeting, outcome: str, actor: Any) -> Meeting:
    """A meeting's outcome; 达成意向 opens a deal in the pipeline (the demand's broker attached)."""
    from kechuang.deals import services

    _bureau(actor)
    if outcome not in MeetingOutcome.values or outcome == MeetingOutcome.PENDING:
        raise ApplicationError("请选择洽谈结果", field="outcome")
    if meeting.deal_id:
        raise ApplicationError("该洽谈已转入商洽")
    deal = None
    if outcome == MeetingOutcome.INTENT:
        if meeting.demand is not None and meeting.achievement is not None:
            deal = services.deal_open(actor=actor, demand=meeting.demand, achievement=meeting.achievement,
                                      origin=Origin.EVENT)
    Meeting.objects.filter(pk=meeting.pk).update(outcome=outcome, deal=deal)
    meeting.refresh_from_db()
    return meeting


def statistics(event: MatchEvent) -> dict[str, int]:
    meetings = event.meetings.all()
    deal_ids = [d for d in meetings.values_list("deal_id", flat=True) if d]
    deals = Deal.objects.filter(pk__in=deal_ids)
    return {"participants": event.registrations.count(),
            "checked_in": event.registrations.filter(checked_in_at__isnull=False).count(),
            "meetings": meetings.count(), "intentions": meetings.filter(outcome=MeetingOutcome.INTENT).count(),
            "deals": len(deal_ids), "signed": deals.filter(signed_at__isnull=False).count(),
            "registered": deals.filter(stage=Stage.REGISTERED).count()}
