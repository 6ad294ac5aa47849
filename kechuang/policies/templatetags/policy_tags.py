from __future__ import annotations

from typing import Any

from django import template

from kechuang.policies.rules import format_range, format_yuan

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """Integer yuan as 元/万元 text (``{{ 500000|yuan }}`` -> 50万元)."""
    return format_yuan(value if value is None else int(value))


@register.simple_tag
def yuan_range(lo: Any, hi: Any) -> str:
    return format_range(lo, hi)


@register.filter
def status_label(value: str) -> str:
    return {"eligible": "符合", "undetermined": "待定", "ineligible": "不符合"}.get(value, value)


@register.filter
def trace_class(line: str) -> str:
    """Trace lines start with ✓ / ✗ / ? / ·; the mark picks the colour."""
    return {"✓": "ok", "✗": "no", "?": "unknown"}.get(line[:1], "")


@register.filter
def fact_label(name: str) -> str:
    """The Chinese name of a fact path: "awards" -> 获奖记录, "projects[0].investment" -> 第1个项目的实际投资额（元）."""
    from kechuang.rules.facts import ref_label

    return ref_label(name)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def app_status(value: str) -> str:
    from kechuang.policies.choices import ApplicationStatus

    return dict(ApplicationStatus.choices).get(value, value)


@register.filter
def app_trigger(value: str) -> str:
    from kechuang.policies.workflow import APPLICATION_WORKFLOW

    return next((t.label for t in APPLICATION_WORKFLOW.transitions if t.trigger == value), value)
