"""One search over every kind of record: 机构、成果、需求、专家、平台、仪器 and 科技文献, grouped by kind.

The home page's search box and /market/search/ both lead here. Each group is the same query the kind's own list
page runs (so "查看全部" shows exactly the rows counted): the directory's word search for organisations, people,
platforms and instruments, the market's text match plus the matching engine's hits above the calibrated floor for
achievements and literature, the text match for demands. Local records come first; 科技文献 (published papers) is
the last group so it never drowns the local market. Every read goes through ``restrict`` in the selectors, and a
person is shown by name, title and organisation only: contact data never appears in results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from kechuang.core import regions
from kechuang.market import selectors

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


# (key, label, unit, list route, extra list parameters, query, item)
KINDS: list[tuple[str, str, str, str, dict[str, str], Callable[[Any, str], QuerySet], Callable[[Any], Item]]] = [
    ("organisations", "机构", "个机构", "directory:organisation_list", {}, _directory("organisations"), _organisation),
    ("achievements", "科技成果", "项成果", "market:achievement_list", {},
     lambda user, q: selectors.achievements_for(user, {"q": q})[0], _achievement),
    ("demands", "技术需求", "项需求", "market:demand_list", {},
     lambda user, q: selectors.demands_for(user, {"q": q})[0], _demand),
    ("people", "专家人才", "位专家人才", "directory:person_list", {}, _directory("people"), _person),
    ("platforms", "创新平台", "个平台", "directory:platform_list", {}, _directory("platforms"), _platform),
    ("instruments", "大型仪器", "台仪器", "directory:instrument_list", {}, _directory("instruments"), _instrument),
    ("literature", "科技文献", "篇文献", "market:achievement_list", {"source": "literature"},
     lambda user, q: selectors.achievements_for(user, {"q": q, "source": "literature"})[0], _literature),
]


def search(user: Any, q: str, per_group: int = PER_GROUP) -> list[Group]:
    q = q.strip()[:MAX_QUERY]
    groups: list[Group] = []
    for key, label, unit, route, extra, run, item in KINDS:
        group = Group(key, label, unit, f"{reverse(route)}?{urlencode({**extra, 'q': q})}")
        if q:
            qs = run(user, q)
            group.count = qs.count()
            group.items = [item(obj) for obj in _first(qs, per_group)]
        groups.append(group)
    return groups


def _first(qs: QuerySet, n: int) -> Iterable[Any]:
    return list(qs[:n])
