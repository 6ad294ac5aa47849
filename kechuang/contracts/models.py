"""Technology contracts (技术合同) as the registry records them on form JJ-001.

Parties are kept on the contract (name, 统一社会信用代码, 国别, 行政区划代码, 性质) and linked to a directory
organisation when one with the same credit code exists — no stub organisations are created for the thousands of
buyers a registry sees. Amounts are exact ``Decimal`` yuan with 2 places; the database itself refuses a
技术交易额 above the 合同成交额. The status changes only through ``workflow.transition()``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from kechuang.contracts.choices import (
    ContractType,
    IPType,
    PartyNature,
    RefusalReason,
    Source,
    Status,
    SubType,
    TechField,
)
from kechuang.core import regions
from kechuang.core.fields import COMMENT, SHORT_TEXT, LimitedTextField
from kechuang.core.models import BaseModel
from kechuang.core.permissions import member_q
from kechuang.core.uploads import check_upload
from kechuang.core.validators import validate_region_code

MAX_FILE_BYTES = 20 * 1024 * 1024
FILE_TYPES = {".pdf": "PDF", ".jpg": "JPEG 图片", ".jpeg": "JPEG 图片", ".png": "PNG 图片"}


def validate_contract_file(value: Any) -> None:
    check_upload(value, types=FILE_TYPES, what="合同文本", allowed="PDF、JPG 或 PNG", content_hint="请上传扫描件或原始电子合同",
                 max_bytes=MAX_FILE_BYTES)


def amount_field(label: str, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))],
                               **kwargs)


class Contract(BaseModel):
    registration_number = models.CharField("登记编号", max_length=40, unique=True, null=True, blank=True,
                                           help_text="登记机构登记时编号；从全国系统导入的合同保留原编号")
    title = models.CharField("项目名称", max_length=300)
    contract_type = models.CharField("合同类型", max_length=20, choices=ContractType.choices)
    sub_type = models.CharField("合同子类", max_length=30, choices=SubType.choices, blank=True)
    technology_field = models.CharField("技术领域", max_length=30, choices=TechField.choices)
    ip_type = models.CharField("知识产权类型", max_length=20, choices=IPType.choices, blank=True)
    plan_source = models.CharField("计划来源", max_length=100, blank=True)
    socio_economic_goal = models.CharField("社会经济目标", max_length=100, blank=True)
    signed_on = models.DateField("签订日期")
    valid_from = models.DateField("合同有效期起", null=True, blank=True)
    valid_to = models.DateField("合同有效期止", null=True, blank=True)

    seller_name = models.CharField("卖方名称", max_length=200)
    seller_credit_code = models.CharField("卖方统一社会信用代码", max_length=18, blank=True)
    seller_country = models.CharField("卖方国别", max_length=30, default="中国")
    seller_region_code = models.CharField("卖方行政区划代码", max_length=6, validators=[validate_region_code],
                                          db_index=True)
    seller_nature = models.CharField("卖方性质", max_length=2, choices=PartyNature.choices, blank=True)
    seller_organisation = models.ForeignKey("directory.Organisation", verbose_name="卖方（机构库）", null=True,
                                            blank=True, on_delete=models.SET_NULL, related_name="contracts_sold")
    buyer_name = models.CharField("买方名称", max_length=200)
    buyer_credit_code = models.CharField("买方统一社会信用代码", max_length=18, blank=True)
    buyer_country = models.CharField("买方国别", max_length=30, default="中国")
    buyer_region_code = models.CharField("买方行政区划代码", max_length=6, blank=True, db_index=True)
    buyer_nature = models.CharField("买方性质", max_length=2, choices=PartyNature.choices, blank=True)
    buyer_organisation = models.ForeignKey("directory.Organisation", verbose_name="买方（机构库）", null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="contracts_bought")

    contract_amount = amount_field("合同成交额（元）")
    declared_transaction_amount = amount_field("申报技术交易额（元）", null=True, blank=True)
    transaction_amount = amount_field("技术交易额（元）", help_text="登记机构核定；不超过合同成交额")
    deductions = models.JSONField("核减项目", default=list, blank=True,
                                  help_text="[{'item': 非技术性费用名称, 'amount': '元'}]")
    expected_investment = amount_field("预计新增投入（元）", null=True, blank=True)
    expected_output = amount_field("预计新增产值（元）", null=True, blank=True)

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deadline_on = models.DateField("认定期限", null=True, blank=True, db_index=True)
    deadline_estimated = models.BooleanField("期限为估算", default=False,
                                             help_text="期限跨入节假日安排尚未公布的年份，按周一至周五估算")
    expert_review = models.BooleanField("专家评审", default=False)
    registered_on = models.DateField("登记日期", null=True, blank=True, db_index=True)
    refusal_reason = models.CharField("不予登记理由", max_length=20, choices=RefusalReason.choices, blank=True)
    decision_note = LimitedTextField("认定意见", COMMENT, blank=True)
    correction_items = models.JSONField("补正清单", default=list, blank=True)
    correction_answer = LimitedTextField("补正说明", SHORT_TEXT, blank=True)
    pending_change = models.JSONField("待审变更", default=dict, blank=True)
    request_reason = LimitedTextField("变更或注销理由", SHORT_TEXT, blank=True)
    objection = LimitedTextField("异议", SHORT_TEXT, blank=True)
    file = models.FileField("合同文本", upload_to="contracts/%Y/", blank=True, validators=[validate_contract_file])

    achievement = models.ForeignKey("market.Achievement", verbose_name="来源科技成果", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="contracts")
    demand = models.ForeignKey("market.Demand", verbose_name="来源技术需求", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="contracts")
    source = models.CharField("数据来源", max_length=10, choices=Source.choices, default=Source.PLATFORM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(transaction_amount__lte=models.F("contract_amount")),
                                   name="contract_transaction_not_above_contract_amount"),
            models.CheckConstraint(condition=models.Q(transaction_amount__gte=0, contract_amount__gte=0),
                                   name="contract_amounts_not_negative"),
        ]
        # No single-column index on type, field or credit codes (each was two on PostgreSQL, with the LIKE twin):
        # nothing looks contracts up by them alone — the statistics use the covering indexes below, the API's
        # type/field filters come with the permission and status filters — and every index is paid for on each
        # of the 100,000 rows of an import (docs/benchmarks.md, issue 13).
        # The statistics filter by 登记日期 and region and group by type / field / day / region within one status
        # set: every column they read is in the index, so both databases answer from the index alone.
        indexes = [
            models.Index(fields=["registered_on", "seller_region_code", "status", "contract_type",
                                 "technology_field", "contract_amount", "transaction_amount"],
                         name="contract_stats_output"),
            models.Index(fields=["registered_on", "buyer_region_code", "status", "contract_type",
                                 "technology_field", "contract_amount", "transaction_amount"],
                         name="contract_stats_input"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("contracts:detail", args=[self.pk])

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        """Registrars see and decide every contract; a party's members see the contracts their organisation
        sells or buys and change only their own drafts and 补正 requests; nobody else sees any contract."""
        if is_registrar(user):
            return None
        if action == "view":  # both parties: a relationship role (kechuang.core.permissions)
            return member_q(user, "seller_organisation", "buyer_organisation")
        return member_q(user, "seller_organisation") & models.Q(status__in=[Status.DRAFT, Status.CORRECTION])

    @property
    def deducted_total(self) -> Decimal:
        return sum((Decimal(str(d.get("amount", "0"))) for d in self.deductions or []), Decimal("0"))

    @property
    def seller_region_name(self) -> str:
        return regions.name_of(self.seller_region_code) if self.seller_region_code else ""

    @property
    def buyer_region_name(self) -> str:
        return regions.name_of(self.buyer_region_code) if self.buyer_region_code else ""


class ContractMonthStat(models.Model):
    """Counted contracts per (scope, month of 登记日期, region, type, field): what the statistics read on PostgreSQL.

    A row trigger on the contracts table (migration 0006) writes every change as delta rows into
    ``ContractStatDelta`` — every write path: the workflow's conditional updates, bulk imports, the admin, raw
    SQL, in the same transaction. ``stats.fold()`` (a periodic task, and after each import) moves the deltas into
    this table in one statement. The statistics read this table plus the pending deltas, so they are exact at
    every moment. Updating the aggregate row itself from the trigger was tried and measured: every insert of an
    import then rewrote the same few rows, a chain of row versions that grew with the import (10,000 inserts
    4× slower). A million contracts fold into a few thousand rows. SQLite: the statistics read the contracts
    themselves (both tables stay empty).
    """

    scope = models.CharField("口径", max_length=6)  # output: the seller's region; input: the buyer's
    month = models.DateField("登记月份")  # first day of the month
    region_code = models.CharField("行政区划代码", max_length=6)
    contract_type = models.CharField("合同类型", max_length=20)
    technology_field = models.CharField("技术领域", max_length=30)
    n = models.BigIntegerField("合同数")
    contract_amount = models.DecimalField("合同成交额（元）", max_digits=20, decimal_places=2)
    transaction_amount = models.DecimalField("技术交易额（元）", max_digits=20, decimal_places=2)

    class Meta:
        verbose_name = "技术合同月度汇总"
        verbose_name_plural = "技术合同月度汇总"
        constraints = [models.UniqueConstraint(fields=["scope", "month", "region_code", "contract_type",
                                                       "technology_field"], name="contract_month_stat_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.month:%Y-%m} {self.region_code}"


class ContractStatDelta(models.Model):
    """A change to ``ContractMonthStat`` not yet folded into it (insert-only; see ContractMonthStat)."""

    scope = models.CharField("口径", max_length=6)
    month = models.DateField("登记月份")
    region_code = models.CharField("行政区划代码", max_length=6)
    contract_type = models.CharField("合同类型", max_length=20)
    technology_field = models.CharField("技术领域", max_length=30)
    n = models.BigIntegerField("合同数")
    contract_amount = models.DecimalField("合同成交额（元）", max_digits=20, decimal_places=2)
    transaction_amount = models.DecimalField("技术交易额（元）", max_digits=20, decimal_places=2)

    class Meta:
        verbose_name = "技术合同汇总待合并变动"
        verbose_name_plural = "技术合同汇总待合并变动"

    def __str__(self) -> str:
        return f"{self.scope} {self.month:%Y-%m} {self.region_code} {self.n:+d}"


def is_registrar(user: Any) -> bool:
    from kechuang.accounts.choices import Role

    return bool(getattr(user, "is_authenticated", False)
                and (getattr(user, "role", None) == Role.REGISTRAR or getattr(user, "is_bureau", False)))
