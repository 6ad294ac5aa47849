from __future__ import annotations

from typing import Any

from django.db import models

from kechuang.core import regions
from kechuang.core.models import BaseModel
from kechuang.core.validators import validate_credit_code, validate_region_code
from kechuang.directory.choices import AccountStatus, OrganisationKind


class Organisation(BaseModel):
    kind = models.CharField("机构类型", max_length=20, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField("名称", max_length=200, db_index=True)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    region_code = models.CharField("行政区划代码", max_length=6, validators=[validate_region_code], db_index=True)
    business_scope = models.TextField("经营范围/主要方向", blank=True)
    employees = models.PositiveIntegerField("职工人数", null=True, blank=True)
    website = models.URLField("网站", blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField(
        "账户状态", max_length=20, choices=AccountStatus.choices, default=AccountStatus.APPROVED, db_index=True
    )
    review_comment = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def region_name(self) -> str:
        return regions.name_of(self.region_code)

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # The public sees approved organisations; members see their own, whatever its status.
        own = models.Q(pk=getattr(user, "organisation_id", None)) if getattr(user, "is_authenticated", False) else None
        if action == "view":
            q = models.Q(status=AccountStatus.APPROVED)
            return q | own if own is not None else q
        return own if own is not None else models.Q(pk__in=[])
