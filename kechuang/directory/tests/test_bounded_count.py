"""A searched list counts its matches only up to a cap (issue 12, item 12): exact below it; past it the page and
the API say in Chinese that the number is a lower bound, and every page stays reachable. Also the two plans
of a page of matches (match list or name-index walk) give the same rows. SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection

from kechuang.directory import filters, search, search_sqlite, selectors, views
from kechuang.directory.models import Organisation
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ORDINALS = "甲乙丙丁戊己庚辛壬癸子丑"


@pytest.fixture
def twelve():
    """Twelve organisations whose names hold 光电, plus two that do not; the 光电 ones in list order."""
    for ch in ORDINALS:
        OrganisationFactory(name=f"昆明{ch}光电科技有限公司")
    OrganisationFactory(name="昆明甲生物医药有限公司")
    OrganisationFactory(name="昆明乙软件有限公司")
    return list(Organisation.objects.filter(name__contains="光电").order_by("name_pinyin", "id")
                .values_list("name", flat=True))


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 5)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)


def page_names(client, **params) -> tuple[list[str], object, str]:
    response = client.get("/directory/organisations/", params)
    assert response.status_code == 200
    page = response.context["page"]
    return [o.name for o in page], page, response.content.decode()


def test_below_the_cap_the_count_is_exact(client, twelve, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    names, page, html = page_names(client, q="光电")
    assert page.paginator.count == 12 and page.paginator.count_exact
    assert names == twelve[:5]
    assert "共 12 条" in html and "第 1 / 3 页" in html and "超过" not in html
    body = client.get("/api/organisations/", {"q": "光电", "page_size": 5}).json()
    assert body["count"] == 12 and body["count_exact"] is True and "count_note" not in body


def test_past_the_cap_the_page_says_the_count_is_a_lower_bound(client, twelve, small_cap):
    names, page, html = page_names(client, q="光电")
    assert names == twelve[:2]
    assert not page.paginator.count_exact and page.paginator.count_floor == 5
    text = re.sub(r"<[^>]+>", "", html)
    assert "共超过 5 条（只统计到此，实际更多）" in text
    assert "第 1 页，共超过 5 条（总数只统计到此，可继续向后翻页）" in text
    assert "共 5 条" not in text and "/ 3 页" not in text
    assert "下一页" in text


def test_every_page_past_the_cap_is_reachable_with_the_right_rows(client, twelve, small_cap):
    seen: list[str] = []
    number = 1
    while True:
        names, page, html = page_names(client, q="光电", page=number)
        assert page.number == number
        assert names == twelve[2 * (number - 1): 2 * number]
        seen += names
        if not page.has_next():
            break
        number += 1
    assert seen == twelve and number == 6
    # The last page knows the exact total again (the count went past the cap to reach it).
    assert page.paginator.count_exact and page.paginator.count == 12 and "共 12 条" in html
    # A page far past the end falls back to the last one, as before.
    names, page, _ = page_names(client, q="光电", page=99)
    assert page.number == 6 and names == twelve[10:]


def test_the_api_says_the_count_is_a_lower_bound_and_next_links_walk_all_pages(client, twelve, small_cap):
    body = client.get("/api/organisations/", {"q": "光电", "page_size": 2}).json()
    assert body["count"] == 5 and body["count_exact"] is False
    assert "超过 5 条" in body["count_note"] and "下限" in body["count_note"]
    names = [r["name"] for r in body["results"]]
    url = body["next"]
    while url:
        query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        body = client.get("/api/organisations/", query).json()
        names += [r["name"] for r in body["results"]]
        url = body["next"]
    assert sorted(names) == sorted(twelve) and len(names) == 12
    assert body["count"] == 12 and body["count_exact"] is True  # the last page counted to the end
    last = client.get("/api/organisations/", {"q": "光电", "page_size": 2, "page": "last"}).json()
    assert last["count"] == 12 and last["count_exact"] is True and last["next"] is None
    assert len(last["results"]) == 2


def test_a_page_number_past_any_list_is_not_found_not_an_error(client, twelve, small_cap):
    huge = "14823416233000148992"  # found by schemathesis: the count's LIMIT overflowed 64 bits
    assert client.get("/api/organisations/", {"q": "光电", "page": huge}).status_code == 404
    names, page, _ = page_names(client, q="光电", page=huge)
    assert page.number == 6 and names == twelve[10:]


def test_lists_without_a_search_count_exactly(client, twelve, small_cap):
    names, page, html = page_names(client)
    assert page.paginator.count_exact and page.paginator.count == Organisation.objects.count()
    body = client.get("/api/organisations/", {"page_size": 2}).json()
    assert body["count_exact"] is True and body["count"] == Organisation.objects.count()


def test_the_schema_documents_the_lower_bound(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "count_exact" in text and "下限" in text


def test_a_search_alone_skips_the_filterset_with_the_same_rows(twelve):
    qs = Organisation.objects.all()
    fast = filters.apply("organisations", qs, {"q": " 光电 "})
    full = filters.OrganisationFilter({"q": " 光电 "}, queryset=qs).qs
    assert sorted(fast.values_list("pk", flat=True)) == sorted(full.values_list("pk", flat=True))
    assert filters.problems("organisations", {"q": "光电"}) == []
    # A NUL character is refused by the form, as before: an empty list and a message naming the filter.
    assert not filters.apply("organisations", qs, {"q": "光\x00电"}).exists()
    assert filters.problems("organisations", {"q": "光\x00电"})


@pytest.mark.parametrize("ratio", [0, 10**9])  # never walk / always walk (for pages within the ratio)
def test_both_page_plans_give_the_same_pages(twelve, monkeypatch, ratio):
    monkeypatch.setattr(search_sqlite, "WALK_RATIO", ratio)
    qs = search.apply(Organisation.objects.all(), "光电").order_by("name_pinyin", "id")
    if connection.vendor == "sqlite":  # PostgreSQL has one plan (its GIN index); the pages below hold for both
        walked = '+"directory_organisation"."id" IN (SELECT rowid'
        assert (walked in str(qs[2:4].query)) == bool(ratio)
        assert walked not in str(qs.order_by()[:6].query)  # a count is never written for the walk
        assert walked not in str(qs.order_by("-created_at")[2:4].query)  # nor an order no name index serves
    assert [o.name for o in qs[2:4]] == twelve[2:4]
    assert [o.name for o in qs[10:12]] == twelve[10:12]
    assert qs.count() == 12
