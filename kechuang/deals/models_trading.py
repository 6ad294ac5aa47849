"""Listed trading (挂牌交易) with bidding (竞价), and transaction disclosure (交易信息公示) with objections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from kechuang.core.fields import COMMENT, SHORT_TEXT, LimitedTextField
from kechuang.core.models import BaseModel
from kechuang.core.permissions import nothing
from kechuang.deals.choices import (
    DealMode,
    DepositStatus,
    DisclosureKind,
    ListingStatus,
    ObjectionStatus,
    RegistrationStatus,
)


class TradeListing(BaseModel):
    achievement = models.ForeignKey("market.Achievement", verbose_name="挂牌成果", on_delete=models.PROTECT,
                                    related_name="trade_listings")
    mode = models.CharField("交易方式", max_length=20, choices=DealMode.choices, default=DealMode.TRANSFER)
    status = models.CharField("状态", max_length=20, choices=ListingStatus.choices, default=ListingStatus.DRAFT,
                              db_index=True)
    reserve_price = models.PositiveBigIntegerField("挂牌底价（元）")
    deposit = models.PositiveBigIntegerField("竞买保证金（元）", default=0)
    step = models.PositiveBigIntegerField("加价幅度（元）")
    starts_at = models.DateTimeField("竞价开始时间")
    ends_at = models.DateTimeField("竞价截止时间", help_text="限时竞价阶段出价会顺延")
    extension_minutes = models.PositiveSmallIntegerField("延时周期（分钟）", default=5,
                                                         help_text="截止前该分钟数内有人出价，截止时间顺延同样分钟数")
    current_price = models.PositiveBigIntegerField("当前最高价（元）", null=True, blank=True)
    leader = models.ForeignKey("deals.BidderRegistration", verbose_name="当前领先竞买人", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    bid_count = models.PositiveIntegerField("出价次数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="挂牌人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "挂牌交易"
        verbose_name_plural = "挂牌交易"
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="listing_window_not_empty")]

    def __str__(self) -> str:
        return f"{self.achievement}（挂牌）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("deals:listing_detail", args=[self.pk])

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # Listings are public once published; the draft is the staff's.
        if action == "view":
            return ~models.Q(status=ListingStatus.DRAFT)
        return nothing()

    @property
    def minimum_bid(self) -> int:
        return self.reserve_price if self.current_price is None else self.current_price + self.step

    def is_bidding(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == ListingStatus.OPEN and self.starts_at <= now < self.ends_at


class BidderRegistration(BaseModel):
    listing = models.ForeignKey(TradeListing, verbose_name="挂牌交易", on_delete=models.CASCADE,
                                related_name="registrations")
    organisation = models.ForeignKey("directory.Organisation", verbose_name="竞买单位", on_delete=models.PROTECT,
                                     related_name="bidder_registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报名人", on_delete=models.PROTECT,
                             related_name="+")
    status = models.CharField("审核状态", max_length=20, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING, db_index=True)
    deposit_status = models.CharField("保证金", max_length=20, choices=DepositStatus.choices,
                                      default=DepositStatus.PAID)

    class Meta:
        verbose_name = "竞买报名"
        verbose_name_plural = "竞买报名"
        constraints = [models.UniqueConstraint(fields=["listing", "organisation"], name="one_registration_per_org")]

    def __str__(self) -> str:
        return f"{self.organisation}（{self.get_status_display()}）"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        org_id = getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None
        return models.Q(organisation_id=org_id) if org_id else nothing()


class Bid(BaseModel):
    listing = models.ForeignKey(TradeListing, verbose_name="挂牌交易", on_delete=models.CASCADE, related_name="bids")
    registration = models.ForeignKey(BidderRegistration, verbose_name="竞买人", on_delete=models.PROTECT,
                                     related_name="bids")
    amount = models.PositiveBigIntegerField("出价（元）")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="出价人", on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        verbose_name = "出价"
        verbose_name_plural = "出价"
        ordering = ["-amount", "id"]
        # Two bids of one amount on one listing cannot both be accepted: the database itself says no.
        constraints = [models.UniqueConstraint(fields=["listing", "amount"], name="one_bid_per_amount")]

    def __str__(self) -> str:
        return f"{self.amount} 元"


class Disclosure(BaseModel):
    kind = models.CharField("公示类型", max_length=20, choices=DisclosureKind.choices, default=DisclosureKind.RESULT)
    achievement = models.ForeignKey("market.Achievement", verbose_name="科技成果", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="disclosures")
    title = models.CharField("成果名称", max_length=300)
    seller_name = models.CharField("成果方", max_length=200)
    buyer_name = models.CharField("受让方", max_length=200, blank=True)
    price_yuan = models.PositiveBigIntegerField("价格（元）", null=True, blank=True)
    mode = models.CharField("交易方式", max_length=20, choices=DealMode.choices, blank=True)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止")
    deal = models.ForeignKey("deals.Deal", verbose_name="商洽", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="disclosures")
    listing = models.ForeignKey(TradeListing, verbose_name="挂牌交易", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="disclosures")

    class Meta:
        verbose_name = "交易信息公示"
        verbose_name_plural = "交易信息公示"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("deals:disclosure_detail", args=[self.pk])

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return None if action == "view" else nothing()

    @property
    def in_period(self) -> bool:
        return self.starts_on <= timezone.localdate() <= self.ends_on


class Objection(BaseModel):
    disclosure = models.ForeignKey(Disclosure, verbose_name="公示", on_delete=models.CASCADE,
                                   related_name="objections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="异议人", on_delete=models.PROTECT,
                               related_name="+")
    text = LimitedTextField("异议内容", SHORT_TEXT)
    status = models.CharField("处理状态", max_length=20, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN, db_index=True)
    resolution = LimitedTextField("处理意见", COMMENT, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:40]

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # The author sees their own; staff see all. Objections are not public (they may name people).
        if getattr(user, "is_authenticated", False):
            return models.Q(author_id=user.pk)
        return nothing()
