"""One search over every kind of record: 机构、成果、需求、专家、平台、仪器 and 科技文献, grouped by kind.

The home page's search box and /market/search/ both lead here. Each group is the same query the kind's own list
page runs (so "查看全部" shows exactly the rows counted): the directory's word search for organisations, people,
platforms and instruments, the market's text match plus the matching engine's hits above the calibrated floor for
achievements and literature, the text match for demands. Local records come first; 科技文献 (published papers) is
the last group so it never drowns the local market. Every read goes through ``restrict`` in the selectors, and a
person is shown by name, title and organisation only: contact data never appears in results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from kechuang.core import regions
from kechuang.market import kinds, selectors

PER_GROUP = 5
MAX_QUERY = 200


@dataclass
class Item:
    title: str
    url: str
    subtitle: str = ""


@dataclass
class Group:
    key: str
    label: str
    unit: str  # the measure word of the count: 个机构, 项成果
    list_url: str
    count: int = 0
    items: list[Item] = field(default_factory=list)


def _join(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p)


def _directory(entity: str) -> Callable[[Any, str], QuerySet]:
    def run(user: Any, q: str) -> QuerySet:
        from kechuang.directory import selectors as directory

        return directory.search_list(entity, user, {"q": q})

    return run


def _organisation(o: Any) -> Item:
    return Item(o.name, reverse("directory:organisation_detail", args=[o.pk]),
                _join(o.get_kind_display(), regions.name_of(o.region_code) if o.region_code else ""))


def _achievement(a: Any) -> Item:
    return Item(a.title, a.get_absolute_url(),
                _join(a.owner.name if a.owner else "", a.discipline, f"成熟度{a.maturity_short}" if a.maturity else ""))


def _literature(a: Any) -> Item:
    return Item(a.title, a.get_absolute_url(), _join("科技文献", a.discipline, "、".join((a.keywords or [])[:4])))


def _demand(d: Any) -> Item:
    return Item(d.title, d.get_absolute_url(), _join(d.organisation.name, d.get_industry_display()))


def _person(p: Any) -> Item:
    # Name, title and organisation only: never phone or e-mail (personal data stays with staff).
    return Item(p.name, reverse("directory:person_detail", args=[p.pk]),
                _join(p.title, p.get_kind_display(), p.organisation.name if p.organisation else ""))


def _platform(p: Any) -> Item:
    return Item(p.name, reverse("directory:platform_detail", args=[p.pk]),
                _join(f"{p.get_level_display()}{p.get_kind_display()}", p.organisation.name if p.organisation else ""))


def _instrument(i: Any) -> Item:
    return Item(i.name, reverse("directory:instrument_detail", args=[i.pk]),
                _join(i.model_number, i.organisation.name if i.organisation else ""))


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: str
    unit: str
    list_url: str  # the kind's full list, with ``q`` (and what selects the kind) appended
    run: Callable[[Any, str], QuerySet]
    item: Callable[[Any], Item]
    list_params: Mapping[str, str] = field(default_factory=dict)  # what selects the kind on its list page


def _directory_kind(key: str, label: str, unit: str, route: str, item: Callable[[Any], Item]) -> SearchKind:
    return SearchKind(key, label, unit, route, _directory(key), item)


def _market_kind(kind: kinds.ListingKind, item: Callable[[Any], Item]) -> SearchKind:
    # The market's kinds come from their registry: the same label, list page and filtering as their own list.
    return SearchKind(kind.group, kind.label, kind.unit, kind.list_url,
                      lambda user, q: selectors.listing_for(kind, user, {"q": q, **kind.list_params})[0], item,
                      kind.list_params)


def _kinds() -> list[SearchKind]:
    return [
        _directory_kind("organisations", "机构", "个机构", "directory:organisation_list", _organisation),
        _market_kind(kinds.ACHIEVEMENT, _achievement),
        _market_kind(kinds.DEMAND, _demand),
        _directory_kind("people", "专家人才", "位专家人才", "directory:person_list", _person),
        _directory_kind("platforms", "创新平台", "个平台", "directory:platform_list", _platform),
        _directory_kind("instruments", "大型仪器", "台仪器", "directory:instrument_list", _instrument),
        _market_kind(kinds.LITERATURE, _literature),  # last: published papers never drown the local market
    ]


KINDS = _kinds()


def search(user: Any, q: str, per_group: int = PER_GROUP) -> list[Group]:
    q = q.strip()[:MAX_QUERY]
    groups: list[Group] = []
    for kind in KINDS:
        query = urlencode({**kind.list_params, "q": q})
        group = Group(kind.key, kind.label, kind.unit, f"{reverse(kind.list_url)}?{query}")
        if q:
            qs = kind.run(user, q)
            group.count = qs.count()
            group.items = [kind.item(obj) for obj in _first(qs, per_group)]
        groups.append(group)
    return groups


def _first(qs: QuerySet, n: int) -> Iterable[Any]:
    return list(qs[:n])
