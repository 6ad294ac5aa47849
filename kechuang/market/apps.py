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
        from kechuang.market.choices import Status
        from kechuang.market.models import Achievement, Demand

        return {
            "achievements": Achievement.objects.filter(status=Status.PUBLISHED).count(),
            "demands": Demand.objects.filter(status=Status.PUBLISHED).count(),
        }

    def workspace_panels(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from kechuang.market import selectors

        return selectors.workspace_panels(user, reverse)
