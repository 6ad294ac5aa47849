"""The REST API: each installed app's ``api.register(router)`` adds its collections to one router (discovered by
``kechuang.core.discovery``, never listed here)."""

from typing import Any

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from kechuang.accounts.api import ObtainAuthTokenThrottled
from kechuang.core.discovery import app_modules


# No format suffixes (/api/achievements/1.json): JSON is the only format, and "1.5" must be a 404, not a
# lookup of record 1 in an unknown format answered with the HTML error page.
class Router(DefaultRouter):
    include_format_suffixes = False


def build_router() -> Router:
    router = Router()
    for _app, module in app_modules("api"):
        register = getattr(module, "register", None)
        if register is not None:
            register(router)
    return router


# The throttled token view (django-axes), with its schema told the truth: both fields are required and non-empty, the answer is the token.
obtain_auth_token = extend_schema(
    request=inline_serializer("TokenRequest", {"username": serializers.CharField(min_length=1),
                                               "password": serializers.CharField(min_length=1)}),
    responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
)(ObtainAuthTokenThrottled).as_view()


@csrf_exempt  # answers 404 to any method; a CSRF refusal (an HTML 403) would hide that the address is wrong
def api_not_found(request: Any, *args: Any, **kwargs: Any) -> JsonResponse:
    """An address under /api/ that names no collection or record answers in the API's JSON, not the HTML page."""
    return JsonResponse({"detail": "接口地址不存在"}, status=404)


def build_urlpatterns(router: DefaultRouter) -> list:  # type: ignore[type-arg]
    return [path("token/", obtain_auth_token, name="api-token"), *router.urls]


router = build_router()
urlpatterns = build_urlpatterns(router)
