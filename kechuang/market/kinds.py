"""The market's kinds of listing, declared once (issue 11, item 6): what each kind is called, its model, filters,
sorts, searchable fields, pages, export and — for the kinds an organisation publishes — its form, workflow and
services. The list pages, the export, the unified search, the workspace pages, the review queue and the API read
this registry instead of branching on ``"demand" if … else``; a new kind is one more ``ListingKind`` here.

科技文献 (the CSL papers) is a kind of its own for the reader — its own tab, search group, filters and count —
though it is stored as ``Achievement`` rows with a literature source; it is never published through the market's
pages (no form, no workflow).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from kechuang.core.filtering import PageFilterSet
from kechuang.market import filters, forms, services
from kechuang.market.choices import LITERATURE_SOURCES
from kechuang.market.models import Achievement, Demand, Listing
from kechuang.market.workflow import ACHIEVEMENT_WORKFLOW, DEMAND_WORKFLOW
from kechuang.workflow.engine import Workflow

SORT_LABELS = {"relevance": "相关度", "new": "最新发布", "old": "最早发布", "title": "名称", "maturity": "成熟度",
               "deadline": "截止日期", "budget": "预算"}


@dataclass(frozen=True)
class ListingKind:
    key: str  # the kind in URLs and forms: /market/export/<key>/, ?type=<key>
    label: str  # 科技成果
    unit: str  # the measure word of a count: 项成果
    group: str  # the kind's group in the unified search (and its anchor there): achievements
    model: type[Listing]
    filterset: type[PageFilterSet]
    text_fields: tuple[str, ...]  # what the keyword search reads
    sorts: dict[str, tuple[str, ...]]  # param value -> order_by; the first is the default
    list_url: str  # URL name of the public list
    detail_url: str
    select_related: tuple[str, ...] = ()
    list_params: dict[str, str] = field(default_factory=dict)  # what selects this kind on the list page
    literature: bool = False  # the rows are literature (else: literature is left out)
    engine_kind: str = ""  # the matching engine's hits of this kind join the keyword matches; "相关度" is a sort
    export_spec: str = ""  # the tabular spec of the export (empty: no export)
    # Published by an organisation through the market's pages (empty for literature):
    form: Any = None
    workflow: Workflow | None = None
    create: Callable[..., Any] | None = None  # services.<kind>_create(actor=..., **form fields) -> the record
    update: Callable[..., Any] | None = None
    create_url: str = ""
    edit_url: str = ""
    mine_url: str = ""
    initial: Callable[[Any], dict[str, Any]] = lambda organisation: {}  # a new record's form, from the publisher

    @property
    def publishable(self) -> bool:
        return self.workflow is not None

    @property
    def verbose(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def owner_field(self) -> str:
        return self.model.owner_field

    def sort_choices(self, with_relevance: bool = False) -> list[tuple[str, str]]:
        keys = (["relevance"] if with_relevance and self.engine_kind else []) + list(self.sorts)
        return [(k, SORT_LABELS[k]) for k in keys]

    def list_href(self, **params: str) -> str:
        from urllib.parse import urlencode

        query = urlencode({**self.list_params, **params})
        return f"{reverse(self.list_url)}?{query}" if query else reverse(self.list_url)

    def published(self, user: Any) -> Any:
        """The published rows of this kind ``user`` may see (before any filter)."""
        from kechuang.market.choices import Status

        manager: Any = self.model._default_manager  # a RestrictQuerySet manager (BaseModel)
        qs = manager.restrict(user, "view").filter(status=Status.PUBLISHED)
        if self.model is Achievement:
            qs = qs.filter(source__in=LITERATURE_SOURCES) if self.literature else qs.exclude(
                source__in=LITERATURE_SOURCES)
        return qs.select_related(*self.select_related) if self.select_related else qs


ACHIEVEMENT = ListingKind(
    key="achievement", label="科技成果", unit="项成果", group="achievements", model=Achievement, filterset=filters.AchievementFilter,
    text_fields=("title", "abstract", "keywords", "discipline", "owner__name"),
    sorts={"new": ("-published_at", "-id"), "old": ("published_at", "id"), "title": ("title_pinyin", "id"),
           "maturity": ("-maturity", "-published_at")},
    list_url="market:achievement_list", detail_url="market:achievement_detail", select_related=("owner",),
    engine_kind="achievement", export_spec="achievements",
    form=forms.AchievementForm, workflow=ACHIEVEMENT_WORKFLOW, create=services.achievement_create,
    update=services.achievement_update, create_url="market:achievement_create", edit_url="market:achievement_edit",
    mine_url="market:my_achievements",
)
DEMAND = ListingKind(
    key="demand", label="技术需求", unit="项需求", group="demands", model=Demand, filterset=filters.DemandFilter,
    text_fields=("title", "description", "keywords", "organisation__name"),
    sorts={"new": ("-published_at", "-id"), "old": ("published_at", "id"), "deadline": ("deadline", "id"),
           "budget": ("-budget_yuan", "-published_at")},
    list_url="market:demand_list", detail_url="market:demand_detail", select_related=("organisation",),
    export_spec="demands",
    form=forms.DemandForm, workflow=DEMAND_WORKFLOW, create=services.demand_create, update=services.demand_update,
    create_url="market:demand_create", edit_url="market:demand_edit", mine_url="market:my_demands",
    initial=lambda organisation: {"region_code": organisation.region_code},
)
LITERATURE = ListingKind(
    key="literature", label="科技文献", unit="篇文献", group="literature", model=Achievement, filterset=filters.LiteratureFilter,
    text_fields=ACHIEVEMENT.text_fields, sorts=ACHIEVEMENT.sorts,
    list_url="market:achievement_list", detail_url="market:achievement_detail", select_related=("owner",),
    list_params={"source": "literature"}, literature=True, engine_kind="achievement",
)

KINDS: dict[str, ListingKind] = {k.key: k for k in (ACHIEVEMENT, DEMAND, LITERATURE)}
PUBLISHABLE: dict[str, ListingKind] = {key: k for key, k in KINDS.items() if k.publishable}


def get(key: str) -> ListingKind | None:
    return KINDS.get(key)


def publishable(key: str) -> ListingKind | None:
    return PUBLISHABLE.get(key)


def of(obj: Any) -> ListingKind:
    """The publishable kind a stored record belongs to (its model's): its pages, workflow and services. A 科技文献
    row is an achievement here — it is shown on the achievement's page."""
    return next(k for k in PUBLISHABLE.values() if isinstance(obj, k.model))


def for_list(key: str, params: Any) -> ListingKind:
    """The kind a list page shows: the achievement list with ``source=literature`` is the literature tab."""
    kind = KINDS[key]
    if kind is ACHIEVEMENT and params.get("source") == "literature":
        return LITERATURE
    return kind
