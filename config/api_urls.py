"""The REST API: each domain app's ``api.register(router)`` adds its collections to one router."""

from importlib import import_module

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
for app in ("directory", "market", "policies", "scores"):
    module = import_module(f"kechuang.{app}.api")
    module.register(router)

urlpatterns = [path("token/", obtain_auth_token, name="api-token"), *router.urls]
