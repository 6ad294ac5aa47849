"""The innovation resource directory (创新资源库): organisations, people, platforms, instruments.

Every model is a ``BaseModel`` (audited, ``restrict(user, action)``). Who may see or change a row is stated
once, in each model's ``permission_q``; views, the API, exports and selectors only call ``restrict``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kechuang.core import regions
from kechuang.core.fields import COMMENT, LONG_TEXT, SHORT_TEXT, LimitedTextField
from kechuang.core.models import BaseModel
from kechuang.core.validators import validate_credit_code, validate_region_code
from kechuang.directory import search
from kechuang.directory.choices import (
    AccountStatus,
    ContactRequestStatus,
    Level,
    OrganisationKind,
    PersonKind,
    PlatformKind,
    QualificationKind,
    RevealChannel,
    TechManagerGrade,
)

NOTHING = models.Q(pk__in=[])


def _member_org_id(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "organisation_id", None)


class IndustryChain(BaseModel):
    """One of the city's key industry chains ("8+N"): configurable data, not code."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    is_key = models.BooleanField("重点产业链（8条之一）", default=False,
                                 help_text="“8”为市级重点产业链，“N”为各县区特色产业链")
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Organisation(BaseModel):
    kind = models.CharField("机构类型", max_length=20, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField("名称", max_length=200, db_index=True)
    # Pinyin sort key, kept by kechuang.core.pinyin (lists sort by it: 安宁 before 北京 before 昆明).
    name_pinyin = models.CharField("名称拼音", max_length=255, blank=True, editable=False, db_index=True)
    pinyin_fields = {"name": "name_pinyin"}
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    region_code = models.CharField("行政区划代码", max_length=6, validators=[validate_region_code], db_index=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    industry_chains = models.ManyToManyField(IndustryChain, verbose_name="所属产业链", blank=True,
                                             related_name="organisations")
    business_scope = LimitedTextField("经营范围/主要方向", SHORT_TEXT, blank=True)
    introduction = LimitedTextField("机构简介", LONG_TEXT, blank=True)
    employees = models.PositiveIntegerField("职工人数", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    website = models.URLField("网站", blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    status = models.CharField(
        "账户状态", max_length=20, choices=AccountStatus.choices, default=AccountStatus.APPROVED, db_index=True
    )
    review_comment = LimitedTextField("审核意见", COMMENT, blank=True)
    search_text = models.TextField("检索文本", blank=True, editable=False)

    audit_exclude = ("created_at", "updated_at", "search_text")

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["name"]
        # The public list is "approved, maybe one district or kind, by name, id": these serve it in index
        # order. The trailing id matters: without it PostgreSQL sorted every page's prefix again (an
        # incremental sort of ~1,000 rows on page 50, 2 ms) to break ties between equal names.
        indexes = [models.Index(fields=["status", "name", "id"], name="dir_org_status_name_id"),
                   # The list pages sort by pinyin (kechuang.core.pinyin), filtered by region or kind.
                   models.Index(fields=["status", "name_pinyin", "id"], name="dir_org_status_pinyin_id"),
                   models.Index(fields=["status", "region_code", "name_pinyin", "id"], name="dir_org_status_region_py_id"),
                   models.Index(fields=["status", "kind", "name_pinyin", "id"], name="dir_org_status_kind_py_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def region_name(self) -> str:
        return regions.name_of(self.region_code)

    def compose_search_text(self, chain_names: list[str] | None = None) -> str:
        # M2M chains are only known after the first save; services pass them explicitly.
        return search.compose(self.name, self.credit_code, self.get_kind_display(), self.region_name,
                              self.business_scope, self.introduction, self.address, *(chain_names or []))

    def save(self, *args: Any, **kwargs: Any) -> None:
        chains = [c.name for c in self.industry_chains.all()] if self.pk else []
        self.search_text = self.compose_search_text(chains)
        super().save(*args, **kwargs)

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # The public sees approved organisations; members see and edit their own, whatever its status.
        own_id = _member_org_id(user)
        own = models.Q(pk=own_id) if own_id is not None else None
        if action == "view":
            q = models.Q(status=AccountStatus.APPROVED)
            return q | own if own is not None else q
        return own if own is not None else NOTHING


class OrganisationOwned(BaseModel):
    """Rows that belong to an organisation: its members (and bureau staff) change them."""

    owner_field = "organisation"

    class Meta:
        abstract = True

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        own_id = _member_org_id(user)
        own = models.Q(**{f"{cls.owner_field}_id": own_id}) if own_id is not None else None
        if action == "view":
            q = cls.public_q()
            return q | own if own is not None else q
        return own if own is not None else NOTHING

    @classmethod
    def public_q(cls) -> models.Q:
        return models.Q(**{f"{cls.owner_field}__status": AccountStatus.APPROVED})


class YearlyFigure(OrganisationOwned):
    """Revenue, R&D expense and R&D staff for one year: facts for policies and indicators (integer yuan)."""

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.CASCADE,
                                     related_name="yearly_figures")
    year = models.PositiveSmallIntegerField("年度")
    revenue_yuan = models.BigIntegerField("营业收入（元）", null=True, blank=True)
    rnd_expense_yuan = models.BigIntegerField("研发费用（元）", null=True, blank=True)
    rnd_staff = models.PositiveIntegerField("研发人员数", null=True, blank=True)

    class Meta:
        verbose_name = "年度经营数据"
        verbose_name_plural = "年度经营数据"
        ordering = ["organisation", "-year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="dir_yearly_one_per_year")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}年"

    @property
    def rnd_ratio(self) -> float | None:
        if not self.revenue_yuan or self.rnd_expense_yuan is None:
            return None
        return self.rnd_expense_yuan / self.revenue_yuan

    @property
    def rnd_percent(self) -> str:
        ratio = self.rnd_ratio
        return "" if ratio is None else f"{ratio:.2%}"

    @classmethod
    def public_q(cls) -> models.Q:
        # Business figures are confidential: only the organisation itself and the bureau read them.
        return NOTHING


class Qualification(OrganisationOwned):
    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.CASCADE,
                                     related_name="qualifications")
    kind = models.CharField("资质类型", max_length=40, choices=QualificationKind.choices, db_index=True)
    level = models.CharField("级别", max_length=20, choices=Level.choices, default=Level.NATIONAL)
    recognised_on = models.DateField("认定日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    certificate_no = models.CharField("证书编号", max_length=60, blank=True)

    class Meta:
        verbose_name = "资质认定"
        verbose_name_plural = "资质认定"
        ordering = ["organisation", "-recognised_on"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_level_display()}{self.get_kind_display()}"

    def is_valid_on(self, day: Any) -> bool:
        return self.recognised_on <= day and (self.valid_until is None or day <= self.valid_until)

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        # Qualifications are recognised by government: the public reads them, only the bureau records them.
        if action == "view":
            return super().permission_q(user, action)
        return NOTHING


class Published(OrganisationOwned):
    """People, platforms and instruments: public when ``published`` (and their organisation is approved)."""

    published = models.BooleanField("公开展示", default=True, db_index=True)
    search_text = models.TextField("检索文本", blank=True, editable=False)

    audit_exclude = ("created_at", "updated_at", "search_text")

    class Meta:
        abstract = True

    @classmethod
    def public_q(cls) -> models.Q:
        # A row without an organisation (an independent expert) is public on its own flag.
        field = cls.owner_field
        return models.Q(published=True) & (
            models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__status": AccountStatus.APPROVED})
        )

    def compose_search_text(self) -> str:
        raise NotImplementedError

    def organisation_name(self) -> str:
        # Imports set _organisation_name so that building 100,000 rows does not query each organisation.
        cached = getattr(self, "_organisation_name", None)
        if cached is not None:
            return cached
        return self.organisation.name if self.organisation_id else ""  # type: ignore[attr-defined]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.compose_search_text()
        super().save(*args, **kwargs)


class Person(Published):
    """An expert, 技术经理人, 科技特派员 or talent-programme member. Contact details: see ``contacts.py``."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    # Pinyin sort key, kept by kechuang.core.pinyin (lists sort by it: 安宁 before 北京 before 昆明).
    name_pinyin = models.CharField("姓名拼音", max_length=255, blank=True, editable=False, db_index=True)
    pinyin_fields = {"name": "name_pinyin"}
    kind = models.CharField("人员类别", max_length=20, choices=PersonKind.choices, db_index=True)
    grade = models.CharField("技术经理人等级", max_length=20, choices=TechManagerGrade.choices, blank=True)
    talent_programme = models.CharField("人才计划", max_length=100, blank=True, help_text="如：春城计划高层次科技人才")
    title = models.CharField("职称/职务", max_length=100, blank=True)
    fields = models.CharField("专业领域", max_length=300, blank=True, help_text="多个领域用顿号或逗号分隔")
    organisation = models.ForeignKey(Organisation, verbose_name="所在单位", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="people")
    region_code = models.CharField("行政区划代码", max_length=6, blank=True, validators=[validate_region_code])
    bio = LimitedTextField("简介", SHORT_TEXT, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    # 个人信息保护法: a person's phone and email are shown only where the person agreed (and only to approved
    # accounts, see contacts.py). The date is when the organisation or the bureau recorded the consent.
    contact_consent = models.BooleanField(
        "本人同意公开联系方式", default=False,
        help_text="本人同意后，电话和邮箱才向审核通过的机构用户显示；否则只能通过平台转达联系请求")
    contact_consent_on = models.DateField("同意日期", null=True, blank=True)

    CONTACT_FIELDS = ("phone", "email")

    class Meta:
        verbose_name = "专家与人才"
        verbose_name_plural = "专家与人才"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def field_list(self) -> list[str]:
        return [f for f in search._SPLIT.split(self.fields) if f]

    def compose_search_text(self) -> str:
        org = self.organisation_name()
        return search.compose(self.name, self.get_kind_display(), self.title, self.fields, self.talent_programme,
                              self.bio, org)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The consent date follows the flag on every path (workspace, staff, admin): set when given, cleared
        # when withdrawn.
        from kechuang.directory.contacts import consent_date

        self.contact_consent_on = consent_date(self.contact_consent, self.contact_consent_on)
        super().save(*args, **kwargs)


class Platform(Published):
    name = models.CharField("平台名称", max_length=200, db_index=True)
    # Pinyin sort key, kept by kechuang.core.pinyin (lists sort by it: 安宁 before 北京 before 昆明).
    name_pinyin = models.CharField("平台名称拼音", max_length=255, blank=True, editable=False, db_index=True)
    pinyin_fields = {"name": "name_pinyin"}
    kind = models.CharField("平台类型", max_length=40, choices=PlatformKind.choices, db_index=True)
    level = models.CharField("级别", max_length=20, choices=Level.choices, db_index=True)
    organisation = models.ForeignKey(Organisation, verbose_name="依托单位", on_delete=models.CASCADE,
                                     related_name="platforms")
    recognised_on = models.DateField("认定日期", null=True, blank=True)
    fields = models.CharField("研究方向", max_length=300, blank=True)
    industry_chains = models.ManyToManyField(IndustryChain, verbose_name="服务产业链", blank=True,
                                             related_name="platforms")
    description = LimitedTextField("简介", LONG_TEXT, blank=True)

    class Meta:
        verbose_name = "创新平台"
        verbose_name_plural = "创新平台"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def compose_search_text(self) -> str:
        org = self.organisation_name()
        return search.compose(self.name, self.get_kind_display(), self.get_level_display(), self.fields,
                              self.description, org)


class Instrument(Published):
    """A large instrument (大型科研仪器) open for sharing."""

    name = models.CharField("仪器名称", max_length=200, db_index=True)
    # Pinyin sort key, kept by kechuang.core.pinyin (lists sort by it: 安宁 before 北京 before 昆明).
    name_pinyin = models.CharField("仪器名称拼音", max_length=255, blank=True, editable=False, db_index=True)
    pinyin_fields = {"name": "name_pinyin"}
    model_number = models.CharField("规格型号", max_length=100, blank=True)
    manufacturer = models.CharField("生产厂商", max_length=100, blank=True)
    category = models.CharField("仪器类别", max_length=100, blank=True)
    original_value_yuan = models.BigIntegerField("原值（元）", null=True, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name="所属单位", on_delete=models.CASCADE,
                                     related_name="instruments")
    location = models.CharField("放置地点", max_length=200, blank=True)
    sharing_terms = LimitedTextField("共享方式", SHORT_TEXT, blank=True)
    fee = models.CharField("收费标准", max_length=200, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)

    CONTACT_FIELDS = ("contact_phone",)

    class Meta:
        verbose_name = "大型仪器"
        verbose_name_plural = "大型仪器"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def compose_search_text(self) -> str:
        org = self.organisation_name()
        return search.compose(self.name, self.model_number, self.manufacturer, self.category, self.location,
                              self.sharing_terms, org)


class ContactRequest(BaseModel):
    """A request to contact a person, relayed by the platform: the person's organisation (or, for an independent
    expert, the bureau) grants or declines it; only a granted request shows the requester the contact."""

    person = models.ForeignKey(Person, verbose_name="联系对象", on_delete=models.CASCADE,
                               related_name="contact_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="请求人", on_delete=models.CASCADE,
                                  related_name="contact_requests")
    message = LimitedTextField("来意", 1000)
    status = models.CharField("状态", max_length=20, choices=ContactRequestStatus.choices,
                              default=ContactRequestStatus.PENDING, db_index=True)

    class Meta:
        verbose_name = "联系请求"
        verbose_name_plural = "联系请求"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["person", "requester"], condition=models.Q(status=ContactRequestStatus.PENDING),
            name="dir_contact_request_one_pending")]

    def __str__(self) -> str:
        return f"{self.requester} → {self.person}"

    @classmethod
    def permission_q(cls, user: Any, action: str) -> models.Q | None:
        if not getattr(user, "is_authenticated", False):
            return NOTHING
        own_id = _member_org_id(user)
        manages = models.Q(person__organisation_id=own_id) if own_id is not None else NOTHING
        if action == "view":
            return models.Q(requester_id=user.pk) | manages
        return manages


class ContactReveal(models.Model):
    """One row each time a person's phone or email was shown to someone (who saw whose, when, where): the log a
    data-protection officer reads, and the count behind the daily limit."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查看人", null=True,
                               on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey(Person, verbose_name="被查看人", null=True, on_delete=models.SET_NULL,
                               related_name="+")
    person_name = models.CharField("被查看人姓名", max_length=50)
    channel = models.CharField("途径", max_length=10, choices=RevealChannel.choices)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "联系方式查看记录"
        verbose_name_plural = "联系方式查看记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["viewer", "at"], name="dir_reveal_viewer_at")]

    def __str__(self) -> str:
        return f"{self.viewer} 查看 {self.person_name}（{self.get_channel_display()}）"
