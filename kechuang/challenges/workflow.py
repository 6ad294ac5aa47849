"""The 揭榜挂帅 workflows as data: the challenge (parent), its applications and milestones (children).

Challenge: 需求征集 (the issuer drafts) → 立题审核 (staff, may send back) → 发榜 (public until the deadline) → 形式审查
→ 专家评审 → 揭榜方确定 → 公示 → 签约/任务书 → 里程碑 → 验收 → 结题, or 终止 from any open state.
Application: 已报名 → 形式审查通过 / 未通过 (staff) → 确定为揭榜方 (the issuer picks from the scored list; this
child step marks the others 未入选 and moves the challenge into 公示 — the parent step is internal) or 未入选.
Milestone: 未开始 → 实施中 (when the 任务书 is signed) → 已报告 (the winning team) → 已通过 with the funds released
from the challenge's ledger under a row lock (staff), or back to 实施中; a milestone still 实施中 after its own
planned date is moved to 逾期未报告 by the deadline sweep (the SYSTEM actor).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings

from kechuang.accounts.choices import BUREAU_ROLES
from kechuang.challenges.choices import (
    ACTIVE_ASSIGNMENT_STATES,
    OPEN_CHALLENGE_STATES,
    ApplicationStatus,
    AssignmentStage,
    AssignmentStatus,
)
from kechuang.challenges.choices import ChallengeStatus as C
from kechuang.challenges.choices import MilestoneStatus as M
from kechuang.workflow import clock
from kechuang.workflow.deadlines import due_on
from kechuang.workflow.engine import Deadline, Transition, Workflow, bureau, transition
from kechuang.workflow.forms import StepForm

A = ApplicationStatus
DEFAULT_PUBLICITY_WORKING_DAYS = 5


def publicity_working_days() -> int:
    value = int(getattr(settings, "CHALLENGE_PUBLICITY_WORKING_DAYS", DEFAULT_PUBLICITY_WORKING_DAYS))
    if value < 1:
        raise ValueError("CHALLENGE_PUBLICITY_WORKING_DAYS 应为正整数（工作日数）")
    return value


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def issuer_member(actor: Any, challenge: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.organisation_id
                and actor.organisation_id == challenge.issuer_id)


def lead_member(actor: Any, app: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.organisation_id
                and actor.organisation_id == app.lead_id)


def winner_member(actor: Any, milestone: Any) -> bool:
    winner = milestone.challenge.winner
    return winner is not None and lead_member(actor, winner)


def issuer_or_bureau(actor: Any, challenge: Any) -> bool:
    return bureau(actor, challenge) or issuer_member(actor, challenge)


def winner_or_bureau(actor: Any, challenge: Any) -> bool:
    winner = challenge.winner
    return bureau(actor, challenge) or (winner is not None and lead_member(actor, winner))


def nobody(actor: Any, obj: Any) -> bool:
    """A step only the deadline sweep (the SYSTEM actor) takes: nobody is allowed it on a page."""
    return False


# --- conditions ------------------------------------------------------------------------------------------------


def ready_to_publish(ch: Any) -> str | None:
    if not ch.indicators.exists():
        return "榜单尚未填写量化技术指标，不能发榜"
    if not ch.criteria.exists():
        return "榜单尚未设置评分表，不能发榜"
    shares = sum((m.share for m in ch.milestones.all()), Decimal(0))
    if shares != 100:
        return f"各里程碑拨付比例合计应为 100%（当前 {shares:g}%），不能发榜"
    if ch.deadline is None or ch.deadline <= clock.today():
        return "揭榜截止日期应晚于今天"
    return None


def has_applications(ch: Any) -> str | None:
    return None if ch.applications.exclude(status=A.WITHDRAWN).exists() else "尚无团队报名，不能进入形式审查"


def screened_and_panel(ch: Any) -> str | None:
    if ch.applications.filter(status=A.SUBMITTED).exists():
        return "还有报名未完成形式审查"
    if not ch.applications.filter(status=A.ADMITTED).exists():
        return "没有通过形式审查的报名，可终止榜单"
    if not ch.assignments.filter(stage=AssignmentStage.REVIEW, status=AssignmentStatus.ASSIGNED).exists():
        return "尚未遴选评审专家"
    return None


def reviews_complete(ch: Any) -> str | None:
    admitted = ch.applications.filter(status=A.ADMITTED).count()
    missing = [str(a.expert) for a in ch.assignments.filter(stage=AssignmentStage.REVIEW,
                                                             status__in=ACTIVE_ASSIGNMENT_STATES)
               if a.reviews.count() < admitted]
    if missing:
        return f"尚有 {len(missing)} 位专家未完成全部评分"
    return None


def publicity_over(ch: Any) -> str | None:
    if ch.publicity_ends_on is None:
        return "公示截止日期未设置"
    open_count = ch.objections.filter(status="open").count() if ch.pk else 0
    if open_count:
        return f"公示期内有 {open_count} 件异议尚未处理，处理完毕后方可签约"
    if clock.today() <= ch.publicity_ends_on:
        return (f"公示期未满：公示期至{cn_date(ch.publicity_ends_on)}，"
                f"{cn_date(ch.publicity_ends_on + dt.timedelta(days=1))}起方可签约")
    return None


def milestones_done(ch: Any) -> str | None:
    left = ch.milestones.exclude(status=M.RELEASED).count()
    return f"尚有 {left} 个里程碑未通过评审" if left else None


def acceptance_complete(ch: Any) -> str | None:
    """Every acceptance expert of this round has given a verdict (the issuer then confirms 通过 or asks 整改)."""
    from kechuang.challenges.acceptance import tally

    t = tally(ch)
    if not t.experts:
        return "尚未遴选验收专家"
    if t.missing:
        return f"尚有 {t.missing} 位验收专家未提交验收意见"
    return None


def acceptance_passed(ch: Any) -> str | None:
    """结题 needs the experts' verdict 通过 (each line met by more than half of them); the issuer confirms it."""
    from kechuang.challenges.acceptance import tally

    reason = acceptance_complete(ch)
    if reason:
        return reason
    failed = tally(ch).failed_names()
    if failed:
        return f"专家验收结论为不通过（未达到：{'、'.join(failed)}），可要求整改或由科技局终止"
    return None


def challenge_deciding(app: Any) -> str | None:
    return None if app.challenge.status == C.DECIDING else "专家评审完成后，发榜单位方可确定揭榜方"


def challenge_screening(app: Any) -> str | None:
    return None if app.challenge.status == C.SCREENING else "榜单进入形式审查后方可审查报名"


# --- step forms and performs -----------------------------------------------------------------------------------


class PublishForm(StepForm):
    deadline = forms.DateField(label="揭榜截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"required": "请填写揭榜截止日期", "invalid": "揭榜截止日期格式应为 年-月-日"})
    field_order = ["deadline", "comment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.obj is not None and not self.is_bound and self.obj.deadline:
            self.fields["deadline"].initial = self.obj.deadline


class ReportForm(StepForm):
    report = forms.CharField(label="进展报告", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "请填写进展报告"})
    field_order = ["report", "comment"]


class MilestoneDecisionForm(StepForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["review_comment"] = (data.get("comment") or "").strip()
        return data


def _enter_publicity(ch: Any, actor: Any) -> dict[str, Any]:
    start = clock.today()
    return {"publicity_starts_on": start, "publicity_ends_on": due_on(start, publicity_working_days(), True)}


def _enter_acceptance(ch: Any, actor: Any) -> dict[str, Any]:
    return {"acceptance_round": ch.acceptance_round + 1}


def _start_milestones(ch: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    """任务书下达: every milestone starts; its 逾期 deadline is its own planned date (the Deadline's ``due``)."""
    for m in ch.milestones.filter(status=M.PLANNED):
        transition(m, MILESTONE_WORKFLOW, "activate", actor=actor, internal=True)


def _select_team(app: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    from kechuang.challenges.models import Application, Challenge

    ch = Challenge.objects.select_for_update().get(pk=app.challenge_id)
    for other in Application.objects.filter(challenge=ch, status=A.ADMITTED).exclude(pk=app.pk):
        transition(other, APPLICATION_WORKFLOW, "decline", actor=actor, internal=True,
                   comment=f"发榜单位确定“{app.team_name}”为揭榜方")
    transition(ch, CHALLENGE_WORKFLOW, "decide", actor=actor, internal=True,
               comment=f"确定揭榜方：{app.team_name}")


def _release_funds(m: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    """``ledger.draw`` locks the challenge row, refuses a release that would overdraw its fiscal support (the
    milestone's share of the locked row's support), adds, writes the ledger. As with policy payouts the CHECK
    constraint ``released_total <= fiscal_support`` is the last line."""
    from kechuang.challenges.models import Challenge, Release
    from kechuang.core import ledger

    ledger.draw(Challenge, where={"pk": m.challenge_id}, entry=Release, paid_for={"milestone": m}, actor=actor,
                actor_field="released_by",
                amount=lambda ch: (ch.fiscal_support * m.share / 100).quantize(Decimal("0.01")))


# --- notifications ---------------------------------------------------------------------------------------------


def _members(org: Any) -> list[Any]:
    return list(org.members.filter(is_active=True)) if org is not None else []


def _staff() -> list[Any]:
    from kechuang.accounts.models import User

    return list(User.objects.filter(role__in=BUREAU_ROLES, is_active=True))


def _notify_challenge(ch: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    url = f"/challenges/{ch.pk}/"
    text = f"榜单“{ch.title}”：{step.label}，当前状态为{ch.get_status_display()}"
    people = _members(ch.issuer)
    if step.trigger == "submit":
        people += _staff()
    if step.trigger in ("decide", "terminate", "contract", "close"):
        for app in ch.applications.select_related("lead"):
            people += _members(app.lead)
    if step.trigger in ("rectify", "resubmit") and ch.winner is not None:
        people += _members(ch.winner.lead)
    if step.trigger == "resubmit":
        people += _staff()
    if step.trigger == "merge" and ch.merged_into_id:
        text = f"您的榜单需求“{ch.title}”在立题审核中已并入榜单“{ch.merged_into.title}”，由科技局统一立题"
        url = f"/challenges/{ch.merged_into_id}/"
    out = [(p, text, url) for p in people]
    if step.trigger == "publish":
        from kechuang.challenges.solvers import publication_audience

        out += publication_audience(ch, actor, already={p.pk for p in people})
    return out


def _notify_application(app: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = f"您对“{app.challenge.title}”的揭榜报名：{step.label}"
    if step.trigger in ("select", "decline"):
        text += "。各评分项得分、专家评语和排名可在报名页查看"
    return [(p, text, f"/challenges/applications/{app.pk}/") for p in _members(app.lead)]


def _notify_milestone(m: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = f"“{m.challenge.title}”里程碑“{m.title}”：{step.label}"
    people = _members(m.challenge.issuer)
    winner = m.challenge.winner
    if winner is not None:
        people += _members(winner.lead)
    if step.trigger in ("report", "miss"):
        people += _staff()
    return [(p, text, f"/challenges/{m.challenge_id}/") for p in people]


CHALLENGE_WORKFLOW = Workflow(
    name="challenge",
    transitions=[
        Transition("submit", C.DRAFT, C.SUBMITTED, "提交立题审核", allowed=issuer_member),
        Transition("publish", C.SUBMITTED, C.PUBLISHED, "审核通过并发榜", allowed=bureau, form=PublishForm,
                   effects=("deadline",), condition=ready_to_publish, condition_uses_input=True),
        Transition("send_back", C.SUBMITTED, C.DRAFT, "退回修改", allowed=bureau, comment_required=True,
                   comment_label="退回意见", danger=True),
        Transition("close_entries", C.PUBLISHED, C.SCREENING, "截止报名，进入形式审查", allowed=bureau,
                   condition=has_applications),
        # Taken by the deadline sweep (SYSTEM) the day after the published 揭榜截止日期; with no team staff then
        # terminate the 榜单 from 形式审查.
        Transition("expire_entries", C.PUBLISHED, C.SCREENING, "揭榜截止，进入形式审查", allowed=nobody),
        Transition("merge", (C.DRAFT, C.SUBMITTED), C.MERGED, "并入其他榜单", allowed=bureau, internal=True,
                   internal_via="请在立题审核中选择合并到的榜单"),
        Transition("start_review", C.SCREENING, C.REVIEWING, "开始专家评审", allowed=bureau,
                   condition=screened_and_panel),
        Transition("finish_review", C.REVIEWING, C.DECIDING, "评审完成，交发榜单位确定揭榜方", allowed=bureau,
                   condition=reviews_complete),
        Transition("decide", C.DECIDING, C.PUBLICISED, "确定揭榜方并公示", allowed=issuer_member, internal=True,
                   internal_via="请在评审结果中选择揭榜团队"),
        Transition("reopen", C.PUBLICISED, C.DECIDING, "异议成立，重新确定揭榜方", allowed=bureau, internal=True,
                   internal_via="请在公示异议中处理"),
        Transition("contract", C.PUBLICISED, C.CONTRACTED, "签订任务书", allowed=bureau, condition=publicity_over),
        Transition("start", C.CONTRACTED, C.MILESTONES, "下达任务书，开始实施", allowed=bureau,
                   perform=_start_milestones),
        Transition("to_acceptance", C.MILESTONES, C.ACCEPTANCE, "申请验收", allowed=issuer_or_bureau,
                   condition=milestones_done),
        Transition("close", C.ACCEPTANCE, C.CLOSED, "确认验收通过，结题", allowed=issuer_member,
                   condition=acceptance_passed, comment_required=True,
                   comment_label="发榜单位验收确认意见（对照验收方式与标准）"),
        Transition("rectify", C.ACCEPTANCE, C.RECTIFYING, "验收不通过，限期整改", allowed=issuer_or_bureau,
                   condition=acceptance_complete, comment_required=True, comment_label="整改要求与期限",
                   danger=True),
        Transition("resubmit", C.RECTIFYING, C.ACCEPTANCE, "整改完成，申请重新验收", allowed=winner_or_bureau,
                   comment_required=True, comment_label="整改情况说明"),
        Transition("terminate", OPEN_CHALLENGE_STATES, C.TERMINATED, "终止榜单", allowed=bureau,
                   comment_required=True, comment_label="终止理由", danger=True),
    ],
    notify=_notify_challenge,
    on_enter={C.PUBLICISED: _enter_publicity, C.ACCEPTANCE: _enter_acceptance},
    deadlines=[Deadline(C.PUBLICISED, publicity_working_days, label="公示期"),
               Deadline(C.PUBLISHED, 30, working=False, action="transition", trigger="expire_entries",
                        label="揭榜报名截止", due=lambda ch: ch.deadline)],
)

APPLICATION_WORKFLOW = Workflow(
    name="challenge_application",
    transitions=[
        Transition("admit", A.SUBMITTED, A.ADMITTED, "形式审查通过", allowed=bureau, condition=challenge_screening),
        Transition("refuse", A.SUBMITTED, A.INELIGIBLE, "形式审查不通过", allowed=bureau, comment_required=True,
                   comment_label="不通过理由", condition=challenge_screening, danger=True),
        Transition("select", A.ADMITTED, A.SELECTED, "确定为揭榜方", allowed=lambda u, a: issuer_member(u, a.challenge),
                   condition=challenge_deciding, perform=_select_team),
        Transition("decline", A.ADMITTED, A.NOT_SELECTED, "未入选", allowed=lambda u, a: issuer_member(u, a.challenge),
                   internal=True, internal_via="确定揭榜方后其余团队自动为未入选"),
        Transition("reopen", (A.SELECTED, A.NOT_SELECTED), A.ADMITTED, "异议成立，重新确定", allowed=bureau,
                   internal=True, internal_via="请在公示异议中处理"),
        Transition("withdraw", A.SUBMITTED, A.WITHDRAWN, "撤回报名", allowed=lead_member,
                   comment_label="撤回原因（可不填）", danger=True),
    ],
    notify=_notify_application,
)

class ObjectionDecisionForm(StepForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["resolution"] = (data.get("comment") or "").strip()
        return data


def _reopen_decision(obj: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    """异议成立: the choice is undone — every scored team is back in the list and the issuer decides again."""
    from kechuang.challenges.models import Challenge

    ch = Challenge.objects.select_for_update().get(pk=obj.challenge_id)
    if ch.status != C.PUBLICISED:
        return
    for app in ch.applications.filter(status__in=[A.SELECTED, A.NOT_SELECTED]):
        transition(app, APPLICATION_WORKFLOW, "reopen", actor=actor, internal=True,
                   comment=f"公示异议成立：{cleaned['comment']}")
    transition(ch, CHALLENGE_WORKFLOW, "reopen", actor=actor, internal=True,
               comment=f"公示异议成立：{cleaned['comment']}")


_DECIDE = {"allowed": bureau, "comment_required": True, "comment_label": "处理意见", "form": ObjectionDecisionForm,
           "effects": ("resolution",)}
OBJECTION_WORKFLOW = Workflow(
    name="challenge_objection",
    transitions=[
        Transition("dismiss", "open", "dismissed", "异议不成立", **_DECIDE),  # type: ignore[arg-type]
        Transition("uphold", "open", "upheld", "异议成立，重新确定揭榜方", perform=_reopen_decision, danger=True,
                   **_DECIDE),  # type: ignore[arg-type]
    ],
    notify=lambda o, step, actor: [(o.raised_by, f"您对“{o.challenge.title}”公示的异议已处理：{step.label}",
                                    f"/challenges/{o.challenge_id}/")],
)

MILESTONE_WORKFLOW = Workflow(
    name="challenge_milestone",
    transitions=[
        Transition("activate", M.PLANNED, M.ACTIVE, "开始实施", allowed=bureau, internal=True,
                   internal_via="下达任务书后自动开始"),
        Transition("report", (M.ACTIVE, M.MISSED), M.REPORTED, "提交进展报告", allowed=winner_member,
                   form=ReportForm, effects=("report",)),
        Transition("approve", M.REPORTED, M.RELEASED, "评审通过并拨付经费", allowed=bureau,
                   form=MilestoneDecisionForm, effects=("review_comment",), perform=_release_funds),
        Transition("return", M.REPORTED, M.ACTIVE, "退回补充", allowed=bureau, comment_required=True,
                   comment_label="退回意见", form=MilestoneDecisionForm, effects=("review_comment",), danger=True),
        # Taken only by the deadline sweep (SYSTEM): nobody is allowed it on a page.
        Transition("miss", M.ACTIVE, M.MISSED, "逾期未报告", allowed=nobody),
    ],
    notify=_notify_milestone,
    deadlines=[Deadline(M.ACTIVE, 1, working=False, action="transition", trigger="miss", label="里程碑计划完成日期",
                        due=lambda m: m.due_on)],
)


class DeclareForm(StepForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["excluded_reason"] = (data.get("comment") or "").strip()[:300]
        return data


def own_assignment(actor: Any, a: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and a.expert.user_id == actor.pk)


def stage_open(a: Any) -> str | None:
    """An expert may step aside while the panel still works: 形式审查/专家评审 for review, 验收 for acceptance."""
    states = (C.SCREENING, C.REVIEWING) if a.stage == AssignmentStage.REVIEW else (C.ACCEPTANCE,)
    return None if a.challenge.status in states else "该环节已结束，不能再申报回避"


def _notify_assignment(a: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = (f"专家{a.expert}申报回避榜单“{a.challenge.title}”的{a.get_stage_display()}：{a.excluded_reason}。"
            "请遴选替补专家")
    return [(p, text, f"/challenges/{a.challenge_id}/") for p in _staff()]


ASSIGNMENT_WORKFLOW = Workflow(
    name="challenge_assignment",
    transitions=[
        Transition("declare", (AssignmentStatus.ASSIGNED, AssignmentStatus.DONE), AssignmentStatus.DECLARED,
                   "申报利益冲突，回避本榜单", allowed=own_assignment, condition=stage_open, form=DeclareForm,
                   effects=("excluded_reason",), comment_required=True,
                   comment_label="回避理由（与哪个单位或团队有何关系）", danger=True),
    ],
    notify=_notify_assignment,
)
