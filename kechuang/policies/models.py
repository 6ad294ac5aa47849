"""Policy platform models: an organisation's extra facts, the 免申即享 push list, applications, budgets, payouts.

The policies and measures themselves are not tables: they are the rule files of ``kechuang.rules`` (one YAML per
policy document), so a measure is referred to by its stable ``measure_id``. Money is integer yuan throughout.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kechuang.core.fields import COMMENT, SHORT_TEXT, LimitedTextField
from kechuang.core.ledger import LockedBudget
from kechuang.core.models import BaseModel
from kechuang.core.permissions import member_q, nothing
from kechuang.policies.choices import (
    OPEN_APPLICATION_STATES,
    ApplicationStatus,
    Collection,
    ObjectionStatus,
    PushStatus,
)


def _own_org_q(user: Any, field: str = "organisation") -> models.Q:
    """Members act for their own organisation only; everyone else gets nothing (bureau is handled in restrict)."""
    return member_q(user, field)


class FactSheet(BaseModel):
    """Scalar facts the directory does not hold, stated by the organisation itself for the 政策计算器.

    A blank value means "unknown" (the engine then says 待定 and lists it), never "no" or zero.
    """

    organisation = models.OneToOneField(
        "directory.Organisation", verbose_name="机构", on_delete=models.CASCADE, related_name="policy_facts"
    )
    kind = models.CharField("主体类型（政策口径）", max_length=30, blank=True,
                            help_text="留空则按创新资源库中的机构类型推定")
    is_tech_sme = models.BooleanField("是否科技型中小企业", null=True, blank=True)
    is_state_owned = models.BooleanField("是否国有企业", null=True, blank=True)
    public_welfare_class = models.CharField("事业单位公益类别", max_length=10, blank=True)
    innovation_spending_increase = models.BigIntegerField("科技创新支出年度增量（元）", null=True, blank=True)
    non_fiscal_construction_expenditure = models.BigIntegerField(
        "当年非财政投入机构建设经费支出（元）", null=True, blank=True)
    horizontal_contract_net_income = models.BigIntegerField("横向项目技术合同净收入（元）", null=True, blank=True)
    # Collections the organisation has confirmed are complete. The engine reads a present list as complete, so an
    # unconfirmed, empty collection must stay absent (待定) instead of quietly meaning "has none" (不符合).
    complete_collections = models.JSONField("已确认完整的记录类别", default=list, blank=True)

    class Meta:
        verbose_name = "政策事实表"
        verbose_name_plural = "政策事实表"

    def __str__(self) -> str:
        return f"{self.organisation}的政策事实"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return _own_org_q(user)


class FactRecord(BaseModel):
    """One dated fact the organisation adds: a project with its investment, an award, a hire, a grant, or a
    recognition the directory does not hold. ``values`` holds the collection's extra fields (investment, amount,
    annual_pay, …) under the engine's field names, validated by the engine's ``Profile.from_dict`` on save."""

    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name="机构", on_delete=models.CASCADE, related_name="policy_records"
    )
    collection = models.CharField("记录类别", max_length=20, choices=Collection.choices)
    type = models.CharField("类型", max_length=50)
    level = models.CharField("级别", max_length=20, blank=True)
    date = models.DateField("日期")
    values = models.JSONField("其他字段", default=dict, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "政策事实记录"
        verbose_name_plural = "政策事实记录"
        ordering = ["collection", "date", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_collection_display()} {self.type} {self.date}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return _own_org_q(user)


class Push(BaseModel):
    """免申即享: one (organisation × measure × amount) line found by the batch job, reviewed by staff."""

    job = models.ForeignKey("core.Job", verbose_name="批量任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name="机构", on_delete=models.CASCADE, related_name="policy_pushes"
    )
    measure_id = models.CharField("措施编号", max_length=100, db_index=True)
    measure_title = models.CharField("措施名称", max_length=200)
    clause = models.CharField("条款", max_length=20, blank=True)
    amount_min = models.BigIntegerField("金额下限（元）", null=True, blank=True)
    amount_max = models.BigIntegerField("金额上限（元）", null=True, blank=True)
    payout_years = models.PositiveSmallIntegerField("按年兑现年数", null=True, blank=True,
                                                    help_text="按年兑现的措施：金额为每年金额")
    as_of = models.DateField("评估日期")
    trace = models.JSONField("判断依据", default=list, blank=True)
    # Facts behind this line that the organisation stated itself (not the directory): staff check them first.
    self_declared = models.JSONField("本单位自报的依据", default=list, blank=True)
    status = models.CharField("状态", max_length=20, choices=PushStatus.choices, default=PushStatus.PENDING,
                              db_index=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    comment = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "免申即享推送"
        verbose_name_plural = "免申即享推送"
        ordering = ["-created_at", "id"]
        constraints = [
            # One line per organisation and measure: a re-run refreshes it instead of pushing twice.
            models.UniqueConstraint(fields=["organisation", "measure_id"], name="policies_push_org_measure"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.measure_title}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # The organisation sees only what staff decided to push to it; it never changes a push directly.
        if action == "view":
            return _own_org_q(user) & models.Q(status__in=[PushStatus.APPROVED, PushStatus.APPLIED])
        return nothing()


class Application(BaseModel):
    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name="申报单位", on_delete=models.PROTECT, related_name="policy_applications"
    )
    measure_id = models.CharField("措施编号", max_length=100, db_index=True)
    measure_title = models.CharField("措施名称", max_length=200)
    year = models.PositiveIntegerField("年度", db_index=True)
    # What the one-open-application rule counts per (rules.period_key): "once" for a one-time award, else the
    # year. Set by the service from the measure, so the database constraint below holds for both kinds.
    period_key = models.CharField("申报周期", max_length=10, default="", editable=False)
    amount_requested = models.BigIntegerField("申请金额（元）")
    amount_approved = models.BigIntegerField("核定金额（元）", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    description = LimitedTextField("申报说明", SHORT_TEXT, blank=True)
    reject_reason = LimitedTextField("驳回理由", COMMENT, blank=True)
    push = models.ForeignKey(Push, verbose_name="来源推送", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="applications")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # What the engine said when the application was made: the reviewer sees the same reasons as the applicant.
    evaluation = models.JSONField("申报时的计算结果", default=dict, blank=True)
    # 公示期: set by the workflow when the application enters 公示 (both days included); 兑现 only after it.
    publicity_starts_on = models.DateField("公示开始日期", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止日期", null=True, blank=True)

    class Meta:
        verbose_name = "政策兑现申报"
        verbose_name_plural = "政策兑现申报"
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open application per organisation, measure and year: the service says so politely, the
            # database makes sure two simultaneous submissions cannot both get through.
            # period_key, not year: a one-time award cannot be applied for again by typing another year.
            models.UniqueConstraint(
                fields=["organisation", "measure_id", "period_key"], name="policies_app_one_open_per_period",
                condition=models.Q(status__in=[str(s) for s in OPEN_APPLICATION_STATES])),
            models.CheckConstraint(condition=models.Q(amount_requested__gte=0), name="policies_app_requested_gte_0"),
            models.CheckConstraint(condition=models.Q(amount_approved__gte=0) | models.Q(amount_approved__isnull=True),
                                   name="policies_app_approved_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.measure_title}（{self.year}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.period_key:  # every path that creates a row (service, demo, admin) gets the same key
            from kechuang.policies import rules

            measure = rules.measure_or_none(self.measure_id)
            self.period_key = rules.period_key(measure, self.year) if measure else str(self.year)
        super().save(*args, **kwargs)

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # Members see their own organisation's applications; only bureau staff move them along (restrict lets
        # the bureau through before this is asked).
        if action == "view":
            return _own_org_q(user)
        return nothing()


class Budget(LockedBudget):
    """The money set aside for one measure in one year. ``paid_total`` only grows inside ``ledger.draw`` under a
    row lock; the check constraint is the database's own guarantee that it never passes ``amount``."""

    measure_id = models.CharField("措施编号", max_length=100)
    year = models.PositiveIntegerField("年度")
    amount = models.BigIntegerField("预算金额（元）")
    paid_total = models.BigIntegerField("已兑现金额（元）", default=0)

    class Meta:
        verbose_name = "政策预算"
        verbose_name_plural = "政策预算"
        ordering = ["-year", "measure_id"]
        constraints = [
            models.UniqueConstraint(fields=["measure_id", "year"], name="policies_budget_measure_year"),
            models.CheckConstraint(condition=models.Q(paid_total__lte=models.F("amount")),
                                   name="policies_budget_not_exceeded"),
            models.CheckConstraint(condition=models.Q(paid_total__gte=0), name="policies_budget_paid_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.year}年预算"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return nothing()  # budgets are the bureau's own business


class Payout(BaseModel):
    """The payout ledger: one row per paid application, written in the same transaction as the budget update."""

    application = models.OneToOneField(Application, verbose_name="申报", on_delete=models.PROTECT,
                                       related_name="payout")
    budget = models.ForeignKey(Budget, verbose_name="预算", on_delete=models.PROTECT, related_name="payouts")
    amount = models.BigIntegerField("兑现金额（元）")
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "兑现台账"
        verbose_name_plural = "兑现台账"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="policies_payout_gt_0")]

    def __str__(self) -> str:
        return f"{self.application} 兑现 {self.amount} 元"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if action == "view":
            return _own_org_q(user, "application__organisation")
        return nothing()


class Objection(BaseModel):
    """异议: anyone signed in may object to an application during its 公示期; staff must resolve every objection
    (成立 → back to 审核 or 驳回; 不成立 → the application continues) before it can be paid.

    The objector and the contact are seen by the objector and bureau staff only, never on the public list.
    """

    application = models.ForeignKey(Application, verbose_name="申报", on_delete=models.PROTECT,
                                    related_name="objections")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="异议人", on_delete=models.PROTECT,
                                  related_name="+")
    content = LimitedTextField("异议内容", SHORT_TEXT)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN,
                              db_index=True)
    resolution = LimitedTextField("处理意见", COMMENT, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"对“{self.application}”的异议（{self.get_status_display()}）"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # The objector sees its own objections; staff see all (restrict lets the bureau through); nobody else.
        if action == "view" and getattr(user, "is_authenticated", False):
            return models.Q(raised_by_id=user.pk)
        return nothing()
