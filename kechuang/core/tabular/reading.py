"""Reading CSV (UTF-8 or GB18030), XLSX (first sheet) and JSON lines into a ``Table``."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kechuang.core.tabular.parsers import _blank
from kechuang.core.tabular.spec import CellError


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


class TooManyRows(CellError):
    """The file has more data rows than allowed; reading stopped at the first row past the limit."""

    def __init__(self, limit: int, rows_read: int) -> None:
        super().__init__(f"文件超过 {limit} 行")
        self.limit = limit
        self.rows_read = rows_read  # data rows read before stopping (limit + 1): the rest was never parsed

    def with_message(self, message: str) -> TooManyRows:
        self.args = (message,)
        return self


class _Collector:
    """Keeps the non-blank data rows with their numbers and stops reading one row past ``max_rows``."""

    def __init__(self, max_rows: int | None) -> None:
        self.max_rows = max_rows
        self.rows: list[Sequence[Any]] = []
        self.numbers: list[int] = []

    def add(self, number: int, row: Sequence[Any]) -> None:
        self.rows.append(row)
        self.numbers.append(number)
        if self.max_rows is not None and len(self.rows) > self.max_rows:
            raise TooManyRows(self.max_rows, len(self.rows))


def read_table(data: bytes, fmt: str, *, max_rows: int | None = None) -> Table:
    """The file as a table of non-blank rows. With ``max_rows``, reading stops (``TooManyRows``) as soon as the
    file is known to be too long, so a small XLSX that expands to a million rows costs a moment, not a minute."""
    keep = _Collector(max_rows)
    if fmt == "jsonl":
        records: list[dict[str, Any]] = []
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
            keep.add(number, ())
            records.append(obj)
            headers.update(dict.fromkeys(obj))
        names = list(headers)
        return Table(names, [[obj.get(h) for h in names] for obj in records], keep.numbers, fmt)
    if fmt == "csv":
        # csv.reader directly (tablib's loader is csv.reader plus a per-row width check that costs seconds at
        # 100,000 rows); it reads row by row, so the limit stops it early.
        reader = csv.reader(io.StringIO(_decode(data)))
        header = next(reader, None)
        if header is None:
            return Table([], [], [], fmt)
        for number, r in enumerate(reader, start=2):
            if any(c.strip() for c in r):
                keep.add(number, r)
        return Table([h.strip() for h in header], keep.rows, keep.numbers, fmt)
    if fmt == "xlsx":
        return _read_xlsx(data, keep)
    raise CellError(f"不支持的格式：{fmt}")


def _read_xlsx(data: bytes, keep: _Collector) -> Table:
    """The first sheet through openpyxl's read-only (streaming) mode: rows are parsed from the compressed XML
    one at a time, never all held at once."""
    import zipfile

    from django.conf import settings
    from openpyxl import load_workbook

    # An XLSX is a zip: a small upload can expand enormously. Checked from the zip directory, before anything
    # is decompressed (openpyxl also scans a whole sheet whose <dimension> is missing before the first row).
    limit = int(getattr(settings, "IMPORT_MAX_XLSX_EXPANDED_BYTES", 200 * 1024 * 1024))
    try:
        expanded = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CellError("无法读取 XLSX 文件：文件已损坏或不是 XLSX 格式") from None
    if expanded > limit:
        raise CellError(f"XLSX 文件解压后有 {expanded / 1024 / 1024:.0f} MB，超过上限 {limit / 1024 / 1024:.0f} MB："
                        "请删除空行空列或分批导入")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise CellError(f"无法读取 XLSX 文件：{exc}") from None
    try:
        sheet: Any = book.active
        rows = sheet.iter_rows(values_only=True)
        try:
            first = next(rows, None)
        except Exception as exc:
            raise CellError(f"无法读取 XLSX 文件：{exc}") from None
        if first is None:
            return Table([], [], [], "xlsx")
        header = [str(h).strip() if h is not None else "" for h in first]
        for number, row in enumerate(rows, start=2):
            if any(not _blank(c) for c in row):
                keep.add(number, list(row))
        return Table(header, keep.rows, keep.numbers, "xlsx")
    finally:
        book.close()


def _norm_header(h: str) -> str:
    h = unicodedata.normalize("NFKC", str(h)).strip().lower()
    h = re.sub(r"[\s*＊]|（必填）|\(必填\)", "", h)
    return h

