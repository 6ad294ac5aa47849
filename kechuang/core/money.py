"""Money as the platform writes it. Amounts are integer yuan everywhere; this is the one place that turns them
into Chinese text, so the market, the directory and the policy pages say the same amount the same way."""

from __future__ import annotations

from decimal import Decimal


def format_yuan(n: int | None) -> str:
    """Integer yuan as Chinese money text: 500000 -> "50万元", 35000 -> "3.5万元", 1234 -> "1,234元".

    Decimal keeps it exact (no float); amounts that are not whole hundreds stay in 元 so nothing is rounded away.
    """
    if n is None:
        return "—"
    if abs(n) >= 10000 and n % 100 == 0:
        wan = (Decimal(n) / Decimal(10000)).normalize()
        return f"{format(wan, 'f')}万元"
    return f"{n:,}元"
