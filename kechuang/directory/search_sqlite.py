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

import re
from typing import Any

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


def worth_it(connection: Any, table: str, expression: str) -> bool:
    """Whether narrowing by the index beats the scan: only when the bigrams are selective enough.

    ``id IN (<matches>)`` fetches every match by id and sorts them for the page, while the scan walks the name
    index and stops after one page, so for a term in most rows ("科技": 43% of 100,000) the index made the
    list slower (measured 214 ms against 106 ms). A bounded count of the matches, against an eighth of the
    table (``max(id)``, an O(1) estimate of its size), decides; it costs a few milliseconds.
    """
    with connection.cursor() as cur:
        cur.execute(f"SELECT max(id) FROM {table}")
        size = cur.fetchone()[0] or 0
        limit = max(MIN_LIMIT, size // 8)
        cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table}_fts WHERE {table}_fts MATCH %s LIMIT %s)",
                    [expression, limit + 1])
        return bool(cur.fetchone()[0] <= limit)


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
