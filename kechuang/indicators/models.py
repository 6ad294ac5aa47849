"""The indicator registry (指标、目标) and its observations with provenance and revisions.

An observation is never changed in place: a new figure for the same indicator, region and date is a new row
with ``revision`` + 1, and the old row points to it through ``superseded_by``. The current figures are the rows
whose ``superseded_by`` is empty.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from kechuang.core import regions
from kechuang.core.models import BaseModel
from kechuang.core.permissions import nothing
from kechuang.indicators.choices import Comparator, Direction, Method


class Indicator(BaseModel):
    code = models.CharField("指标代码", max_length=40, unique=True)
    name = models.CharField("指标名称", max_length=120)
    unit = models.CharField("计量单位", max_length=20)
    definition = models.TextField("指标定义", max_length=2000, validators=[MaxLengthValidator(2000)])
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    method = models.CharField("观测方式", max_length=10, choices=Method.choices)
    compute_key = models.CharField("计算口径", max_length=40, blank=True)
    department = models.CharField("责任处室", max_length=60)
    growth = models.BooleanField("按增长率预测", default=False)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Target(BaseModel):
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="targets")
    region_code = models.CharField("行政区划代码", max_length=6)
    year = models.PositiveIntegerField("目标年度")
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4)
    comparator = models.CharField("比较", max_length=2, choices=Comparator.choices)
    seed = models.CharField("来源文件", max_length=10)
    source = models.TextField("原文条款", max_length=1000, validators=[MaxLengthValidator(1000)])

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["indicator", "region_code", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "region_code", "year"],
                                               name="ind_target_unique")]

    @property
    def region_name(self) -> str:
        return regions.name_of(self.region_code)

    def __str__(self) -> str:
        return f"{self.region_name}{self.year}年 {self.get_comparator_display()}{self.value}"


class Observation(BaseModel):
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE,
                                  related_name="observations")
    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)
    date = models.DateField("统计日期")
    # Ten places: a contract amount in yuan (two places) divided by 10^8 to 亿元 stays exact.
    value = models.DecimalField("数值", max_digits=30, decimal_places=10)
    method = models.CharField("取得方式", max_length=10, choices=Method.choices)
    source = models.TextField("来源", max_length=2000, validators=[MaxLengthValidator(2000)])
    attachment = models.FileField("附件", upload_to="indicators/%Y/", blank=True)
    revision = models.PositiveIntegerField("修订版次", default=1)
    superseded_by = models.OneToOneField("self", verbose_name="被修订为", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="supersedes")
    job = models.ForeignKey("core.Job", verbose_name="计算任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "观测值"
        verbose_name_plural = "观测值"
        ordering = ["indicator", "region_code", "date", "revision"]
        indexes = [models.Index(fields=["indicator", "region_code", "date"], name="ind_obs_lookup")]

    @property
    def region_name(self) -> str:
        return regions.name_of(self.region_code)

    @property
    def value_text(self) -> str:
        """The exact value without trailing zeros (2.2900000000 → 2.29; 100 stays 100)."""
        text = format(self.value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text

    @property
    def current(self) -> bool:
        return self.superseded_by_id is None

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # Everyone may read the figures (they are published statistics); only bureau staff write them.
        return None if action == "view" else nothing()

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.region_name} {self.date}：{self.value}"
