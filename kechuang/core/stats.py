"""Live counts for the home and statistics pages; each domain app contributes its own numbers."""

from __future__ import annotations

from typing import Any

from django.apps import apps

LABELS = {
    "organisations": "入库机构", "people": "专家与人才", "platforms": "创新平台", "instruments": "大型仪器",
    "achievements": "已发布科技成果", "demands": "已发布技术需求", "measures": "已编码政策措施",
}


def cards(counts: dict[str, Any]) -> list[tuple[str, int]]:
    """The scalar counts as (Chinese label, number) cards, in a stable order."""
    return [(LABELS.get(k, k), v) for k, v in counts.items() if isinstance(v, int)]


def home_counts() -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for app in apps.get_app_configs():
        provider = getattr(app, "home_counts", None)
        if provider is not None:
            counts.update(provider())
    return counts
