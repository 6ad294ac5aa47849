"""Backups that are proven (issue 12, item 11): a backup of a database with data restores into an empty
database with the same count and checksum for every table — on SQLite, and on PostgreSQL when the tests run
there (DATABASE_URL, as CI does)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kechuang.cli import build_parser
from kechuang.market import indexing
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory
from kechuang.ops import backup as ops
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def source() -> ops.Database:
    return ops.Database.from_settings(connection.settings_dict)


@pytest.fixture
def empty(source: ops.Database, tmp_path: Path) -> Iterator[ops.Database]:
    """A second, empty database of the same engine."""
    if source.engine == "sqlite":
        yield replace(source, name=str(tmp_path / "restored.sqlite3"))
        return
    name = f"{source.name}_restore"
    admin = replace(source, name="postgres")
    with admin.pg_connect() as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield replace(source, name=name)
    finally:
        with admin.pg_connect() as conn:
            conn.autocommit = True
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def platform_data(settings: Any, tmp_path: Path, enterprise_org: Any, university_org: Any) -> Iterator[dict[str, Path]]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KECHUANG_INDEX_DIR = tmp_path / "index"
    indexing.reset()
    for i in range(5):
        OrganisationFactory(name=f"备份测试企业{i}号有限公司")
        AchievementFactory(owner=university_org, status=Status.PUBLISHED, title=f"备份测试成果{i}",
                           abstract="冷链保鲜与预冷技术。", keywords=["冷链"])
    DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED, title="冷链运输保鲜需求",
                  description="寻求果蔬预冷技术。", keywords=["冷链"])
    upload = Path(settings.MEDIA_ROOT) / "imports" / "名单.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text("名称\n测试\n", encoding="utf-8")
    indexing.build_index()
    yield {"media": Path(settings.MEDIA_ROOT), "index": indexing.index_dir(), "tmp": tmp_path}
    indexing.reset()


def test_a_backup_restores_into_an_empty_database_with_identical_tables(source: ops.Database, empty: ops.Database,
                                                                         platform_data: dict[str, Path]) -> None:
    tmp = platform_data["tmp"]
    path = ops.backup(tmp / "backups", database=source, media_root=platform_data["media"],
                      index_dir=platform_data["index"])
    manifest = ops.read_manifest(path)
    assert manifest["tables"]["market_achievement"]["rows"] == 5
    assert "media/imports/名单.csv" in manifest["files"]

    restored_media, restored_index = tmp / "restored-media", tmp / "restored-index"
    summary = ops.restore(path, database=empty, media_root=restored_media, index_dir=restored_index)
    assert summary["rows"] == sum(t["rows"] for t in manifest["tables"].values())

    # Every table, compared independently of restore's own check: the source now, the restored copy.
    original, restored = ops.database_checksums(source), ops.database_checksums(empty)
    assert set(original) == set(restored) and len(original) > 20
    for table, expected in original.items():
        assert restored[table] == expected, table
    assert (restored_media / "imports" / "名单.csv").read_text(encoding="utf-8") == "名称\n测试\n"
    assert (restored_index / "current").resolve().name == manifest["index_version"]


def test_restore_refuses_a_database_with_data_and_a_damaged_backup(source: ops.Database, empty: ops.Database,
                                                                    platform_data: dict[str, Path]) -> None:
    tmp = platform_data["tmp"]
    path = ops.backup(tmp / "backups", database=source, media_root=platform_data["media"],
                      index_dir=platform_data["index"])
    with pytest.raises(ops.BackupError, match="目标数据库已有数据"):
        ops.restore(path, database=source, media_root=tmp / "m", index_dir=tmp / "i")
    ops.restore(path, database=empty, media_root=tmp / "m", index_dir=tmp / "i")
    ops.restore(path, database=empty, media_root=tmp / "m", index_dir=tmp / "i", force=True)  # overwrite: asked for

    (path / "media" / "imports" / "名单.csv").write_text("被篡改", encoding="utf-8")
    with pytest.raises(ops.BackupError, match="文件已损坏.*名单.csv"):
        ops.restore(path, database=empty, media_root=tmp / "m", index_dir=tmp / "i", force=True)


def test_a_restored_database_that_differs_is_reported_table_by_table() -> None:
    expected = {"market_demand": {"rows": 2, "sha256": "a"}, "core_job": {"rows": 1, "sha256": "b"}}
    actual = {"market_demand": {"rows": 2, "sha256": "c"}}
    problems = ops.checksums.differences(expected, actual)
    assert problems == ["数据表 core_job：恢复后缺失", "数据表 market_demand：行数相同（2 行）但内容校验和不同"]


def test_the_commands_report_in_chinese(source: ops.Database, platform_data: dict[str, Path]) -> None:
    tmp = platform_data["tmp"]
    ns = build_parser().parse_args(["backup", "--to", str(tmp / "cli")])
    assert ns.to == str(tmp / "cli")
    out = io.StringIO()
    assert ops.backup_command(str(tmp / "cli"), out=out) == 0
    assert "备份完成" in out.getvalue()
    (made,) = (tmp / "cli").iterdir()
    out = io.StringIO()
    assert ops.restore_command(str(made), force=False, out=out) == 1  # the platform's own database holds data
    assert "目标数据库已有数据" in out.getvalue() and "--force" in out.getvalue()
    assert build_parser().parse_args(["restore", str(made), "--force"]).force
