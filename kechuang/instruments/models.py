"""Shared instruments (大型科研仪器开放共享): service settings of a directory instrument, bookings, the post-use
subsidy (先用后补) scheme with its claims and payout ledger.

The directory's ``Instrument`` is not changed: ``ServiceSettings`` is its one-to-one companion. Money is integer
yuan; times are aware datetimes.

No two bookings of one instrument overlap while they hold their slot (待审批, 已批准): on PostgreSQL an exclusion
constraint (migration 0002, btree_gist); on every database the booking service first takes the write lock on
the instrument's settings row (``services.book``) so concurrent requests are checked one after the other.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from kechuang.core.fields import COMMENT, SHORT_TEXT, LimitedTextField
from kechuang.core.ledger import LockedBudget
from kechuang.core.models import BaseModel
from kechuang.core.permissions import nothing
from kechuang.instruments.choices import BookingStatus, ChargeBasis, ClaimStatus, PriceGroup


def _org_id(user: Any) -> int | None:
    return getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None


def cost_recovery_hourly_rate(value_yuan: int, depreciation_years: int, rated_hours_per_year: int) -> int:
    """成本补偿法: hourly rate = instrument value ÷ (depreciation years × rated hours a year), rounded up to a yuan."""
    if value_yuan <= 0 or depreciation_years <= 0 or rated_hours_per_year <= 0:
        raise ValueError("原值、折旧年限和年额定机时都应为正数")
    return math.ceil(value_yuan / (depreciation_years * rated_hours_per_year))


def default_opening_hours() -> dict[str, list[list[str]]]:
    # Monday (0) to Friday (4), 08:30–12:00 and 14:00–18:00.
    return {str(d): [["08:30", "12:00"], ["14:00", "18:00"]] for d in range(5)}


class ServiceSettings(BaseModel):
    """How one directory instrument is shared: rules of booking, prices, operators."""

    instrument = models.OneToOneField("directory.Instrument", verbose_name="仪器", on_delete=models.CASCADE,
                                      related_name="service")
    bookable = models.BooleanField("开放预约", default=True)
    approval_required = models.BooleanField("需管理方审批", default=True,
                                            help_text="不勾选则预约提交即生效")
    opening_hours = models.JSONField("每周开放时段", default=default_opening_hours, blank=True,
                                     help_text="星期（0为周一）→ 时段列表，如 {\"0\": [[\"08:30\", \"12:00\"]]}")
    min_minutes = models.PositiveIntegerField("最短预约时长（分钟）", default=30)
    max_minutes = models.PositiveIntegerField("最长预约时长（分钟）", default=480)
    granularity_minutes = models.PositiveIntegerField("预约时间粒度（分钟）", default=30)
    lead_hours = models.PositiveIntegerField("最少提前预约（小时）", default=24)
    rate_internal = models.PositiveIntegerField("校内/院内机时费（元/小时）", default=0)
    rate_academic = models.PositiveIntegerField("其他高校院所机时费（元/小时）", default=0)
    rate_enterprise = models.PositiveIntegerField("企业机时费（元/小时）", default=0)
    charge_basis = models.CharField("计费方式", max_length=10, choices=ChargeBasis.choices,
                                    default=ChargeBasis.GREATER)
    free_cancel_hours = models.PositiveIntegerField("免费取消时限（开始前小时数）", default=48)
    late_cancel_percent = models.PositiveSmallIntegerField("逾期取消收费比例（%）", default=50)
    very_late_cancel_hours = models.PositiveIntegerField("临时取消时限（开始前小时数）", default=4)
    very_late_cancel_percent = models.PositiveSmallIntegerField("临时取消收费比例（%）", default=100)
    no_show_grace_hours = models.PositiveIntegerField("未登记使用判为爽约（结束后小时数）", default=24)
    depreciation_years = models.PositiveSmallIntegerField("折旧年限（年）", default=8)
    rated_hours_per_year = models.PositiveIntegerField("年额定机时（小时）", default=1600)
    operators = models.ManyToManyField("directory.Person", verbose_name="操作人员", blank=True, related_name="+")

    class Meta:
        verbose_name = "仪器共享服务设置"
        verbose_name_plural = "仪器共享服务设置"
        constraints = [
            models.CheckConstraint(condition=models.Q(min_minutes__lte=models.F("max_minutes")),
                                   name="instruments_settings_min_le_max"),
            models.CheckConstraint(condition=models.Q(granularity_minutes__gt=0),
                                   name="instruments_settings_granularity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument}的共享服务设置"

    def rate_for(self, group: str) -> int:
        return {PriceGroup.INTERNAL: self.rate_internal, PriceGroup.ACADEMIC: self.rate_academic,
                PriceGroup.ENTERPRISE: self.rate_enterprise}[PriceGroup(group)]

    def cost_recovery_rate(self) -> int | None:
        value = self.instrument.original_value_yuan
        if not value:
            return None
        return cost_recovery_hourly_rate(value, self.depreciation_years, self.rated_hours_per_year)

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if action == "view":
            return models.Q()
        org = _org_id(user)
        return models.Q(instrument__organisation_id=org) if org else nothing()


def cn_day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def time_range_text(start: dt.datetime, end: dt.datetime, *, end_year: bool = True) -> str:
    """“2026年12月7日 09:00–12:00” in local time; an end on another day is given with its date."""
    from django.utils import timezone

    s, e = timezone.localtime(start), timezone.localtime(end)
    if s.date() == e.date():
        return f"{cn_day(s)} {s:%H:%M}–{e:%H:%M}"
    day = cn_day(e) if end_year else f"{e.month}月{e.day}日"
    return f"{cn_day(s)} {s:%H:%M}–{day} {e:%H:%M}"


class ClosedPeriod(BaseModel):
    """A period an instrument is closed to bookings (``Blackout``, ``MaintenanceWindow``): everyone may see it, the
    instrument's own organisation manages it. Subclasses have ``settings`` and ``reason`` and name their bounds."""

    period_fields: ClassVar[tuple[str, str]]  # (start, end): dates (inclusive) or datetimes ([start, end))
    closed_as: ClassVar[str]  # “停用”, “维护”

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.period_text()}{self.closed_as}（{getattr(self, 'reason', '')}）"

    def period_text(self) -> str:
        s, e = (getattr(self, name) for name in self.period_fields)
        if isinstance(s, dt.datetime):
            return time_range_text(s, e)
        return cn_day(s) if s == e else f"{cn_day(s)}至{cn_day(e)}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if action == "view":
            return models.Q()
        org = _org_id(user)
        return models.Q(settings__instrument__organisation_id=org) if org else nothing()


class Blackout(ClosedPeriod):
    """Whole days an instrument is not open (holidays, relocation, annual inspection), with the reason shown in
    the calendar. Dates are inclusive: 12月7日–12月8日 closes both days."""

    period_fields, closed_as = ("start_date", "end_date"), "停用"

    settings = models.ForeignKey(ServiceSettings, verbose_name="仪器", on_delete=models.CASCADE,
                                 related_name="blackouts")
    start_date = models.DateField("停用开始日期")
    end_date = models.DateField("停用结束日期")
    reason = models.CharField("停用原因", max_length=100)

    class Meta:
        verbose_name = "停用日期"
        verbose_name_plural = "停用日期"
        ordering = ["start_date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="instruments_blackout_end_ge_start")]


class MaintenanceWindow(ClosedPeriod):
    """A time range (may span days) when an instrument is under maintenance or calibration; ``[start, end)``."""

    period_fields, closed_as = ("start", "end"), "维护"

    settings = models.ForeignKey(ServiceSettings, verbose_name="仪器", on_delete=models.CASCADE,
                                 related_name="maintenance_windows")
    start = models.DateTimeField("维护开始时间")
    end = models.DateTimeField("维护结束时间")
    reason = models.CharField("维护内容", max_length=100)

    class Meta:
        verbose_name = "维护时段"
        verbose_name_plural = "维护时段"
        ordering = ["start", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="instruments_maintenance_end_gt_start")]


class SampleService(BaseModel):
    """A sample-testing service of an instrument, priced per sample (e.g. 元素分析 120 元/样)."""

    settings = models.ForeignKey(ServiceSettings, verbose_name="仪器", on_delete=models.CASCADE,
                                 related_name="sample_services")
    name = models.CharField("测试项目", max_length=100)
    price_per_sample = models.PositiveIntegerField("单价（元/样）")

    class Meta:
        verbose_name = "测试服务项目"
        verbose_name_plural = "测试服务项目"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.price_per_sample} 元/样）"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return models.Q() if action == "view" else nothing()


class Booking(BaseModel):
    instrument = models.ForeignKey("directory.Instrument", verbose_name="仪器", on_delete=models.PROTECT,
                                   related_name="bookings")
    organisation = models.ForeignKey("directory.Organisation", verbose_name="预约单位", on_delete=models.PROTECT,
                                     related_name="instrument_bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="预约人", null=True,
                             on_delete=models.SET_NULL, related_name="+")
    start = models.DateTimeField("开始时间", db_index=True)
    end = models.DateTimeField("结束时间")
    purpose = LimitedTextField("用途", SHORT_TEXT)
    service = models.ForeignKey(SampleService, verbose_name="测试项目", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    samples = models.PositiveIntegerField("样品数", default=0)
    operator_needed = models.BooleanField("需要操作人员", default=False)
    operator = models.ForeignKey("directory.Person", verbose_name="操作人员", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("状态", max_length=12, choices=BookingStatus.choices, default=BookingStatus.PENDING,
                              db_index=True)
    price_group = models.CharField("价格类别", max_length=12, choices=PriceGroup.choices)
    hourly_rate = models.PositiveIntegerField("机时费（元/小时）")
    actual_start = models.DateTimeField("实际开始", null=True, blank=True)
    actual_end = models.DateTimeField("实际结束", null=True, blank=True)
    use_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="使用登记人", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    charged_minutes = models.PositiveIntegerField("计费时长（分钟）", default=0)
    amount = models.PositiveIntegerField("应收金额（元）", default=0)
    cancel_fee = models.PositiveIntegerField("取消费（元）", default=0)
    reason = LimitedTextField("审批或取消说明", COMMENT, blank=True)
    rating = models.PositiveSmallIntegerField("服务评价（1–5）", null=True, blank=True)
    group = models.CharField("同批预约号", max_length=32, blank=True, db_index=True,
                             help_text="一次提交多台仪器的预约共享同一编号")

    class Meta:
        verbose_name = "仪器预约"
        verbose_name_plural = "仪器预约"
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["instrument", "start", "end"], name="instruments_booking_slot")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="instruments_booking_end_gt_start"),
            models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                                   name="instruments_booking_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.slot_text()}"

    def slot_text(self) -> str:
        return time_range_text(self.start, self.end, end_year=False)

    @property
    def total(self) -> int:
        return self.amount + self.cancel_fee

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # The customer organisation and the instrument's organisation; nobody else (bureau passes in restrict).
        org = _org_id(user)
        if org is None:
            return nothing()
        return models.Q(organisation_id=org) | models.Q(instrument__organisation_id=org)


class Affiliation(BaseModel):
    """Who actually controls an organisation (实际控制人), for the 先用后补 affiliation check."""

    organisation = models.OneToOneField("directory.Organisation", verbose_name="机构", on_delete=models.CASCADE,
                                        related_name="instrument_affiliation")
    actual_controller = models.CharField("实际控制人", max_length=200, blank=True)
    controller_credit_code = models.CharField("控股方统一社会信用代码", max_length=18, blank=True)

    class Meta:
        verbose_name = "机构关联关系"
        verbose_name_plural = "机构关联关系"

    def __str__(self) -> str:
        return f"{self.organisation}：{self.actual_controller or '—'}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return nothing()


class SubsidyScheme(LockedBudget):
    """先用后补: the bureau's scheme for one year, and its budget (``paid_total`` grows only under a row lock)."""

    limit_field, ledger_verb = "budget_amount", "兑付"  # kechuang.core.ledger

    name = models.CharField("方案名称", max_length=200)
    year = models.PositiveIntegerField("年度")
    user_share_percent = models.PositiveSmallIntegerField("用户补贴比例（%）", default=20)
    provider_share_percent = models.PositiveSmallIntegerField("服务方奖励比例（%）", default=20)
    cap_per_organisation = models.PositiveIntegerField("每家单位年度上限（元）", default=200_000)
    cap_per_controller = models.PositiveIntegerField("同一实际控制人年度上限（元）", default=650_000)
    min_instrument_value = models.PositiveIntegerField("仪器原值下限（元）", default=500_000)
    unusual_before = models.TimeField("异常时段：早于", default=dt.time(7, 0))
    unusual_after = models.TimeField("异常时段：晚于", default=dt.time(22, 0))
    budget_amount = models.BigIntegerField("预算金额（元）")
    paid_total = models.BigIntegerField("已兑付金额（元）", default=0)

    class Meta:
        verbose_name = "先用后补方案"
        verbose_name_plural = "先用后补方案"
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year"], name="instruments_scheme_one_per_year"),
            models.CheckConstraint(condition=models.Q(paid_total__lte=models.F("budget_amount")),
                                   name="instruments_scheme_not_overdrawn"),
            models.CheckConstraint(condition=models.Q(paid_total__gte=0), name="instruments_scheme_paid_gte_0"),
            models.CheckConstraint(condition=models.Q(user_share_percent__lte=100, provider_share_percent__lte=100),
                                   name="instruments_scheme_share_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return models.Q() if action == "view" else nothing()


class SubsidyClaim(BaseModel):
    """One settled external booking's subsidy, computed from the usage record (never typed in)."""

    scheme = models.ForeignKey(SubsidyScheme, verbose_name="方案", on_delete=models.PROTECT, related_name="claims")
    booking = models.OneToOneField(Booking, verbose_name="预约", on_delete=models.PROTECT, related_name="claim")
    organisation = models.ForeignKey("directory.Organisation", verbose_name="用户单位", on_delete=models.PROTECT,
                                     related_name="+")
    provider = models.ForeignKey("directory.Organisation", verbose_name="服务单位", on_delete=models.PROTECT,
                                 related_name="+")
    usage_amount = models.PositiveIntegerField("服务金额（元）")
    user_amount = models.PositiveIntegerField("用户补贴（元）")
    provider_amount = models.PositiveIntegerField("服务方奖励（元）")
    flags = models.JSONField("疑点", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.COMPUTED,
                              db_index=True)
    decision_reason = LimitedTextField("审核意见", COMMENT, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "先用后补申领"
        verbose_name_plural = "先用后补申领"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.booking}"

    @property
    def total(self) -> int:
        return self.user_amount + self.provider_amount

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        org = _org_id(user)
        if action != "view" or org is None:
            return nothing()
        return models.Q(organisation_id=org) | models.Q(provider_id=org)


class SubsidyPayout(BaseModel):
    """The payout ledger: one row per paid claim, written in the same transaction as the budget update."""

    claim = models.OneToOneField(SubsidyClaim, verbose_name="申领", on_delete=models.PROTECT, related_name="payout")
    scheme = models.ForeignKey(SubsidyScheme, verbose_name="方案", on_delete=models.PROTECT, related_name="payouts")
    amount = models.PositiveIntegerField("兑付金额（元）")
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "先用后补兑付台账"
        verbose_name_plural = "先用后补兑付台账"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="instruments_payout_gt_0")]

    def __str__(self) -> str:
        return f"{self.claim} 兑付 {self.amount} 元"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        return nothing()
