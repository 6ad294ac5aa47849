from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """Integer yuan with thousands separators; humanize's intcomma follows the zh-hans locale, which
    does not group digits, and 987654321 is hard to read in a figures table."""
    if value in (None, ""):
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
