from __future__ import annotations

from typing import Any

from django.db import models

from kechuang.core.models import BaseModel
from kechuang.core.permissions import member_q


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已受理"
    EXPIRED = "expired", "逾期关闭"


class SampleRequest(BaseModel):
    organisation = models.ForeignKey("directory.Organisation", verbose_name="申请机构", on_delete=models.CASCADE)
    title = models.CharField("标题", max_length=100)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        verbose_name = "示例申请"
        verbose_name_plural = "示例申请"

    def __str__(self) -> str:
        return self.title

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        """The applying organisation's members (a relationship role); bureau staff pass in restrict()."""
        return member_q(user, "organisation")
