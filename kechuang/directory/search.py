"""Chinese search over the directory without a search server.

Every directory row keeps a ``search_text`` column: its searchable fields joined and lower-cased. A query is
segmented with jieba (Rust build, ``rjieba``) in search mode and every term must occur (``icontains`` AND). So
"智能装备 官渡" and "官渡区智能装备企业" both find 官渡区's 智能装备 companies, whatever order the words came in,
which a single ``icontains`` on the raw query cannot do.

On PostgreSQL the scan is avoided with an index of character bigrams: migration 0004 creates the immutable SQL
function ``kechuang_grams(text) -> text[]`` (every two-character substring of the text) and a GIN index on
``kechuang_grams(search_text)`` for each directory table. A term of two or more characters first narrows the
rows to those containing all of its bigrams (``kechuang_grams(search_text) @> ARRAY[...]``, answered by the
index), then the same ``LIKE '%term%'`` as before rechecks them, so the results are exactly those of the plain
scan: every term a substring, any order. Why bigrams and not the alternatives: pg_trgm cannot use its index
for a two-character pattern, and most Chinese terms are two characters; a ``tsvector`` of jieba tokens would
only match whole tokens, so "光电" would stop finding "光电子信息" unless document and query were segmented
alike, and the ``simple`` parser's treatment of CJK depends on the cluster's locale. The expression index
needs no extra column, so imports, services and ``save()`` are unchanged and the index cannot go stale.

On SQLite (the embedded default) migration 0009 creates an FTS5 table ``<table>_fts`` per directory table
holding the same bigrams as space-separated tokens under ``rowid`` = the row's id, kept in step by triggers
that call a Python ``kechuang_grams`` registered on every connection (search_sqlite.py explains the details).
A term narrows the rows with ``id IN (SELECT rowid FROM <table>_fts WHERE <table>_fts MATCH '"ab" AND "bc"')``
and the same ``LIKE`` rechecks them, when the bigrams are selective (a bounded count of the matches against
an eighth of the table, ``search_sqlite.estimate``, cached a minute): for a term found in most rows the scan, which stops
after one page in name order, is faster. For an early page of a common term in name order the condition is
written so that SQLite walks the name index instead of fetching and sorting every match (``search_sqlite.Narrow``
picks the plan per query from the match count; same rows either way). Only bigrams of letters, digits and CJK ideographs are indexed; a term
with none of them (one character, or punctuation) is answered by the ``LIKE`` scan alone, as before.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings
from django.db import connections
from django.db.models import Q, QuerySet

from kechuang.directory import search_sqlite

# Words that carry no meaning as a filter: "公司" would match almost every enterprise.
STOP_TERMS = {"的", "和", "与", "及", "有限公司", "有限", "公司", "企业", "机构", "单位", "昆明", "昆明市", "云南", "云南省"}
_SPLIT = re.compile(r"[\s,，、;；/|]+")


@lru_cache(maxsize=1024)
def terms(query: str) -> tuple[str, ...]:
    import rjieba

    out: list[str] = []
    for chunk in _SPLIT.split(query.strip().lower()):
        if not chunk:
            continue
        words = [w for w in rjieba.cut_for_search(chunk) if w.strip() and w not in STOP_TERMS]
        # Search mode yields both "智能装备" and its parts; keep the longest non-overlapping ones so that the
        # AND of terms is not stricter than the user meant.
        longest = sorted(set(words), key=len, reverse=True)
        kept: list[str] = []
        for w in longest:
            if not any(w in k for k in kept):
                kept.append(w)
        out.extend(kept or [chunk])
    return tuple(dict.fromkeys(out))


# Tables whose ``search_text`` has the bigram index (migrations 0004 and 0009); elsewhere the gram test would only add
# a function call per row.
GRAM_INDEXED_TABLES = {"directory_organisation", "directory_person", "directory_platform", "directory_instrument"}


def grams(term: str) -> list[str]:
    """The character bigrams of one term, as ``kechuang_grams`` computes them in SQL (none for one character)."""
    return sorted({term[i:i + 2] for i in range(len(term) - 1)})


def _gram_filter(qs: QuerySet, field: str, wanted: list[str]) -> QuerySet:
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import F, Func, TextField

    expr = Func(F(field), function="kechuang_grams", output_field=ArrayField(TextField()))
    return qs.alias(_search_grams=expr).filter(_search_grams__contains=wanted)


def apply(qs: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    """Rows whose ``field`` contains every term of ``query`` (the one search of pages, API and exports)."""
    found = terms(query)
    if not found:
        return qs
    exact: set[str] = set()
    vendor = connections[qs.db].vendor
    indexed = field == "search_text" and qs.model._meta.db_table in GRAM_INDEXED_TABLES
    if indexed and vendor == "postgresql":
        wanted = sorted({g for term in found for g in grams(term)})
        if wanted:
            qs = _gram_filter(qs, field, wanted)
            # A two-character term is its own bigram: the index answer is already exact for it.
            exact = {term for term in found if len(term) == 2}
    elif indexed and vendor == "sqlite" and settings.DIRECTORY_SEARCH_INDEX:
        wanted = sorted({g for term in found for g in search_sqlite.index_grams(term)})
        table = qs.model._meta.db_table
        expression = search_sqlite.match_expression(wanted)
        matches, size = search_sqlite.cached_estimate(connections[qs.db], table, expression) if wanted else (0, 0)
        if wanted and search_sqlite.selective(matches, size):
            qs = qs.filter(search_sqlite.Narrow(table, expression, matches, size))
            exact = {term for term in found if len(term) == 2 and search_sqlite.index_grams(term) == [term]}
    # search_text and the terms are both lower-cased already, so a plain LIKE (``contains``) suffices; on
    # PostgreSQL ``icontains`` would wrap every row's text in UPPER(), which made a 100,000-row scan ~3x slower.
    # On PostgreSQL it rechecks the longer terms (their bigrams may occur apart) on the rows the index let through.
    for term in found:
        if term not in exact:
            qs = qs.filter(Q(**{f"{field}__contains": term}))
    return qs


def compose(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p not in (None, "")).lower()
