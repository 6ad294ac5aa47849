from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from kechuang.core.models import AuditLog
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
    if not request.user.is_bureau:  # type: ignore[union-attr]
        raise PermissionDenied("仅科技局工作人员可以查看审计日志")
    logs = AuditLog.objects.select_related("actor")
    filters: dict[str, Any] = {
        "object_type": request.GET.get("object_type", "").strip(),
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "object_id": request.GET.get("object_id", "").strip(),
    }
    if filters["object_type"]:
        logs = logs.filter(object_type=filters["object_type"])
    if filters["action"]:
        logs = logs.filter(action=filters["action"])
    if filters["actor"]:
        logs = logs.filter(actor_repr__icontains=filters["actor"])
    if filters["object_id"]:
        logs = logs.filter(object_id=filters["object_id"])
    page = Paginator(logs, 50).get_page(request.GET.get("page"))
    object_types = AuditLog.objects.order_by().values_list("object_type", flat=True).distinct()
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "filters": filters, "actions": AuditLog.Action.choices, "object_types": sorted(object_types)},
    )


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
