from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kechuang.core.links import fixed_urls

NAVIGATION = [
    ("科技成果", "market:achievement_list"),
    ("技术需求", "market:demand_list"),
    ("创新资源", "directory:organisation_list"),
    ("政策", "policies:library"),
    ("统计", "core:statistics"),
]
# Links of the page chrome (base.html), looked up as site_urls.<key> rather than {% url %} on every page.
CHROME = {"home": "core:home", "login": "accounts:login", "register": "accounts:register",
          "logout": "accounts:logout", "workspace": "accounts:workspace", "notifications": "workflow:notifications",
          "admin": "admin:index", "statistics": "core:statistics", "policies": "policies:library"}


class _UnreadCount:
    """The signed-in user's unread notifications, counted only when a template prints it (one indexed COUNT)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._value: int | None = None

    def __int__(self) -> int:
        if self._value is None:
            from kechuang.workflow.models import Notification

            self._value = (Notification.objects.filter(recipient=self.user, read=False).count()
                           if getattr(self.user, "is_authenticated", False) else 0)
        return self._value

    def __bool__(self) -> bool:
        return int(self) > 0

    def __str__(self) -> str:
        n = int(self)
        return "99+" if n > 99 else str(n)


def platform(request: HttpRequest) -> dict[str, Any]:
    urls = fixed_urls(*CHROME.values(), *(name for _, name in NAVIGATION))
    return {
        "platform_name": settings.KECHUANG_PLATFORM_NAME,
        "navigation": [(label, urls[name]) for label, name in NAVIGATION],
        "site_urls": {key: urls[name] for key, name in CHROME.items()},
        "unread_notifications": _UnreadCount(getattr(request, "user", None)),
    }
