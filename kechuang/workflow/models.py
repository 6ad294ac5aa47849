from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from kechuang.core.fields import COMMENT, LimitedTextField


class StateChange(models.Model):
    """One row per transition of any workflow object: who, when, from, to, with the comment."""

    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT)
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    trigger = models.CharField("操作", max_length=50)
    from_state = models.CharField("原状态", max_length=30)
    to_state = models.CharField("新状态", max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = LimitedTextField("意见", COMMENT, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "状态变更记录"
        verbose_name_plural = "状态变更记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}（{self.trigger}）"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    read = models.BooleanField("已读", default=False)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.message
