"""Login throttling (django-axes) as the platform shows it: the Chinese lockout answer on the login page and
on ``POST /api/token/``, failed and successful logins in the audit log, and the token endpoint wired so that
axes sees its attempts.

Which attempts lock what is configured in config/settings.py (AXES_*): an account after five failures, and
an account at one address; never a whole address, since many enterprises share one NAT address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import user_logged_in, user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from kechuang.core import audit

LOCKOUT_STATUS = 429  # Too Many Requests: the client may try again after the cool-off


def lockout_message() -> str:
    return str(settings.AXES_COOLOFF_MESSAGE)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """What a locked-out login gets (AXES_LOCKOUT_CALLABLE): JSON for the API, the login page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=LOCKOUT_STATUS)
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(request, "accounts/login.html", {"form": form, "lockout": lockout_message(), "next": ""},
                  status=LOCKOUT_STATUS)


def _address(request: Any) -> str:
    meta = getattr(request, "META", {}) or {}
    return str(getattr(request, "axes_ip_address", "") or meta.get("REMOTE_ADDR", ""))


@receiver(user_logged_in, dispatch_uid="kechuang-audit-login")
def _logged_in(sender: Any, request: Any, user: Any, **_: Any) -> None:
    audit.record(action="login", instance=user, actor=user,
                 changes={"ip_address": _address(request)} if request is not None else {})


@receiver(user_login_failed, dispatch_uid="kechuang-audit-login-failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    from kechuang.accounts.models import User

    username = str(credentials.get("username") or "")[:150]
    known = User.objects.filter(username=username).first() if username else None
    audit.record(
        action="login_failed", instance=known, actor_repr=username or "（未填写用户名）",
        object_type="accounts.User", object_id=str(known.pk) if known else "",
        object_repr=str(known) if known else f"不存在的用户名“{username}”",
        changes={"username": username, **({"ip_address": _address(request)} if request is not None else {})},
    )


def locked_accounts() -> list[dict[str, Any]]:
    """Accounts that axes refuses now: failures within the cool-off reached the limit (per account, summed
    over addresses, which is the ``username`` lockout parameter)."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (AccessAttempt.objects.filter(attempt_time__gte=since).exclude(username__isnull=True)
            .values("username").annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("-last"))
    return [{**row, "until": row["last"] + settings.AXES_COOLOFF_TIME} for row in rows]


def unlock(*, username: str, actor: Any) -> int:
    """Clear an account's failed attempts (every address), and record who did it."""
    from axes.utils import reset

    from kechuang.accounts.models import User

    removed = reset(username=username)
    known = User.objects.filter(username=username).first()
    audit.record(action="unlock", instance=known, actor=actor, object_type="accounts.User",
                 object_id=str(known.pk) if known else "", object_repr=str(known) if known else username,
                 changes={"username": username})
    return removed
