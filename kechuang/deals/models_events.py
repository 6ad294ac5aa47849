"""Matchmaking events (对接活动, e.g. 校企双进·找矿挖宝): registrations, proposed meetings and their outcomes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kechuang.core.models import BaseModel
from kechuang.core.permissions import nothing
from kechuang.deals.choices import MeetingOutcome


class MatchEvent(BaseModel):
    title = models.CharField("活动名称", max_length=200)
    theme = models.CharField("活动主题", max_length=300, blank=True)
    chains = models.ManyToManyField("directory.IndustryChain", verbose_name="产业链", blank=True, related_name="+")
    starts_at = models.DateTimeField("活动时间")
    place = models.CharField("地点", max_length=200, blank=True, help_text="线上活动填“线上”")
    online = models.BooleanField("线上活动", default=False)
    capacity = models.PositiveIntegerField("名额（单位数）", default=50)
    slot_minutes = models.PositiveSmallIntegerField("每场洽谈（分钟）", default=20)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "对接活动"
        verbose_name_plural = "对接活动"
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("deals:event_detail", args=[self.pk])


class EventRegistration(BaseModel):
    event = models.ForeignKey(MatchEvent, verbose_name="对接活动", on_delete=models.CASCADE,
                              related_name="registrations")
    organisation = models.ForeignKey("directory.Organisation", verbose_name="参会单位", on_delete=models.PROTECT,
                                     related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报名人", on_delete=models.PROTECT,
                             related_name="+")
    brings = models.CharField("带来什么（成果、技术、设备）", max_length=500, blank=True)
    seeks = models.CharField("寻找什么（需求、合作）", max_length=500, blank=True)
    demand = models.ForeignKey("market.Demand", verbose_name="携带的技术需求", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        constraints = [models.UniqueConstraint(fields=["event", "organisation"], name="one_event_registration")]

    def __str__(self) -> str:
        return str(self.organisation)

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        org_id = getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None
        return models.Q(organisation_id=org_id) if org_id else nothing()


class Meeting(BaseModel):
    event = models.ForeignKey(MatchEvent, verbose_name="对接活动", on_delete=models.CASCADE, related_name="meetings")
    seeker = models.ForeignKey(EventRegistration, verbose_name="需求方", on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(EventRegistration, verbose_name="成果方", on_delete=models.CASCADE, related_name="+")
    demand = models.ForeignKey("market.Demand", verbose_name="技术需求", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    achievement = models.ForeignKey("market.Achievement", verbose_name="科技成果", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    slot = models.PositiveSmallIntegerField("场次")
    starts_at = models.DateTimeField("洽谈时间")
    relevance_band = models.CharField("相关度", max_length=4, blank=True)
    outcome = models.CharField("洽谈结果", max_length=20, choices=MeetingOutcome.choices,
                               default=MeetingOutcome.PENDING)
    deal = models.ForeignKey("deals.Deal", verbose_name="转入商洽", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        verbose_name = "活动洽谈"
        verbose_name_plural = "活动洽谈"
        ordering = ["slot", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "seeker", "holder", "achievement"],
                                               name="one_meeting_per_pair")]

    def __str__(self) -> str:
        return f"{self.seeker} × {self.holder}"
