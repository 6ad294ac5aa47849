"""The 400 answer (``handler400``): Chinese, and JSON under /api/ like every other API error.

Django answers a malformed request (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad host)
with SuspiciousOperation, turned into a 400 by this handler; its default is an English HTML page, even for
API clients. The request body may be what is wrong, so nothing here reads it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader


def message_for(exception: Exception | None) -> str:
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return f"请求内容过大（超过 {limit / 1024 / 1024:.0f} MB），未处理。请减少内容后重试；大批量数据请使用导入功能。"
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return "请求中的字段或文件过多，未处理。"
    return "请求无效，无法处理。请检查填写的内容后重试。"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = message_for(exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
    # Rendered without the request context: context processors must not touch the rejected request.
    body = loader.get_template("errors/400.html").render({"message": message})
    return HttpResponse(body, status=400)
