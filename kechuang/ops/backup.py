"""``kechuang backup`` and ``kechuang restore``: the database, the uploaded files and the match index, proven.

A backup is a directory ``kechuang-<UTC time>/`` holding

- ``database.sqlite3`` — made with SQLite's online backup API (``sqlite3.Connection.backup``), a consistent copy
  of a live database; never a file copy, which can catch a half-written page or miss the WAL; or
  ``database.dump`` — ``pg_dump -Fc`` of an exported snapshot (``pg_export_snapshot``), so the dump and the
  manifest's checksums see the very same data while the platform keeps writing;
- ``media/`` — the uploaded files; ``index/<version>/`` — the current match-index version;
- ``manifest.json`` — the row count and SHA-256 of every table's rows in primary-key order, and the SHA-256 of
  every file. It is written last, and the directory is renamed from ``*.partial`` only when complete.

``restore`` checks the backup's own files against the manifest, refuses a database that holds data unless
``force``, restores (SQLite: the backup API again, into the target; PostgreSQL: ``pg_restore --clean``),
copies the files back, then recomputes every table's checksum on the restored database and fails loudly on any
difference.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kechuang.ops import checksums

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in words an operator can act on."""


@dataclass(frozen=True)
class Database:
    engine: str  # "sqlite" | "postgresql"
    name: str  # SQLite: the file; PostgreSQL: the database name
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        engine = settings_dict["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(settings_dict["NAME"]))
        if "postgresql" in engine:
            return cls("postgresql", str(settings_dict["NAME"]), str(settings_dict.get("HOST") or ""),
                       str(settings_dict.get("PORT") or ""), str(settings_dict.get("USER") or ""),
                       str(settings_dict.get("PASSWORD") or ""))
        raise BackupError(f"不支持的数据库类型：{engine}")

    def pg_env(self) -> dict[str, str]:
        """libpq's variables: the password never appears on a command line."""
        env = dict(os.environ)
        for var, value in (("PGHOST", self.host), ("PGPORT", self.port), ("PGUSER", self.user),
                           ("PGPASSWORD", self.password), ("PGDATABASE", self.name)):
            if value:
                env[var] = value
        return env

    @contextmanager
    def pg_connect(self) -> Iterator[Any]:
        import psycopg

        params = {k: v for k, v in (("dbname", self.name), ("host", self.host), ("port", self.port),
                                     ("user", self.user), ("password", self.password)) if v}
        with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
            yield conn


def pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: KECHUANG_PG_BIN, else PATH, else the newest /usr/lib/postgresql/*/bin."""
    override = os.environ.get("KECHUANG_PG_BIN")
    if override and (Path(override) / name).exists():
        return str(Path(override) / name)
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", path.split("/")[3]))

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if candidates:
        return candidates[-1]
    raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：postgresql-client），或设置 KECHUANG_PG_BIN")


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} 失败：{done.stderr.strip()[:2000]}")


# --------------------------------------------------------------------------- files
def _copy_tree(source: Path, target: Path, prefix: str, manifest_files: dict[str, str]) -> None:
    if not source.is_dir():
        return
    for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(source)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        manifest_files[f"{prefix}/{rel.as_posix()}"] = checksums.file_sha256(dest)


def _current_index_version(index_dir: Path) -> Path | None:
    current = index_dir / "current"
    return current.resolve() if current.exists() else None


# --------------------------------------------------------------------------- backup
def backup(dest_root: Path, *, database: Database, media_root: Path, index_dir: Path) -> Path:
    """Write a complete backup under ``dest_root`` and return its directory."""
    now = datetime.now(UTC)
    name = f"kechuang-{now.strftime('%Y%m%dT%H%M%SZ')}"
    dest_root.mkdir(parents=True, exist_ok=True)
    final = dest_root / name
    suffix = 1
    while final.exists():
        suffix += 1
        final = dest_root / f"{name}-{suffix}"
    work = final.with_name(final.name + ".partial")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    try:
        if database.engine == "sqlite":
            tables = _backup_sqlite(Path(database.name), work / SQLITE_FILE)
            db_file = SQLITE_FILE
        else:
            tables = _backup_postgres(database, work / PG_FILE)
            db_file = PG_FILE
        files: dict[str, str] = {db_file: checksums.file_sha256(work / db_file)}
        _copy_tree(media_root, work / "media", "media", files)
        version = _current_index_version(index_dir)
        if version is not None:
            _copy_tree(version, work / "index" / version.name, f"index/{version.name}", files)
        manifest = {
            "format": FORMAT, "created_at": now.isoformat(), "engine": database.engine, "database_file": db_file,
            "index_version": version.name if version is not None else None, "tables": tables, "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _backup_sqlite(source: Path, target: Path) -> dict[str, dict[str, Any]]:
    if not source.exists():
        raise BackupError(f"数据库文件不存在：{source}")
    with closing(sqlite3.connect(source, timeout=60)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # the online backup API: a consistent snapshot while the platform keeps writing
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    # The checksums are taken from the copy: exactly the data the backup holds.
    with closing(sqlite3.connect(target)) as copy:
        cursor = copy.cursor()
        return checksums.table_checksums(cursor, checksums.sqlite_tables(cursor))


def _backup_postgres(database: Database, target: Path) -> dict[str, dict[str, Any]]:
    pg_dump = pg_tool("pg_dump")
    with database.pg_connect() as conn:
        cursor = conn.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # pg_dump reads the snapshot this transaction exported, and the checksums below read it too.
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={target}"], database.pg_env())
        result = checksums.table_checksums(cursor, checksums.postgres_tables(cursor))
        conn.rollback()
    return result


# --------------------------------------------------------------------------- restore
def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} 不是完整的备份：缺少 {MANIFEST}（未完成的备份目录以 .partial 结尾）")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式版本 {manifest.get('format')} 无法识别（本程序为 {FORMAT}）")
    return manifest


def verify_files(source: Path, manifest: dict[str, Any]) -> list[str]:
    """The backup's own files against its manifest: a damaged or incomplete copy is found before restoring."""
    problems = []
    for rel, expected in manifest["files"].items():
        path = source / rel
        if not path.exists():
            problems.append(f"文件缺失：{rel}")
        elif checksums.file_sha256(path) != expected:
            problems.append(f"文件已损坏（校验和不符）：{rel}")
    return problems


def database_checksums(database: Database) -> dict[str, dict[str, Any]]:
    if database.engine == "sqlite":
        with closing(sqlite3.connect(database.name, timeout=60)) as conn:
            cursor = conn.cursor()
            return checksums.table_checksums(cursor, checksums.sqlite_tables(cursor))
    with database.pg_connect() as pg:
        cursor = pg.cursor()
        return checksums.table_checksums(cursor, checksums.postgres_tables(cursor))


def _tables_with_data(database: Database) -> list[str]:
    if database.engine == "sqlite":
        if not Path(database.name).exists():
            return []
        with closing(sqlite3.connect(database.name, timeout=60)) as conn:
            cursor = conn.cursor()
            return checksums.tables_with_data(cursor, checksums.sqlite_tables(cursor))
    with database.pg_connect() as pg:
        cursor = pg.cursor()
        return checksums.tables_with_data(cursor, checksums.postgres_tables(cursor))


def restore(source: Path, *, database: Database, media_root: Path, index_dir: Path,
            force: bool = False) -> dict[str, Any]:
    """Restore ``source`` into ``database`` and the file directories; returns a summary, raises BackupError."""
    manifest = read_manifest(source)
    if manifest["engine"] != database.engine:
        raise BackupError(f"备份来自 {manifest['engine']} 数据库，不能恢复到 {database.engine} 数据库")
    damaged = verify_files(source, manifest)
    if damaged:
        raise BackupError("备份文件不完整，未恢复：\n" + "\n".join(damaged))
    occupied = _tables_with_data(database)
    if occupied and not force:
        raise BackupError(f"目标数据库已有数据（{len(occupied)} 张表，如 {'、'.join(occupied[:3])}），未恢复。"
                          "确认要用备份覆盖它时加 --force")
    if database.engine == "sqlite":
        target = Path(database.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source / manifest["database_file"])) as src, \
                closing(sqlite3.connect(target, timeout=60)) as dst:
            src.backup(dst)  # replaces every page of the target, safely even if it is open elsewhere
            dst.execute("PRAGMA journal_mode=WAL")
    else:
        _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", f"--dbname={database.name}", str(source / manifest["database_file"])],
             database.pg_env())
    _restore_files(source, manifest, media_root, index_dir)
    problems = checksums.differences(manifest["tables"], database_checksums(database))
    if problems:
        raise BackupError("恢复后的数据与备份清单不一致：\n" + "\n".join(problems))
    rows = sum(t["rows"] for t in manifest["tables"].values())
    return {"tables": len(manifest["tables"]), "rows": rows, "files": len(manifest["files"]) - 1,
            "index_version": manifest.get("index_version"), "created_at": manifest["created_at"]}


def _restore_files(source: Path, manifest: dict[str, Any], media_root: Path, index_dir: Path) -> None:
    if (source / "media").is_dir():
        if media_root.exists():
            shutil.rmtree(media_root)  # the media of the database being replaced would point nowhere
        shutil.copytree(source / "media", media_root)
    version = manifest.get("index_version")
    if version:
        index_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(index_dir / version, ignore_errors=True)
        shutil.copytree(source / "index" / version, index_dir / version)
        link_tmp = index_dir / f".current-{version}"
        if link_tmp.is_symlink():
            link_tmp.unlink()
        os.symlink(version, link_tmp)
        os.replace(link_tmp, index_dir / "current")


# --------------------------------------------------------------------------- commands
def backup_command(to: str | None, out: Any) -> int:
    from django.conf import settings
    from django.db import connection

    from kechuang.market.indexing import index_dir

    dest = Path(to) if to else Path(settings.VAR_DIR) / "backups"
    try:
        path = backup(dest, database=Database.from_settings(connection.settings_dict),
                      media_root=Path(settings.MEDIA_ROOT), index_dir=index_dir())
    except BackupError as exc:
        out.write(f"备份失败：{exc}\n")
        return 1
    manifest = read_manifest(path)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    out.write(f"备份完成：{path}\n  数据表 {len(manifest['tables'])} 张，共 {rows} 行；"
              f"文件 {len(manifest['files']) - 1} 个；匹配索引版本 {manifest['index_version'] or '（无）'}\n")
    return 0


def restore_command(source: str, force: bool, out: Any) -> int:
    from django.conf import settings
    from django.db import connection

    from kechuang.market.indexing import index_dir

    try:
        summary = restore(Path(source), database=Database.from_settings(connection.settings_dict),
                          media_root=Path(settings.MEDIA_ROOT), index_dir=index_dir(), force=force)
    except BackupError as exc:
        out.write(f"恢复失败：{exc}\n")
        return 1
    out.write(f"恢复完成并已核对：{summary['tables']} 张数据表共 {summary['rows']} 行与备份清单的行数和校验和一致；"
              f"文件 {summary['files']} 个（备份时间 {summary['created_at']}）\n")
    return 0
