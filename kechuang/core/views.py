from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from kechuang.core import audit_display
from kechuang.core.models import AuditLog
from kechuang.core.permissions import require_bureau
from kechuang.core.stats import cards, home_counts


def home(request: HttpRequest) -> HttpResponse:
    counts = home_counts()
    regions = counts.get("organisations_by_region", [])
    top = max((n for _, n in regions), default=1) or 1
    # Bar widths leave room for the number beside the bar.
    bars = [(name, n, round(80 * n / top)) for name, n in regions]
    return render(request, "core/home.html", {"counts": counts, "cards": cards(counts), "region_bars": bars})


def statistics(request: HttpRequest) -> HttpResponse:
    counts = home_counts()
    return render(request, "core/statistics.html", {"counts": counts, "cards": cards(counts)})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_bureau(request.user, "仅科技局工作人员可以查看审计日志")
    logs = AuditLog.objects.select_related("actor")
    get = request.GET
    filters: dict[str, Any] = {key: get.get(key, "").strip()
                               for key in ("object_type", "action", "actor", "object_id", "date_from", "date_to")}
    errors = []
    if filters["object_type"]:
        logs = logs.filter(object_type=filters["object_type"])
    if filters["action"]:
        logs = logs.filter(action=filters["action"])
    if filters["actor"]:
        logs = logs.filter(Q(actor_repr__icontains=filters["actor"]) | Q(actor__display_name__icontains=filters["actor"]))
    if filters["object_id"]:
        logs = logs.filter(object_id=filters["object_id"])
    for key, lookup, label in (("date_from", "at__date__gte", "起始日期"), ("date_to", "at__date__lte", "截止日期")):
        if filters[key]:
            try:
                logs = logs.filter(**{lookup: dt.date.fromisoformat(filters[key])})
            except ValueError:
                errors.append(f"{label}“{filters[key]}”不是有效日期，请按 年-月-日 填写，例如 2026-01-31")
    page = Paginator(logs, 50).get_page(get.get("page"))
    object_types = AuditLog.objects.order_by().values_list("object_type", flat=True).distinct()
    query = {k: v for k, v in filters.items() if v}
    return render(request, "core/audit_log.html", {
        "page": page, "entries": audit_display.entries(page), "filters": filters, "errors": errors,
        "actions": AuditLog.Action.choices, "object_types": audit_display.type_choices(object_types),
        "filtered": bool(query), "query": urlencode(query),
    })


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您没有权限访问该页面。"
    return render(request, "errors/403.html", {"message": message}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the failing request may be what broke the context processors.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403.html", {"message": "表单已过期或来源无效（CSRF 校验失败），请刷新页面后重试。"}, status=403)
