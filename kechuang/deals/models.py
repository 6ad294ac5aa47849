"""Deals (商洽): a broker carrying a match to a registered technology contract.

A deal links the two parties (the enterprise that needs the technology and the institute — or any organisation —
that holds it), the demand and/or achievement it started from, and the broker. Its stage changes only through
``workflow.transition()``; the contract link is kept here (``Deal.contract``) so the contracts app does not know
about deals. Listed trading, bids and disclosures live in ``models_trading`` (imported below for Django).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from kechuang.core.fields import SHORT_TEXT, LimitedTextField
from kechuang.core.models import BaseModel
from kechuang.core.permissions import nothing
from kechuang.deals.choices import BrokerGrade, DealMode, Origin, Stage, TerminationReason

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png")


def validate_deal_file(value: Any) -> None:
    name = (getattr(value, "name", "") or "").lower()
    if not name.endswith(FILE_TYPES):
        raise ValidationError("附件只接受 PDF、Word、Excel、JPG 或 PNG 文件")
    if getattr(value, "size", 0) > MAX_FILE_BYTES:
        raise ValidationError("附件不能超过 10 MB")


def is_broker(user: Any) -> bool:
    from kechuang.accounts.choices import Role

    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", None) == Role.BROKER)


class Deal(BaseModel):
    title = models.CharField("商洽名称", max_length=300)
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.INTENT, db_index=True)
    enterprise = models.ForeignKey("directory.Organisation", verbose_name="需求方（企业）", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="deals_as_buyer")
    institute = models.ForeignKey("directory.Organisation", verbose_name="成果方（高校院所等）", null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="deals_as_seller")
    demand = models.ForeignKey("market.Demand", verbose_name="技术需求", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="deals")
    achievement = models.ForeignKey("market.Achievement", verbose_name="科技成果", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="deals")
    broker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="技术经理人", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="broker_deals")
    origin = models.CharField("来源", max_length=20, choices=Origin.choices, default=Origin.QUEUE)
    match_rank = models.PositiveSmallIntegerField("推荐名次", null=True, blank=True)
    next_action = models.CharField("下一步工作", max_length=200, blank=True)
    next_action_on = models.DateField("下一步工作日期", null=True, blank=True, db_index=True)
    # The next-action date that has been reminded (kechuang.deals.reminders): equal to next_action_on once its
    # reminder went out, so a sweep never reminds the same date twice and a new date re-arms the reminder.
    next_action_reminded_on = models.DateField("已提醒的下一步工作日期", null=True, blank=True, editable=False)
    mode = models.CharField("交易方式", max_length=20, choices=DealMode.choices, blank=True)
    price_yuan = models.PositiveBigIntegerField("成交价格（元）", null=True, blank=True)
    pricing = models.CharField("定价方式", max_length=20, blank=True)
    termination_reason = models.CharField("终止原因", max_length=20, choices=TerminationReason.choices, blank=True)
    contract = models.ForeignKey("contracts.Contract", verbose_name="技术合同", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="deals")
    stage_entered_at = models.DateTimeField("进入本阶段时间", null=True, blank=True)
    signed_at = models.DateTimeField("签约时间", null=True, blank=True)
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    status_field = "stage"

    class Meta:
        verbose_name = "商洽"
        verbose_name_plural = "商洽"
        ordering = ["-id"]
        indexes = [models.Index(fields=["broker", "stage"], name="deal_broker_stage")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("deals:detail", args=[self.pk])

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        """The two parties' members and the deal's broker see and work on it; nobody else (bureau staff pass
        through ``restrict``)."""
        if not getattr(user, "is_authenticated", False):
            return nothing()
        q = models.Q(broker_id=user.pk)
        org_id = getattr(user, "organisation_id", None)
        if org_id:
            q |= models.Q(enterprise_id=org_id) | models.Q(institute_id=org_id)
        return q

    @property
    def is_open(self) -> bool:
        return self.stage in (Stage.INTENT, Stage.CONTACTING, Stage.NEGOTIATING)

    def is_party(self, user: Any) -> bool:
        org_id = getattr(user, "organisation_id", None)
        return bool(org_id) and org_id in (self.enterprise_id, self.institute_id)


class DealNote(BaseModel):
    deal = models.ForeignKey(Deal, verbose_name="商洽", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                               related_name="+")
    text = LimitedTextField("记录内容", SHORT_TEXT)
    file = models.FileField("附件", upload_to="deals/%Y/", blank=True, validators=[validate_deal_file])

    class Meta:
        verbose_name = "商洽记录"
        verbose_name_plural = "商洽记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        q = Deal.permission_q(user, action)
        return None if q is None else models.Q(deal__in=Deal.objects.filter(q))


class BrokerProfile(BaseModel):
    """技术经理人 grade and fields, keyed to the broker's account (the directory keeps people, not accounts)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="技术经理人", on_delete=models.CASCADE,
                                related_name="broker_profile")
    grade = models.CharField("技术经理人等级", max_length=20, choices=BrokerGrade.choices, default=BrokerGrade.JUNIOR)
    industries = models.JSONField("服务领域（所属产业）", default=list, blank=True)

    class Meta:
        verbose_name = "技术经理人档案"
        verbose_name_plural = "技术经理人档案"

    def __str__(self) -> str:
        return f"{self.user}（{self.get_grade_display()}技术经理人）"


class DemandAssignment(BaseModel):
    """Which broker serves a published demand: assigned by staff or claimed by the broker."""

    demand = models.OneToOneField("market.Demand", verbose_name="技术需求", on_delete=models.CASCADE,
                                  related_name="assignment")
    broker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="技术经理人", on_delete=models.CASCADE,
                               related_name="assigned_demands")
    claimed = models.BooleanField("经理人认领", default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="分派人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "需求分派"
        verbose_name_plural = "需求分派"

    def __str__(self) -> str:
        return f"{self.demand} → {self.broker}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if getattr(user, "is_authenticated", False):
            return models.Q(broker_id=user.pk)
        return nothing()


from kechuang.deals.models_events import EventRegistration, MatchEvent, Meeting  # noqa: E402,F401
from kechuang.deals.models_stats import FeedbackAuthorMonth, FeedbackDemandMonth  # noqa: E402,F401
from kechuang.deals.models_trading import (  # noqa: E402,F401  (Django finds models through this module)
    Bid,
    BidderRegistration,
    Disclosure,
    Objection,
    TradeListing,
)
