"""Writes of 揭榜挂帅. Each service checks who may do it, then does it in one transaction; every state change goes
through ``kechuang.workflow.engine.transition``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from kechuang.challenges.choices import (
    EDITABLE_CHALLENGE_STATES,
    ApplicationStatus,
    AssignmentStage,
    AssignmentStatus,
    ChallengeStatus,
    IpOwnership,
    MilestoneStatus,
    Source,
)
from kechuang.challenges.models import (
    Application,
    Assignment,
    Challenge,
    Criterion,
    Expert,
    Indicator,
    IndicatorAnswer,
    Milestone,
    MilestoneFile,
    Objection,
    Question,
    Review,
    TeamMember,
)
from kechuang.challenges.workflow import (
    APPLICATION_WORKFLOW,
    ASSIGNMENT_WORKFLOW,
    CHALLENGE_WORKFLOW,
    MILESTONE_WORKFLOW,
    OBJECTION_WORKFLOW,
    issuer_member,
    winner_member,
)
from kechuang.core import audit
from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.directory.models import Organisation
from kechuang.workflow.engine import Workflow, send, transition

WORKFLOWS: dict[type, Workflow] = {Challenge: CHALLENGE_WORKFLOW, Application: APPLICATION_WORKFLOW,
                                   Milestone: MILESTONE_WORKFLOW, Objection: OBJECTION_WORKFLOW,
                                   Assignment: ASSIGNMENT_WORKFLOW}


def _money(value: Any, label: str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{label}应为金额（元），收到“{value}”", field=field) from None
    if amount < 0:
        raise ApplicationError(f"{label}不能为负数", field=field)
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def challenge_create(*, actor: Any, data: dict[str, Any], indicators: Sequence[tuple[str, str]],
                     criteria: Sequence[tuple[str, Any, int, int]],
                     milestones: Sequence[tuple[str, Any, Any]], issuer: Organisation | None = None) -> Challenge:
    """需求征集: an enterprise or a department drafts its 榜单 (staff may draft for an organisation)."""
    if issuer is None:
        issuer = getattr(actor, "organisation", None)
    if issuer is None or not (getattr(actor, "is_bureau", False) or actor.organisation_id == issuer.pk):
        raise ApplicationError("只有发榜单位的成员或科技局工作人员可以填报榜单")
    total, support = _check_draft(data, indicators, criteria, milestones)
    fields = {k: data.get(k) for k in DRAFT_FIELDS if k in data}
    with acting_as(actor):
        ch = Challenge(issuer=issuer, total_investment=total, fiscal_support=support, created_by=actor, **fields)
        ch.full_clean(exclude=["issuer", "created_by", "industry_chain", "merged_into"])
        ch.save()
        _write_lists(ch, indicators, criteria, milestones)
    return ch


DRAFT_FIELDS = ("title", "problem", "scenario", "period_months", "conditions", "acceptance", "ip_ownership",
                "ip_terms", "confidential", "trl", "industry_chain", "region_code", "deadline", "blind_review",
                "source")


def _check_draft(data: dict[str, Any], indicators: Sequence[tuple[str, str]],
                 criteria: Sequence[tuple[str, Any, int, int]],
                 milestones: Sequence[tuple[str, Any, Any]]) -> tuple[Decimal, Decimal]:
    if data.get("source") not in Source.values:
        raise ApplicationError("请选择需求来源（企业出题或政府立题）", field="source")
    if data.get("ip_ownership") not in IpOwnership.values:
        raise ApplicationError("请选择知识产权归属", field="ip_ownership")
    total = _money(data.get("total_investment"), "总投入", "total_investment")
    support = _money(data.get("fiscal_support"), "财政支持额", "fiscal_support")
    if support > total:
        raise ApplicationError("财政支持额不能超过总投入", field="fiscal_support")
    if not indicators:
        raise ApplicationError("请至少填写一项量化技术指标", field="indicators")
    if not criteria:
        raise ApplicationError("请至少填写一项评分项", field="criteria")
    shares = sum((_money(s, f"第 {i} 个里程碑的拨付比例", "milestones") for i, (_, _, s) in
                  enumerate(milestones, 1)), Decimal(0))
    if not milestones or shares != 100:
        raise ApplicationError(f"各里程碑拨付比例合计应为 100%（当前 {shares:g}%）", field="milestones")
    return total, support


def _write_lists(ch: Challenge, indicators: Sequence[tuple[str, str]], criteria: Sequence[tuple[str, Any, int, int]],
                 milestones: Sequence[tuple[str, Any, Any]]) -> None:
    for name, target in indicators:
        Indicator.objects.create(challenge=ch, name=name, target=target)
    for name, weight, max_points, below in criteria:
        Criterion.objects.create(challenge=ch, name=name, weight=Decimal(str(weight)), max_points=max_points,
                                 comment_below=below)
    for title, due, share in milestones:
        Milestone.objects.create(challenge=ch, title=title, due_on=due, share=Decimal(str(share)))


def can_edit(actor: Any, ch: Challenge) -> bool:
    """立题审核: staff refine a draft until it is published; the issuer edits its own only before submitting."""
    if ch.status not in EDITABLE_CHALLENGE_STATES:
        return False
    return bool(getattr(actor, "is_bureau", False)
                or (ch.status == ChallengeStatus.DRAFT and issuer_member(actor, ch)))


@transaction.atomic
def challenge_update(*, challenge: Challenge, actor: Any, data: dict[str, Any],
                     indicators: Sequence[tuple[str, str]], criteria: Sequence[tuple[str, Any, int, int]],
                     milestones: Sequence[tuple[str, Any, Any]]) -> Challenge:
    """Refine a drafted 榜单 (fields and lists), all or nothing; the audit log keeps what each field was."""
    ch = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not can_edit(actor, ch):
        raise ApplicationError("只有科技局工作人员在立题审核中（或发榜单位在提交前）可以修改榜单")
    total, support = _check_draft(data, indicators, criteria, milestones)
    before = {"indicators": [str(i) for i in ch.indicators.all()],
              "milestones": [f"{m.title}｜{m.due_on}｜{m.share:g}" for m in ch.milestones.all()]}
    with acting_as(actor):
        for k in DRAFT_FIELDS:
            if k in data:
                setattr(ch, k, data[k])
        ch.total_investment, ch.fiscal_support = total, support
        ch.full_clean(exclude=["issuer", "created_by", "industry_chain", "merged_into"])
        ch.save()
        ch.indicators.all().delete()
        ch.criteria.all().delete()
        ch.milestones.all().delete()
        _write_lists(ch, indicators, criteria, milestones)
    audit.record(action="update", instance=ch, actor=actor, changes={
        "indicators": [before["indicators"], [str(i) for i in ch.indicators.all()]],
        "milestones": [before["milestones"], [f"{m.title}｜{m.due_on}｜{m.share:g}" for m in ch.milestones.all()]]})
    return ch


def merge_candidates(ch: Challenge) -> list[Challenge]:
    """Other drafts in 立题审核 (or still drafts) that staff may merge into this one."""
    return list(Challenge.objects.filter(status__in=EDITABLE_CHALLENGE_STATES).exclude(pk=ch.pk)
                .select_related("issuer").order_by("-created_at"))


@transaction.atomic
def challenge_merge(*, survivor: Challenge, merged: Challenge, actor: Any, comment: str = "") -> Challenge:
    """立题审核 merges two similar drafts: the merged-away one's indicators the survivor lacks are added to it, it
    is closed (已并入) with a link to the survivor, and both issuers are told (the workflow's notify)."""
    from kechuang.challenges.workflow import _members

    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("仅科技局工作人员可以合并榜单")
    if survivor.pk == merged.pk:
        raise ApplicationError("请选择另一份榜单需求", field="other")
    locked = {c.pk: c for c in Challenge.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    for c in (survivor, merged):
        if c.status not in EDITABLE_CHALLENGE_STATES:
            raise ApplicationError(f"“{c.title}”已不在立题审核中，不能合并", field="other")
    have = set(survivor.indicators.values_list("name", flat=True))
    added = []
    with acting_as(actor):
        for ind in merged.indicators.all():
            if ind.name not in have:
                Indicator.objects.create(challenge=survivor, name=ind.name, target=ind.target)
                added.append(ind.name)
    note = f"并入榜单“{survivor.title}”（{survivor.issuer.name}）" + (f"：{comment.strip()}" if comment.strip() else "")
    transition(merged, CHALLENGE_WORKFLOW, "merge", actor=actor, internal=True, comment=note[:2000],
               extra={"merged_into": survivor})
    audit.record(action="update", instance=survivor, actor=actor,
                 changes={"merged_from": merged.pk, "indicators_added": added})
    send([(u, f"榜单“{survivor.title}”在立题审核中合并了“{merged.title}”（{merged.issuer.name}）"
              + (f"，新增指标：{'、'.join(added)}" if added else ""), f"/challenges/{survivor.pk}/")
          for u in _members(survivor.issuer)])
    return survivor


@transaction.atomic
def move(obj: Any, trigger: str, *, actor: Any, data: Any = None) -> None:
    transition(obj, WORKFLOWS[type(obj)], trigger, actor=actor, data=data)


@transaction.atomic
def application_submit(*, challenge: Challenge, actor: Any, team_name: str, plan: str, originality: bool,
                       answers: dict[int, str], members: Sequence[tuple[str, str, Organisation | None]],
                       partners: Sequence[Organisation] = ()) -> Application:
    """揭榜报名 by the lead organisation's member: one answer per indicator, an originality declaration."""
    from kechuang.workflow import clock

    org = getattr(actor, "organisation", None)
    if org is None:
        raise ApplicationError("只有机构用户可以代表团队揭榜")
    if challenge.status != ChallengeStatus.PUBLISHED or (challenge.deadline and challenge.deadline < clock.today()):
        raise ApplicationError("该榜单当前不在揭榜报名期内")
    if org.pk == challenge.issuer_id:
        raise ApplicationError("发榜单位不能揭自己的榜")
    if not team_name.strip():
        raise ApplicationError("请填写团队名称", field="team_name")
    if not plan.strip():
        raise ApplicationError("请填写技术方案概述", field="plan")
    if not originality:
        raise ApplicationError("请确认原创性声明", field="originality")
    for ind in challenge.indicators.all():
        if not (answers.get(ind.pk) or "").strip():
            raise ApplicationError(f"请填写对指标“{ind.name}（{ind.target}）”的响应方案", field=f"answer_{ind.pk}")
    if not members:
        raise ApplicationError("请至少填写一名团队成员（揭榜挂帅负责人）", field="members")
    with acting_as(actor):
        try:
            with transaction.atomic():
                app = Application.objects.create(challenge=challenge, team_name=team_name.strip(), lead=org,
                                                 plan=plan, originality=True, submitted_by=actor)
        except IntegrityError:
            raise ApplicationError("贵单位已对该榜单报名，不能重复报名") from None
        app.partners.set([p for p in partners if p.pk != org.pk])
        for ind in challenge.indicators.all():
            IndicatorAnswer.objects.create(application=app, indicator=ind, answer=answers[ind.pk].strip())
        for name, role, member_org in members:
            TeamMember.objects.create(application=app, name=name, role=role, organisation=member_org)
    return app


# --- experts ---------------------------------------------------------------------------------------------------


def conflict_reason(expert: Expert, challenge: Challenge) -> str:
    """Why the expert must not review this challenge, or "" (same unit as the issuer or any team, or declared)."""
    own = expert.person.organisation_id
    declared = set(expert.declared_conflicts.values_list("pk", flat=True))
    if own and own == challenge.issuer_id:
        return "与发榜单位为同一单位"
    for app in challenge.applications.exclude(status=ApplicationStatus.WITHDRAWN):
        ids = app.organisation_ids()
        if own and own in ids:
            return "与揭榜团队成员、牵头单位或联合单位为同一单位"
        if declared & ids:
            return "本人申报回避"
    if challenge.issuer_id in declared:
        return "本人申报回避"
    return ""


def candidates(challenge: Challenge) -> list[Expert]:
    """The pool by field and chain: experts whose 专业领域 mention a word of the challenge's chain or title."""
    pool = list(Expert.objects.select_related("person", "person__organisation"))
    words = [w for w in (challenge.industry_chain.name if challenge.industry_chain else "", ) if w]

    def fit(e: Expert) -> int:
        fields = e.person.fields or ""
        return sum(1 for w in words if w and w in fields) + sum(1 for f in e.person.field_list if f in challenge.title
                                                                 or f in challenge.problem)

    return sorted(pool, key=lambda e: (-fit(e), e.person.name))


@transaction.atomic
def assign_experts(*, challenge: Challenge, experts: Sequence[Expert], actor: Any,
                   stage: str = AssignmentStage.REVIEW) -> list[Assignment]:
    """Staff draw the panel (方案评审, or 验收); an expert with a conflict of interest is recorded as excluded,
    automatically. An expert who declared a conflict stays out: staff draw a replacement instead."""
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("仅科技局工作人员可以遴选评审专家")
    if stage == AssignmentStage.ACCEPTANCE:
        if challenge.status != ChallengeStatus.ACCEPTANCE:
            raise ApplicationError("榜单进入验收阶段后方可遴选验收专家")
        text, url = f"请验收榜单“{challenge.title}”的攻关成果", f"/challenges/{challenge.pk}/acceptance/"
    elif stage == AssignmentStage.REVIEW:
        if challenge.status not in (ChallengeStatus.SCREENING, ChallengeStatus.REVIEWING):
            raise ApplicationError("榜单进入形式审查后方可遴选评审专家")
        text, url = f"请评审榜单“{challenge.title}”的揭榜方案", f"/challenges/{challenge.pk}/review/"
    else:
        raise ApplicationError("评审环节无效", field="stage")
    declared = [str(a.expert) for a in challenge.assignments.filter(
        stage=stage, expert__in=experts, status=AssignmentStatus.DECLARED).select_related("expert__person")]
    if declared:
        raise ApplicationError(f"{'、'.join(declared)}已申报回避，不能再遴选，请选择其他专家", field="experts")
    out = []
    with acting_as(actor):
        for e in experts:
            reason = conflict_reason(e, challenge)
            a, _ = Assignment.objects.update_or_create(
                challenge=challenge, expert=e, stage=stage,
                defaults={"status": AssignmentStatus.EXCLUDED if reason else AssignmentStatus.ASSIGNED,
                          "excluded_reason": reason})
            out.append(a)
    send([(a.expert.user, text, url) for a in out if a.status == AssignmentStatus.ASSIGNED])
    return out


@transaction.atomic
def review_save(*, assignment: Assignment, application: Application, actor: Any,
                scores: dict[int, Any], comments: dict[int, str], summary: str = "") -> Review:
    if assignment.expert.user_id != getattr(actor, "pk", None):
        raise ApplicationError("只能填写分配给本人的评审")
    if assignment.status == AssignmentStatus.EXCLUDED:
        raise ApplicationError("您已因利益冲突回避该榜单的评审")
    if assignment.challenge.status != ChallengeStatus.REVIEWING:
        raise ApplicationError("榜单不在专家评审阶段")
    if application.challenge_id != assignment.challenge_id or application.status != ApplicationStatus.ADMITTED:
        raise ApplicationError("该报名不在本次评审范围内")
    clean_scores: dict[str, float] = {}
    clean_comments: dict[str, str] = {}
    for c in assignment.challenge.criteria.all():
        raw = scores.get(c.pk)
        try:
            value = float(raw) if raw is not None and raw != "" else None
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= c.max_points:
            raise ApplicationError(f"“{c.name}”应为 0 到 {c.max_points} 之间的分数，收到“{raw or ''}”",
                                   field=f"score_{c.pk}")
        comment = (comments.get(c.pk) or "").strip()
        if value < c.comment_below and not comment:
            raise ApplicationError(f"“{c.name}”低于 {c.comment_below} 分，请写明评语", field=f"comment_{c.pk}")
        clean_scores[str(c.pk)] = value
        if comment:
            clean_comments[str(c.pk)] = comment
    with acting_as(actor):
        review, _ = Review.objects.update_or_create(
            assignment=assignment, application=application,
            defaults={"scores": clean_scores, "comments": clean_comments, "summary": summary.strip()})
        admitted = assignment.challenge.applications.filter(status=ApplicationStatus.ADMITTED).count()
        if assignment.reviews.count() >= admitted and assignment.status != AssignmentStatus.DONE:
            Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.DONE)
    return review


@transaction.atomic
def question_ask(*, challenge: Challenge, actor: Any, text: str) -> Question:
    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("请先登录再提问")
    if not text.strip():
        raise ApplicationError("请填写问题", field="question")
    with acting_as(actor):
        q = Question.objects.create(challenge=challenge, asked_by=actor, question=text.strip()[:2000])
    send([(u, f"榜单“{challenge.title}”收到新的提问", f"/challenges/{challenge.pk}/")
          for u in challenge.issuer.members.filter(is_active=True)])
    return q


@transaction.atomic
def question_answer(*, question: Question, actor: Any, text: str) -> Question:
    if not (getattr(actor, "is_bureau", False) or issuer_member(actor, question.challenge)):
        raise ApplicationError("只有发榜单位或科技局工作人员可以答复")
    if not text.strip():
        raise ApplicationError("请填写答复", field="answer")
    with acting_as(actor):
        question.answer = text.strip()[:2000]
        question.save()
    send([(question.asked_by, f"您对“{question.challenge.title}”的提问已答复", f"/challenges/{question.challenge_id}/")])
    return question


@transaction.atomic
def objection_raise(*, challenge: Challenge, actor: Any, text: str) -> Objection:
    """公示异议: signed-in users, only within the publicity period (both days included)."""
    from kechuang.workflow import clock

    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("请先登录再提出异议")
    if challenge.status != ChallengeStatus.PUBLICISED or not challenge.publicity_ends_on \
            or clock.today() > challenge.publicity_ends_on:
        raise ApplicationError("该榜单不在公示期内，不受理异议")
    if not text.strip():
        raise ApplicationError("请填写异议内容", field="content")
    with acting_as(actor):
        obj = Objection.objects.create(challenge=challenge, raised_by=actor, content=text.strip()[:2000])
    from kechuang.challenges.workflow import _staff

    send([(u, f"榜单“{challenge.title}”公示期收到异议，请处理", f"/challenges/{challenge.pk}/") for u in _staff()])
    return obj


@transaction.atomic
def milestone_file_add(*, milestone: Milestone, actor: Any, upload: Any) -> MilestoneFile:
    """The winning team attaches a file to its milestone report, while the milestone is open for reporting."""
    from django.core.exceptions import ValidationError

    from kechuang.challenges.models import validate_milestone_file

    if not winner_member(actor, milestone):
        raise ApplicationError("只有揭榜方可以上传里程碑材料")
    if milestone.status not in (MilestoneStatus.ACTIVE, MilestoneStatus.MISSED):
        raise ApplicationError("里程碑实施中（提交进展报告前）方可上传材料", field="file")
    if upload is None:
        raise ApplicationError("请选择要上传的文件", field="file")
    try:
        validate_milestone_file(upload)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], field="file") from None
    name = (getattr(upload, "name", "") or "材料").rsplit("/", 1)[-1][:200]
    with acting_as(actor):
        return MilestoneFile.objects.create(milestone=milestone, file=upload, name=name, uploaded_by=actor)
