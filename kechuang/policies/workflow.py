"""The policy workflows as data: applications, their 异议 (objections), and 免申即享 pushes.

Application: 申报 → 受理 → 审核（核定金额）→ 公示 → 兑现, or 驳回 with a reason from any open step, or 撤回 by the
applicant while it is 申报 or 受理. Bureau staff move it; the organisation submits it (creation), may withdraw it,
and is told of every step. Each step's rules live in its row: 审核通过 sets 核定金额 from its form (``effects``),
兑现 locks the budget and writes the payout ledger in its ``perform``, 撤回 gives the push it came from back.

公示期 (publicity period). Entering 公示 sets ``publicity_starts_on`` (that day) and ``publicity_ends_on``: the
``POLICY_PUBLICITY_WORKING_DAYS``-th working day after it (default 5, holidays and 调休 from
``kechuang.workflow.calendar``; a year the calendar does not know refuses the step with a Chinese message rather
than guessing). 兑现 is refused until the day after ``publicity_ends_on`` and while any 异议 is open; staff are
reminded when the period is over. An application waiting in 受理 for ``POLICY_ACCEPTED_REMINDER_WORKING_DAYS``
working days (default 10) reminds staff too (``Deadline`` rows, swept by ``kechuang manage sweep_deadlines``).

异议 (objections) are the child workflow of an application (the parent/child pattern of
``kechuang.workflow.engine``): 待处理 → 异议不成立, or 异议成立 with the application sent back to 受理
(``reopen``, internal: only through the objection) or 驳回, in the objection step's ``perform``.

免申即享 push: 待审核 → 已推送 (staff; refused while the organisation already has an open application for the
measure) or 已忽略; 已推送 → 已转申报 when the organisation applies with one click (internal: only through
``application_submit``), and back when that application is withdrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from kechuang.accounts.choices import BUREAU_ROLES
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import is_member
from kechuang.policies.choices import OPEN_APPLICATION_STATES
from kechuang.policies.choices import ApplicationStatus as S
from kechuang.policies.choices import ObjectionStatus as O
from kechuang.policies.choices import PushStatus as P
from kechuang.policies.step_forms import ObjectionDecisionForm, RejectForm, ReviewForm
from kechuang.workflow import clock
from kechuang.workflow.deadlines import due_on
from kechuang.workflow.engine import Deadline, Transition, Workflow, bureau, transition
from kechuang.workflow.forms import StepForm

DEFAULT_PUBLICITY_WORKING_DAYS = 5
DEFAULT_ACCEPTED_REMINDER_WORKING_DAYS = 10


def _setting(name: str, default: int) -> int:
    value = int(getattr(settings, name, default))
    if value < 1:
        raise ValueError(f"{name} 应为正整数（工作日数）")
    return value


def publicity_working_days() -> int:
    return _setting("POLICY_PUBLICITY_WORKING_DAYS", DEFAULT_PUBLICITY_WORKING_DAYS)


def accepted_reminder_working_days() -> int:
    return _setting("POLICY_ACCEPTED_REMINDER_WORKING_DAYS", DEFAULT_ACCEPTED_REMINDER_WORKING_DAYS)


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def publicity_reason(app: Any, today: dt.date | None = None) -> str | None:
    """Why 兑现 cannot happen yet because of 公示 (period not over, objections open), or None."""
    if app.status != S.PUBLICISED:
        return None
    if app.publicity_ends_on is None:
        return "公示截止日期未设置，不能兑现"
    day = today or clock.today()
    if day <= app.publicity_ends_on:
        return (f"公示期未满：公示期至{cn_date(app.publicity_ends_on)}，"
                f"{cn_date(app.publicity_ends_on + dt.timedelta(days=1))}起方可兑现")
    open_count = app.objections.filter(status=O.OPEN).count() if app.pk else 0
    if open_count:
        return f"公示期内有 {open_count} 件异议尚未处理，处理完毕后方可兑现"
    return None


def in_publicity(app: Any, today: dt.date | None = None) -> bool:
    """True while objections may be raised: 公示 and today within the period (both ends included)."""
    day = today or clock.today()
    return bool(app.status == S.PUBLICISED and app.publicity_starts_on and app.publicity_ends_on
                and app.publicity_starts_on <= day <= app.publicity_ends_on)


def applicant_member(actor: Any, app: Any) -> bool:
    """Members of the applying organisation (not bureau staff, not anyone else)."""
    return is_member(actor, app.organisation_id)


def _enter_publicity(app: Any, actor: Any) -> dict[str, Any]:
    start = clock.today()
    return {"publicity_starts_on": start, "publicity_ends_on": due_on(start, publicity_working_days(), True)}


def _pay_from_budget(app: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    """兑现's own work: ``ledger.draw`` locks the budget row, refuses a payout that would pass it, adds to it and
    writes the ledger.

    ``select_for_update`` holds the budget row until commit on PostgreSQL, so two clerks paying at once are served
    one after the other and the second sees the first's ``paid_total`` (and then loses the guarded update of the
    application). On SQLite the IMMEDIATE transaction (settings) serialises them the same way. The CHECK
    constraint ``paid_total <= amount`` is the last line: even a code path that forgot the lock cannot overspend.
    """
    from kechuang.core import ledger
    from kechuang.policies.models import Budget, Payout

    amount = app.amount_approved or 0
    if amount <= 0:
        raise ApplicationError("核定金额为空，不能兑现")
    ledger.draw(Budget, where={"measure_id": app.measure_id, "year": app.year}, amount=amount, entry=Payout,
                paid_for={"application": app}, actor=actor, label=f"“{app.measure_title}”{app.year}年度预算",
                missing=f"“{app.measure_title}”{app.year}年度尚未设立预算，不能兑现")


def _release_push(app: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    """撤回 gives the push the application came from back to the organisation, to apply from again."""
    if app.push_id is None:
        return
    from kechuang.policies.models import Push

    push = Push.objects.select_for_update().get(pk=app.push_id)
    if push.status == P.APPLIED:
        transition(push, PUSH_WORKFLOW, "restore", actor=actor, internal=True, comment="申报已撤回")


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


def _staff() -> list[Any]:
    from kechuang.accounts.models import User

    return list(User.objects.filter(role__in=BUREAU_ROLES, is_active=True))


def _remind_review(app: Any, deadline: Deadline) -> list[tuple[Any, str, str]]:
    text = (f"申报“{app.organisation.name} · {app.measure_title}”受理已满 {deadline.length()} 个工作日，"
            "尚未审核，请尽快办理")
    return [(u, text, f"/policies/applications/{app.pk}/") for u in _staff()]


def _remind_publicity_over(app: Any, deadline: Deadline) -> list[tuple[Any, str, str]]:
    text = f"申报“{app.organisation.name} · {app.measure_title}”公示期已满，异议处理完毕后可办理兑现"
    return [(u, text, f"/policies/applications/{app.pk}/") for u in _staff()]


APPLICATION_WORKFLOW = Workflow(
    name="policy_application",
    transitions=[
        Transition("accept", S.SUBMITTED, S.ACCEPTED, "受理", allowed=bureau),
        Transition("review", S.ACCEPTED, S.REVIEWED, "审核通过", allowed=bureau, form=ReviewForm,
                   effects=("amount_approved",)),
        Transition("publicise", S.REVIEWED, S.PUBLICISED, "公示", allowed=bureau),
        Transition("pay", S.PUBLICISED, S.PAID, "兑现", allowed=bureau, condition=publicity_reason,
                   perform=_pay_from_budget),
        Transition("reject", OPEN_APPLICATION_STATES, S.REJECTED, "驳回", allowed=bureau, comment_required=True,
                   comment_label="驳回理由", form=RejectForm, effects=("reject_reason",), danger=True),
        Transition("reopen", S.PUBLICISED, S.ACCEPTED, "异议成立，退回审核", allowed=bureau,
                   comment_required=True, internal=True, internal_via="请在公示异议中处理"),
        Transition("withdraw", (S.SUBMITTED, S.ACCEPTED), S.WITHDRAWN, "撤回申报", allowed=applicant_member,
                   comment_label="撤回原因（可不填）", perform=_release_push, danger=True),
    ],
    notify=_notify,
    on_enter={S.PUBLICISED: _enter_publicity},
    deadlines=[
        Deadline(S.ACCEPTED, accepted_reminder_working_days, label="受理后审核期限", notify=_remind_review),
        Deadline(S.PUBLICISED, publicity_working_days, label="公示期", notify=_remind_publicity_over),
    ],
)


# --- 异议: the child workflow ----------------------------------------------------------------------------------


def _objection_resolved(obj: Any, actor: Any) -> dict[str, Any]:
    return {"resolved_by": actor, "resolved_at": timezone.now()}


def _notify_objector(obj: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = f"您对“{obj.application.organisation.name} · {obj.application.measure_title}”的异议已处理：{step.label}"
    return [(obj.raised_by, text, "/policies/publicity/")]


def _parent_in_publicity(objection: Any) -> Any:
    from kechuang.policies.models import Application

    app = Application.objects.select_for_update().get(pk=objection.application_id)
    return app if app.status == S.PUBLICISED else None


def _send_back(objection: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    app = _parent_in_publicity(objection)
    if app is not None:
        transition(app, APPLICATION_WORKFLOW, "reopen", actor=actor, internal=True,
                   comment=f"异议成立：{cleaned['comment']}")


def _reject_parent(objection: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    app = _parent_in_publicity(objection)
    if app is not None:
        transition(app, APPLICATION_WORKFLOW, "reject", actor=actor,
                   comment=f"公示期内异议成立：{cleaned['comment']}")


_OBJECTION_STEP = {"allowed": bureau, "comment_required": True, "comment_label": "处理意见",
                   "form": ObjectionDecisionForm, "effects": ("resolution",)}

OBJECTION_WORKFLOW = Workflow(
    name="policy_objection",
    transitions=[
        Transition("dismiss", O.OPEN, O.DISMISSED, "异议不成立，继续办理", **_OBJECTION_STEP),  # type: ignore[arg-type]
        Transition("uphold_review", O.OPEN, O.UPHELD, "异议成立，退回审核", perform=_send_back,
                   **_OBJECTION_STEP),  # type: ignore[arg-type]
        Transition("uphold_reject", O.OPEN, O.UPHELD, "异议成立，驳回申报", perform=_reject_parent, danger=True,
                   **_OBJECTION_STEP),  # type: ignore[arg-type]
    ],
    notify=_notify_objector,
    on_enter={O.UPHELD: _objection_resolved, O.DISMISSED: _objection_resolved},
)


# --- 免申即享 push ------------------------------------------------------------------------------------------------


class PushDecisionForm(StepForm):
    comment = forms.CharField(label="审核意见", required=False, max_length=300, widget=forms.TextInput())


def open_application_reason(push: Any) -> str | None:
    """A push is pointless while the organisation already has an open application for the measure."""
    from kechuang.policies.models import Application

    app = (Application.objects.filter(organisation_id=push.organisation_id, measure_id=push.measure_id,
                                      status__in=OPEN_APPLICATION_STATES).only("pk", "status").first())
    if app is not None:
        return f"该机构已有该措施的在办申报（申报 #{app.pk}，{app.get_status_display()}），无需推送"
    return None


def _push_reviewed(push: Any, actor: Any) -> dict[str, Any]:
    if push.status != P.PENDING:  # 恢复推送 after a withdrawal keeps the original reviewer
        return {}
    return {"reviewed_by": actor if getattr(actor, "is_authenticated", False) else None,
            "reviewed_at": timezone.now()}


def _notify_push(push: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    if step.trigger != "approve":
        return []
    from kechuang.policies.rules import format_range

    text = (f"免申即享：贵单位符合“{push.measure_title}”，预计可获 {format_range(push.amount_min, push.amount_max)}，"
            "可在政策计算器中一键申报")
    return [(u, text, "/policies/calculator/") for u in push.organisation.members.filter(is_active=True)]


PUSH_WORKFLOW = Workflow(
    name="policy_push",
    transitions=[
        Transition("approve", P.PENDING, P.APPROVED, "推送", allowed=bureau, condition=open_application_reason,
                   form=PushDecisionForm, effects=("comment",), comment_label="推送意见（可不填）"),
        Transition("dismiss", P.PENDING, P.DISMISSED, "忽略", allowed=bureau, form=PushDecisionForm,
                   effects=("comment",), comment_label="忽略理由（可不填）", danger=True),
        Transition("apply", P.APPROVED, P.APPLIED, "一键申报", allowed=applicant_member, internal=True,
                   internal_via="请在政策计算器中一键申报"),
        Transition("restore", P.APPLIED, P.APPROVED, "申报撤回，恢复推送", allowed=applicant_member, internal=True,
                   internal_via="撤回由此推送提交的申报后自动恢复"),
    ],
    notify=_notify_push,
    on_enter={P.APPROVED: _push_reviewed, P.DISMISSED: _push_reviewed},
)
