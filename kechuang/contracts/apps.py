from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "kechuang.contracts"
    label = "contracts"
    verbose_name = "技术合同登记"

    def workspace_panels(self, user: Any) -> list[Any]:
        from kechuang.contracts import selectors

        return selectors.workspace_panels(user)
