from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "kechuang.market"
    label = "market"
    verbose_name = "技术市场"

    def ready(self) -> None:
        # Registers the index build job with core.jobs; the import specs (importing.py) are found by the
        # directory's import framework through autodiscovery.
        from kechuang.market import indexing  # noqa: F401

    def home_counts(self) -> dict[str, Any]:
        from kechuang.market.choices import LITERATURE_SOURCES, Status
        from kechuang.market.models import Achievement, Demand

        # 科技文献 are not achievements anyone offers on the platform: not counted as 成果 (issue 10, item 5).
        return {
            "achievements": Achievement.objects.filter(status=Status.PUBLISHED)
            .exclude(source__in=LITERATURE_SOURCES).count(),
            "demands": Demand.objects.filter(status=Status.PUBLISHED).count(),
        }

    def workspace_panels(self, user: Any) -> list[Any]:
        from kechuang.market import selectors

        return selectors.workspace_panels(user)
