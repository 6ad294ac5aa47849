"""Template tags that let other apps' pages show market records (the organisation page's panel)."""

from __future__ import annotations

from typing import Any

from django import template

from kechuang.market.models import Achievement, Demand

register = template.Library()


@register.inclusion_tag("market/_organisation_market.html", takes_context=True)
def organisation_market(context: dict[str, Any], org: Any, limit: int = 10) -> dict[str, Any]:
    """The organisation's achievements and demands that the viewer may see (published ones for the public; every
    state for its own members and bureau staff), newest first."""
    user = context["request"].user
    achievements = Achievement.objects.restrict(user, "view").filter(owner=org).order_by("-published_at", "-id")
    demands = Demand.objects.restrict(user, "view").filter(organisation=org).order_by("-published_at", "-id")
    return {"org": org, "achievements": achievements[:limit], "achievement_count": achievements.count(),
            "demands": demands[:limit], "demand_count": demands.count()}
