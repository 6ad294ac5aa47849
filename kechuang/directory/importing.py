"""Bulk import (and export) of directory-like entities from CSV, XLSX and JSON lines.

The framework is generic; each entity is described once by an ``ImportSpec`` and registered::

    from kechuang.directory.importing import Column, ImportSpec, parsers, register_spec

    register_spec(ImportSpec(
        entity="demands", label="技术需求", model=Demand, key_fields=("title", "organisation"),
        columns=[
            Column("title", "需求名称", aliases=("名称", "标题"), required=True, parser=parsers.text(200)),
            Column("organisation", "发布单位", required=True, parser=parsers.organisation_ref()),
            Column("deadline", "截止日期", parser=parsers.date()),
        ],
    ))

Put that in ``kechuang/<app>/importing.py``: ``get_spec`` autodiscovers every installed app's ``importing``
module, so the CLI (``kechuang import demands FILE``), the staff web UI and exports find it with no other wiring.

How an import runs (``run_import``):

1. Read the file into a table (``read_table``): CSV in UTF-8 or GB18030 (what Excel saves in China), XLSX
   (first sheet) or JSON lines, through tablib. Headers may be Chinese (名称, 统一社会信用代码 ...) or the English
   field names.
2. Validate EVERY row and collect every problem as (row number, column, Chinese message): missing required
   value, unparseable cell (bad check digit, unknown region, bad date ...), the spec's own row rules, and
   duplicates of another row in the file or of an existing record (by ``key_fields``).
3. Find near-duplicate names/titles (normalised character-bigram Jaccard, with a prefix filter so 100,000 rows
   cost seconds, not hours) against the file and the database: these are not errors but merge candidates.
4. If any row is bad, or on a dry run, write nothing. Otherwise, inside one ``transaction.atomic``, bulk-create
   the new rows, let the spec add related rows (M2M), apply the merges the user chose (update the existing
   record instead of creating one), and write ONE audit row with action ``import`` (bulk_create sends no
   signals, and 100,000 per-row audit entries would say less than one summary).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from django.db import models, transaction

from kechuang.core import regions
from kechuang.core.audit import acting_as, record
from kechuang.core.pinyin import fill as fill_sort_keys
from kechuang.core.validators import credit_code_error, region_code_error

# --------------------------------------------------------------------------------------------------------
# Specs and registry


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

        # The directory's own specs live in specs.py (this module is the framework); other apps register
        # theirs in ``<app>/importing.py``.
        import kechuang.directory.specs  # noqa: F401

        autodiscover_modules("importing")
        _discovered = True


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


# --------------------------------------------------------------------------------------------------------
# Parsers (factories: each returns ``fn(value, ctx) -> python value``, raising CellError in Chinese)


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_INDEX = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^\d{8}[0-9A-HJ-NP-RTUWXY]{10}$")


def _uscc_check(code: str) -> str:
    total = sum(_USCC_INDEX[c] * w for c, w in zip(code, _USCC_WEIGHTS, strict=False))  # the 18th is the check
    return _USCC_ALPHABET[(31 - total) % 31]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class parsers:  # a lower-case namespace of parser factories, read as ``parsers.date()``
    @staticmethod
    def text(max_length: int | None = None) -> Parser:
        def parse(value: Any, ctx: ImportContext) -> str:
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # Excel turns numeric-looking text into floats
            s = str(value).strip()
            if max_length is not None and len(s) > max_length:
                raise CellError(f"长度不能超过{max_length}个字符（当前{len(s)}个）")
            return s

        return parse

    @staticmethod
    def integer(min_value: int | None = 0, max_value: int | None = None) -> Parser:
        def parse(value: Any, ctx: ImportContext) -> int:
            try:
                number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
            except InvalidOperation:
                raise CellError(f"应为整数，实际为“{value}”") from None
            if number != number.to_integral_value():
                raise CellError(f"应为整数，实际为“{value}”")
            n = int(number)
            if min_value is not None and n < min_value:
                raise CellError(f"不能小于{min_value}")
            if max_value is not None and n > max_value:
                raise CellError(f"不能大于{max_value}")
            return n

        return parse

    @staticmethod
    def money_yuan() -> Parser:
        """Integer yuan; accepts 1,200,000 / 120万 / 1.2亿 / 120万元 as bureau sheets write them."""
        units = {"亿": 100_000_000, "万": 10_000}

        def parse(value: Any, ctx: ImportContext) -> int:
            s = str(value).strip().replace(",", "").replace("，", "").removesuffix("元")
            factor = 1
            for unit, mult in units.items():
                if s.endswith(unit):
                    s, factor = s[: -len(unit)], mult
                    break
            try:
                amount = Decimal(s) * factor
            except InvalidOperation:
                raise CellError(f"金额格式错误：“{value}”（示例：1200000、120万、1.2亿）") from None
            if amount < 0:
                raise CellError("金额不能为负数")
            return int(amount.quantize(Decimal(1)))

        return parse

    _DATE_PATTERNS = (
        re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
        re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
        re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    )

    @staticmethod
    def date() -> Parser:
        def parse(value: Any, ctx: ImportContext) -> dt.date:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            s = str(value).strip()
            for pattern in parsers._DATE_PATTERNS:
                m = pattern.match(s)
                if m:
                    try:
                        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                    except ValueError:
                        raise CellError(f"日期不存在：“{s}”") from None
            raise CellError(f"日期格式错误：“{s}”（应为 YYYY-MM-DD，如 2021-03-15）")

        return parse

    @staticmethod
    def boolean() -> Parser:
        true, false = {"是", "true", "1", "yes", "y", "公开"}, {"否", "false", "0", "no", "n", "不公开"}

        def parse(value: Any, ctx: ImportContext) -> bool:
            s = str(value).strip().lower()
            if s in true:
                return True
            if s in false:
                return False
            raise CellError(f"应为“是”或“否”，实际为“{value}”")

        return parse

    @staticmethod
    def choice(choices: type[models.TextChoices], synonyms: dict[str, str] | None = None) -> Parser:
        """Accepts the stored value (high_tech) or the Chinese label (高新技术企业), plus given synonyms."""
        table = {str(v).lower(): str(v) for v in choices.values}
        table.update({str(label): str(v) for v, label in choices.choices})
        table.update(synonyms or {})

        def parse(value: Any, ctx: ImportContext) -> str:
            s = str(value).strip()
            found = table.get(s) or table.get(s.lower())
            if found is None:
                labels = "、".join(str(label) for label in choices.labels)
                raise CellError(f"未知的取值“{s}”（可选：{labels}）")
            return found

        return parse

    @staticmethod
    def credit_code() -> Parser:
        def parse(value: Any, ctx: ImportContext) -> str:
            code = str(value).strip().upper()
            # Fast path for the common, valid case (the same rule as stdnum's uscc.validate, without its
            # repeated cleaning): at 100,000 rows the full validator alone cost ten seconds.
            if _USCC_SHAPE.match(code) and _uscc_check(code) == code[17]:
                return code
            message = credit_code_error(code)
            if message:
                raise CellError(message)
            return code

        return parse

    @staticmethod
    def region_code(names_under: str = "53") -> Parser:
        """A 6-digit GB/T 2260 code; a district name under ``names_under`` (五华区) is accepted too."""

        def parse(value: Any, ctx: ImportContext) -> str:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            s = str(value).strip()
            if s and not s.isdigit():
                names = ctx.cache.get(("regions", names_under))
                if names is None:
                    names = {}
                    for r in regions.children(names_under):
                        names.setdefault(r.name, r.code)
                    ctx.cache[("regions", names_under)] = names
                if s in names:
                    return names[s]
                raise CellError(f"未知的行政区划“{s}”")
            message = region_code_error(s)
            if message:
                raise CellError(message)
            return s

        return parse

    @staticmethod
    def email() -> Parser:
        pattern = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

        def parse(value: Any, ctx: ImportContext) -> str:
            s = str(value).strip()
            if not pattern.match(s):
                raise CellError(f"电子邮箱格式错误：“{s}”")
            return s

        return parse

    @staticmethod
    def organisation_ref() -> Parser:
        """An organisation by 统一社会信用代码 or exact name -> ``OrganisationRef`` (pk, name)."""

        def parse(value: Any, ctx: ImportContext) -> OrganisationRef:
            from kechuang.directory.models import Organisation

            table = ctx.cache.get("organisations")
            if table is None:
                table = {}
                for pk, name, code in Organisation.objects.values_list("pk", "name", "credit_code").iterator():
                    ref = OrganisationRef(pk, name)
                    table[code] = ref
                    table.setdefault(name, ref)
                ctx.cache["organisations"] = table
            s = str(value).strip()
            found = table.get(s.upper()) or table.get(s)
            if found is None:
                raise CellError(f"找不到单位“{s}”（请填写已入库机构的名称或统一社会信用代码）")
            return found

        return parse

    @staticmethod
    def industry_chains() -> Parser:
        """Chain names (or codes) separated by 、 , ; -> list of IndustryChain."""

        def parse(value: Any, ctx: ImportContext) -> list[Any]:
            from kechuang.directory.models import IndustryChain

            table = ctx.cache.get("chains")
            if table is None:
                table = {}
                for chain in IndustryChain.objects.all():
                    table[chain.name] = table[chain.code] = chain
                ctx.cache["chains"] = table
            out = []
            for part in re.split(r"[、,，;；/|]+", str(value)):
                part = part.strip()
                if not part:
                    continue
                chain = table.get(part)
                if chain is None:
                    raise CellError(f"未知的产业链“{part}”（可选：{'、'.join(sorted({c.name for c in table.values()}))}）")
                out.append(chain)
            return out

        return parse


@dataclass(frozen=True)
class OrganisationRef:
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------------------------------------
# Reading files


@dataclass
class Table:
    headers: list[str]
    rows: list[Sequence[Any]]
    row_numbers: list[int]  # the number a clerk sees for each data row
    format: str


FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


def detect_format(name: str) -> str:
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        raise CellError(f"不支持的文件类型“{Path(name).suffix}”：请使用 CSV、XLSX 或 JSON lines（.jsonl）")
    return fmt


def _decode(data: bytes) -> str:
    # Excel in China saves "CSV" as GB18030/GBK; try UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CellError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV")


def read_table(data: bytes, fmt: str) -> Table:
    import tablib

    if fmt == "jsonl":
        records: list[tuple[int, dict[str, Any]]] = []
        headers: dict[str, None] = {}
        for number, line in enumerate(_decode(data).splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CellError(f"第{number}行不是合法的 JSON：{exc.msg}") from None
            if not isinstance(obj, dict):
                raise CellError(f"第{number}行应为 JSON 对象")
            records.append((number, obj))
            headers.update(dict.fromkeys(obj))
        names = list(headers)
        return Table(names, [[obj.get(h) for h in names] for _, obj in records], [n for n, _ in records], fmt)
    if fmt == "csv":
        # tablib's CSV loader is csv.reader underneath; reading it directly skips a per-row width check
        # that costs seconds at 100,000 rows, with the same result.
        reader = csv.reader(io.StringIO(_decode(data)))
        all_rows = [r for r in reader]
        if not all_rows:
            return Table([], [], [], fmt)
        header, body = all_rows[0], all_rows[1:]
        keep = [(i + 2, r) for i, r in enumerate(body) if any(c.strip() for c in r)]
        return Table([h.strip() for h in header], [r for _, r in keep], [n for n, _ in keep], fmt)
    if fmt == "xlsx":
        try:
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise CellError(f"无法读取 XLSX 文件：{exc}") from None
        header = [str(h).strip() if h is not None else "" for h in (dataset.headers or [])]
        keep = [(i + 2, list(r)) for i, r in enumerate(dataset) if any(not _blank(c) for c in r)]
        return Table(header, [r for _, r in keep], [n for n, _ in keep], fmt)
    raise CellError(f"不支持的格式：{fmt}")


def _norm_header(h: str) -> str:
    h = unicodedata.normalize("NFKC", str(h)).strip().lower()
    h = re.sub(r"[\s*＊]|（必填）|\(必填\)", "", h)
    return h


# --------------------------------------------------------------------------------------------------------
# Near-duplicates

_ORG_NOISE = re.compile(
    r"股份有限公司|有限责任公司|有限公司|集团|公司|云南省|云南|昆明市|昆明|[\(（][^\)）]*[\)）]|[\s\-_·.,，、“”\"'（）()]"
)


def normalise_title(title: str) -> str:
    """Strip what does not tell two organisations apart: legal form, city/province prefix, brackets, spaces."""
    s = unicodedata.normalize("NFKC", title or "").lower()
    stripped = _ORG_NOISE.sub("", s)
    return stripped or s.strip()


def bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i: i + 2] for i in range(len(text) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicates(
    new: Sequence[tuple[int, str]], existing: Iterable[tuple[Any, str]], threshold: float = 0.75,
    *, per_row: int = 3, limit: int = 2000, skip: set[tuple[int, Any]] | None = None,
) -> list[MergeCandidate]:
    """Pairs (new row, earlier new row or existing record) whose normalised titles have bigram Jaccard ≥ t.

    A prefix filter (as in set-similarity joins, PPJoin) keeps it fast: order each bigram set by global
    frequency, rarest first; two sets with Jaccard ≥ t must share one of their first |s| - ⌈t·|s|⌉ + 1 bigrams.
    So only the rare bigrams are indexed and common ones ("科技") never produce candidate pairs by themselves.
    """
    skip = skip or set()
    entries: list[tuple[str, Any, str, frozenset[str]]] = []  # (kind, id, title, tokens)
    for pk, title in existing:
        entries.append(("db", pk, title, bigrams(normalise_title(title))))
    for row, title in new:
        entries.append(("row", row, title, bigrams(normalise_title(title))))
    df: Counter[str] = Counter()
    for _, _, _, tokens in entries:
        df.update(tokens)
    index: dict[str, list[int]] = defaultdict(list)
    out: list[MergeCandidate] = []
    for i, (kind, ident, title, tokens) in enumerate(entries):
        if not tokens:
            continue
        ordered = sorted(tokens, key=lambda t: (df[t], t))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        if kind == "row" and len(out) < limit:
            seen: set[int] = set()
            found = 0
            for t in prefix:
                for j in index.get(t, ()):
                    if j in seen:
                        continue
                    seen.add(j)
                    okind, oid, otitle, otokens = entries[j]
                    # Length filter: |a|/|b| must be ≥ t for Jaccard ≥ t.
                    if min(len(tokens), len(otokens)) < threshold * max(len(tokens), len(otokens)):
                        continue
                    if (ident, oid) in skip:
                        continue
                    sim = jaccard(tokens, otokens)
                    if sim >= threshold:
                        out.append(MergeCandidate(
                            row=ident, title=title, similarity=round(sim, 3), other_title=otitle,
                            existing_id=oid if okind == "db" else None, other_row=oid if okind == "row" else None,
                        ))
                        found += 1
                        if found >= per_row:
                            break
                if found >= per_row:
                    break
        for t in prefix:
            index[t].append(i)
    return out


# --------------------------------------------------------------------------------------------------------
# The import itself


@dataclass
class _Valid:
    row: int
    clean: dict[str, Any]


def _key_of(spec: ImportSpec, clean: dict[str, Any]) -> tuple[Any, ...] | None:
    if not spec.key_fields:
        return None
    key = []
    for f in spec.key_fields:
        v = clean.get(f)
        if v in (None, ""):
            return None
        key.append(v.pk if isinstance(v, OrganisationRef) else v)
    return tuple(key)


def _existing_keys(spec: ImportSpec, keys: set[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, str]]:
    """Which keys already exist: {key: (pk, str)}; chunked so 100,000 keys stay within SQL limits."""
    found: dict[tuple[Any, ...], tuple[Any, str]] = {}
    if not keys:
        return found
    fields = [f if not _is_fk(spec.model, f) else f"{f}_id" for f in spec.key_fields]
    title = spec.title_field
    key_list = list(keys)
    manager = spec.model._default_manager
    if len(fields) == 1:
        for start in range(0, len(key_list), 900):
            chunk = [k[0] for k in key_list[start: start + 900]]
            for pk, value, name in manager.filter(**{f"{fields[0]}__in": chunk}).values_list("pk", fields[0], title):
                found[(value,)] = (pk, name)
        return found
    for start in range(0, len(key_list), 300):
        q = models.Q()
        for k in key_list[start: start + 300]:
            q |= models.Q(**dict(zip(fields, k, strict=True)))
        for pk, *values in manager.filter(q).values_list("pk", *fields):
            found[tuple(values)] = (pk, str(values[0]))
    return found


def _is_fk(model: type[models.Model], name: str) -> bool:
    try:
        return model._meta.get_field(name).is_relation
    except Exception:
        return False


def default_build(spec: ImportSpec, clean: dict[str, Any]) -> models.Model:
    kwargs: dict[str, Any] = {}
    for name, value in clean.items():
        f: Any
        try:
            f = spec.model._meta.get_field(name)
        except Exception:
            continue
        if f.many_to_many or f.one_to_many:
            continue
        if f.is_relation:
            kwargs[f.attname] = value.pk if value is not None else None
        else:
            kwargs[name] = value
    return spec.model(**kwargs)


def validate_rows(spec: ImportSpec, table: Table, ctx: ImportContext, report: ImportReport,
                  merges: dict[int, Any]) -> list[_Valid]:
    # 1. Map headers to columns.
    lookup: dict[str, Column] = {}
    for col in spec.columns:
        for h in col.headers():
            lookup.setdefault(_norm_header(h), col)
    mapping: list[Column | None] = []
    seen_cols: set[str] = set()
    unknown: list[str] = []
    for h in table.headers:
        found = lookup.get(_norm_header(h))
        if found is not None and found.name in seen_cols:
            found = None  # the same column twice: the first one wins
        if found is None and h:
            unknown.append(h)
        mapping.append(found)
        if found is not None:
            seen_cols.add(found.name)
    if unknown:
        report.warnings.append(f"以下列未识别，已忽略：{'、'.join(unknown)}")
    missing = [c for c in spec.columns if c.required and c.name not in seen_cols]
    for c in missing:
        report.errors.append(RowError(1, c.label, f"缺少必填列“{c.label}”（表头可写：{'、'.join(c.headers()[1:] or [c.name])}）"))
    if missing:
        return []

    text = parsers.text()
    valid: list[_Valid] = []
    rejected: list[_Valid] = []
    required = [c for c in spec.columns if c.required]
    # 2. Each row, each cell.
    for number, raw in zip(table.row_numbers, table.rows, strict=True):
        clean: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for cell_col, value in zip(mapping, raw, strict=False):
            if cell_col is None or _blank(value):
                continue
            try:
                clean[cell_col.name] = (cell_col.parser or text)(value, ctx)
            except CellError as exc:
                row_errors.append(RowError(number, cell_col.label, _naming_value(str(exc), value)))
        for req in required:
            if req.name not in clean and not any(e.column == req.label for e in row_errors):
                row_errors.append(RowError(number, req.label, f"缺少必填项“{req.label}”"))
        if not row_errors and spec.validate_row is not None:
            for name, message in spec.validate_row(clean, ctx):
                row_errors.append(RowError(number, spec.label_of(name) if name else "", message))
        if row_errors:
            report.errors.extend(row_errors)
            # Still take part in the duplicate check, so that one report names every problem of the file.
            rejected.append(_Valid(number, clean))
        else:
            valid.append(_Valid(number, clean))

    # 3. Exact duplicates: within the file, then against the database.
    if spec.key_fields:
        key_label = "、".join(spec.label_of(f) for f in spec.key_fields)
        first_seen: dict[tuple[Any, ...], int] = {}
        keyed: list[tuple[_Valid, tuple[Any, ...]]] = []
        ok_rows = {v.row for v in valid}
        for v in sorted(valid + rejected, key=lambda v: v.row):
            key = _key_of(spec, v.clean)
            if key is None:
                continue
            if key in first_seen:
                report.errors.append(RowError(v.row, spec.label_of(spec.key_fields[0]),
                                              f"与第{first_seen[key]}行重复（{key_label}相同）"))
            else:
                first_seen[key] = v.row
                keyed.append((v, key))
        existing = _existing_keys(spec, {k for _, k in keyed})
        for v, key in keyed:
            if key not in existing:
                continue
            pk, name = existing[key]
            if v.row in ok_rows and merges.get(v.row) == pk:
                v.clean["__merge_into__"] = pk  # the user chose to update that record with this row
            else:
                report.errors.append(RowError(v.row, spec.label_of(spec.key_fields[0]),
                                              f"与已有记录重复：{name}（#{pk}，{key_label}相同）",
                                              existing_id=pk if v.row in ok_rows else None))
    report.errors.sort(key=lambda e: e.row)  # stable: within a row, columns stay in file order
    return valid


def _existing_titles(spec: ImportSpec) -> Iterable[tuple[Any, str]]:
    return spec.model._default_manager.values_list("pk", spec.title_field).iterator(chunk_size=5000)


def run_import(entity: str | ImportSpec, data: bytes, *, file_name: str, fmt: str | None = None,
               dry_run: bool = False, actor: Any = None, merges: dict[int, Any] | None = None,
               find_near_duplicates: bool = True, max_rows: int | None = None,
               existing: str = "error") -> ImportReport:
    """Validate every row; if all are good and not ``dry_run``, write them all in one transaction.

    ``merges`` maps a file row number to the pk of an existing record that the row should update instead of
    creating a new one (the user's answer to a merge candidate or an exact duplicate). ``max_rows`` refuses
    larger files (the web UI runs inside a request, the command line has no limit).

    ``existing`` says what to do with rows that are otherwise valid but are an existing record (same key):
    ``"error"`` reports them like any bad row (the default: nothing is written), ``"skip"`` leaves them out and
    imports the rest, ``"update"`` merges them into their record, as choosing "merge" in the web UI does. A
    bureau re-imports the same, grown spreadsheet every quarter; these two make that one command.
    """
    if existing not in EXISTING_MODES:
        raise CellError(f"--existing 只能是 {'、'.join(EXISTING_MODES)}，而不是“{existing}”")
    started = time.perf_counter()
    spec = entity if isinstance(entity, ImportSpec) else get_spec(entity)
    if spec is None:
        raise CellError(f"未知的导入类型“{entity}”（可选：{'、'.join(s.entity for s in all_specs())}）")
    merges = {int(k): v for k, v in (merges or {}).items()}
    report = ImportReport(entity=spec.entity, label=spec.label, file_name=file_name, dry_run=dry_run)
    table = read_table(data, fmt or detect_format(file_name))
    if max_rows is not None and len(table.rows) > max_rows:
        raise CellError(f"文件有 {len(table.rows)} 行，网页导入每次最多 {max_rows} 行；更大的文件请分批上传，"
                        f"或在服务器上运行：kechuang import {spec.entity} 文件名")
    report.total_rows = len(table.rows)
    ctx = ImportContext(spec=spec, actor=actor)
    valid = validate_rows(spec, table, ctx, report, merges)
    if existing != "error":
        valid = _resolve_existing(report, valid, existing)
    if find_near_duplicates and spec.title_field:
        title_col = spec.title_field
        key_dupes = {(v.row, v.clean.get("__merge_into__")) for v in valid if "__merge_into__" in v.clean}
        bad = {e.row for e in report.errors}
        new = [(v.row, str(v.clean.get(title_col, ""))) for v in valid if v.row not in merges and v.row not in bad]
        report.candidates = near_duplicates(new, _existing_titles(spec), spec.near_threshold, skip=key_dupes)
    if report.errors or dry_run or not valid:
        report.seconds = time.perf_counter() - started
        return report
    with transaction.atomic(), acting_as(actor):
        _write(spec, valid, ctx, report, merges)
    # Bulk writes send no signals: tell the list pages their cached totals are out of date.
    from kechuang.directory.selectors import bump_count_generation

    bump_count_generation()
    if report.created >= ANALYZE_AFTER_ROWS:
        _analyze(spec.model)
    report.written = True
    report.seconds = time.perf_counter() - started
    return report


ANALYZE_AFTER_ROWS = 5000
EXISTING_MODES = ("error", "skip", "update")


def _resolve_existing(report: ImportReport, valid: list[_Valid], mode: str) -> list[_Valid]:
    """Turn "this row is an existing record" errors into skips or merges (see ``run_import``).

    Only rows whose every error is of that kind qualify: a row that also has a bad cell stays an error, and a
    row repeated within the file stays an error too (which of the two copies would win is not ours to guess).
    """
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for e in report.errors:
        by_row[e.row].append(e)
    target = {row: errs[0].existing_id for row, errs in by_row.items()
              if all(e.existing_id is not None for e in errs)}
    if not target:
        return valid
    report.errors = [e for e in report.errors if e.row not in target]
    if mode == "skip":
        report.skipped = len(target)
        return [v for v in valid if v.row not in target]
    for v in valid:
        if v.row in target:
            v.clean["__merge_into__"] = target[v.row]
    return valid


def _analyze(model: type[models.Model]) -> None:
    """Refresh the planner's statistics after a large import.

    Right after 100,000 rows arrive, PostgreSQL still plans for the old, small table (autovacuum analyses
    later, at an unknown moment) and may sort the whole table for every list page; measured: 180 ms instead of
    25 ms per request until the statistics caught up. SQLite's planner benefits from ANALYZE the same way.
    """
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    m2m: list[Any] = list(model._meta.many_to_many)
    tables = [model._meta.db_table] + [f.remote_field.through._meta.db_table for f in m2m]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        if connection.vendor == "postgresql":
            # The search's GIN index (migration 0004) takes new rows into a pending list that every search
            # reads in full until VACUUM merges it: after 100,000 rows that made searches ~10x slower.
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' AND i.indrelid = %s::regclass",
                [model._meta.db_table])


def _write(spec: ImportSpec, valid: list[_Valid], ctx: ImportContext, report: ImportReport,
           merges: dict[int, Any]) -> None:
    creating: list[tuple[models.Model, dict[str, Any]]] = []
    to_merge: list[tuple[Any, dict[str, Any]]] = []
    for v in valid:
        target = v.clean.pop("__merge_into__", None) or merges.get(v.row)
        if target is not None:
            to_merge.append((target, v.clean))
            continue
        obj = spec.build(v.clean, ctx) if spec.build else default_build(spec, v.clean)
        creating.append((obj, v.clean))
    objs = [o for o, _ in creating]
    for o in objs:  # the inserts below bypass save(), where the pinyin sort keys are kept
        fill_sort_keys(o)
    key = spec.key_fields[0] if len(spec.key_fields) == 1 else None
    key_field: Any = spec.model._meta.get_field(key) if key is not None else None
    if key is not None and key_field.unique and not key_field.is_relation:
        _fast_insert(spec.model, objs, key)
    else:
        spec.model._default_manager.bulk_create(objs, batch_size=2000)
    if spec.after_create is not None and creating:
        spec.after_create(creating, ctx)
    for pk, clean in to_merge:
        _merge_into(spec, pk, clean)
    report.created = len(objs)
    report.merged = len(to_merge)
    report.created_ids = [o.pk for o in objs[:5000]]
    record(
        action="import", actor=ctx.actor, object_type=spec.model._meta.label,
        object_id=f"{objs[0].pk}-{objs[-1].pk}" if objs and objs[0].pk is not None else "",
        object_repr=f"导入{spec.label}：{report.file_name}（新增{len(objs)}条，合并{len(to_merge)}条）",
        changes={"file": report.file_name, "entity": spec.entity, "created": len(objs), "merged": len(to_merge),
                 "merged_ids": [pk for pk, _ in to_merge][:1000]},
    )


def _value_adapter(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """How a python value reaches the driver for this field; None when it goes as it is."""
    internal = field.get_internal_type()
    if internal in ("CharField", "TextField", "SlugField", "EmailField", "URLField", "IntegerField",
                    "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField",
                    "BooleanField", "ForeignKey", "BigAutoField", "AutoField"):
        return None
    if internal == "DateField":
        return connection.ops.adapt_datefield_value
    if internal == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _fast_insert(model: type[models.Model], objs: list[models.Model], key: str) -> None:
    """INSERT with ``executemany`` and read the new primary keys back through the unique ``key``.

    ``bulk_create`` spends most of its time compiling SQL (on SQLite it may bind at most 999 parameters, so
    ~50 rows per statement); one prepared statement run by the driver for every row is several times faster.
    What bulk_create would do on the way is done here: auto_now(_add) timestamps and per-field adaptation.
    No signals are sent (bulk_create sends none either); the import writes one audit row instead.
    """
    from django.db import connections, router
    from django.utils import timezone

    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    adapters = [(f.attname, _value_adapter(f, connection)) for f in fields]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        for start in range(0, len(objs), 5000):
            rows = [tuple(getattr(o, name) if adapt is None else adapt(getattr(o, name)) for name, adapt in adapters)
                    for o in objs[start: start + 5000]]
            cursor.executemany(sql, rows)
    by_key = {getattr(o, key): o for o in objs}
    keys = list(by_key)
    manager = model._default_manager
    for start in range(0, len(keys), 900):
        for value, pk in manager.filter(**{f"{key}__in": keys[start: start + 900]}).values_list(key, "pk"):
            obj = by_key[value]
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias


def _merge_into(spec: ImportSpec, pk: Any, clean: dict[str, Any]) -> None:
    """Fill the existing record with the row's non-empty values (its key fields stay as they are)."""
    obj: Any = spec.model._default_manager.select_for_update().get(pk=pk)
    m2m: dict[str, Any] = {}
    for name, value in clean.items():
        if name in spec.key_fields:
            continue
        f = obj._meta.get_field(name)
        if f.many_to_many:
            m2m[name] = value
        elif f.is_relation:
            setattr(obj, f.attname, value.pk if value is not None else None)
        else:
            setattr(obj, name, value)
    obj.save()  # audited as an ordinary update, with before/after
    for name, value in m2m.items():
        getattr(obj, name).add(*value)
    if m2m and hasattr(obj, "compose_search_text"):
        obj.save()


# --------------------------------------------------------------------------------------------------------
# Export


def export_value(col: Column, obj: Any) -> Any:
    if col.export is not None:
        return col.export(obj)
    display = getattr(obj, f"get_{col.name}_display", None)
    if display is not None:
        return display()
    value = getattr(obj, col.name, None)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if hasattr(value, "all"):  # a many-to-many manager
        return "、".join(str(v) for v in value.all())
    return value


def export_queryset(spec: ImportSpec, queryset: Any, fmt: str, *, hide: Iterable[str] = (),
                    limit: int = 100_000) -> tuple[bytes, str, str]:
    """The rows of ``queryset`` with the spec's columns (Chinese headers, so the file imports back)."""
    import tablib

    hidden = set(hide)
    cols = [c for c in (spec.export_columns or spec.columns) if c.name not in hidden]
    dataset = tablib.Dataset(headers=[c.label for c in cols])
    for obj in queryset[:limit]:
        dataset.append([export_value(c, obj) for c in cols])
    stamp = dt.date.today().strftime("%Y%m%d")
    if fmt == "xlsx":
        return (dataset.export("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{spec.entity}-{stamp}.xlsx")
    if fmt == "csv":
        # With a BOM, Excel on Windows opens UTF-8 Chinese text correctly.
        return ("\ufeff" + dataset.export("csv")).encode("utf-8"), "text/csv; charset=utf-8", f"{spec.entity}-{stamp}.csv"
    raise CellError(f"不支持的导出格式：{fmt}")


def template_bytes(spec: ImportSpec) -> bytes:
    """An empty XLSX with the Chinese headers: the template a clerk fills in (its sheet named after the entity,
    not tablib's default "Tablib Dataset")."""
    import tablib

    return tablib.Dataset(headers=[c.label for c in spec.columns], title=f"{spec.label}导入模板"[:31]).export("xlsx")


def _naming_value(message: str, value: Any) -> str:
    """A cell error names the bad value too, so the clerk can find it (unless the message already quotes it)."""
    shown = str(value).strip()
    if not shown or shown in message:
        return message
    return f"{message}（填写的是“{shown[:40]}{'…' if len(shown) > 40 else ''}”）"


# --------------------------------------------------------------------------------------------------------
# Command line


def run_import_command(entity: str, path: Path, *, dry_run: bool, out: TextIO, err: TextIO,
                       existing: str = "error") -> int:
    """``kechuang import <entity> FILE [--dry-run] [--existing error|skip|update]``: 0 when written (or valid on
    a dry run), 1 on bad rows, 2 when the command itself cannot run (unknown entity, missing file, unreadable
    format)."""
    spec = get_spec(entity)
    if spec is None:
        err.write(f"未知的导入类型“{entity}”。可选：{'、'.join(s.entity for s in all_specs())}\n")
        return 2
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        err.write(f"无法读取文件 {path}：{exc.strerror}\n")
        return 2
    try:
        report = run_import(spec, data, file_name=Path(path).name, dry_run=dry_run, existing=existing)
    except CellError as exc:
        err.write(f"{exc}\n")
        return 2
    (out if report.ok else err).write(report.as_text() + "\n")
    return 0 if report.ok else 1
