"""Monthly counts of the broker verdicts (match events) behind the funnel's first two steps, on PostgreSQL.

The funnel counts a million ``MatchFeedback`` rows by broker, industry, district and month; scanning them on
every page view costs seconds. These two tables hold the same counts per (month, demand) and per (month, broker),
kept by statement-level triggers on ``market_matchfeedback`` (migration deals 0005): every write path — the
feedback form, bulk loads, deletes cascading from a demand — moves them in the same transaction. Industry and
district are read through the demand at query time (a demand's 所属产业 may be edited later; the counts follow).
Months are cut in the platform's time zone (settings.TIME_ZONE when the migration ran), as Django's
``created_at__month`` does. SQLite has no transition tables: there the funnel reads ``MatchFeedback`` itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FeedbackDemandMonth(models.Model):
    month = models.DateField("月份")  # first day of the month
    demand = models.ForeignKey("market.Demand", verbose_name="技术需求", on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="+")
    n = models.BigIntegerField("推荐反馈数")
    contacted = models.BigIntegerField("已联系或有用数")

    class Meta:
        verbose_name = "匹配反馈月度汇总（按需求）"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["month", "demand"], name="feedback_demand_month_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} 需求 {self.demand_id}"


class FeedbackAuthorMonth(models.Model):
    month = models.DateField("月份")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈人", on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="+")
    n = models.BigIntegerField("推荐反馈数")
    contacted = models.BigIntegerField("已联系或有用数")

    class Meta:
        verbose_name = "匹配反馈月度汇总（按技术经理人）"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["month", "author"], name="feedback_author_month_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} 反馈人 {self.author_id}"
