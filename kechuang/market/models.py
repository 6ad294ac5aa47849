"""Technology market: achievements (科技成果), demands (技术需求) and broker feedback on matches.

Achievements and demands share one shape (``Listing``): a status that only ``workflow.transition()`` changes,
an owning organisation, and a source/external id so imports and the CSL paper load are idempotent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from kechuang.core import regions
from kechuang.core.fields import COMMENT, LONG_TEXT, LimitedTextField
from kechuang.core.models import BaseModel
from kechuang.core.money import format_yuan
from kechuang.core.permissions import nothing
from kechuang.core.validators import validate_region_code
from kechuang.market.choices import (
    LITERATURE_SOURCES,
    CooperationMode,
    FeedbackVerdict,
    Industry,
    Maturity,
    Status,
    TargetKind,
    TransferMode,
)


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Store Chinese as characters, not \\u escapes, so ``icontains`` on a JSON list (keywords) finds 冷链 on
    SQLite too (PostgreSQL's jsonb::text already prints characters)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def yuan_display(value: int | None) -> str:
    """A price or budget: the platform's money text (kechuang.core.money), 面议 when none is given."""
    return "面议" if value is None else format_yuan(value)


class Listing(BaseModel):
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    review_comment = LimitedTextField("审核意见", COMMENT, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    keywords = models.JSONField("关键词", default=list, blank=True, encoder=UnicodeJSONEncoder)
    industry = models.CharField("所属产业", max_length=30, choices=Industry.choices, blank=True, db_index=True)
    # The directory's configurable "8+N" chains; ``industry`` above is the coarse sector used when none is set.
    industry_chains = models.ManyToManyField("directory.IndustryChain", verbose_name="所属产业链", blank=True,
                                             related_name="+")
    source = models.CharField("数据来源", max_length=20, blank=True, db_index=True)
    external_id = models.CharField("外部编号", max_length=100, blank=True)

    # The organisation whose members own the record; set by each subclass.
    owner_field = "organisation"

    class Meta:
        abstract = True

    @property
    def reject_reason(self) -> str:
        """The platform's one name for why a step was refused (policies' ``Application.reject_reason``); stored
        in ``review_comment``, which only a 退回 sets and publishing clears."""
        return self.review_comment

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        """Everyone views what is published; members of the owning organisation view their own records in any
        state and change only their drafts (a submitted record is frozen while staff review it)."""
        org_id = getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None
        own = models.Q(**{f"{cls.owner_field}_id": org_id}) if org_id else None
        if action == "view":
            published = models.Q(status=Status.PUBLISHED)
            return published | own if own is not None else published
        if own is None:
            return nothing()
        return own & models.Q(status=Status.DRAFT)

    @property
    def publisher(self) -> Any:
        """The organisation that published the record (an achievement's owner, a demand's organisation)."""
        return getattr(self, self.owner_field)

    @property
    def keywords_text(self) -> str:
        return "、".join(self.keywords or [])

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class Achievement(Listing):
    title = models.CharField("成果名称", max_length=300)
    # Pinyin sort key for the 名称 sort, kept by kechuang.core.pinyin.
    title_pinyin = models.CharField("成果名称拼音", max_length=255, blank=True, editable=False, db_index=True)
    pinyin_fields = {"title": "title_pinyin"}
    abstract = LimitedTextField("摘要", LONG_TEXT, blank=True)
    discipline = models.CharField("学科领域", max_length=50, blank=True, db_index=True)
    maturity = models.PositiveSmallIntegerField("成熟度（技术就绪水平）", choices=Maturity.choices, null=True,
                                                blank=True, db_index=True)
    patent_numbers = models.JSONField("专利号", default=list, blank=True, encoder=UnicodeJSONEncoder)
    transfer_modes = models.JSONField("转化方式", default=list, blank=True, encoder=UnicodeJSONEncoder,
                                      help_text="可多选：" + "、".join(TransferMode.labels))
    price_yuan = models.PositiveBigIntegerField("转让价格（元）", null=True, blank=True, help_text="留空表示面议")
    # Empty only for 科技文献 (literature, ``source == SOURCE_CSL``): published papers with no owner on the
    # platform. They feed the matching index but are not listed achievements (choices.LITERATURE_SOURCES).
    owner = models.ForeignKey("directory.Organisation", verbose_name="成果持有单位", on_delete=models.PROTECT,
                              related_name="achievements", null=True, blank=True)

    owner_field = "owner"

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], condition=~models.Q(external_id=""),
                                    name="achievement_unique_external_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def price_display(self) -> str:
        return yuan_display(self.price_yuan)

    @property
    def is_literature(self) -> bool:
        return self.source in LITERATURE_SOURCES

    @property
    def kind_label(self) -> str:
        return "科技文献" if self.is_literature else "科技成果"

    @property
    def maturity_short(self) -> str:
        """The one short form of the readiness level used in lists and on detail pages alike: "7级"."""
        return f"{self.maturity}级" if self.maturity else ""

    @property
    def transfer_mode_labels(self) -> list[str]:
        labels = dict(TransferMode.choices)
        return [labels.get(m, m) for m in self.transfer_modes or []]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("market:achievement_detail", args=[self.pk])


class Demand(Listing):
    title = models.CharField("需求名称", max_length=300)
    description = LimitedTextField("需求描述", LONG_TEXT)
    organisation = models.ForeignKey("directory.Organisation", verbose_name="需求企业", on_delete=models.PROTECT,
                                     related_name="demands")
    cooperation_mode = models.CharField("合作方式", max_length=20, choices=CooperationMode.choices,
                                        default=CooperationMode.CO_DEVELOP, db_index=True)
    budget_yuan = models.PositiveBigIntegerField("预算（元）", null=True, blank=True, help_text="留空表示面议")
    deadline = models.DateField("截止日期", null=True, blank=True)
    region_code = models.CharField("所在地区", max_length=6, validators=[validate_region_code], blank=True,
                                   db_index=True)

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], condition=~models.Q(external_id=""),
                                    name="demand_unique_external_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def budget_display(self) -> str:
        return yuan_display(self.budget_yuan)

    @property
    def region_name(self) -> str:
        return regions.name_of(self.region_code) if self.region_code else ""

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("market:demand_detail", args=[self.pk])


class MatchFeedback(BaseModel):
    """A broker's or staff member's verdict on one recommended match — training data for the ranker later.

    The target is kept as (kind, id) rather than a foreign key because a match may point at any indexed kind
    (achievement, expert, platform, instrument, enterprise); rank and score record what the engine showed.
    """

    demand = models.ForeignKey(Demand, verbose_name="技术需求", on_delete=models.CASCADE, related_name="feedback",
                               null=True, blank=True)
    achievement = models.ForeignKey(Achievement, verbose_name="科技成果（以成果找企业时）", on_delete=models.CASCADE,
                                    related_name="feedback", null=True, blank=True)
    target_kind = models.CharField("匹配对象类型", max_length=20, choices=TargetKind.choices)
    target_id = models.CharField("匹配对象编号", max_length=64)
    verdict = models.CharField("反馈", max_length=20, choices=FeedbackVerdict.choices)
    rank = models.PositiveSmallIntegerField("推荐名次", null=True, blank=True)
    score = models.FloatField("匹配得分", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈人", on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        verbose_name = "匹配反馈"
        verbose_name_plural = "匹配反馈"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.target_kind}:{self.target_id} {self.get_verdict_display()}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # Brokers see and write their own verdicts; bureau staff see all (restrict lets them through).
        if getattr(user, "is_authenticated", False):
            return models.Q(author_id=user.pk)
        return nothing()
