"""``{{ amount|money }}``: Decimal yuan with thousands separators and fen, e.g. “1,000,000.00 元”; ``get_item``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def money(value: Any) -> str:
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f} 元"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ files|get_item:m.pk }}``: one entry of a dict the view built (a milestone's files)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
