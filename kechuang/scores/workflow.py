"""Transition tables: a flagged fact (待处理 → 已更正 / 不予更正, by bureau staff, with a reason) and a consent
(授权中 → 已撤回, by the enterprise itself)."""

from __future__ import annotations

from typing import Any

from kechuang.scores.choices import ConsentStatus as C
from kechuang.scores.choices import FlagStatus as F
from kechuang.workflow.engine import Transition, Workflow, bureau
from kechuang.workflow.forms import StepForm


def _member(actor: Any, obj: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.organisation_id == obj.organisation_id)


def _notify_flag(obj: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    from kechuang.accounts.models import User

    return [(u, f"您对“{obj.fact_label}”提出的积分数据异议：{step.label}。{obj.resolution}", "/scores/")
            for u in User.objects.filter(organisation_id=obj.organisation_id)]


class ResolutionStepForm(StepForm):
    """处理意见 is the step's input: logged as its comment and stored on the flag (the ``resolution`` effect)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["resolution"] = (cleaned.get("comment") or "").strip()
        return cleaned


def _resolve(trigger: str, target: str, label: str) -> Transition:
    return Transition(trigger, F.OPEN, target, label, allowed=bureau, comment_required=True,
                      comment_label="处理意见", form=ResolutionStepForm, effects=("resolution",))


FLAG_WORKFLOW = Workflow(
    name="score_fact_flag",
    transitions=[
        _resolve("correct", F.CORRECTED, "已更正（已在数据源中改正）"),
        _resolve("reject", F.REJECTED, "不予更正"),
    ],
    notify=_notify_flag,
)

CONSENT_WORKFLOW = Workflow(
    name="score_consent",
    transitions=[Transition("revoke", C.ACTIVE, C.REVOKED, "撤回授权", allowed=_member)],
)
