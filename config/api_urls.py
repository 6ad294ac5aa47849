"""The REST API: each installed app's ``api.register(router)`` adds its collections to one router (discovered by
``kechuang.core.discovery``, never listed here)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from kechuang.accounts.api import ObtainAuthTokenThrottled
from kechuang.core.discovery import app_modules


def build_router() -> DefaultRouter:
    router = DefaultRouter()
    for _app, module in app_modules("api"):
        register = getattr(module, "register", None)
        if register is not None:
            register(router)
    return router


def build_urlpatterns(router: DefaultRouter) -> list:  # type: ignore[type-arg]
    return [path("token/", ObtainAuthTokenThrottled.as_view(), name="api-token"), *router.urls]


router = build_router()
urlpatterns = build_urlpatterns(router)
