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


def platform(request: HttpRequest) -> dict[str, Any]:
    urls = fixed_urls(*CHROME.values(), *(name for _, name in NAVIGATION))
    return {
        "platform_name": settings.KECHUANG_PLATFORM_NAME,
        "navigation": [(label, urls[name]) for label, name in NAVIGATION],
        "site_urls": {key: urls[name] for key, name in CHROME.items()},
    }
