"""Specs (what a file's columns mean), the registry that finds them, and the report of one import."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


class CellError(ValueError):
    """A cell could not be parsed; the message is Chinese and shown to the clerk as is."""


Parser = Callable[[Any, "ImportContext"], Any]


@dataclass
class Column:
    name: str  # English field name (also accepted as a header)
    label: str  # the Chinese header used in templates and exports
    aliases: tuple[str, ...] = ()  # other Chinese headers seen in bureau spreadsheets
    required: bool = False
    parser: Parser | None = None  # None: stripped text
    export: Callable[[Any], Any] | None = None  # value for exports; default: field display value
    help: str = ""

    def headers(self) -> list[str]:
        return [self.name, self.label, *self.aliases]


@dataclass
class ImportSpec:
    entity: str  # plural English name used on the command line and in URLs: "organisations"
    label: str  # Chinese name: "机构"
    model: type[models.Model]
    columns: list[Column]
    key_fields: tuple[str, ...] = ()  # identity for exact duplicates (in the file and in the database)
    title_field: str = "name"  # compared for near-duplicates
    near_threshold: float = 0.75
    # clean row -> unsaved instance; default sets every column that is a concrete field.
    build: Callable[[dict[str, Any], ImportContext], models.Model] | None = None
    # extra per-row rules: -> [(column name, message)]
    validate_row: Callable[[dict[str, Any], ImportContext], list[tuple[str, str]]] | None = None
    # after bulk_create: related rows (M2M, children) for [(instance, clean row)]
    after_create: Callable[[list[tuple[models.Model, dict[str, Any]]], ImportContext], None] | None = None
    # columns for exports when they differ from the import columns
    export_columns: list[Column] | None = None

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def label_of(self, name: str) -> str:
        try:
            return self.column(name).label
        except KeyError:
            return name


_REGISTRY: dict[str, ImportSpec] = {}
_discovered = False


def register_spec(spec: ImportSpec) -> ImportSpec:
    _REGISTRY[spec.entity] = spec
    return spec


def _autodiscover() -> None:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        # Each app registers its specs in ``<app>/importing.py`` (the directory's imports its specs.py).
        autodiscover_modules("importing")
        _discovered = True


# Called after every written import (bulk writes send no signals): the directory registers one that tells its
# list pages that their cached totals are out of date.
after_import_hooks: list[Callable[[], None]] = []


def get_spec(entity: str) -> ImportSpec | None:
    _autodiscover()
    return _REGISTRY.get(entity)


def all_specs() -> list[ImportSpec]:
    _autodiscover()
    return list(_REGISTRY.values())


# --------------------------------------------------------------------------------------------------------
# Context, report


@dataclass
class ImportContext:
    spec: ImportSpec
    actor: Any = None
    cache: dict[Any, Any] = field(default_factory=dict)  # parsers keep lookup tables here, once per import


@dataclass(frozen=True)
class RowError:
    row: int  # row number as the clerk sees it in the file (header = row 1; JSON lines: line number)
    column: str  # Chinese column label, "" for the whole row
    message: str
    # Set when the only problem is that the row is an existing record: choosing "merge" resolves it.
    existing_id: Any = None


@dataclass(frozen=True)
class MergeCandidate:
    row: int
    title: str
    similarity: float
    existing_id: Any = None  # a record in the database ...
    other_row: int | None = None  # ... or another row of the same file
    other_title: str = ""

    @property
    def describe(self) -> str:
        where = f"已有记录 #{self.existing_id}" if self.existing_id is not None else f"第{self.other_row}行"
        return f"第{self.row}行“{self.title}”与{where}“{self.other_title}”相似（{self.similarity:.0%}）"


@dataclass
class ImportReport:
    entity: str
    label: str
    file_name: str
    total_rows: int = 0
    created: int = 0
    merged: int = 0
    skipped: int = 0  # rows left out because they are existing records (``existing="skip"``)
    errors: list[RowError] = field(default_factory=list)
    candidates: list[MergeCandidate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    seconds: float = 0.0
    created_ids: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def only_mergeable_errors(self) -> bool:
        """Every error is "this row is an existing record", so the user may choose to update them."""
        return bool(self.errors) and all(e.existing_id is not None for e in self.errors)

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    def errors_by_row(self) -> list[tuple[int, list[RowError]]]:
        grouped: dict[int, list[RowError]] = defaultdict(list)
        for e in self.errors:
            grouped[e.row].append(e)
        return sorted(grouped.items())

    def as_text(self, *, limit: int = 1000) -> str:
        lines = [f"导入{self.label}：{self.file_name}（共 {self.total_rows} 行数据）"]
        lines += [f"提示：{w}" for w in self.warnings]
        if self.errors:
            lines.append(f"发现 {len(self.errors)} 处错误（涉及 {self.bad_rows} 行），未写入任何数据：")
            for e in self.errors[:limit]:
                col = f"[{e.column}] " if e.column else ""
                lines.append(f"  第{e.row}行 {col}{e.message}")
            if len(self.errors) > limit:
                lines.append(f"  …… 另有 {len(self.errors) - limit} 处错误未列出")
        if self.candidates:
            lines.append(f"疑似重复（可在网页导入中选择合并）：{len(self.candidates)} 处")
            lines += [f"  {c.describe}" for c in self.candidates[:limit]]
        if self.ok:
            skipped = f"，跳过已有记录 {self.skipped} 条" if self.skipped else ""
            if self.written:
                lines.append(f"导入成功：新增 {self.created} 条，合并 {self.merged} 条{skipped}，"
                             f"用时 {self.seconds:.1f} 秒。")
            elif self.skipped and not self.dry_run:  # valid, not written: every row was an existing record
                lines.append(f"没有需要写入的新行：{self.skipped} 行都是已有记录，已跳过。")
            else:
                lines.append(f"校验通过：{self.total_rows} 行均无错误{skipped}（试运行，未写入）。")
        elif self.only_mergeable_errors:
            lines.append("这些行都是已有记录：加 --existing update 用文件内容更新它们，"
                         "或加 --existing skip 跳过它们只导入新行（网页导入中可逐行选择合并）。")
        return "\n".join(lines)


