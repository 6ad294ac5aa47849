"""Reads of the technology market. Every read takes the user and goes through ``restrict``."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from kechuang.accounts.choices import Role
from kechuang.core.panels import Panel
from kechuang.market import filters, kinds
from kechuang.market.choices import Industry, Status
from kechuang.market.models import Achievement, Demand

# The sorts and their labels are declared per kind in kechuang.market.kinds; kept here for older callers.
SORT_LABELS = kinds.SORT_LABELS


def terms_of(q: str) -> list[str]:
    """The query segmented the way the directory's search does it (jieba search mode, longest terms kept), so
    "冷链保鲜" finds "冷链运输保鲜" and the platform's search boxes behave alike."""
    from kechuang.directory.search import terms

    return list(terms(q))[:8]


def text_q(q: str, fields: tuple[str, ...]) -> Q:
    """Every term must occur in one of the fields (AND of ORs): works the same on SQLite and PostgreSQL."""
    cond = Q()
    for term in terms_of(q):
        any_field = Q()
        for f in fields:
            any_field |= Q(**{f"{f}__icontains": term})
        cond &= any_field
    return cond


def relevance_ranks(q: str, kind: str, k: int = 200) -> list[int]:
    """Primary keys of the records the matching engine ranks best for ``q`` (empty without an index)."""
    from kechuang.market.indexing import get_index, split_doc_id
    from kechuang.matching import MatchError, Query

    index = get_index()
    if index is None:
        return []
    try:
        hits = index.search(Query(title=q, kinds=(kind,)), k=k, explain=False)
    except MatchError:
        return []
    # The engine fills every slot it is given; only hits above the absolute floor of the calibrated relevance
    # count (a floor relative to the best hit kept all 200 for a query that matches nothing).
    from kechuang.market.recommend import RELEVANCE_FLOOR

    hits = [h for h in hits if h.relevance >= RELEVANCE_FLOOR]
    return [int(pk) for h in hits for _, pk in [split_doc_id(h.id)] if pk.isdigit()]


def is_literature_tab(params: Any) -> bool:
    return kinds.for_list("achievement", params) is kinds.LITERATURE


def achievements_for(user: Any, params: Any) -> tuple[QuerySet, dict[str, Any]]:
    """Listed achievements, or with ``source=literature`` the 科技文献 (CSL papers) instead: never mixed."""
    return listing_for(kinds.for_list("achievement", params), user, params)


def demands_for(user: Any, params: Any) -> tuple[QuerySet, dict[str, Any]]:
    return listing_for(kinds.DEMAND, user, params)


def listing_for(kind: kinds.ListingKind, user: Any, params: Any) -> tuple[QuerySet, dict[str, Any]]:
    """One kind's published rows for a list page, its export and the unified search: the kind's FilterSet, then
    the keyword search and the sort. ``state`` says what the page shows: ``q``, ``sort`` and ``problems`` (the
    Chinese messages of filter values that cannot be taken; the list is then empty)."""
    qs, problems = filters.apply(kind.filterset, kind.published(user), params)
    q = (params.get("q") or "").strip()[:200]
    ranks: list[int] = []
    if q:
        # Text matches, plus what the engine finds with other words (同义/近义 via its bigram and LSA channels).
        ranks = relevance_ranks(q, kind.engine_kind) if kind.engine_kind else []
        # A query naming a sector ("生物医药") also finds the records filed under it (生物医药与大健康).
        sectors = [value for value, label in Industry.choices if value != Industry.OTHER and q in label]
        cond = text_q(q, kind.text_fields) | Q(industry__in=sectors) if sectors else text_q(q, kind.text_fields)
        qs = qs.filter(cond | Q(pk__in=ranks)) if ranks else qs.filter(cond)
    sort = params.get("sort") or ("relevance" if ranks else "new")
    state = {"q": q, "sort": sort, "problems": problems}
    if sort == "relevance" and ranks:
        # Engine rank first; text-only matches the engine did not rank follow, newest first.
        rank = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ranks)], default=Value(len(ranks)),
                    output_field=IntegerField())
        return qs.order_by(rank, "-published_at", "-id"), state
    order = kind.sorts.get(sort, kind.sorts["new"])
    return qs.order_by(*order), state


def chains() -> list[tuple[str, str]]:
    return filters.chain_choices()


def disciplines(literature: bool = False) -> list[str]:
    return [d for d, _ in filters.disciplines(literature)]


def workspace_panels(user: Any) -> list[Panel]:
    panels: list[Panel] = []
    if getattr(user, "is_bureau", False):
        panels.append(Panel(title="待审核科技成果", url_name="market:review_queue", query="type=achievement",
                            count=Achievement.objects.filter(status=Status.SUBMITTED).count(), queue=True))
        panels.append(Panel(title="待审核技术需求", url_name="market:review_queue", query="type=demand",
                            count=Demand.objects.filter(status=Status.SUBMITTED).count(), queue=True))
    if getattr(user, "organisation_id", None):
        demands = Demand.objects.filter(organisation_id=user.organisation_id).order_by("-updated_at")
        achievements = Achievement.objects.filter(owner_id=user.organisation_id).order_by("-updated_at")
        # Enterprises lead with their demands, institutions with their achievements.
        demand_panel = Panel(title="我的技术需求", url_name="market:my_demands", count=demands.count(),
                             template="market/_panel_demands.html", items=demands[:5])
        achievement_panel = Panel(title="我的科技成果", url_name="market:my_achievements",
                                  count=achievements.count(),
                                  template="market/_panel_achievements.html", items=achievements[:5])
        if user.role == Role.INSTITUTION:
            panels += [achievement_panel, demand_panel]
        else:
            panels += [demand_panel, achievement_panel]
    panels.append(Panel(title="技术需求撮合", url_name="market:demand_list", roles=frozenset({Role.BROKER}),
                        count=Demand.objects.filter(status=Status.PUBLISHED).count()))
    return panels
