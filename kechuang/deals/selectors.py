"""Reads of the deals app shared by pages and the API."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from kechuang.core.panels import Panel
from kechuang.deals.choices import OPEN_STAGES, Stage
from kechuang.deals.models import Deal, DemandAssignment, is_broker
from kechuang.market.choices import Status as MarketStatus
from kechuang.market.models import Demand
from kechuang.workflow.models import StateChange


def visible(user: Any) -> QuerySet[Deal]:
    return Deal.objects.restrict(user, "view").select_related("enterprise", "institute", "broker", "demand",
                                                              "achievement", "contract")


def pipeline(user: Any) -> QuerySet[Deal]:
    """Open deals first, those with an overdue next action at the top, then by the next action's date."""
    today = timezone.localdate()
    return visible(user).annotate(
        open_rank=Case(When(stage__in=OPEN_STAGES, then=Value(0)), default=Value(1), output_field=IntegerField()),
        overdue=Case(When(stage__in=OPEN_STAGES, next_action_on__lt=today, then=Value(0)), default=Value(1),
                     output_field=IntegerField()),
    ).order_by("open_rank", "overdue", "next_action_on", "-id")


def assigned_demands(user: Any) -> QuerySet[DemandAssignment]:
    return DemandAssignment.objects.restrict(user, "view").select_related("demand", "demand__organisation")


def claimable_demands(user: Any) -> QuerySet[Demand]:
    return Demand.objects.filter(status=MarketStatus.PUBLISHED, assignment__isnull=True).order_by("-published_at")


def broker_figures(deals: QuerySet[Deal]) -> dict[str, Any]:
    """Deals opened, signed and registered, and the median days each stage took (from the workflow log)."""
    ids = list(deals.values_list("pk", flat=True))
    rows = (StateChange.objects.filter(content_type__app_label="deals", content_type__model="deal",
                                       object_id__in=[str(i) for i in ids]).order_by("object_id", "at")
            .values_list("object_id", "from_state", "at"))
    opened = {str(pk): at for pk, at in deals.values_list("pk", "created_at")}
    durations: dict[str, list[float]] = {}
    last: dict[str, Any] = {}
    for oid, from_state, at in rows:
        start = last.get(oid, opened.get(oid))
        if start is not None:
            durations.setdefault(from_state, []).append((at - start).total_seconds() / 86400)
        last[oid] = at
    labels = dict(Stage.choices)
    medians = [(labels[s], round(statistics.median(durations[s]), 1)) for s in OPEN_STAGES if durations.get(s)]
    if durations.get(Stage.SIGNED):
        medians.append((labels[Stage.SIGNED], round(statistics.median(durations[Stage.SIGNED]), 1)))
    return {"opened": len(ids), "signed": deals.filter(signed_at__isnull=False).count(),
            "registered": deals.filter(stage=Stage.REGISTERED).count(), "medians": medians}


def workspace_panels(user: Any) -> list[Panel]:
    if not getattr(user, "is_authenticated", False):
        return []
    panels: list[Panel] = []
    if getattr(user, "is_bureau", False):
        panels.append(Panel(title="待分派的技术需求", url_name="deals:assignments",
                            count=claimable_demands(user).count(), queue=True))
    if is_broker(user):
        panels.append(Panel(title="技术经理人工作台", url_name="deals:broker",
                            count=visible(user).filter(stage__in=OPEN_STAGES).count()))
    elif getattr(user, "organisation_id", None):
        panels.append(Panel(title="我的商洽", url_name="deals:list",
                            count=visible(user).filter(stage__in=OPEN_STAGES).count()))
    return panels
