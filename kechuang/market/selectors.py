"""Reads of the technology market. Every read takes the user and goes through ``restrict``."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from kechuang.accounts.choices import Role
from kechuang.market.choices import Status
from kechuang.market.models import Achievement, Demand

SORTS = {
    "achievement": {"new": ("-published_at", "-id"), "old": ("published_at", "id"), "title": ("title",),
                    "maturity": ("-maturity", "-published_at")},
    "demand": {"new": ("-published_at", "-id"), "old": ("published_at", "id"), "deadline": ("deadline", "id"),
               "budget": ("-budget_yuan", "-published_at")},
}
SORT_LABELS = {"relevance": "相关度", "new": "最新发布", "old": "最早发布", "title": "名称", "maturity": "成熟度",
               "deadline": "截止日期", "budget": "预算"}


def terms_of(q: str) -> list[str]:
    return [t for t in re.split(r"[\s,，;；、]+", q.strip()) if t][:8]


def text_filter(qs: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    """Every whitespace-separated term must occur in one of the fields (substring search suits Chinese, which
    has no spaces between words; the matching index provides ranked search on top)."""
    for term in terms_of(q):
        cond = Q()
        for f in fields:
            cond |= Q(**{f"{f}__icontains": term})
        qs = qs.filter(cond)
    return qs


def achievements_for(user: Any, params: Any) -> tuple[QuerySet, dict[str, Any]]:
    qs = Achievement.objects.restrict(user, "view").filter(status=Status.PUBLISHED).select_related("owner")
    return _filter(qs, params, "achievement", ("title", "abstract", "keywords", "discipline", "owner__name"),
                   {"discipline": "discipline", "maturity": "maturity", "industry": "industry"},
                   multi={"mode": "transfer_modes"})


def demands_for(user: Any, params: Any) -> tuple[QuerySet, dict[str, Any]]:
    qs = Demand.objects.restrict(user, "view").filter(status=Status.PUBLISHED).select_related("organisation")
    return _filter(qs, params, "demand", ("title", "description", "keywords", "organisation__name"),
                   {"cooperation": "cooperation_mode", "industry": "industry", "region": "region_code"})


def _filter(qs: QuerySet, params: Any, entity: str, text_fields: tuple[str, ...], exact: dict[str, str],
            multi: dict[str, str] | None = None) -> tuple[QuerySet, dict[str, Any]]:
    q = (params.get("q") or "").strip()
    if q:
        qs = text_filter(qs, q, text_fields)
    for param, field in exact.items():
        value = params.get(param)
        if value:
            qs = qs.filter(**{field: value})
    for param, field in (multi or {}).items():
        value = params.get(param)
        if value:
            # JSON list membership: portable across SQLite and PostgreSQL via a quoted-substring match.
            qs = qs.filter(**{f"{field}__icontains": f'"{value}"'})
    if chain := params.get("chain"):
        qs = qs.filter(industry_chains__code=chain).distinct()
    sort = params.get("sort") or "new"
    order = SORTS[entity].get(sort, SORTS[entity]["new"])
    return qs.order_by(*order), {"q": q, "sort": sort}


def chains() -> list[tuple[str, str]]:
    from kechuang.directory.models import IndustryChain

    return list(IndustryChain.objects.values_list("code", "name"))


def disciplines() -> list[str]:
    return list(Achievement.objects.filter(status=Status.PUBLISHED).exclude(discipline="")
                .values_list("discipline", flat=True).distinct().order_by("discipline"))


def workspace_panels(user: Any, reverse: Any) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    if getattr(user, "is_bureau", False):
        panels.append({"title": "待审核科技成果", "url": reverse("market:review_queue") + "?type=achievement",
                       "count": Achievement.objects.filter(status=Status.SUBMITTED).count(), "queue": True})
        panels.append({"title": "待审核技术需求", "url": reverse("market:review_queue") + "?type=demand",
                       "count": Demand.objects.filter(status=Status.SUBMITTED).count(), "queue": True})
    if getattr(user, "organisation_id", None):
        demands = Demand.objects.filter(organisation_id=user.organisation_id).order_by("-updated_at")
        achievements = Achievement.objects.filter(owner_id=user.organisation_id).order_by("-updated_at")
        # Enterprises lead with their demands, institutions with their achievements.
        demand_panel = {"title": "我的技术需求", "url": reverse("market:my_demands"), "count": demands.count(),
                        "queue": False, "template": "market/_panel_demands.html", "items": demands[:5]}
        achievement_panel = {"title": "我的科技成果", "url": reverse("market:my_achievements"),
                             "count": achievements.count(), "queue": False,
                             "template": "market/_panel_achievements.html", "items": achievements[:5]}
        if user.role == Role.INSTITUTION:
            panels += [achievement_panel, demand_panel]
        else:
            panels += [demand_panel, achievement_panel]
    if getattr(user, "role", None) == Role.BROKER:
        panels.append({"title": "技术需求撮合", "url": reverse("market:demand_list"),
                       "count": Demand.objects.filter(status=Status.PUBLISHED).count(), "queue": False})
    return panels
