"""One filter definition per market list (issue 11, item 6): the list page, the API collection and the export
read the same FilterSet (kechuang.core.filtering), so a filter cannot mean one thing on the page and another in
the API. The keyword search (``q``) and the sort are not filters: they rank (the matching engine's hits first),
so ``kechuang.market.selectors`` applies them after the FilterSet.

Each FilterSet names the filters its page offers (``page_filters``); the API also takes the fields it always took
(``status``, ``owner``, ``source``, ``cooperation_mode``, ``region_code``, ``organisation``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from kechuang.core.filtering import OptionFilter, PageFilterSet
from kechuang.market.choices import (
    LITERATURE_SOURCES,
    CooperationMode,
    Industry,
    Maturity,
    Status,
    TransferMode,
)
from kechuang.market.models import Achievement, Demand


def chain_choices() -> list[tuple[str, str]]:
    from kechuang.directory.models import IndustryChain

    return list(IndustryChain.objects.values_list("code", "name"))


def district_choices() -> list[tuple[str, str]]:
    from kechuang.directory.filters import kunming_districts

    return kunming_districts()


def disciplines(literature: bool = False) -> list[tuple[str, str]]:
    """The disciplines of published records (of the literature tab, or of the market's own achievements)."""
    qs = Achievement.objects.filter(status=Status.PUBLISHED).exclude(discipline="")
    qs = qs.filter(source__in=LITERATURE_SOURCES) if literature else qs.exclude(source__in=LITERATURE_SOURCES)
    return [(d, d) for d in qs.values_list("discipline", flat=True).distinct().order_by("discipline")]


class ListingFilterSet(PageFilterSet):

    def filter_chain(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(industry_chains__code=value).distinct()


class AchievementFilter(ListingFilterSet):
    discipline = OptionFilter(field_name="discipline", label="学科", options=disciplines)
    maturity = django_filters.ChoiceFilter(choices=Maturity.choices, label="成熟度")
    mode = django_filters.ChoiceFilter(choices=TransferMode.choices, method="filter_mode", label="转化方式")
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label="产业")
    # No 产业链 control before the bureau has entered a chain (as the market's pages always did).
    chain = OptionFilter(method="filter_chain", label="产业链", options=chain_choices, hide_when_empty=True)
    page_filters: tuple[str, ...] = ("discipline", "maturity", "mode", "industry", "chain")

    class Meta:
        model = Achievement
        fields = ["status", "discipline", "maturity", "industry", "owner", "source"]

    def filter_mode(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # JSON list membership: portable across SQLite and PostgreSQL via a quoted-substring match.
        return qs.filter(transfer_modes__icontains=f'"{value}"')


class LiteratureFilter(AchievementFilter):
    """The 科技文献 tab: published papers, filtered by their own disciplines only."""

    discipline = OptionFilter(field_name="discipline", label="学科", options=lambda: disciplines(literature=True))
    page_filters = ("discipline",)

    class Meta(AchievementFilter.Meta):
        pass


class DemandFilter(ListingFilterSet):
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label="产业")
    cooperation = django_filters.ChoiceFilter(field_name="cooperation_mode", choices=CooperationMode.choices,
                                              label="合作方式")
    region = OptionFilter(field_name="region_code", label="区县", options=district_choices)
    # No 产业链 control before the bureau has entered a chain (as the market's pages always did).
    chain = OptionFilter(method="filter_chain", label="产业链", options=chain_choices, hide_when_empty=True)
    page_filters = ("industry", "cooperation", "region", "chain")

    class Meta:
        model = Demand
        fields = ["status", "industry", "cooperation_mode", "region_code", "organisation"]


def apply(filterset: type[PageFilterSet], qs: QuerySet, params: Any) -> tuple[QuerySet, list[str]]:
    """The page's and the export's filtering: ``qs`` narrowed by the page's filters in ``params`` (``source`` is
    the page's tab, ``status`` is always 已发布 there: the API-only fields are not read). With a value a filter
    cannot take: no rows, and the Chinese messages that say which filter is wrong."""
    chosen = {name: params.get(name) for name in filterset.page_filters if str(params.get(name) or "").strip()}
    if not chosen:
        return qs, []  # the plain list (most requests): building the filter form costs ~1 ms, for nothing here
    fs = filterset(chosen, queryset=qs)
    problems = fs.problems()
    return (qs.none(), problems) if problems else (fs.qs, [])
