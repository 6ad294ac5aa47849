"""The directory search through its index: same answers as the plain scan, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from kechuang.directory import search
from kechuang.directory.models import Instrument, Organisation, Person, Platform
from kechuang.directory.tests.factories import PersonFactory
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three():
    a = OrganisationFactory(name="昆明甲光电子信息有限公司", region_code="530114", business_scope="红外光学镜头")
    b = OrganisationFactory(name="昆明乙智能装备有限公司", region_code="530111", business_scope="工业机器人与智能产线")
    c = OrganisationFactory(name="丙装备研究院", kind="research_institute", region_code="530102",
                            business_scope="智能传感器")
    return a, b, c


def found(query: str) -> list[str]:
    return sorted(search.apply(Organisation.objects.all(), query).values_list("name", flat=True))


def test_grams_are_the_two_character_substrings():
    assert search.grams("智能装备") == ["智能", "能装", "装备"]
    assert search.grams("光") == []


def test_words_match_in_any_order(three):
    a, b, c = three
    assert found("装备 智能") == found("智能 装备") == sorted([b.name, c.name])
    assert found("机器人 官渡区") == [b.name]
    assert found("官渡区 机器人") == [b.name]


def test_substrings_inside_longer_words_still_match(three):
    a, _, _ = three
    # "光电" is inside "光电子信息": a token index would miss it, the bigram index must not.
    assert found("光电") == [a.name]
    assert found("红外") == [a.name]


def test_single_character_terms_and_no_hits(three):
    assert found("不存在的关键词") == []
    assert found("智能 红外") == []  # each word matches someone, but no organisation has both
    assert found("院") == [three[2].name]  # one character: no bigram, the LIKE alone decides


def test_other_tables_and_the_page(client, three):
    person = PersonFactory(name="张三", fields="智能制造、机器视觉")
    assert list(search.apply(Person.objects.all(), "视觉 智能")) == [person]
    response = client.get("/directory/organisations/", {"q": "传感器 智能"})
    assert [o.name for o in response.context["page"]] == [three[2].name]
    api = client.get("/api/organisations/", {"q": "传感器 智能"}).json()
    assert [r["name"] for r in api["results"]] == [three[2].name]


def test_search_text_updates_reach_the_index(three):
    a, _, _ = three
    a.business_scope = "高原特色农产品冷链"
    a.save()
    assert found("冷链 高原") == [a.name]
    assert found("红外") == []


def test_migration_installed_the_index_where_the_database_has_one():
    """PostgreSQL: the function and one GIN index per table, and the planner can use it; SQLite: nothing."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT name FROM sqlite_master WHERE name LIKE '%grams%'")
            assert cur.fetchall() == []
        return
    with connection.cursor() as cur:
        cur.execute("SELECT kechuang_grams('智能装备')")
        assert cur.fetchone()[0] == ["智能", "能装", "装备"]
        cur.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s ORDER BY 1", ["%_grams"])
        indexed = {row[0].removesuffix("_grams") for row in cur.fetchall()}
    assert indexed == search.GRAM_INDEXED_TABLES == {
        m._meta.db_table for m in (Organisation, Person, Platform, Instrument)}
    qs = search.apply(Organisation.objects.order_by(), "智能装备")
    with connection.cursor() as cur:
        # An empty test table is cheapest to scan; forbid the scans so the plan shows whether the index fits.
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        sql, params = qs.query.sql_with_params()
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "directory_organisation_grams" in plan


def test_bigrams_apart_do_not_make_a_match():
    """"机器人" must not match a text holding 机器 and 器人 only in different places (the LIKE recheck)."""
    assert search.terms("机器人") == ("机器人",)
    org = OrganisationFactory(name="甲公司", business_scope="机器 器人")
    assert found("器人") == [org.name]
    assert found("机器人") == []
