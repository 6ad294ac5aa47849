from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ScoresConfig(AppConfig):
    name = "kechuang.scores"
    verbose_name = "企业创新积分"
    default_auto_field = "django.db.models.BigAutoField"

    def workspace_panels(self, user: Any) -> list[dict[str, Any]]:
        from kechuang.scores.choices import FlagStatus
        from kechuang.scores.models import FactFlag

        if getattr(user, "is_bureau", False):
            return [{"title": "待处理的积分数据异议", "count": FactFlag.objects.filter(status=FlagStatus.OPEN).count(),
                     "url": "/scores/flags/", "queue": True}]
        return []
