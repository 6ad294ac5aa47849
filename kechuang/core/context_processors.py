from typing import Any

from django.conf import settings
from django.http import HttpRequest

NAVIGATION = [
    ("科技成果", "market:achievement_list"),
    ("技术需求", "market:demand_list"),
    ("创新资源", "directory:organisation_list"),
    ("政策", "policies:library"),
    ("统计", "core:statistics"),
]


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"platform_name": settings.KECHUANG_PLATFORM_NAME, "navigation": NAVIGATION}
