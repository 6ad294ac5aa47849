"""Counts and SHA-256 checksums of every table's rows, in primary-key order, on a plain DB-API connection.

A backup's manifest records them; a restore recomputes them on the restored database and compares. Both sides
read through the driver itself (``sqlite3`` / ``psycopg``), never through Django's connection, whose type
converters differ from the raw driver's and would make the same row hash differently.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

# Left by `migrate` in a database that holds no data yet (restore calls such a database empty).
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def _canonical(value: Any) -> Any:
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value).hex()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row_bytes(row: tuple[Any, ...]) -> bytes:
    return json.dumps([_canonical(v) for v in row], ensure_ascii=False, sort_keys=True, default=str).encode()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(cursor: Any) -> dict[str, list[str]]:
    """Table -> primary-key columns (all columns where a table has none)."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    tables: dict[str, list[str]] = {}
    for (name,) in cursor.fetchall():
        cursor.execute(f"PRAGMA table_info({_quote(name)})")
        info = cursor.fetchall()  # cid, name, type, notnull, default, pk (1-based position in the key)
        pk = [c[1] for c in sorted((c for c in info if c[5]), key=lambda c: c[5])]
        tables[name] = pk or [c[1] for c in info]
    return tables


def postgres_tables(cursor: Any) -> dict[str, list[str]]:
    cursor.execute(
        "SELECT c.relname, a.attname, a.attnum FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname, a.attnum")
    columns: dict[str, list[str]] = {}
    for table, column, _ in cursor.fetchall():
        columns.setdefault(table, []).append(column)
    cursor.execute(
        "SELECT c.relname, a.attname, array_position(i.indkey, a.attnum) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indisprimary AND n.nspname = current_schema() ORDER BY 1, 3")
    keys: dict[str, list[str]] = {}
    for table, column, _ in cursor.fetchall():
        keys.setdefault(table, []).append(column)
    return {t: keys.get(t) or cols for t, cols in sorted(columns.items())}


def table_checksums(cursor: Any, tables: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "sha256": hex}}`` over the rows in key order (streamed, never all in memory)."""
    result: dict[str, dict[str, Any]] = {}
    for table, key in tables.items():
        digest = hashlib.sha256()
        order = ", ".join(_quote(c) for c in key)
        cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")
        rows = 0
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update(_row_bytes(tuple(row)))
                digest.update(b"\n")
            rows += len(batch)
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def differences(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[str]:
    """Chinese lines naming every table whose count or checksum differs (empty when identical)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        e, a = expected.get(table), actual.get(table)
        if e is None:
            problems.append(f"数据表 {table}：备份中没有，恢复后却存在")
        elif a is None:
            problems.append(f"数据表 {table}：恢复后缺失")
        elif e["rows"] != a["rows"]:
            problems.append(f"数据表 {table}：备份 {e['rows']} 行，恢复后 {a['rows']} 行")
        elif e["sha256"] != a["sha256"]:
            problems.append(f"数据表 {table}：行数相同（{e['rows']} 行）但内容校验和不同")
    return problems


def tables_with_data(cursor: Any, tables: dict[str, list[str]]) -> list[str]:
    """Tables holding rows, besides what `migrate` writes into an empty database."""
    found = []
    for table in tables:
        if table in BOOKKEEPING_TABLES:
            continue
        cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")
        if cursor.fetchone() is not None:
            found.append(table)
    return found


def file_sha256(path: Any) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
