from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "kechuang.challenges"
    label = "challenges"
    verbose_name = "揭榜挂帅"

    def workspace_panels(self, user: Any) -> list[Any]:
        from kechuang.challenges.selectors import workspace_panels

        return workspace_panels(user)
