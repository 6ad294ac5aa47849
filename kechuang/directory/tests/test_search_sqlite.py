"""SQLite's FTS5 bigram index: same answers as the plain scan, kept in step by every kind of write."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.directory import search, search_sqlite
from kechuang.directory.models import Organisation
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# A small alphabet so random texts and queries share substrings often; punctuation, a space and ASCII (upper
# case too) exercise the characters the index leaves to the LIKE recheck.
ALPHABET = "智能装备光电子信息院所aB1，-（ "
texts = st.text(alphabet=ALPHABET, min_size=0, max_size=24)
queries = st.text(alphabet=ALPHABET, min_size=1, max_size=8)


def scan(query: str) -> set[int]:
    """The plain scan: every term a substring (``LIKE``), no index involved."""
    qs = Organisation.objects.all()
    for term in search.terms(query):
        qs = qs.filter(Q(search_text__contains=term))
    return set(qs.values_list("pk", flat=True))


def indexed(query: str) -> set[int]:
    return set(search.apply(Organisation.objects.all(), query).values_list("pk", flat=True))


def fts_rows(table: str = "directory_organisation") -> dict[int, str]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT rowid, grams FROM {table}_fts")
        return dict(cur.fetchall())


def test_index_grams_keep_only_bigrams_of_token_characters():
    assert search_sqlite.index_grams("智能装备") == ["智能", "能装", "装备"]
    assert search_sqlite.index_grams("光") == []
    assert search_sqlite.index_grams("a-b 1c") == ["1c"]
    assert search_sqlite.gram_text("装备，智能") == "智能 装备"
    assert search_sqlite.match_expression(["智能", "装备"]) == '"智能" AND "装备"'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(texts, min_size=1, max_size=8), query_list=st.lists(queries, min_size=1, max_size=6))
def test_index_answers_exactly_like_the_scan(rows, query_list):
    orgs = list(Organisation.objects.order_by("pk")[: len(rows)])
    orgs += [OrganisationFactory() for _ in range(len(rows) - len(orgs))]
    for org, text in zip(orgs, rows, strict=True):
        # A queryset update (no save()): the index must follow raw writes too.
        Organisation.objects.filter(pk=org.pk).update(search_text=text.lower())
    Organisation.objects.exclude(pk__in=[o.pk for o in orgs]).update(search_text="")
    for query in query_list:
        assert indexed(query) == scan(query), query


def test_migration_built_the_tables_and_triggers():
    if connection.vendor != "sqlite":  # PostgreSQL has its GIN index (test_search_index.py) and no FTS5 tables
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_class WHERE relname LIKE %s", ["%\\_fts"])
            assert cur.fetchone()[0] == 0
        return
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        names = {row[0] for row in cur.fetchall()}
    for table in search_sqlite.TABLES:
        assert {f"{table}_fts", f"{table}_fts_ai", f"{table}_fts_au", f"{table}_fts_ad"} <= names
    qs = search.apply(Organisation.objects.all(), "智能装备")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cur.fetchall())
    assert "VIRTUAL TABLE INDEX" in plan and "directory_organisation_fts" in plan


def test_every_write_path_keeps_the_index_in_step():
    if connection.vendor != "sqlite":
        return  # nothing to keep in step: PostgreSQL's expression index is maintained by PostgreSQL itself
    org = OrganisationFactory(name="甲光电子有限公司")  # save()
    assert "光电" in fts_rows()[org.pk].split()
    bulk = Organisation.objects.bulk_create([Organisation(
        name="乙机构", credit_code="X", region_code="530111", search_text="智能装备")])  # the import's path
    bulk_id = bulk[0].pk or Organisation.objects.get(name="乙机构").pk
    assert fts_rows()[bulk_id] == "智能 能装 装备"
    assert indexed("智能装备") == {bulk_id}
    Organisation.objects.filter(pk=bulk_id).update(search_text="红外镜头")
    assert indexed("智能装备") == set() and indexed("红外") == {bulk_id}
    Organisation.objects.filter(pk=bulk_id).delete()
    assert bulk_id not in fts_rows()
    with connection.cursor() as cur:  # raw SQL through Django's connection (the function is registered on it)
        cur.execute("UPDATE directory_organisation SET search_text = %s WHERE id = %s", ["高原冷链", org.pk])
    assert indexed("冷链") == {org.pk}


def test_post_migrate_repairs_triggers_a_table_remake_dropped():
    if connection.vendor != "sqlite":
        return  # the triggers exist on SQLite only
    org = OrganisationFactory()
    with connection.cursor() as cur:
        cur.execute("DROP TRIGGER directory_organisation_fts_au")
    Organisation.objects.filter(pk=org.pk).update(search_text="鲜切花种苗")  # missed by the index
    assert indexed("种苗") == set()
    call_command("migrate", "directory", verbosity=0)  # a no-op migrate still sends post_migrate
    assert indexed("种苗") == {org.pk}
    Organisation.objects.filter(pk=org.pk).update(search_text="预制菜")
    assert indexed("预制菜") == {org.pk}


def test_the_switch_turns_the_index_off_and_the_answers_stay(settings):
    a = OrganisationFactory(name="甲智能装备有限公司")
    on = search.apply(Organisation.objects.all(), "智能装备")
    settings.DIRECTORY_SEARCH_INDEX = False
    off = search.apply(Organisation.objects.all(), "智能装备")
    assert list(on) == list(off) == [a]
    assert "_fts" not in str(off.query)
    assert ("_fts" in str(on.query)) == (connection.vendor == "sqlite")


def test_an_unselective_term_is_left_to_the_scan(monkeypatch):
    common = [OrganisationFactory(name=f"{n}号智能装备有限公司") for n in "甲乙丙"]
    if connection.vendor == "sqlite":
        assert search_sqlite.worth_it(connection, "directory_organisation", '"智能"')
        monkeypatch.setattr(search_sqlite, "MIN_LIMIT", 1)  # now three matches are "most of the table"
        assert not search_sqlite.worth_it(connection, "directory_organisation", '"智能"')
        assert search_sqlite.worth_it(connection, "directory_organisation", '"甲号"')
        assert "_fts" not in str(search.apply(Organisation.objects.all(), "智能").query)
    assert set(search.apply(Organisation.objects.all(), "智能")) == set(common)
    assert list(search.apply(Organisation.objects.all(), "甲号")) == [common[0]]
