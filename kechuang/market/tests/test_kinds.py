"""The ListingKind registry (kechuang/market/kinds.py) and the one FilterSet per list (kechuang/market/filters.py):
every kind is declared once and every reader takes it from there; page, API and export filter alike; a value a
filter cannot take is a Chinese message naming the filter, never a 500."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from kechuang.core.tabular import get_spec
from kechuang.market import kinds, selectors, unified_search
from kechuang.market.choices import Status
from kechuang.market.models import Achievement, Demand, Listing
from kechuang.market.tests.factories import AchievementFactory, DemandFactory


def test_every_listing_model_has_one_publishable_kind() -> None:
    models = {m for m in Listing.__subclasses__() if not m._meta.abstract}
    assert models == {Achievement, Demand}
    assert {k.model for k in kinds.PUBLISHABLE.values()} == models
    assert len({k.key for k in kinds.KINDS.values()}) == len(kinds.KINDS)
    assert len({k.group for k in kinds.KINDS.values()}) == len(kinds.KINDS)


@pytest.mark.parametrize("key", sorted(kinds.KINDS))
def test_a_kind_declares_everything_its_readers_need(key: str) -> None:
    kind = kinds.KINDS[key]
    assert kind.label and kind.unit and all("\u4e00" <= ch <= "\u9fff" for ch in kind.label)
    reverse(kind.list_url)
    reverse(kind.detail_url, args=[1])
    assert set(kind.filterset.page_filters) <= set(kind.filterset.base_filters)
    assert "new" in kind.sorts and all(label for _, label in kind.sort_choices(with_relevance=True))
    if kind.export_spec:
        assert get_spec(kind.export_spec) is not None
    if kind.publishable:
        assert kind.form and kind.create and kind.update
        for name in (kind.create_url, kind.mine_url):
            reverse(name)
        reverse(kind.edit_url, args=[1])
        reverse("market:transition", args=[kind.key, 1, "submit"])
        reverse("market:export", args=[kind.key])


def test_literature_is_its_own_kind_on_the_achievement_list() -> None:
    assert kinds.for_list("achievement", {}) is kinds.ACHIEVEMENT
    assert kinds.for_list("achievement", {"source": "literature"}) is kinds.LITERATURE
    assert kinds.for_list("demand", {"source": "literature"}) is kinds.DEMAND
    assert not kinds.LITERATURE.publishable and kinds.publishable("literature") is None
    assert kinds.LITERATURE.list_href(q="冷链") == "/market/achievements/?source=literature&q=%E5%86%B7%E9%93%BE"
    # Relevance is a sort only where the matching engine ranks the kind.
    assert kinds.ACHIEVEMENT.sort_choices(True)[0] == ("relevance", "相关度")
    assert ("relevance", "相关度") not in kinds.DEMAND.sort_choices(True)


def test_unified_search_reads_the_registry() -> None:
    by_key = {k.key: k for k in unified_search.KINDS}
    for kind in kinds.KINDS.values():
        assert by_key[kind.group].label == kind.label and by_key[kind.group].unit == kind.unit
        assert dict(by_key[kind.group].list_params) == kind.list_params
    assert unified_search.KINDS[-1].key == "literature"  # papers last, never drowning the local market


@pytest.mark.django_db
def test_of_names_the_stored_kind() -> None:
    a = AchievementFactory(source="csl", owner=None)
    assert kinds.of(a) is kinds.ACHIEVEMENT  # literature is shown on the achievement's page
    assert kinds.of(DemandFactory()) is kinds.DEMAND


@pytest.fixture
def market(db: Any) -> dict[str, Any]:
    return {
        "licence": AchievementFactory(status=Status.PUBLISHED, transfer_modes=["licence"], maturity=7,
                                      industry="biomedicine"),
        "transfer": AchievementFactory(status=Status.PUBLISHED, transfer_modes=["transfer"], maturity=4),
        "draft": AchievementFactory(status=Status.DRAFT, transfer_modes=["licence"]),
        "demand": DemandFactory(status=Status.PUBLISHED, region_code="530111", cooperation_mode="transfer"),
        "other": DemandFactory(status=Status.PUBLISHED, region_code="530102", cooperation_mode="co_develop"),
    }


@pytest.mark.parametrize("query, expected", [
    ({"mode": "licence"}, {"licence"}),
    ({"maturity": "4"}, {"transfer"}),
    ({"industry": "biomedicine"}, {"licence"}),
    ({}, {"licence", "transfer"}),  # never the draft
])
def test_page_api_and_export_filter_alike(client: Any, market: dict[str, Any], query: dict[str, str],
                                          expected: set[str]) -> None:
    want = {market[k].pk for k in expected}
    page = client.get(reverse("market:achievement_list"), query)
    assert {a.pk for a in page.context["page"]} == want
    api = client.get("/api/achievements/", query).json()
    assert {row["id"] for row in api["results"]} == want
    export = client.get(reverse("market:export", args=["achievement"]), {**query, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    titles = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {market[k].title for k in expected}


def test_demand_filters_by_district_and_cooperation(client: Any, market: dict[str, Any]) -> None:
    for query, key in (({"region": "530111"}, "demand"), ({"cooperation": "co_develop"}, "other")):
        page = client.get(reverse("market:demand_list"), query)
        assert [d.pk for d in page.context["page"]] == [market[key].pk]
    html = client.get(reverse("market:demand_list")).content.decode()
    # The controls come from the FilterSet, in the page's order, with their Chinese labels.
    assert html.index("产业") < html.index("合作方式") < html.index("区县")
    assert 'id="f-cooperation"' in html and "产业链" not in html  # no chain entered yet: no chain control


def test_literature_tab_offers_only_its_disciplines(client: Any, market: dict[str, Any]) -> None:
    paper: Any = AchievementFactory(status=Status.PUBLISHED, source="csl", owner=None, discipline="物理学")
    assert paper.pk not in {a.pk for a in client.get(reverse("market:achievement_list")).context["page"]}
    page = client.get(reverse("market:achievement_list"), {"source": "literature"})
    assert [a.pk for a in page.context["page"]] == [paper.pk]
    assert [f["name"] for f in page.context["filters"]] == ["discipline"]
    assert page.context["filters"][0]["options"] == [("物理学", "物理学")]


@pytest.mark.parametrize("url, query, label", [
    ("/market/achievements/", {"maturity": "abc"}, "成熟度"),
    ("/market/achievements/", {"mode": "gift"}, "转化方式"),
    ("/market/demands/", {"cooperation": "free"}, "合作方式"),
    ("/market/demands/", {"industry": "<b>x</b>"}, "产业"),
    ("/directory/organisations/", {"kind": "planet"}, "类型"),
    ("/directory/platforms/", {"level": "cosmic"}, "级别"),
])
def test_a_bad_filter_value_is_named_in_chinese(client: Any, market: dict[str, Any], url: str,
                                                query: dict[str, str], label: str) -> None:
    response = client.get(url, query)
    assert response.status_code == 200
    html = response.content.decode()
    value = next(iter(query.values()))
    assert f"筛选条件“{label}”" in html and "请从列表中选择" in html
    assert "<b>x</b>" not in html
    assert escape(value) in html  # the message quotes what was typed, escaped
    assert not list(response.context["page"])  # no rows rather than a silently unfiltered list


@pytest.mark.parametrize("url, query, field, label", [
    ("/api/achievements/", {"maturity": "abc"}, "maturity", "成熟度"),
    ("/api/demands/", {"cooperation": "free"}, "cooperation", "合作方式"),
    ("/api/organisations/", {"kind": "planet"}, "kind", "类型"),
])
def test_the_api_refuses_a_bad_filter_value_with_the_same_message(client: Any, market: dict[str, Any], url: str,
                                                                  query: dict[str, str], field: str,
                                                                  label: str) -> None:
    response = client.get(url, query)
    assert response.status_code == 400
    assert f"筛选条件“{label}”" in str(response.json())


def test_the_export_of_a_bad_filter_is_empty_not_an_error(client: Any, market: dict[str, Any]) -> None:
    response = client.get(reverse("market:export", args=["achievement"]), {"maturity": "abc", "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1  # the header only


def test_selectors_keep_their_callers_shape(market: dict[str, Any]) -> None:
    qs, state = selectors.achievements_for(None, {"q": "冷链"})
    assert set(state) == {"q", "sort", "problems"} and state["problems"] == []
    assert {a.pk for a in qs} == {market["licence"].pk, market["transfer"].pk}
