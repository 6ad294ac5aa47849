"""API authentication classes (a module of their own: DRF imports them while its settings load, so they must
not import DRF's views)."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions

TOKEN_INVALID = "令牌无效、已被撤销或账户已停用，请通过 /api/token/ 重新获取。"
TOKEN_HEADER_INVALID = "请求头 Authorization 的格式应为“Token 令牌”，令牌中不能有空格。"


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication with Chinese messages; listed first in settings so that an unauthenticated
    request is answered 401 with ``WWW-Authenticate: Token`` (the first class's challenge)."""

    def authenticate(self, request: Any) -> Any:
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            if str(exc.detail) == TOKEN_INVALID:
                raise
            raise exceptions.AuthenticationFailed(TOKEN_HEADER_INVALID) from exc

    def authenticate_credentials(self, key: str) -> Any:
        try:
            return super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID) from exc
