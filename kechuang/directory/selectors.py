"""Reads of the directory. Every list starts from ``restrict(user, 'view')``; the pages, the API and the
exports share the filters below, so "what this list shows" is defined once per entity."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet

from kechuang.core import regions
from kechuang.core.links import object_url
from kechuang.core.permissions import permits
from kechuang.directory import filters
from kechuang.directory.choices import (
    AccountStatus,
    OrganisationKind,
)
from kechuang.directory.filters import chain_rows
from kechuang.directory.models import (
    IndustryChain,
    Instrument,
    Organisation,
    Person,
    Platform,
    Qualification,
    YearlyFigure,
)


@dataclass
class Listing:
    """What one entity's list offers: filters, sorts, the search and the related rows a page needs."""

    entity: str
    model: Any  # a directory model class (BaseModel subclass); its filters are filters.FILTERSETS[entity]
    sorts: list[tuple[str, str, tuple[str, ...]]]  # (param value, label, order_by)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # The list page reads only these columns (empty: all) and, with page_chains, each row's chain names
    # (``chain_names``) from one query on the link table instead of a prefetch: at 100,000 organisations the
    # full-row instances and the prefetch were two thirds of a page's 12 ms.
    page_fields: tuple[str, ...] = ()
    page_chains: bool = False
    detail_url: str = ""  # URL name of a row's page; list_page gives each row ``detail_url``
    extra: dict[str, Any] = field(default_factory=dict)

    def sort_choices(self) -> list[tuple[str, str]]:
        return [(value, label) for value, label, _ in self.sorts]


# The filters live in filters.py (one FilterSet per list, shared with the API); re-exported for old callers.
_chain_rows = chain_rows
CHAINS_TTL_SECONDS = filters.CHAINS_TTL_SECONDS


LISTINGS: dict[str, Listing] = {
    "organisations": Listing(
        "organisations", Organisation,
        sorts=[("name", "按名称", ("name_pinyin", "id")), ("new", "最新入库", ("-created_at", "-id")),
               ("employees", "按职工人数", ("-employees", "name_pinyin"))],
        prefetch_related=("industry_chains",),
        page_fields=("id", "name", "kind", "region_code"),
        page_chains=True,
        detail_url="directory:organisation_detail",
    ),
    "people": Listing(
        "people", Person,
        sorts=[("name", "按姓名", ("name_pinyin", "id")), ("new", "最新入库", ("-created_at", "-id"))],
        select_related=("organisation",),
        detail_url="directory:person_detail",
    ),
    "platforms": Listing(
        "platforms", Platform,
        sorts=[("name", "按名称", ("name_pinyin", "id")), ("recognised", "按认定日期", ("-recognised_on", "name_pinyin"))],
        select_related=("organisation",),
        detail_url="directory:platform_detail",
    ),
    "instruments": Listing(
        "instruments", Instrument,
        sorts=[("name", "按名称", ("name_pinyin", "id")), ("value", "按原值", ("-original_value_yuan", "name_pinyin"))],
        select_related=("organisation",),
        detail_url="directory:instrument_detail",
    ),
}


def visible(entity: str, user: Any) -> QuerySet:
    listing = LISTINGS[entity]
    return listing.model.objects.restrict(user, "view")


def search_list(entity: str, user: Any, params: Mapping[str, str]) -> QuerySet:
    """The rows ``user`` may see, narrowed by the search and filters in ``params`` and sorted."""
    listing = LISTINGS[entity]
    qs = visible(entity, user)
    qs = filters.apply(entity, qs, params)
    order = dict((v, o) for v, _, o in listing.sorts).get(params.get("sort") or "", listing.sorts[0][2])
    qs = qs.order_by(*order)
    if listing.select_related:
        qs = qs.select_related(*listing.select_related)
    if listing.prefetch_related:
        qs = qs.prefetch_related(*listing.prefetch_related)
    return qs


def list_page(entity: str, user: Any, params: Mapping[str, str], per_page: int) -> Any:
    """One page of ``search_list`` for the list page: the total from the count cache, the rows with only the
    columns the page shows, and their chains attached (see ``Listing.page_fields``)."""
    listing = LISTINGS[entity]
    qs = search_list(entity, user, params)
    if listing.page_chains:
        qs = qs.prefetch_related(None)
    if listing.page_fields:
        qs = qs.only(*listing.page_fields)
    key = count_cache_key(entity, user, params)
    page = CachedCountPaginator(qs, per_page, cache_key=key, cap=count_cap(params)).get_page(params.get("page"))
    page.object_list = list(page.object_list)
    for obj in page.object_list:
        obj.detail_url = object_url(listing.detail_url, obj.pk)
    if listing.page_chains:
        chains = chains_of(listing.model, [obj.pk for obj in page.object_list])
        for obj in page.object_list:
            obj.chain_names = [name for _, name in chains[obj.pk]]
    return page


def chains_of(model: Any, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(code, name) of each organisation's or platform's chains, in the chains' own order (as
    ``obj.industry_chains.all()`` gives them), from one query on the link table and the cached chain rows."""
    if not ids:
        return {}
    through = model.industry_chains.through
    owner = "organisation_id" if model is Organisation else "platform_id"
    # Plain SQL on purpose: building this one-line query through the ORM cost more (0.4 ms compile, 1 ms in
    # all) than running it (0.3 ms), on every list page and API page. Identifiers come from the model, the
    # ids are bound parameters.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {owner}, industrychain_id FROM {through._meta.db_table} "
                       f"WHERE {owner} IN ({', '.join(['%s'] * len(ids))})", ids)
        links = cursor.fetchall()
    rows = _chain_rows()
    if any(cid not in {pk for _, _, pk in rows} for _, cid in links):  # a chain added within the cache's minute
        rows = [(c, n, pk) for c, n, pk in IndustryChain.objects.values_list("code", "name", "pk")]
    rank = {pk: (i, code, name) for i, (code, name, pk) in enumerate(rows)}
    found: dict[int, list[tuple[int, str, str]]] = {i: [] for i in ids}
    for oid, cid in links:
        found[oid].append(rank[cid])
    return {oid: [(code, name) for _, code, name in sorted(chains)] for oid, chains in found.items()}


COUNT_TTL_SECONDS = 60
_GENERATION_KEY = filters.GENERATION_KEY


def bump_count_generation(*_: Any, **__: Any) -> None:
    """Forget cached totals after a write (connected to the directory models' signals; imports call it).

    With a per-process cache other workers keep theirs until the TTL runs out; that minute is the price."""
    import time

    cache.set(_GENERATION_KEY, time.monotonic_ns(), None)


def count_cache_key(entity: str, user: Any, params: Mapping[str, Any]) -> str:
    """Who sees the same rows gets the same key: the public, one organisation's members, or the bureau."""
    if getattr(user, "is_authenticated", False) and getattr(user, "is_bureau", False):
        audience = "bureau"
    else:
        audience = f"org{getattr(user, 'organisation_id', None) or ''}" if getattr(user, "is_authenticated", False) else "public"
    filters = sorted((k, str(v)) for k, v in params.items() if k not in ("page", "sort", "ordering", "format"))
    digest = hashlib.sha1(repr(filters).encode("utf-8")).hexdigest()
    return f"directory:count:{cache.get(_GENERATION_KEY, 0)}:{entity}:{audience}:{digest}"


# A searched list counts its matches only up to here (more precisely: up to the end of the page asked for, if
# further). Past it the page says "超过 1000 条" and the API answers count=1000 with count_exact=false: counting
# every one of the ~6,000 matches of a common word cost more than finding the page (SQLite: 7-9 ms against
# 1-2 ms with the FTS5 index at 100,000 organisations).
SEARCH_COUNT_CAP = 1000


MAX_PAGE = 10**9


def count_cap(params: Mapping[str, Any]) -> int | None:
    """The count bound of a list with these parameters: ``SEARCH_COUNT_CAP`` for a search, None (exact) else."""
    return SEARCH_COUNT_CAP if str(params.get("q") or "").strip() else None


def count_note(floor: int) -> str:
    """The Chinese words for a bounded count, shared by the page and the API."""
    return f"结果超过 {floor:,} 条，只统计到 {floor:,} 条，以上数字是下限；可逐页向后翻看，或增加关键词、筛选条件缩小范围"


class CachedCountPaginator(Paginator):
    """The total of a filtered list, remembered for a minute; for a search (``cap``), bounded.

    COUNT(*) over 100,000 organisations (or a search that scans them) costs more than fetching the 20 rows
    of a page, and the total only feeds "共 N 条" and the page links, so being up to a minute stale is fine.

    With ``cap`` the rows are counted only up to ``max(cap, end of the page asked for)`` (the ``bound``). Below
    it the count is exact; past it ``count`` is ``bound + 1`` (so the page asked for is full and has a next
    page), ``count_exact`` is False and ``count_floor`` is ``bound``: the list has more than that many rows.
    Every page stays reachable by "下一页": asking for a page past the bound counts further.
    """

    def __init__(self, *args: Any, cache_key: str, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key
        self.cap = cap
        self.bound: int | None = None
        self.count_exact = True

    def get_page(self, number: Any) -> Any:
        if self.cap is not None:
            self.bound = self._bound_for(number)
        return super().get_page(number)

    def page(self, number: Any) -> Any:  # DRF calls page() directly
        if self.cap is not None and self.bound is None:
            self.bound = self._bound_for(number)
        return super().page(number)

    def _bound_for(self, number: Any) -> int:
        assert self.cap is not None
        try:
            wanted = int(number)
        except (TypeError, ValueError, OverflowError):
            wanted = 1
        # A page number past any real list (?page=14823416233000148992) must not overflow SQL's LIMIT: the
        # count then runs to the end and the page is "not found", as without a cap.
        return max(self.cap, min(max(wanted, 1), MAX_PAGE) * int(self.per_page))

    @property
    def count_floor(self) -> int:
        """What the list is known to exceed when the count is bounded (the count itself when exact)."""
        return self.count if self.count_exact else self.count - 1

    @cached_property
    def count(self) -> int:
        # Cached as (n, counted up to; None: to the end). Exact when n <= counted up to; reusable when exact
        # or when it was counted at least as far as this page needs.
        bound = None if self.cap is None else (self.bound if self.bound is not None else self.cap)
        cached = cache.get(self.cache_key)
        if cached is not None and (cached[1] is None or cached[0] <= cached[1]
                                   or (bound is not None and cached[1] >= bound)):
            n, limit = cached
        else:
            n, limit = self._count(bound), bound
            cache.set(self.cache_key, (n, limit), COUNT_TTL_SECONDS)
        if limit is None or n <= limit:
            return n
        self.count_exact = False
        return limit + 1  # limit >= bound: the page asked for is full and has a next page

    def _count(self, bound: int | None) -> int:
        if bound is None:
            return super().count
        qs = self.object_list
        return qs.order_by()[:bound + 1].count() if hasattr(qs, "order_by") else min(len(qs), bound + 1)


def filter_controls(entity: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
    return filters.FILTERSETS[entity].controls(params)


def filter_problems(entity: str, params: Mapping[str, str]) -> list[str]:
    return filters.problems(entity, params)


def organisation_related(org: Organisation, user: Any) -> dict[str, Any]:
    """What an organisation page shows besides the organisation itself, each list restricted on its own."""
    return {
        "qualifications": Qualification.objects.restrict(user, "view").filter(organisation=org),
        "figures": YearlyFigure.objects.restrict(user, "view").filter(organisation=org).order_by("-year"),
        "people": Person.objects.restrict(user, "view").filter(organisation=org),
        "platforms": Platform.objects.restrict(user, "view").filter(organisation=org),
        "instruments": Instrument.objects.restrict(user, "view").filter(organisation=org),
        "can_edit": permits(user, "change", org),
    }


def directory_counts() -> dict[str, Any]:
    approved = Organisation.objects.filter(status=AccountStatus.APPROVED)
    by_kind = {row["kind"]: row["n"] for row in approved.values("kind").annotate(n=Count("id")).order_by()}
    by_region = approved.values("region_code").annotate(n=Count("id")).order_by("-n")
    public = Q(published=True) & (Q(organisation__isnull=True) | Q(organisation__status=AccountStatus.APPROVED))
    return {
        "organisations": sum(by_kind.values()),
        "people": Person.objects.filter(public).count(),
        "platforms": Platform.objects.filter(public).count(),
        "instruments": Instrument.objects.filter(public).count(),
        "organisations_by_kind": [(label, by_kind.get(value, 0)) for value, label in OrganisationKind.choices],
        "organisations_by_region": [(regions.name_of(r["region_code"]), r["n"]) for r in by_region],
    }
