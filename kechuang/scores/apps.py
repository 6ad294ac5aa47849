from __future__ import annotations

from typing import Any

from django.apps import AppConfig

from kechuang.core.panels import Panel


class ScoresConfig(AppConfig):
    name = "kechuang.scores"
    verbose_name = "企业创新积分"
    default_auto_field = "django.db.models.BigAutoField"

    def workspace_panels(self, user: Any) -> list[Panel]:
        from kechuang.scores.choices import FlagStatus
        from kechuang.scores.models import FactFlag

        if getattr(user, "is_bureau", False):
            return [Panel(title="待处理的积分数据异议", count=FactFlag.objects.filter(status=FlagStatus.OPEN).count(),
                          url_name="scores:flag_list", queue=True)]
        return []
