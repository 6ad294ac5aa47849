"""One filter definition per directory list (issue 11, item 6): the same django-filter FilterSet narrows the
list page, the API collection and the export, so the three cannot drift apart again (the shared base, with the
page controls and the Chinese messages for bad values, is kechuang.core.filtering).

Each FilterSet names the filters its page offers as ``<select>`` controls (``page_filters``); the API takes the
same filters plus a few that only machines use (``organisation``, ``region_code``, ``status``, ``category``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import django_filters
from django.core.cache import cache
from django.db.models import QuerySet

from kechuang.core import regions
from kechuang.core.filtering import OptionFilter, PageFilterSet, has_any
from kechuang.directory import search
from kechuang.directory.choices import (
    Level,
    OrganisationKind,
    PersonKind,
    PlatformKind,
    QualificationKind,
    TechManagerGrade,
)
from kechuang.directory.models import IndustryChain, Instrument, Organisation, Person, Platform, Qualification

CHAINS_TTL_SECONDS = 60
GENERATION_KEY = "directory:count:generation"


@lru_cache(maxsize=1)
def kunming_districts() -> list[tuple[str, str]]:
    # regions.choices walks the whole national table (~3,500 codes); the list pages ask for it every time.
    return regions.choices("5301")


def chain_rows() -> list[tuple[str, str, int]]:
    """(code, name, id) of every chain, remembered for a minute: every list page offers them as a filter and
    every chain filter needs the id, and the chains change a few times a year (in the admin)."""
    key = f"directory:chains:{cache.get(GENERATION_KEY, 0)}"
    rows = cache.get(key)
    if rows is None:
        rows = [(code, name, pk) for code, name, pk in IndustryChain.objects.values_list("code", "name", "pk")]
        cache.set(key, rows, CHAINS_TTL_SECONDS)
    return rows


def chain_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name, _ in chain_rows()]


def with_chain(qs: QuerySet, value: str) -> QuerySet:
    # A semi-join on the chain's links, with the chain's id looked up first: joined through the code, the
    # planner guessed ~100 links per chain (it cannot know which chain) and fetched every linked organisation
    # by key (42 ms for district + chain at 100,000 rows); given the id it knows the chain holds thousands and
    # walks the (status, region_code, name) index instead, probing the links' unique index (7 ms).
    chain_id = next((pk for code, _, pk in chain_rows() if code == value), None)
    if chain_id is None:  # a chain added within the last minute
        chain_id = IndustryChain.objects.filter(code=value).values_list("pk", flat=True).first()
    if chain_id is None:
        return qs.none()
    through = qs.model.industry_chains.through
    owner = "organisation_id" if qs.model is Organisation else "platform_id"
    return qs.filter(pk__in=through.objects.filter(industrychain_id=chain_id).values(owner))


class DirectoryFilterSet(PageFilterSet):
    """The directory's lists: the word search (``q``) is a filter here, plus the chain filter's semi-join."""

    q = django_filters.CharFilter(method="filter_q", label="关键词（中文分词，多词同时满足）")

    def filter_q(self, qs: Any, name: str, value: str) -> Any:
        return search.apply(qs, value)

    def filter_chain(self, qs: Any, name: str, value: str) -> Any:
        return with_chain(qs, value)


def _region(field_name: str) -> OptionFilter:
    return OptionFilter(field_name=field_name, label="区县", options=kunming_districts)


def _chain() -> OptionFilter:
    return OptionFilter(method="filter_chain", label="产业链", options=chain_choices)


class OrganisationFilter(DirectoryFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label="类型")
    region = _region("region_code")
    chain = _chain()
    qualification = django_filters.ChoiceFilter(choices=QualificationKind.choices, method="filter_qualification",
                                                label="资质")
    page_filters = ("kind", "region", "chain", "qualification")

    class Meta:
        model = Organisation
        fields = ["kind", "region_code", "status"]

    def filter_qualification(self, qs: Any, name: str, value: str) -> Any:
        # A subquery, not a join: an organisation with two such certificates must still appear once.
        return qs.filter(pk__in=Qualification.objects.filter(kind=value).values("organisation_id"))


class PersonFilter(DirectoryFilterSet):
    kind = django_filters.ChoiceFilter(choices=PersonKind.choices, label="类别")
    grade = django_filters.ChoiceFilter(choices=TechManagerGrade.choices, label="经理人等级")
    region = _region("region_code")
    page_filters = ("kind", "grade", "region")

    class Meta:
        model = Person
        fields = ["kind", "grade", "organisation", "region_code"]


class PlatformFilter(DirectoryFilterSet):
    kind = django_filters.ChoiceFilter(choices=PlatformKind.choices, label="类型")
    level = django_filters.ChoiceFilter(choices=Level.choices, label="级别")
    chain = _chain()
    region = _region("organisation__region_code")
    page_filters = ("kind", "level", "chain", "region")

    class Meta:
        model = Platform
        fields = ["kind", "level", "organisation"]


class InstrumentFilter(DirectoryFilterSet):
    region = _region("organisation__region_code")
    page_filters = ("region",)

    class Meta:
        model = Instrument
        fields = ["organisation", "category"]


FILTERSETS: dict[str, type[DirectoryFilterSet]] = {
    "organisations": OrganisationFilter, "people": PersonFilter, "platforms": PlatformFilter,
    "instruments": InstrumentFilter,
}


def _search_only(filterset: type[DirectoryFilterSet], params: Any) -> str | None:
    """The search words when ``q`` is the only filter given (the searched list), else None.

    Then the FilterSet's form would only strip ``q`` and pass it to ``search.apply``: building and validating it
    (django-filter deep-copies every filter per instance, and the page builds it twice, for the rows and for
    ``problems``) cost ~2 ms of a searched page's ~12. A NUL character, which the form rejects, takes the
    FilterSet's way (an empty list and its message).
    """
    query = str(params.get("q") or "")
    if "\x00" in query or any(str(params.get(name) or "").strip() for name in filterset.base_filters if name != "q"):
        return None
    return query.strip() or None


def apply(entity: str, qs: QuerySet, params: Any) -> QuerySet:
    """The page's and the export's filtering: the entity's FilterSet. A value the filter cannot take (an unknown
    kind typed into the address) gives an empty list, as the pages always did, rather than the whole list; the
    page says why (``problems``)."""
    filterset = FILTERSETS[entity]
    if not has_any(filterset, params):
        return qs  # the plain list (most requests): building the filter form costs ~1 ms, for nothing here
    query = _search_only(filterset, params)
    if query is not None:
        return search.apply(qs, query)
    fs = filterset(params, queryset=qs)
    if not fs.is_valid():
        return qs.none()
    return fs.qs


def problems(entity: str, params: Any) -> list[str]:
    """The Chinese messages of the filter values in ``params`` the entity's list cannot take (naming the filter)."""
    filterset = FILTERSETS[entity]
    if not has_any(filterset, params) or _search_only(filterset, params) is not None:
        return []
    return filterset(params, queryset=filterset._meta.model.objects.none()).problems()
