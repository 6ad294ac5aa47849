"""Transition tables: a flagged fact (待处理 → 已更正 / 不予更正, by bureau staff, with a reason) and a consent
(授权中 → 已撤回, by the enterprise itself)."""

from __future__ import annotations

from typing import Any

from kechuang.scores.choices import ConsentStatus as C
from kechuang.scores.choices import FlagStatus as F
from kechuang.workflow.engine import Transition, Workflow, bureau


def _member(actor: Any, obj: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.organisation_id == obj.organisation_id)


def _notify_flag(obj: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    from kechuang.accounts.models import User

    return [(u, f"您对“{obj.fact_label}”提出的积分数据异议：{step.label}。{obj.resolution}", "/scores/")
            for u in User.objects.filter(organisation_id=obj.organisation_id)]


FLAG_WORKFLOW = Workflow(
    name="score_fact_flag",
    transitions=[
        Transition("correct", F.OPEN, F.CORRECTED, "已更正（已在数据源中改正）", allowed=bureau, comment_required=True),
        Transition("reject", F.OPEN, F.REJECTED, "不予更正", allowed=bureau, comment_required=True),
    ],
    notify=_notify_flag,
)

CONSENT_WORKFLOW = Workflow(
    name="score_consent",
    transitions=[Transition("revoke", C.ACTIVE, C.REVOKED, "撤回授权", allowed=_member)],
)
