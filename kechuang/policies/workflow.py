"""The application workflow as data: 申报 → 受理 → 审核 → 公示 → 兑现, or 驳回 with a reason from any open step, or
撤回 by the applicant before 审核.

Bureau staff move an application; the organisation submits it (creation), may withdraw it while it is 申报 or
受理, and is told of every step. 兑现 (pay) is not callable through ``transition()`` alone: ``services.application_pay``
wraps it in the budget lock, and the condition below refuses a pay step that did not come through there.

公示期 (publicity period). Entering 公示 sets ``publicity_starts_on`` (that day) and ``publicity_ends_on``; 兑现 is
refused until the day after ``publicity_ends_on`` and while any 异议 is unresolved. The period is
``settings.POLICY_PUBLICITY_DAYS`` calendar days, both ends included (default 7, e.g. 6月1日至6月7日). Calendar days
rather than "5 个工作日": counting working days correctly needs the State Council's yearly holiday and 调休 calendar,
which the platform does not hold, and 7 calendar days contain at least 5 working days in any ordinary week. Around
春节 or 国庆 a bureau that wants five working days should set a longer period.

异议 (objections) have a workflow of their own (``OBJECTION_WORKFLOW``: 待处理 → 成立 / 不成立). An upheld objection
moves the application back to 受理 (to be reviewed again: ``reopen``) or to 驳回, through ``transition()`` in the same
transaction (``services.objection_resolve``); ``reopen`` is refused unless it comes from there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from kechuang.policies.choices import ApplicationStatus as S
from kechuang.policies.choices import ObjectionStatus as O
from kechuang.workflow.engine import Transition, Workflow, bureau

DEFAULT_PUBLICITY_DAYS = 7


def publicity_days() -> int:
    days = int(getattr(settings, "POLICY_PUBLICITY_DAYS", DEFAULT_PUBLICITY_DAYS))
    if days < 1:
        raise ValueError("POLICY_PUBLICITY_DAYS 应为正整数（公示天数）")
    return days


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def publicity_reason(app: Any, today: dt.date | None = None) -> str | None:
    """Why 兑现 cannot happen yet because of 公示 (period not over, objections open), or None."""
    if app.status != S.PUBLICISED:
        return None
    if app.publicity_ends_on is None:
        return "公示截止日期（publicity_ends_on）未设置，不能兑现"
    day = today or timezone.localdate()
    if day <= app.publicity_ends_on:
        return (f"公示期未满：公示期至{cn_date(app.publicity_ends_on)}，"
                f"{cn_date(app.publicity_ends_on + dt.timedelta(days=1))}起方可兑现")
    open_count = app.objections.filter(status=O.OPEN).count() if app.pk else 0
    if open_count:
        return f"公示期内有 {open_count} 件异议尚未处理，处理完毕后方可兑现"
    return None


def in_publicity(app: Any, today: dt.date | None = None) -> bool:
    """True while objections may be raised: 公示 and today within the period (both ends included)."""
    day = today or timezone.localdate()
    return bool(app.status == S.PUBLICISED and app.publicity_starts_on and app.publicity_ends_on
                and app.publicity_starts_on <= day <= app.publicity_ends_on)


def _approved_amount_set(app: Any) -> str | None:
    if app.amount_approved is None:
        return "请先填写核定金额"
    return None


def _pay_ready(app: Any) -> str | None:
    reason = publicity_reason(app)
    if reason:
        return reason
    # services.application_pay sets this flag after locking the budget; any other caller is refused.
    if not getattr(app, "_payout_locked", False):
        return "兑现须通过预算台账办理（policies.services.application_pay）"
    return None


def _through_objection(app: Any) -> str | None:
    if not getattr(app, "_objection_upheld", False):
        return "退回审核须通过异议处理办理（policies.services.objection_resolve）"
    return None


def applicant_member(actor: Any, app: Any) -> bool:
    """Members of the applying organisation (not bureau staff, not anyone else)."""
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "organisation_id", None)
                and actor.organisation_id == app.organisation_id)


def _enter_publicity(app: Any, actor: Any) -> dict[str, Any]:
    start = timezone.localdate()
    return {"publicity_starts_on": start, "publicity_ends_on": start + dt.timedelta(days=publicity_days() - 1)}


def _notify(app: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = {
        "accept": f"您的申报“{app.measure_title}”已受理",
        "review": f"您的申报“{app.measure_title}”已审核，核定金额 {app.amount_approved or 0:,} 元",
        "publicise": f"您的申报“{app.measure_title}”已进入公示，公示期至"
                     f"{cn_date(app.publicity_ends_on) if app.publicity_ends_on else '—'}",
        "pay": f"您的申报“{app.measure_title}”已兑现 {app.amount_approved or 0:,} 元",
        "reject": f"您的申报“{app.measure_title}”被驳回：{app.reject_reason}",
        "reopen": f"您的申报“{app.measure_title}”公示期内异议成立，已退回重新审核",
        "withdraw": f"申报“{app.measure_title}”已撤回",
    }.get(step.trigger, step.label)
    url = f"/policies/applications/{app.pk}/"
    return [(m, text, url) for m in app.organisation.members.all()]


OPEN = (S.SUBMITTED, S.ACCEPTED, S.REVIEWED, S.PUBLICISED)
WITHDRAWABLE = (S.SUBMITTED, S.ACCEPTED)

APPLICATION_WORKFLOW = Workflow(
    name="policy_application",
    transitions=[
        Transition("accept", S.SUBMITTED, S.ACCEPTED, "受理", allowed=bureau),
        Transition("review", S.ACCEPTED, S.REVIEWED, "审核通过", allowed=bureau, condition=_approved_amount_set),
        Transition("publicise", S.REVIEWED, S.PUBLICISED, "公示", allowed=bureau),
        Transition("pay", S.PUBLICISED, S.PAID, "兑现", allowed=bureau, condition=_pay_ready),
        Transition("reject", OPEN, S.REJECTED, "驳回", allowed=bureau, comment_required=True),
        Transition("reopen", S.PUBLICISED, S.ACCEPTED, "异议成立，退回审核", allowed=bureau,
                   condition=_through_objection, comment_required=True),
        Transition("withdraw", WITHDRAWABLE, S.WITHDRAWN, "撤回申报", allowed=applicant_member),
    ],
    notify=_notify,
    on_enter={S.PUBLICISED: _enter_publicity},
)


def _objection_resolved(obj: Any, actor: Any) -> dict[str, Any]:
    return {"resolved_by": actor, "resolved_at": timezone.now()}


def _notify_objector(obj: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = f"您对“{obj.application.organisation.name} · {obj.application.measure_title}”的异议已处理：{step.label}"
    return [(obj.raised_by, text, "/policies/publicity/")]


OBJECTION_WORKFLOW = Workflow(
    name="policy_objection",
    transitions=[
        Transition("uphold", O.OPEN, O.UPHELD, "异议成立", allowed=bureau, comment_required=True),
        Transition("dismiss", O.OPEN, O.DISMISSED, "异议不成立", allowed=bureau, comment_required=True),
    ],
    notify=_notify_objector,
    on_enter={O.UPHELD: _objection_resolved, O.DISMISSED: _objection_resolved},
)
