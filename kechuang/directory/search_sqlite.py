"""The bigram index of the directory search on SQLite: one FTS5 table per directory table, kept by triggers.

``<table>_fts`` holds, under ``rowid`` = the row's id, the row's character bigrams as space-separated tokens
(the same bigrams ``kechuang_grams`` gives PostgreSQL's GIN index). Triggers on INSERT, UPDATE and DELETE keep
it in step, so ``save()``, ``bulk_create`` (imports, demo loaders), queryset ``update()`` and raw SQL are all
covered. SQL cannot cut a string into bigrams, so the triggers call ``kechuang_grams(text)``, a Python function
registered on every SQLite connection Django opens (``connection_created``, see apps.py); a write through a
connection without it (the bare ``sqlite3`` shell) fails with "no such function" instead of leaving the index
stale.

Only bigrams of two *token characters* are indexed: ASCII letters and digits and the CJK ideographs of Unicode
6.1 (the FTS5 ``unicode61`` tokenizer's data). Each indexed bigram is then exactly one FTS5 token, and a bigram
with punctuation or a space in it is simply not used to narrow: the ``LIKE`` recheck in search.py decides.

Table remakes (Django's SQLite ``ALTER``: copy to a new table, drop the old one) drop the triggers with the old
table, so ``post_migrate`` calls ``install()`` again: it recreates whatever is missing and refills the index
when triggers had to be recreated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, F
from django.db.models.expressions import Expression

TABLES = ("directory_organisation", "directory_person", "directory_platform", "directory_instrument")
FUNCTION = "kechuang_grams"


# Runs of token characters; a bigram is indexed when both its characters are in one run.
_RUNS = re.compile(r"[0-9A-Za-z\u3400-\u4db5\u4e00-\u9fcc]{2,}")


def index_grams(term: str) -> list[str]:
    """The bigrams of ``term`` the FTS5 table can answer for (two token characters each), sorted, unique."""
    return sorted({run[i:i + 2] for run in _RUNS.findall(term) for i in range(len(run) - 1)})


def gram_text(text: str | None) -> str:
    """What a row's FTS5 column holds: its indexable bigrams, space-separated (registered as ``kechuang_grams``)."""
    return " ".join(index_grams(text or ""))


def register(dbapi_connection: Any) -> None:
    dbapi_connection.create_function(FUNCTION, 1, gram_text, deterministic=True)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        register(connection.connection)


# Below this many matches the index is always used (small tables, selective terms).
MIN_LIMIT = 1000


def narrow_sql(table: str) -> str:
    return f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s"


def estimate(connection: Any, table: str, expression: str) -> tuple[int, int]:
    """(matches, size): the index's match count, bounded by an eighth of the table, and the table's size.

    ``max(id)`` is an O(1) estimate of the size; counting the rowids of ``MATCH`` costs about a millisecond at
    12,500 matches (the FTS5 doclists only, no table rows), and stops one past the bound.
    """
    with connection.cursor() as cur:
        cur.execute(f"SELECT max(id) FROM {table}")
        size = cur.fetchone()[0] or 0
        limit = max(MIN_LIMIT, size // 8)
        cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table}_fts WHERE {table}_fts MATCH %s LIMIT %s)",
                    [expression, limit + 1])
        return int(cur.fetchone()[0]), int(size)


ESTIMATE_TTL_SECONDS = 60


def cached_estimate(connection: Any, table: str, expression: str) -> tuple[int, int]:
    """``estimate``, remembered for a minute (and forgotten after a directory write, with the list totals).

    It only chooses between plans that give the same rows (index or scan; match list or name walk), so a stale
    figure can cost time but never change an answer; the two queries were ~1 ms of a searched page's ~10.
    """
    from django.core.cache import cache

    from kechuang.directory.filters import GENERATION_KEY  # filters imports search, which imports this module

    digest = hashlib.sha1(expression.encode("utf-8")).hexdigest()  # the expression has spaces and quotes
    key = f"directory:fts:{cache.get(GENERATION_KEY, 0)}:{table}:{digest}"
    found = cache.get(key)
    if found is None:
        found = estimate(connection, table, expression)
        cache.set(key, found, ESTIMATE_TTL_SECONDS)
    return found


def worth_it(connection: Any, table: str, expression: str) -> bool:
    """Whether narrowing by the index beats the scan: only when the bigrams are selective enough.

    ``id IN (<matches>)`` fetches every match by id and sorts them for the page, while the scan walks the name
    index and stops after one page, so for a term in most rows ("科技": 43% of 100,000) the index made the
    list slower (measured 214 ms against 106 ms). A bounded count of the matches, against an eighth of the
    table (``max(id)``, an O(1) estimate of its size), decides; it costs a few milliseconds.
    """
    return selective(*estimate(connection, table, expression))


def selective(matches: int, size: int) -> bool:
    """The index is worth it when the matches are at most an eighth of the table (or ``MIN_LIMIT``)."""
    return matches <= max(MIN_LIMIT, size // 8)


# Which of the two plans a page of matches in name order uses (``Narrow``). Fetching every match by id and
# sorting costs ~1-2 us per match (智能装备, 6,248 matches: 12 ms for page 1 whatever the page); walking the name
# index and testing each entry against the match list costs ~0.3-0.6 us per entry walked, and a page ending at
# row ``top`` walks about top * size / matches entries (1.2 ms for page 1, 10 ms for page 50). Walk when
# top * size < WALK_RATIO * matches**2 (measured at 100,000 organisations, SQLite 3.40).
WALK_RATIO = 3
WALK_ORDERS = {"name", "name_pinyin"}  # every directory table has an index on both (with and without status)


class Narrow(Expression):
    """``<pk> IN (SELECT rowid FROM <table>_fts WHERE ... MATCH ...)``, written for the plan that is cheaper.

    Unordered (a count, an export) or for a page deep in a common term, the match list drives: each match is
    fetched by its rowid. For an early page of a common term in name order, the condition is written
    ``+<pk> IN (...)``: the unary plus stops SQLite from driving by rowid, so it walks the name index and stops
    once the page is full, probing the match list (materialised once) per entry. Same rows either way.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, table: str, expression: str, matches: int, size: int, pk: Any = None) -> None:
        super().__init__(output_field=BooleanField())
        self.table, self.expression, self.matches, self.size = table, expression, matches, size
        self.pk = pk if pk is not None else F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.pk]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.pk,) = exprs

    def walks(self, query: Any) -> bool:
        order = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
        first = str(order[0]).lstrip("-") if order else ""
        top = query.high_mark
        return (first in WALK_ORDERS and top is not None
                and top * self.size < WALK_RATIO * self.matches * self.matches)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        pk_sql, pk_params = compiler.compile(self.pk)
        plus = "+" if self.walks(compiler.query) else ""
        return f"{plus}{pk_sql} IN ({narrow_sql(self.table)})", [*pk_params, self.expression]


def match_expression(grams: list[str]) -> str:
    # Each bigram is a quoted one-token phrase; token characters exclude '"', so no escaping is needed.
    return " AND ".join(f'"{g}"' for g in grams)


def _triggers(table: str) -> dict[str, str]:
    fts = f"{table}_fts"
    return {
        f"{table}_fts_ai": f"CREATE TRIGGER IF NOT EXISTS {table}_fts_ai AFTER INSERT ON {table} BEGIN "
                           f"INSERT INTO {fts}(rowid, grams) VALUES (new.id, {FUNCTION}(new.search_text)); END",
        f"{table}_fts_ad": f"CREATE TRIGGER IF NOT EXISTS {table}_fts_ad AFTER DELETE ON {table} BEGIN "
                           f"DELETE FROM {fts} WHERE rowid = old.id; END",
        f"{table}_fts_au": f"CREATE TRIGGER IF NOT EXISTS {table}_fts_au AFTER UPDATE ON {table} "
                           f"WHEN old.search_text IS NOT new.search_text OR old.id IS NOT new.id BEGIN "
                           f"DELETE FROM {fts} WHERE rowid = old.id; "
                           f"INSERT INTO {fts}(rowid, grams) VALUES (new.id, {FUNCTION}(new.search_text)); END",
    }


def install(connection: Any) -> list[str]:
    """Create the FTS5 tables and triggers that are missing and refill those tables; the tables refilled."""
    if connection.vendor != "sqlite":
        return []
    connection.ensure_connection()
    register(connection.connection)
    refilled = []
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cur.fetchall()}
        for table in TABLES:
            if table not in present:
                continue
            triggers = _triggers(table)
            if f"{table}_fts" in present and all(name in present for name in triggers):
                continue
            cur.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5(grams, detail=none)")
            cur.execute(f"DELETE FROM {table}_fts")
            cur.execute(f"INSERT INTO {table}_fts(rowid, grams) SELECT id, {FUNCTION}(search_text) FROM {table}")
            for sql in triggers.values():
                cur.execute(sql)
            refilled.append(table)
    return refilled


def uninstall(connection: Any) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        for table in TABLES:
            for name in _triggers(table):
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            cur.execute(f"DROP TABLE IF EXISTS {table}_fts")


MIGRATION = ("directory", "0009_sqlite_search_index")


def on_post_migrate(sender: Any, using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """Reinstall after a ``migrate`` whose table remakes dropped the triggers (not when 0009 is unapplied)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if MigrationRecorder(connection).migration_qs.filter(app=MIGRATION[0], name=MIGRATION[1]).exists():
        install(connection)
