"""Validating every row of a table against a spec: cells, required values, row rules, exact duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from kechuang.core.tabular.parsers import OrganisationRef, _blank, parsers
from kechuang.core.tabular.reading import Table, _norm_header
from kechuang.core.tabular.safety import formula_like
from kechuang.core.tabular.spec import CellError, Column, ImportContext, ImportReport, ImportSpec, RowError


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


def _max_length(spec: ImportSpec, name: str) -> int | None:
    try:
        return getattr(spec.model._meta.get_field(name), "max_length", None)
    except Exception:  # a column that is not a model field (the spec's build uses it)
        return None


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

    # A column without its own parser is text, as long as its model field allows: imports write with
    # bulk_create, which runs no model validation, so the limit is applied here.
    plain = {c.name: parsers.text(_max_length(spec, c.name)) for c in spec.columns if c.parser is None}
    valid: list[_Valid] = []
    rejected: list[_Valid] = []
    required = [c for c in spec.columns if c.required]
    formula_cells: list[str] = []
    # 2. Each row, each cell.
    for number, raw in zip(table.row_numbers, table.rows, strict=True):
        clean: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for cell_col, value in zip(mapping, raw, strict=False):
            if cell_col is None or _blank(value):
                continue
            if formula_like(value):
                formula_cells.append(f"第{number}行[{cell_col.label}]")
            try:
                clean[cell_col.name] = (cell_col.parser or plain[cell_col.name])(value, ctx)
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

    if formula_cells:
        shown = "、".join(formula_cells[:10]) + (f" 等 {len(formula_cells)} 处" if len(formula_cells) > 10 else "")
        report.warnings.append(f"{shown}以 =、+、-、@ 等字符开头，在表格软件中可能被当作公式执行；"
                               "内容按原文保留，导出时会在前面加单引号作为文本显示，请核对内容是否可信")
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




def _naming_value(message: str, value: Any) -> str:
    """A cell error names the bad value too, so the clerk can find it (unless the message already quotes it)."""
    shown = str(value).strip()
    if not shown or shown in message:
        return message
    return f"{message}（填写的是“{shown[:40]}{'…' if len(shown) > 40 else ''}”）"
