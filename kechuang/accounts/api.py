"""The account endpoints of the API: the token endpoint, throttled by django-axes like the login page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import user_logged_in
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response


class ObtainAuthTokenThrottled(ObtainAuthToken):
    """DRF's token endpoint, authenticated against the plain Django request so that django-axes counts its
    failures and its middleware answers a locked-out account with the Chinese 429 (a DRF ``Request`` wrapper
    would keep axes' lockout flag to itself)."""

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[no-untyped-call]
        context["request"] = self.request._request
        return context

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[no-untyped-call]
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        # A token fetch is a login: axes clears the account's failures, and the audit log records it.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token.key})
