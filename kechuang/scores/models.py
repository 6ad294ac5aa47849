"""Stored scores and 积分贷/积分保.

A score model version is stored as the engine's model dict and never edited: staff make a new version. A
scoring run stores one result per enterprise with the version it used, and results are never recomputed in
place — a new run adds new rows, so a bank's or an enterprise's past score stays what it was when it was given.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kechuang.core.fields import COMMENT, LimitedTextField
from kechuang.core.models import BaseModel
from kechuang.core.permissions import nothing
from kechuang.scores.choices import ConsentStatus, FlagStatus, InstitutionKind, LoanKind


def _org_member_q(user: Any, field: str = "organisation") -> models.Q:
    org_id = getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None
    if org_id is None:
        return nothing()
    return models.Q(**{f"{field}_id": org_id})


def _institution_q(user: Any, field: str) -> models.Q:
    """Members of a bank or insurer see what belongs to their institution."""
    if not getattr(user, "is_authenticated", False):
        return nothing()
    return models.Q(**{f"{field}__members": user})


class ScoreModelVersion(BaseModel):
    model_id = models.CharField("模型标识", max_length=50)
    version = models.CharField("版本", max_length=30)
    name = models.CharField("模型名称", max_length=100)
    effective_from = models.DateField("生效日期")
    definition = models.JSONField("模型定义", help_text="积分引擎的模型（指标、计分方式、各阶段权重、档次）")
    is_active = models.BooleanField("当前使用", default=False)
    note = models.CharField("修订说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "积分模型版本"
        verbose_name_plural = "积分模型版本"
        ordering = ["-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["model_id", "version"], name="score_model_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class ScoreRun(BaseModel):
    model_version = models.ForeignKey(ScoreModelVersion, verbose_name="模型版本", on_delete=models.PROTECT,
                                      related_name="runs")
    as_of = models.DateField("评价日期")
    enterprise_count = models.PositiveIntegerField("企业数", default=0)

    class Meta:
        verbose_name = "积分计算批次"
        verbose_name_plural = "积分计算批次"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.model_version}"


class ScoreResult(BaseModel):
    run = models.ForeignKey(ScoreRun, verbose_name="计算批次", on_delete=models.PROTECT, related_name="results")
    organisation = models.ForeignKey("directory.Organisation", verbose_name="企业", on_delete=models.CASCADE,
                                     related_name="score_results")
    model_version = models.ForeignKey(ScoreModelVersion, verbose_name="模型版本", on_delete=models.PROTECT,
                                      related_name="results")
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    stage = models.CharField("阶段", max_length=20)
    stage_label = models.CharField("阶段名称", max_length=20)
    tier = models.CharField("档次", max_length=10, db_index=True)
    tier_label = models.CharField("档次名称", max_length=20)
    percentile = models.DecimalField("同阶段百分位", max_digits=5, decimal_places=1)
    result = models.JSONField("积分明细", help_text="积分引擎的评价结果：每项指标的事实、来源、得分与理由")
    profile = models.JSONField("所用事实", help_text="计分时所用的企业事实及其来源")

    class Meta:
        verbose_name = "企业积分结果"
        verbose_name_plural = "企业积分结果"
        ordering = ["-run_id", "-total"]
        constraints = [models.UniqueConstraint(fields=["run", "organisation"], name="score_result_once_per_run")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.total}分"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if action != "view" or not getattr(user, "is_authenticated", False):
            return nothing()
        # Own organisation; a bank or insurer only where the enterprise consents to it now.
        consenting = Consent.objects.filter(status=ConsentStatus.ACTIVE, institution__members=user)
        return _org_member_q(user) | models.Q(organisation_id__in=consenting.values("organisation_id"))


class FactFlag(BaseModel):
    """An enterprise says a fact used in its score is wrong; staff correct it at the source or reject."""

    organisation = models.ForeignKey("directory.Organisation", verbose_name="企业", on_delete=models.CASCADE,
                                     related_name="score_flags")
    result = models.ForeignKey(ScoreResult, verbose_name="积分结果", on_delete=models.PROTECT, related_name="flags")
    fact = models.CharField("事实", max_length=50)
    fact_label = models.CharField("指标", max_length=100)
    comment = LimitedTextField("说明", COMMENT, help_text="哪里不对、正确的数值及依据")
    status = models.CharField("状态", max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN,
                              db_index=True)
    resolution = LimitedTextField("处理意见", COMMENT, blank=True)

    class Meta:
        verbose_name = "积分数据异议"
        verbose_name_plural = "积分数据异议"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.organisation}：{self.fact_label}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return _org_member_q(user)


class FinancialInstitution(BaseModel):
    name = models.CharField("机构名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=InstitutionKind.choices)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="工作人员", blank=True,
                                     related_name="financial_institutions")

    class Meta:
        verbose_name = "合作金融机构"
        verbose_name_plural = "合作金融机构"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Consent(BaseModel):
    """An enterprise agrees that one named bank or insurer may see its score (积分贷/积分保); revocable."""

    organisation = models.ForeignKey("directory.Organisation", verbose_name="企业", on_delete=models.CASCADE,
                                     related_name="score_consents")
    institution = models.ForeignKey(FinancialInstitution, verbose_name="金融机构", on_delete=models.PROTECT,
                                    related_name="consents")
    status = models.CharField("状态", max_length=20, choices=ConsentStatus.choices, default=ConsentStatus.ACTIVE,
                              db_index=True)
    granted_on = models.DateField("授权日期")
    revoked_on = models.DateField("撤回日期", null=True, blank=True)

    class Meta:
        verbose_name = "积分授权"
        verbose_name_plural = "积分授权"
        ordering = ["-granted_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "institution"],
                                               condition=models.Q(status="active"), name="one_active_consent")]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.institution}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return _org_member_q(user)


class Loan(BaseModel):
    """授信、放款 or 承保 recorded by a bank or insurer against an enterprise's score."""

    institution = models.ForeignKey(FinancialInstitution, verbose_name="金融机构", on_delete=models.PROTECT,
                                    related_name="loans")
    organisation = models.ForeignKey("directory.Organisation", verbose_name="企业", on_delete=models.PROTECT,
                                     related_name="score_loans")
    result = models.ForeignKey(ScoreResult, verbose_name="依据的积分结果", on_delete=models.PROTECT,
                               related_name="loans")
    kind = models.CharField("业务类型", max_length=20, choices=LoanKind.choices)
    amount = models.DecimalField("金额（万元）", max_digits=12, decimal_places=2)
    date = models.DateField("日期")
    product = models.CharField("产品名称", max_length=100)

    class Meta:
        verbose_name = "积分贷/积分保业务"
        verbose_name_plural = "积分贷/积分保业务"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.institution} {self.get_kind_display()} {self.organisation}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if action == "view":
            return _org_member_q(user) | _institution_q(user, "institution")
        return _institution_q(user, "institution")
