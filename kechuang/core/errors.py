"""The platform's own page for 405 (a POST-only address opened in the browser), like 403/404/500.

Django has no ``handler405``: ``require_POST`` and class-based views answer with a bare ``HttpResponseNotAllowed``
that the browser shows as "HTTP ERROR 405". This middleware renders templates/errors/405.html for those responses,
keeping the status and the ``Allow`` header. API errors (DRF's JSON ``Response``) are not ``HttpResponseNotAllowed``
and pass through untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
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
