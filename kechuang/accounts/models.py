from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from kechuang.accounts.choices import BUREAU_ROLES, Role


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.ENTERPRISE, db_index=True)
    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name="所属机构", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="members",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_bureau(self) -> bool:
        """Bureau staff and administrators see and review everything."""
        return self.is_active and (self.role in BUREAU_ROLES or self.is_superuser)
