"""The platform's single door to the policy engine: the loaded rule set, measure look-up and money formatting.

The rule files are immutable for the life of a process, so they are loaded once (the engine's own cache).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from kechuang.core.money import format_yuan
from kechuang.rules import Measure, Policy, RuleSet
from kechuang.rules.engine import default_rules, measure_as_of
from kechuang.rules.facts import LEVELS

__all__ = ["format_range", "format_yuan"]


def ruleset() -> RuleSet:
    return default_rules()


def measures() -> tuple[Measure, ...]:
    return ruleset().measures


def measure_or_none(measure_id: str) -> Measure | None:
    try:
        return ruleset().measure(measure_id)
    except KeyError:
        return None


def policy_of(measure: Measure) -> Policy:
    return ruleset().policy(measure.policy)


def measure_choices() -> list[tuple[str, str]]:
    return [(m.id, f"{m.clause}{m.title}") for m in measures()]


def current(measure: Measure) -> Measure:
    """The measure with the amounts and thresholds in force today (a final text supersedes the draft's figures
    from its date; see docs/policy-engine.md, dated parameters)."""
    return measure_as_of(measure, timezone.localdate())[0]


def max_per_payout(measure: Measure) -> int | None:
    """The most one application may ask for: one payout. A measure paid yearly (e.g. 每年不超过10万元，补助期限3年)
    is applied for, budgeted and paid year by year, so its ceiling is one year's amount."""
    return current(measure).amount.max_possible()


def max_total(measure: Measure) -> int | None:
    """The most one application may be granted: one payout's ceiling times the years where the text pays yearly."""
    top = current(measure).amount.max_possible()
    if top is None:
        return None
    if measure.payout.frequency == "yearly" and measure.payout.years:
        return top * measure.payout.years
    return top


def format_range(lo: int | None, hi: int | None) -> str:
    if lo is None and hi is None:
        return "—"
    if lo == hi or hi is None:
        return format_yuan(lo)
    if lo is None or lo == 0:
        # "给予不超过100万元" / rate_bound ceiling: the floor is zero, so say it the way the clause does.
        return f"不超过{format_yuan(hi)}"
    return f"{format_yuan(lo)}–{format_yuan(hi)}"


def amount_summary(measure: Measure) -> str:
    """The amount form in words, for the library and the measure page."""
    a = current(measure).amount

    if a.form == "fixed":
        text = format_yuan(a.value)
    elif a.form == "tiered":
        text = "，".join(f"{LEVELS.get(k, k)}{format_yuan(v)}" for k, v in (a.tiers or {}).items())
    elif a.form == "range":
        text = format_range(a.min, a.max)
    elif a.form in ("rate", "ratio_of_grant"):
        rate = a.rate
        base_label = a.base_label.replace("（元）", "")
        if a.form == "ratio_of_grant" and rate == 1:
            text = f"与{base_label}相同（1:1配套）"
        elif rate is not None:
            pct = format((Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).normalize(), "f")
            text = f"{base_label}的{pct}%"
        elif a.rates:
            text = "，".join(
                f"{LEVELS.get(k, k)}{format((Decimal(v.numerator) * 100 / Decimal(v.denominator)).normalize(), 'f')}%"
                for k, v in a.rates.items()
            ) + f"（{base_label}）"
        else:
            text = base_label
        if a.cap is not None:
            text += f"，最高{format_yuan(a.cap)}"
    elif a.form == "per_unit":
        text = f"每家{format_yuan(a.unit)}"
    else:
        text = a.description or "原文未定金额"
    if measure.payout.frequency == "yearly":
        text += f"／年（{measure.payout.years}年）" if measure.payout.years else "／年"
    return text


def application_years(measure: Measure) -> range:
    """The years one may apply for under a measure: its own period, else its policy's (2025–2027 for the
    征求意见稿). A policy without an end date runs to the current year."""
    import datetime as dt

    policy = policy_of(measure)
    start = measure.effective_from or policy.effective_from
    end = measure.effective_to or policy.effective_to or dt.date.today()
    return range(start.year, end.year + 1)


ONCE = "once"


def period_key(measure: Measure, year: int) -> str:
    """What "one open application" counts per: a one-time award paid once per beneficiary (一次性奖励) is one
    application whatever year is typed ("once"), so choosing another year cannot open a second one; a yearly
    measure, or one that pays for each record (分别一次性给予, each new recognition), is one per year."""
    if measure.payout.frequency == "once" and measure.per == "beneficiary":
        return ONCE
    return str(year)
