"""Shared API pieces: pagination shape, Chinese error envelope, and the base viewset that applies
``restrict(user, action)`` exactly as the pages do."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError({exc.field or "detail": [exc.message]})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return drf_exception_handler(exc, context)


ACTION_FOR_METHOD = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "PUT": "change", "PATCH": "change",
                     "DELETE": "delete", "POST": "add"}


class RestrictedViewSetMixin:
    """Lists and details show only what ``restrict(user, 'view')`` allows; writes need ``'change'``."""

    request: Any
    queryset: Any

    def get_queryset(self) -> Any:
        qs = super().get_queryset()  # type: ignore[misc]
        action = ACTION_FOR_METHOD.get(self.request.method, "view")
        if action == "add":
            action = "view"
        return qs.restrict(self.request.user, action)

    def perform_create(self, serializer: Any) -> None:
        with acting_as(self.request.user):
            super().perform_create(serializer)  # type: ignore[misc]

    def perform_update(self, serializer: Any) -> None:
        with acting_as(self.request.user):
            super().perform_update(serializer)  # type: ignore[misc]

    def perform_destroy(self, instance: Any) -> None:
        with acting_as(self.request.user):
            super().perform_destroy(instance)  # type: ignore[misc]


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
