"""The REST API: each domain app's ``api.register(router)`` adds its collections to one router."""

from importlib import import_module
from typing import Any

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from kechuang.accounts.api import ObtainAuthTokenThrottled


# No format suffixes (/api/achievements/1.json): JSON is the only format, and "1.5" must be a 404, not a
# lookup of record 1 in an unknown format answered with the HTML error page.
class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
for app in ("directory", "market", "policies", "contracts", "scores", "indicators", "deals", "challenges",
            "instruments"):
    module = import_module(f"kechuang.{app}.api")
    module.register(router)

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


urlpatterns = [path("token/", obtain_auth_token, name="api-token"), *router.urls]
