from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "kechuang.deals"
    label = "deals"
    verbose_name = "技术交易与商洽"

    def workspace_panels(self, user: Any) -> list[Any]:
        from kechuang.deals import selectors

        return selectors.workspace_panels(user)
