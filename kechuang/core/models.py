"""Base model, object-level permission entry point and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class RestrictQuerySet(models.QuerySet):
    """``queryset.restrict(user, action)``: object-level permission in one place.

    Each model states who may do what in one classmethod, ``permission_q(user, action)``, returning a ``Q``
    (or ``None`` for "everything"). Views, the API and selectors all call ``restrict`` and never filter by
    ownership themselves, so a rule changes in exactly one place.
    """

    def restrict(self, user: Any, action: str = "view") -> RestrictQuerySet:
        if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_bureau", False):
            return self
        q = self.model.permission_q(user, action)  # type: ignore[attr-defined]
        if q is None:
            return self
        return self.filter(q)


class BaseModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictQuerySet.as_manager()

    # Fields the audit log leaves out: they change on every save and say nothing.
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at")

    class Meta:
        abstract = True

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        """Default: anyone may view; only bureau staff (handled in restrict) may change."""
        if action == "view":
            return None
        return models.Q(pk__in=[])

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> BaseModel:
        instance = super().from_db(db, field_names, values)
        # Remember what was loaded so the audit log can record before/after without another query.
        instance._loaded_values = dict(zip(field_names, values, strict=False))  # type: ignore[attr-defined]
        return instance


class AuditLog(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "创建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        TRANSITION = "transition", "状态变更"
        IMPORT = "import", "批量导入"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        UNLOCK = "unlock", "解除登录锁定"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_repr = models.CharField("操作人（记录时）", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    object_repr = models.CharField("对象", max_length=300)
    changes = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The log is append-only: an existing row is never rewritten.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("审计日志不可删除")


class Job(models.Model):
    """A recorded background job (index rebuild, 免申即享 batch, large import) with its progress.

    The queue is this table, so the embedded default needs no broker: ``kechuang.core.jobs`` claims queued
    rows with a conditional update and runs them in-process or in a worker.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务类型", max_length=50, db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    params = models.JSONField("参数", default=dict, blank=True)
    progress = models.FloatField("进度", default=0.0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}（{self.get_status_display()}）"


class JobLock(models.Model):
    """One row per single-flight job kind: claiming or finishing such a job locks this row first.

    A row (not an advisory lock) so the same code serialises on PostgreSQL (``SELECT … FOR UPDATE``) and on
    SQLite (whose IMMEDIATE transactions already take the write lock at BEGIN).
    """

    kind = models.CharField("任务类型", max_length=50, primary_key=True)

    class Meta:
        verbose_name = "任务锁"
        verbose_name_plural = "任务锁"

    def __str__(self) -> str:
        return self.kind


class PeriodicRun(models.Model):
    """When a periodic task last ran: a conditional update of ``last_run_at`` claims a due run, so several
    schedulers (web processes, workers) never start the same run twice."""

    name = models.CharField("定时任务", max_length=50, primary_key=True)
    last_run_at = models.DateTimeField("上次运行", null=True, blank=True)

    class Meta:
        verbose_name = "定时任务"
        verbose_name_plural = "定时任务"

    def __str__(self) -> str:
        return self.name
