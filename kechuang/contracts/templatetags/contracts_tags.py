from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """Exact yuan with thousands separators and 2 places: Decimal('1234567.8') → 1,234,567.80 元."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)):,.2f} 元"


@register.filter
def wan(value: Any) -> str:
    """Large totals in 万元 with 2 places (statistics tables)."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)) / 10000:,.2f} 万元"
