"""Running an import: validate, find near-duplicates, then write everything in one transaction (or nothing)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from django.db import models, transaction

from kechuang.core.audit import acting_as, record
from kechuang.core.pinyin import fill as fill_sort_keys
from kechuang.core.tabular.neardup import near_duplicates
from kechuang.core.tabular.reading import TooManyRows, detect_format, read_table
from kechuang.core.tabular.spec import (
    CellError,
    ImportContext,
    ImportReport,
    ImportSpec,
    RowError,
    after_import_hooks,
    all_specs,
    get_spec,
)
from kechuang.core.tabular.validation import _Valid, default_build, validate_rows


def _existing_titles(spec: ImportSpec) -> Iterable[tuple[Any, str]]:
    return spec.model._default_manager.values_list("pk", spec.title_field).iterator(chunk_size=5000)


def run_import(entity: str | ImportSpec, data: bytes, *, file_name: str, fmt: str | None = None,
               dry_run: bool = False, actor: Any = None, merges: dict[int, Any] | None = None,
               find_near_duplicates: bool = True, max_rows: int | None = None,
               existing: str = "error", max_bytes: int | None = None,
               progress: Callable[[float, str], None] | None = None) -> ImportReport:
    """Validate every row; if all are good and not ``dry_run``, write them all in one transaction.

    ``merges`` maps a file row number to the pk of an existing record that the row should update instead of
    creating a new one (the user's answer to a merge candidate or an exact duplicate). ``max_rows`` refuses
    larger files, reading no further than one row past the limit; ``max_bytes`` refuses a larger file before
    it is read. ``progress(fraction, message)`` is told each phase (a background import shows it).

    ``existing`` says what to do with rows that are otherwise valid but are an existing record (same key):
    ``"error"`` reports them like any bad row (the default: nothing is written), ``"skip"`` leaves them out and
    imports the rest, ``"update"`` merges them into their record, as choosing "merge" in the web UI does. A
    bureau re-imports the same, grown spreadsheet every quarter; these two make that one command.
    """
    if existing not in EXISTING_MODES:
        raise CellError(f"--existing 只能是 {'、'.join(EXISTING_MODES)}，而不是“{existing}”")
    started = time.perf_counter()

    def step(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, message)

    spec = entity if isinstance(entity, ImportSpec) else get_spec(entity)
    if spec is None:
        raise CellError(f"未知的导入类型“{entity}”（可选：{'、'.join(s.entity for s in all_specs())}）")
    merges = {int(k): v for k, v in (merges or {}).items()}
    report = ImportReport(entity=spec.entity, label=spec.label, file_name=file_name, dry_run=dry_run)
    if max_bytes is not None and len(data) > max_bytes:
        raise CellError(size_message(len(data), max_bytes, spec.entity))
    step(0.02, "读取文件")
    try:
        table = read_table(data, fmt or detect_format(file_name), max_rows=max_rows)
    except TooManyRows as exc:
        raise exc.with_message(
            f"文件超过 {exc.limit} 行，网页导入每次最多 {exc.limit} 行；更大的文件请分批上传，"
            f"或在服务器上运行：kechuang import {spec.entity} 文件名") from None
    report.total_rows = len(table.rows)
    _check_merges(spec, merges, table.row_numbers)
    ctx = ImportContext(spec=spec, actor=actor)
    step(0.1, f"校验 {report.total_rows} 行")
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
    step(0.6, f"写入 {len(valid)} 行")
    with transaction.atomic(), acting_as(actor):
        _write(spec, valid, ctx, report, merges)
    for hook in after_import_hooks:  # bulk writes send no signals
        hook()
    if report.created >= ANALYZE_AFTER_ROWS:
        _analyze(spec.model)
    report.written = True
    report.seconds = time.perf_counter() - started
    return report


def size_message(size: int, limit: int, entity: str) -> str:
    return (f"文件大小 {size / 1024 / 1024:.1f} MB，超过上限 {limit / 1024 / 1024:.0f} MB；请分批导入，"
            f"或在服务器上运行：kechuang import {entity} 文件名")


def _check_merges(spec: ImportSpec, merges: dict[int, Any], row_numbers: list[int]) -> None:
    """Every merge names a row of the file and an existing record: a stale or hand-made choice is refused in
    Chinese before anything is read further (it used to end in a server error inside the write)."""
    if not merges:
        return
    rows = set(row_numbers)
    for row in sorted(merges):
        if row not in rows:
            raise CellError(f"合并选择无效：文件中没有第{row}行")
    targets = set(merges.values())
    found = set(spec.model._default_manager.filter(pk__in=list(targets)).values_list("pk", flat=True))
    for row, pk in sorted(merges.items()):
        if pk not in found:
            raise CellError(f"合并选择无效：第{row}行要合并的已有记录 #{pk} 不存在（可能已被删除），请重新选择")


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
    from django.conf import settings

    limit = int(getattr(settings, "IMPORT_MAX_BYTES_CLI", 500 * 1024 * 1024))
    try:
        size = Path(path).stat().st_size  # before reading: a huge file is refused without loading it
        if size > limit:
            err.write(size_message(size, limit, entity).split("；")[0] + "（IMPORT_MAX_BYTES_CLI）；请分批导入\n")
            return 2
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
