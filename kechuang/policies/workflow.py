"""The application workflow as data: 申报 → 受理 → 审核 → 公示 → 兑现, or 驳回 with a reason from any open step.

Only bureau staff move an application; the organisation submits it (creation) and is told of every step.
兑现 (pay) is not callable through ``transition()`` alone: ``services.application_pay`` wraps it in the budget
lock, and the condition below refuses a pay step that did not come through there.
"""

from __future__ import annotations

from typing import Any

from kechuang.policies.choices import ApplicationStatus as S
from kechuang.workflow.engine import Transition, Workflow, bureau


def _approved_amount_set(app: Any) -> str | None:
    if app.amount_approved is None:
        return "请先填写核定金额"
    return None


def _through_payout(app: Any) -> str | None:
    # services.application_pay sets this flag after locking the budget; any other caller is refused.
    if not getattr(app, "_payout_locked", False):
        return "兑现须通过预算台账办理（policies.services.application_pay）"
    return None


def _notify(app: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = {
        "accept": f"您的申报“{app.measure_title}”已受理",
        "review": f"您的申报“{app.measure_title}”已审核，核定金额 {app.amount_approved or 0:,} 元",
        "publicise": f"您的申报“{app.measure_title}”已进入公示",
        "pay": f"您的申报“{app.measure_title}”已兑现 {app.amount_approved or 0:,} 元",
        "reject": f"您的申报“{app.measure_title}”被驳回：{app.reject_reason}",
    }.get(step.trigger, step.label)
    url = f"/policies/applications/{app.pk}/"
    return [(m, text, url) for m in app.organisation.members.all()]


OPEN = (S.SUBMITTED, S.ACCEPTED, S.REVIEWED, S.PUBLICISED)

APPLICATION_WORKFLOW = Workflow(
    name="policy_application",
    transitions=[
        Transition("accept", S.SUBMITTED, S.ACCEPTED, "受理", allowed=bureau),
        Transition("review", S.ACCEPTED, S.REVIEWED, "审核通过", allowed=bureau, condition=_approved_amount_set),
        Transition("publicise", S.REVIEWED, S.PUBLICISED, "公示", allowed=bureau),
        Transition("pay", S.PUBLICISED, S.PAID, "兑现", allowed=bureau, condition=_through_payout),
        Transition("reject", OPEN, S.REJECTED, "驳回", allowed=bureau, comment_required=True),
    ],
    notify=_notify,
)
