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
    # Who, when the actor is not a user: the deadline sweep's SYSTEM actor ("系统（期限到期自动办理）").
    actor_name = models.CharField("操作人（非用户）", max_length=50, blank=True)
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


class HolidayDay(models.Model):
    """One statutory holiday or 调休上班 day, entered by the bureau for a year ``chinese-calendar`` does not ship.

    Only the exceptions are stored: an unlisted Monday–Friday works, an unlisted weekend day rests. The rows of a
    year count only once a ``HolidayYear`` row says the year is complete (see ``kechuang.workflow.calendar``).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("节日名称", max_length=30, help_text="例如：春节、国庆节")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"


class HolidayYear(models.Model):
    """A year whose holiday arrangement has been entered completely, with the notice it comes from."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("依据", max_length=200, help_text="例如：国务院办公厅关于2027年部分节假日安排的通知")
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "已录入完整的年份"
        verbose_name_plural = "已录入完整的年份"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年"


class WorkflowDeadline(models.Model):
    """One pending (or fired) deadline of one object in one state, from a ``Deadline`` row of its workflow.

    Written by ``transition()`` when the object enters the state; the object's unfired rows of other states are
    deleted when it leaves them. ``due_at`` (indexed) is the moment the deadline passes: the start of the day
    after ``due_on``. When the holiday calendar does not know the year yet, ``due_on``/``due_at`` stay empty and
    the sweep computes them once the bureau has entered that year.
    """

    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.CASCADE)
    object_id = models.CharField("对象编号", max_length=64)
    workflow = models.CharField("流程", max_length=50)
    state = models.CharField("状态", max_length=30)
    key = models.CharField("期限", max_length=100)
    label = models.CharField("期限名称", max_length=100, blank=True)
    action = models.CharField("到期处理", max_length=20, choices=[
        ("remind", "提醒"), ("escalate", "督办"), ("transition", "自动办理")])
    trigger = models.CharField("自动办理的操作", max_length=50, blank=True)
    entered_on = models.DateField("进入状态日期")
    days = models.PositiveIntegerField("期限天数")
    working = models.BooleanField("按工作日计算", default=True)
    due_on = models.DateField("期限日（含）", null=True, blank=True)
    due_at = models.DateTimeField("到期时刻", null=True, blank=True)
    fired_at = models.DateTimeField("处理时间", null=True, blank=True)
    outcome = models.CharField("处理结果", max_length=300, blank=True)

    class Meta:
        verbose_name = "流程期限"
        verbose_name_plural = "流程期限"
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["fired_at", "due_at"], name="workflow_deadline_due"),
            models.Index(fields=["content_type", "object_id"], name="workflow_deadline_object"),
        ]

    def __str__(self) -> str:
        return f"{self.label or self.key} 至 {self.due_on or '—'}"
