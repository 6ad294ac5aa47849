"""Exports: a queryset written with a spec's columns (Chinese headers, so the file imports back)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from kechuang.core.tabular.safety import neutralise_row
from kechuang.core.tabular.spec import CellError, Column, ImportSpec


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
    dataset = tablib.Dataset(headers=neutralise_row([c.label for c in cols]))
    for obj in queryset[:limit]:
        # Every cell through neutralise: no exported text is ever run as a formula (see safety.py).
        dataset.append(neutralise_row([export_value(c, obj) for c in cols]))
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

    return tablib.Dataset(headers=neutralise_row([c.label for c in spec.columns]),
                          title=f"{spec.label}导入模板"[:31]).export("xlsx")



EXPORT_FORMATS = ("xlsx", "csv")


def export_response(request: Any, spec: ImportSpec | None, queryset: Any, *, hide: Iterable[str] = (),
                    limit: int = 100_000) -> Any:
    """The one export view body every list uses: ``?format=xlsx|csv`` (default XLSX), 404 for anything else,
    the spec's columns minus ``hide``, every cell neutralised, sent as an attachment."""
    from django.http import Http404, HttpResponse

    fmt = request.GET.get("format", "xlsx")
    if spec is None or fmt not in EXPORT_FORMATS:
        raise Http404("不支持的导出")
    body, content_type, filename = export_queryset(spec, queryset, fmt, hide=hide, limit=limit)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class ListExport:
    """One list's export for one request: its spec's name, the rows exactly as the list page filters them (the
    list's own FilterSet), the columns this user may not have, and what to record once the file is made (the
    directory logs an export of people's contacts)."""

    spec: str
    rows: Any
    hide: Iterable[str] = ()
    limit: int = 100_000
    after: Callable[[], None] | None = None


def list_export_view(resolve: Callable[[Any, str], ListExport | None]) -> Callable[..., Any]:
    """The one export view of every list page (``/<app>/export/<entity>/?<the list's filters>&format=xlsx|csv``):
    ``resolve(request, entity)`` says what the list exports, or None for an entity without an export (404)."""
    from django.http import Http404

    def export(request: Any, entity: str) -> Any:
        found = resolve(request, entity)
        if found is None:
            raise Http404("不支持的导出")
        from kechuang.core.tabular.spec import get_spec

        response = export_response(request, get_spec(found.spec), found.rows, hide=found.hide, limit=found.limit)
        if found.after is not None:
            found.after()
        return response

    export.__doc__ = resolve.__doc__
    return export
