"""The registration workflow of a technology contract, as data.

draft → submitted (受理, the seller) → correction (补正, the registrar, with a list) → resubmitted (the seller's
answers; the decision clock restarts) → registered or refused (不予登记, with a reason from the list);
a registered contract → change_pending / cancel_pending (the seller) → changed / cancelled (the registrar), or
back to registered when the registrar declines the request.

Entering submitted or resubmitted stamps the acceptance date and the working-day deadline (15 working days, 30 for
a 技术交易额 of ¥5,000,000 or more or an expert review), so the registrar's queue can order by it.
"""

from __future__ import annotations

from typing import Any

from kechuang.contracts import deadlines
from kechuang.contracts.choices import Status
from kechuang.contracts.models import is_registrar
from kechuang.workflow import clock
from kechuang.workflow.engine import Transition, Workflow


def seller_member(actor: Any, obj: Any) -> bool:
    org_id = getattr(obj, "seller_organisation_id", None)
    return bool(getattr(actor, "is_authenticated", False) and org_id
                and getattr(actor, "organisation_id", None) == org_id)


def registrar(actor: Any, obj: Any) -> bool:
    return is_registrar(actor)


def _prechecks_pass(obj: Any) -> str | None:
    from kechuang.contracts.checks import precheck

    problems = precheck(obj)
    return "提交前检查未通过：" + "；".join(p.message for p in problems) if problems else None


def _clock(obj: Any, actor: Any) -> dict[str, Any]:
    today = clock.today()
    days = deadlines.decision_days(obj.declared_transaction_amount or obj.transaction_amount, obj.expert_review)
    deadline, exact = deadlines.add_working_days(today, days)
    return {"accepted_on": today, "deadline_on": deadline, "deadline_estimated": not exact,
            "expert_review": obj.expert_review or days == deadlines.EXPERT_DAYS}


def _registrars() -> list[Any]:
    from kechuang.accounts.choices import Role
    from kechuang.accounts.models import User

    return list(User.objects.filter(role=Role.REGISTRAR, is_active=True))


def _notify(obj: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    if step.trigger in ("submit", "resubmit", "request_change", "request_cancel"):
        what = {"submit": "新受理", "resubmit": "已补正", "request_change": "申请变更登记",
                "request_cancel": "申请注销登记"}[step.trigger]
        due = f"，认定期限 {obj.deadline_on:%Y-%m-%d}" if step.trigger in ("submit", "resubmit") else ""
        return [(r, f"技术合同“{obj.title}”{what}{due}", obj.get_absolute_url()) for r in _registrars()]
    text = {
        "request_correction": f"技术合同“{obj.title}”需要补正材料，请在工作台查看补正清单",
        "register": f"技术合同“{obj.title}”已认定登记，登记编号 {obj.registration_number}",
        "refuse": f"技术合同“{obj.title}”不予登记：{obj.get_refusal_reason_display()}",
        "approve_change": f"技术合同“{obj.title}”的变更登记已办理",
        "approve_cancel": f"技术合同“{obj.title}”已注销登记",
        "decline_request": f"技术合同“{obj.title}”的变更或注销申请未获同意",
    }.get(step.trigger)
    org = obj.seller_organisation
    if text is None or org is None:
        return []
    return [(m, text, obj.get_absolute_url()) for m in org.members.all()]


CONTRACT_WORKFLOW = Workflow(
    name="contract",
    transitions=[
        Transition("submit", Status.DRAFT, Status.SUBMITTED, "提交登记", allowed=seller_member,
                   condition=_prechecks_pass),
        Transition("request_correction", (Status.SUBMITTED, Status.RESUBMITTED), Status.CORRECTION, "要求补正",
                   allowed=registrar, comment_required=True),
        Transition("resubmit", Status.CORRECTION, Status.RESUBMITTED, "提交补正", allowed=seller_member,
                   condition=_prechecks_pass),
        Transition("register", (Status.SUBMITTED, Status.RESUBMITTED), Status.REGISTERED, "认定登记",
                   allowed=registrar),
        Transition("refuse", (Status.SUBMITTED, Status.RESUBMITTED), Status.REFUSED, "不予登记", allowed=registrar,
                   comment_required=True),
        Transition("request_change", (Status.REGISTERED, Status.CHANGED), Status.CHANGE_PENDING, "申请变更登记",
                   allowed=seller_member, comment_required=True),
        Transition("request_cancel", (Status.REGISTERED, Status.CHANGED), Status.CANCEL_PENDING, "申请注销登记",
                   allowed=seller_member, comment_required=True),
        Transition("approve_change", Status.CHANGE_PENDING, Status.CHANGED, "办理变更登记", allowed=registrar),
        Transition("approve_cancel", Status.CANCEL_PENDING, Status.CANCELLED, "办理注销登记", allowed=registrar),
        Transition("decline_request", (Status.CHANGE_PENDING, Status.CANCEL_PENDING), Status.REGISTERED,
                   "不同意变更或注销", allowed=registrar, comment_required=True),
    ],
    notify=_notify,
    on_enter={Status.SUBMITTED: _clock, Status.RESUBMITTED: _clock},
)
