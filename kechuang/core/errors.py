"""The platform's own error answers that Django has no handler for.

405: the platform's own page (a POST-only address opened in the browser), like 403/404/500.

Django has no ``handler405``: ``require_POST`` and class-based views answer with a bare ``HttpResponseNotAllowed``
that the browser shows as "HTTP ERROR 405". This middleware renders templates/errors/405.html for those responses,
keeping the status and the ``Allow`` header. API errors (DRF's JSON ``Response``) are not ``HttpResponseNotAllowed``
and pass through untouched.

400 (``handler400``): Chinese, and JSON under /api/ like every other API error.

Django answers a malformed request (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad host)
with SuspiciousOperation, turned into a 400 by this handler; its default is an English HTML page, even for
API clients. The request body may be what is wrong, so nothing here reads it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template import loader
from django.template.loader import render_to_string


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        page = HttpResponse(render_to_string("errors/405.html", request=request), status=405)
        page["Allow"] = response["Allow"]
        return page


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
