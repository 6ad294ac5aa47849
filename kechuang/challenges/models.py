"""揭榜挂帅 (challenges): the 榜单 with its indicators, milestones and scorecard; team applications; expert review;
the fiscal-support ledger. Money is Decimal yuan (a challenge's 财政支持 is often given to the fen).

Who sees what is stated once per model in ``permission_q`` (``restrict`` lets bureau staff through):
a team sees its own applications only, a reviewer only the applications of challenges it is assigned to (and not
excluded from), the issuer the applications to its own challenge; the public sees published challenges.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kechuang.challenges.choices import (
    ACTIVE_ASSIGNMENT_STATES,
    PUBLIC_CHALLENGE_STATES,
    ApplicationStatus,
    AssignmentStage,
    AssignmentStatus,
    ChallengeStatus,
    IpOwnership,
    MilestoneStatus,
    Source,
)
from kechuang.core.fields import COMMENT, LONG_TEXT, SHORT_TEXT, LimitedTextField
from kechuang.core.ledger import LockedBudget
from kechuang.core.models import BaseModel
from kechuang.core.permissions import nothing
from kechuang.core.uploads import check_upload

MAX_FILE_BYTES = 20 * 1024 * 1024
FILE_TYPES = {".pdf": "PDF", ".jpg": "JPEG 图片", ".jpeg": "JPEG 图片", ".png": "PNG 图片", ".docx": "Word 文档",
              ".xlsx": "Excel 表格"}


def validate_milestone_file(value: Any) -> None:
    check_upload(value, types=FILE_TYPES, what="里程碑材料", allowed="PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）", content_hint="请上传原始文件",
                 max_bytes=MAX_FILE_BYTES)


def _org_id(user: Any) -> Any:
    return getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None


def _user_id(user: Any) -> Any:
    return user.pk if getattr(user, "is_authenticated", False) else None


class Challenge(LockedBudget):
    # The fiscal-support ledger (kechuang.core.ledger): milestone releases are drawn from ``fiscal_support``.
    limit_field, total_field, ledger_name, ledger_verb = "fiscal_support", "released_total", "财政支持额度", "拨付"

    title = models.CharField("榜单名称", max_length=200)
    issuer = models.ForeignKey("directory.Organisation", verbose_name="发榜单位", on_delete=models.PROTECT,
                               related_name="challenges")
    source = models.CharField("需求来源", max_length=20, choices=Source.choices)
    problem = LimitedTextField("技术难题与攻关目标", LONG_TEXT)
    scenario = LimitedTextField("应用场景", SHORT_TEXT, blank=True)
    total_investment = models.DecimalField("总投入（元）", max_digits=14, decimal_places=2)
    fiscal_support = models.DecimalField("财政支持额（元）", max_digits=14, decimal_places=2)
    # The ledger's running total: grows only under the row lock of a milestone release (see workflow.py).
    released_total = models.DecimalField("已拨付财政资金（元）", max_digits=14, decimal_places=2, default=Decimal(0))
    period_months = models.PositiveSmallIntegerField("实施期限（月）", validators=[MinValueValidator(1)])
    conditions = LimitedTextField("揭榜条件", SHORT_TEXT, blank=True,
                                  help_text="不设年龄、学历、职称等限制")
    acceptance = LimitedTextField("验收方式与标准", SHORT_TEXT)
    ip_ownership = models.CharField("知识产权归属", max_length=20, choices=IpOwnership.choices)
    ip_terms = LimitedTextField("知识产权条款", SHORT_TEXT)
    confidential = models.BooleanField("揭榜材料保密", default=True,
                                       help_text="技术方案仅发榜单位、评审专家和科技局可见")
    trl = models.PositiveSmallIntegerField("要求技术成熟度（TRL）", validators=[MinValueValidator(1),
                                                                          MaxValueValidator(9)])
    industry_chain = models.ForeignKey("directory.IndustryChain", verbose_name="所属产业链", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    deadline = models.DateField("揭榜截止日期", null=True, blank=True)
    blind_review = models.BooleanField("盲评（专家看不到团队名称）", default=False)
    status = models.CharField("状态", max_length=20, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    publicity_starts_on = models.DateField("公示开始日期", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止日期", null=True, blank=True)
    # 立题审核 may merge two similar drafts: the merged-away one is closed with a link to the one that stays.
    merged_into = models.ForeignKey("self", verbose_name="已并入榜单", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_from")
    # Each entry into 验收 (the first, and each after 整改) starts a new round: only its verdicts count.
    acceptance_round = models.PositiveSmallIntegerField("验收轮次", default=0)

    class Meta:
        verbose_name = "榜单"
        verbose_name_plural = "榜单"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(released_total__lte=models.F("fiscal_support")),
                                   name="challenges_ledger_not_overdrawn"),
            models.CheckConstraint(condition=models.Q(released_total__gte=0), name="challenges_released_gte_0"),
            models.CheckConstraint(condition=models.Q(fiscal_support__lte=models.F("total_investment")),
                                   name="challenges_support_lte_total"),
        ]

    def __str__(self) -> str:
        return self.title

    def ledger_label(self) -> str:
        return "总额"

    @property
    def winner(self) -> Application | None:
        return self.applications.filter(status=ApplicationStatus.SELECTED).first()

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if action == "view":
            q = models.Q(status__in=PUBLIC_CHALLENGE_STATES)
            org = _org_id(user)
            if not org:
                return q
            # The issuer of a merged-away draft follows it into the 榜单 it was merged into (a subquery: no join).
            merged = Challenge.objects.filter(issuer_id=org, merged_into__isnull=False).values("merged_into_id")
            return q | models.Q(issuer_id=org) | models.Q(pk__in=merged)
        org = _org_id(user)
        return models.Q(issuer_id=org) if org else nothing()


class Indicator(BaseModel):
    """量化技术指标: one measurable target the team's plan must answer."""

    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.CASCADE,
                                  related_name="indicators")
    name = models.CharField("指标名称", max_length=100)
    target = models.CharField("目标值", max_length=100, help_text="可测量，如“≥ 98%”“≤ 5 毫秒”")

    class Meta:
        verbose_name = "量化技术指标"
        verbose_name_plural = "量化技术指标"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}：{self.target}"


class Criterion(BaseModel):
    """One line of the challenge's scorecard."""

    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("评分项", max_length=100)
    weight = models.DecimalField("权重", max_digits=4, decimal_places=2, default=Decimal(1),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    max_points = models.PositiveSmallIntegerField("满分", default=10, validators=[MinValueValidator(1)])
    comment_below = models.PositiveSmallIntegerField("低于该分须写评语", default=0)

    class Meta:
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Milestone(BaseModel):
    """里程碑: a dated step of the task with the share of the fiscal support it releases once its report passes."""

    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.CASCADE,
                                  related_name="milestones")
    title = models.CharField("里程碑", max_length=200)
    due_on = models.DateField("计划完成日期")
    share = models.DecimalField("拨付比例（%）", max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))])
    status = models.CharField("状态", max_length=20, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PLANNED, db_index=True)
    report = LimitedTextField("进展报告", SHORT_TEXT, blank=True)
    review_comment = LimitedTextField("评审意见", COMMENT, blank=True)

    class Meta:
        verbose_name = "里程碑"
        verbose_name_plural = "里程碑"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.title}"

    @property
    def amount(self) -> Decimal:
        return (self.challenge.fiscal_support * self.share / 100).quantize(Decimal("0.01"))

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        org = _org_id(user)
        if not org:
            return nothing()
        won = Application.objects.filter(lead_id=org, status=ApplicationStatus.SELECTED).values("challenge_id")
        return models.Q(challenge__issuer_id=org) | models.Q(challenge_id__in=won)


class Release(BaseModel):
    """The ledger: one row per milestone whose funds were released, written with the challenge's running total."""

    milestone = models.OneToOneField(Milestone, verbose_name="里程碑", on_delete=models.PROTECT,
                                     related_name="release")
    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.PROTECT, related_name="releases")
    amount = models.DecimalField("拨付金额（元）", max_digits=14, decimal_places=2)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "财政资金拨付台账"
        verbose_name_plural = "财政资金拨付台账"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="challenges_release_gt_0")]

    def __str__(self) -> str:
        return f"{self.milestone} 拨付 {self.amount} 元"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return nothing()


class Question(BaseModel):
    """答疑: anyone signed in asks about a published challenge; staff or the issuer answer; all see both."""

    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提问人", on_delete=models.PROTECT,
                                 related_name="+")
    question = LimitedTextField("问题", COMMENT)
    answer = LimitedTextField("答复", COMMENT, blank=True)

    class Meta:
        verbose_name = "答疑"
        verbose_name_plural = "答疑"
        ordering = ["created_at", "id"]


class Application(BaseModel):
    """揭榜报名: a team led by one organisation, with partners and members (no age or title limits)."""

    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.PROTECT,
                                  related_name="applications")
    team_name = models.CharField("团队名称", max_length=100)
    lead = models.ForeignKey("directory.Organisation", verbose_name="牵头单位", on_delete=models.PROTECT,
                             related_name="challenge_applications")
    partners = models.ManyToManyField("directory.Organisation", verbose_name="联合单位", blank=True,
                                      related_name="challenge_partnerships")
    plan = LimitedTextField("技术方案概述", LONG_TEXT)
    originality = models.BooleanField("原创性声明", default=False)
    status = models.CharField("状态", max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报名人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "揭榜报名"
        verbose_name_plural = "揭榜报名"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["challenge", "lead"], name="challenges_one_application")]

    def __str__(self) -> str:
        return f"{self.team_name}（{self.challenge}）"

    def organisation_ids(self) -> set[int]:
        """Every organisation of the team: lead, partners, and members' own units (for conflicts of interest)."""
        ids = {self.lead_id}
        ids.update(self.partners.values_list("pk", flat=True))
        ids.update(i for i in self.members.values_list("organisation_id", flat=True) if i)
        return ids

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        org, uid = _org_id(user), _user_id(user)
        if action != "view":
            return models.Q(lead_id=org) if org else nothing()
        q = nothing()
        if org:
            q = models.Q(lead_id=org) | models.Q(challenge__issuer_id=org)
        if uid:
            # A subquery, not a join: a join through the panel would repeat each application once per expert.
            panels = Assignment.objects.filter(expert__user_id=uid, status__in=ACTIVE_ASSIGNMENT_STATES)
            q |= models.Q(challenge_id__in=panels.values("challenge_id"))
        return q


class TeamMember(BaseModel):
    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.CASCADE,
                                    related_name="members")
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("团队角色", max_length=50, help_text="如：揭榜挂帅负责人、技术骨干")
    organisation = models.ForeignKey("directory.Organisation", verbose_name="所在单位", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "团队成员"
        verbose_name_plural = "团队成员"
        ordering = ["id"]


class IndicatorAnswer(BaseModel):
    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.CASCADE,
                                    related_name="answers")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="+")
    answer = LimitedTextField("响应方案", SHORT_TEXT)

    class Meta:
        verbose_name = "指标响应"
        verbose_name_plural = "指标响应"
        ordering = ["indicator_id"]
        constraints = [models.UniqueConstraint(fields=["application", "indicator"], name="challenges_one_answer")]


class Expert(BaseModel):
    """评审专家库: a directory person who reviews, with the account they sign in with."""

    person = models.OneToOneField("directory.Person", verbose_name="专家", on_delete=models.CASCADE,
                                  related_name="challenge_expert")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.CASCADE,
                                related_name="challenge_expert")
    declared_conflicts = models.ManyToManyField("directory.Organisation", verbose_name="申报回避单位", blank=True,
                                                related_name="+")

    class Meta:
        verbose_name = "评审专家"
        verbose_name_plural = "评审专家"

    def __str__(self) -> str:
        return str(self.person)

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return nothing()


class Assignment(BaseModel):
    """One expert on one challenge's panel, or recorded as excluded with the reason (conflict of interest)."""

    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.CASCADE,
                                  related_name="assignments")
    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.PROTECT, related_name="assignments")
    stage = models.CharField("评审环节", max_length=20, choices=AssignmentStage.choices,
                             default=AssignmentStage.REVIEW)
    status = models.CharField("状态", max_length=20, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED)
    excluded_reason = models.CharField("回避原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "专家评审分配"
        verbose_name_plural = "专家评审分配"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["challenge", "expert", "stage"],
                                               name="challenges_one_assignment_per_stage")]

    def __str__(self) -> str:
        return f"{self.expert}（{self.get_stage_display()}：{self.challenge}）"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        uid = _user_id(user)
        return models.Q(expert__user_id=uid) if uid else nothing()


class Review(BaseModel):
    """One expert's scores of one application: ``scores`` and ``comments`` keyed by criterion id (as text)."""

    assignment = models.ForeignKey(Assignment, verbose_name="评审分配", on_delete=models.CASCADE,
                                   related_name="reviews")
    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.CASCADE,
                                    related_name="reviews")
    scores = models.JSONField("各项得分", default=dict)
    comments = models.JSONField("各项评语", default=dict, blank=True)
    summary = LimitedTextField("总体评语", COMMENT, blank=True)

    class Meta:
        verbose_name = "专家评分"
        verbose_name_plural = "专家评分"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "application"], name="challenges_one_review")]

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        uid = _user_id(user)
        return models.Q(assignment__expert__user_id=uid) if uid else nothing()


class Invitation(BaseModel):
    """寻找揭榜方: staff invited a party the matching engine proposed (an achievement's holder, an expert's unit,
    a platform's host, an enterprise or institute); its members were notified."""

    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.CASCADE,
                                  related_name="invitations")
    kind = models.CharField("对象类型", max_length=20)
    target_pk = models.CharField("对象编号", max_length=40)
    title = models.CharField("邀请对象", max_length=300)
    organisation = models.ForeignKey("directory.Organisation", verbose_name="被邀请单位", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="邀请人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "揭榜邀请"
        verbose_name_plural = "揭榜邀请"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["challenge", "kind", "target_pk"],
                                               name="challenges_one_invitation")]

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return nothing()


class Objection(BaseModel):
    """公示异议: anyone signed in may object to the chosen team during the publicity period; 签约 waits until staff
    have resolved every one. The objector is seen by staff only."""

    challenge = models.ForeignKey(Challenge, verbose_name="榜单", on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="异议人", on_delete=models.PROTECT,
                                  related_name="+")
    content = LimitedTextField("异议内容", COMMENT)
    status = models.CharField("状态", max_length=20, default="open",
                              choices=[("open", "待处理"), ("dismissed", "异议不成立"), ("upheld", "异议成立")])
    resolution = LimitedTextField("处理意见", COMMENT, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["created_at", "id"]

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        uid = _user_id(user)
        return models.Q(raised_by_id=uid) if uid and action == "view" else nothing()


class AcceptanceReview(BaseModel):
    """验收意见: one acceptance expert's verdict, in one round, on the 验收方式与标准 and on each indicator.
    ``verdicts`` is keyed by ``"standard"`` and the indicator ids (as text): ``{"met": bool, "comment": str}``."""

    assignment = models.ForeignKey(Assignment, verbose_name="验收专家", on_delete=models.CASCADE,
                                   related_name="acceptance_reviews")
    round = models.PositiveSmallIntegerField("验收轮次")
    verdicts = models.JSONField("各项结论", default=dict)
    summary = LimitedTextField("验收意见", COMMENT, blank=True)

    class Meta:
        verbose_name = "专家验收意见"
        verbose_name_plural = "专家验收意见"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "round"], name="challenges_one_verdict")]

    @property
    def passed(self) -> bool:
        return bool(self.verdicts) and all(v.get("met") for v in self.verdicts.values())

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        uid = _user_id(user)
        return models.Q(assignment__expert__user_id=uid) if uid else nothing()


class MilestoneFile(BaseModel):
    """A file of a milestone report (test report, photos, data): the issuer, the winning team, the challenge's
    assigned experts and staff may download it; nobody else learns it exists."""

    milestone = models.ForeignKey(Milestone, verbose_name="里程碑", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to="challenges/%Y/", validators=[validate_milestone_file])
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "里程碑材料"
        verbose_name_plural = "里程碑材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if action != "view":
            return nothing()  # uploads go through the service, which checks the winning team itself
        org, uid = _org_id(user), _user_id(user)
        q = nothing()
        if org:
            won = Application.objects.filter(lead_id=org, status=ApplicationStatus.SELECTED).values("challenge_id")
            q = models.Q(milestone__challenge__issuer_id=org) | models.Q(milestone__challenge_id__in=won)
        if uid:
            panels = Assignment.objects.filter(expert__user_id=uid, status__in=ACTIVE_ASSIGNMENT_STATES)
            q |= models.Q(milestone__challenge_id__in=panels.values("challenge_id"))
        return q
