"""The REST API: each domain app's ``api.register(router)`` adds its collections to one router."""

from importlib import import_module

from django.urls import path
from rest_framework.routers import DefaultRouter

from kechuang.accounts.api import ObtainAuthTokenThrottled

router = DefaultRouter()
for app in ("directory", "market", "policies", "contracts", "scores", "deals"):
    module = import_module(f"kechuang.{app}.api")
    module.register(router)

urlpatterns = [path("token/", ObtainAuthTokenThrottled.as_view(), name="api-token"), *router.urls]
