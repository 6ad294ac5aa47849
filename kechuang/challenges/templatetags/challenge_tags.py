"""``{{ amount|money }}``: Decimal yuan with thousands separators and fen, e.g. “1,000,000.00 元”."""

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
