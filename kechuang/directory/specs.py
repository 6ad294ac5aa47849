"""Import/export specs of the directory's entities (the framework is ``kechuang.core.tabular``; the app's
``importing.py`` imports this module, so autodiscovery finds it).

Headers: the first Chinese name is what templates and exports write; aliases are what bureau spreadsheets
have been seen to use. Choice columns accept the stored value or the Chinese label.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from kechuang.core.tabular import (
    Column,
    ImportContext,
    ImportSpec,
    after_import_hooks,
    parsers,
    register_spec,
)
from kechuang.directory.choices import (
    AccountStatus,
    Level,
    OrganisationKind,
    PersonKind,
    PlatformKind,
    QualificationKind,
    TechManagerGrade,
)
from kechuang.directory.models import (
    Instrument,
    Organisation,
    Person,
    Platform,
    Qualification,
    YearlyFigure,
)


def _bump_counts() -> None:
    # Bulk imports send no signals: tell the list pages that their cached totals are out of date.
    from kechuang.directory.selectors import bump_count_generation

    bump_count_generation()


if _bump_counts not in after_import_hooks:
    after_import_hooks.append(_bump_counts)

LEVEL_SYNONYMS = {"国家": "national", "国家级": "national", "省": "provincial", "省级": "provincial",
                  "市": "municipal", "市级": "municipal", "区": "district", "县": "district", "区级": "district"}


def _not_future(name: str, label: str) -> Any:
    def check(clean: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        day = clean.get(name)
        if day is not None and day > dt.date.today():
            return [(name, f"{label}不能晚于今天（{day.isoformat()}）")]
        return []

    return check


def _chains_export(obj: Any) -> str:
    return "、".join(c.name for c in obj.industry_chains.all())


# --- Organisations --------------------------------------------------------------------------------------

def _build_organisation(clean: dict[str, Any], ctx: ImportContext) -> models.Model:
    fields = {k: v for k, v in clean.items() if k != "industry_chains"}
    org = Organisation(status=AccountStatus.APPROVED, **fields)
    # bulk_create skips save(), which is where search_text is normally kept up to date.
    org.search_text = org.compose_search_text([c.name for c in clean.get("industry_chains", [])])
    return org


def _organisation_chains(created: list[tuple[models.Model, dict[str, Any]]], ctx: ImportContext) -> None:
    through = Organisation.industry_chains.through
    links = [through(organisation_id=obj.pk, industrychain_id=chain.pk)
             for obj, clean in created for chain in clean.get("industry_chains", [])]
    through.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)


ORGANISATIONS = register_spec(ImportSpec(
    entity="organisations", label="机构", model=Organisation, key_fields=("credit_code",), title_field="name",
    columns=[
        Column("name", "名称", ("机构名称", "单位名称", "企业名称"), required=True, parser=parsers.text(200)),
        Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码"), required=True,
               parser=parsers.credit_code()),
        Column("region_code", "行政区划代码", ("区划代码", "所在区县", "区县"), required=True,
               parser=parsers.region_code()),
        Column("kind", "类型", ("机构类型", "单位类型"), required=True, parser=parsers.choice(
            OrganisationKind, {"高校": "university", "大学": "university", "院所": "institute", "医院": "hospital",
                               "孵化器": "incubator", "众创空间": "incubator", "星创天地": "incubator",
                               "服务机构": "service_agency"})),
        Column("established_on", "成立日期", ("注册日期", "成立时间"), parser=parsers.date()),
        Column("industry_chains", "产业链", ("所属产业链", "重点产业链"), parser=parsers.industry_chains(),
               export=_chains_export),
        Column("business_scope", "经营范围", ("主要方向", "主营业务", "研究方向")),
        Column("introduction", "简介", ("机构简介", "单位简介")),
        Column("employees", "职工人数", ("从业人数", "员工人数"), parser=parsers.integer(0, 10_000_000)),
        Column("address", "地址", ("注册地址", "通讯地址"), parser=parsers.text(200)),
        Column("website", "网站", ("网址",), parser=parsers.text(200)),
        Column("contact_name", "联系人", parser=parsers.text(50)),
        Column("contact_phone", "联系电话", ("电话",), parser=parsers.text(30)),
        Column("contact_email", "联系邮箱", ("邮箱", "电子邮箱"), parser=parsers.email()),
    ],
    build=_build_organisation, after_create=_organisation_chains,
    validate_row=_not_future("established_on", "成立日期"),
))


# --- People ---------------------------------------------------------------------------------------------

def _org_name(obj: Any) -> str:
    return obj.organisation.name if obj.organisation_id else ""


def _person_rules(clean: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    if clean.get("grade") and clean.get("kind") != PersonKind.TECH_MANAGER:
        return [("grade", "只有技术经理人填写等级")]
    return []


def _build_published(model: type[models.Model]) -> Any:
    def build(clean: dict[str, Any], ctx: ImportContext) -> models.Model:
        ref = clean.get("organisation")
        fields = {k: v for k, v in clean.items() if k not in ("organisation", "industry_chains")}
        obj = model(organisation_id=ref.pk if ref else None, **fields)
        obj._organisation_name = ref.name if ref else ""  # type: ignore[attr-defined]
        obj.search_text = obj.compose_search_text()  # type: ignore[attr-defined]
        return obj

    return build


def _platform_chains(created: list[tuple[models.Model, dict[str, Any]]], ctx: ImportContext) -> None:
    through = Platform.industry_chains.through
    links = [through(platform_id=obj.pk, industrychain_id=chain.pk)
             for obj, clean in created for chain in clean.get("industry_chains", [])]
    through.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)


PEOPLE = register_spec(ImportSpec(
    entity="people", label="专家与人才", model=Person, key_fields=("name", "organisation"), title_field="name",
    near_threshold=1.0,  # two-character names: only identical names are worth a look
    columns=[
        Column("name", "姓名", ("名字",), required=True, parser=parsers.text(50)),
        Column("kind", "人员类别", ("类别", "类型"), required=True, parser=parsers.choice(
            PersonKind, {"特派员": "special_envoy", "经理人": "tech_manager", "人才": "talent"})),
        Column("grade", "技术经理人等级", ("等级",), parser=parsers.choice(TechManagerGrade)),
        Column("talent_programme", "人才计划", ("入选计划",), parser=parsers.text(100)),
        Column("title", "职称", ("职务", "职称/职务"), parser=parsers.text(100)),
        Column("fields", "专业领域", ("领域", "研究方向"), parser=parsers.text(300)),
        Column("organisation", "所在单位", ("单位", "工作单位"), parser=parsers.organisation_ref(), export=_org_name),
        Column("region_code", "行政区划代码", ("区县",), parser=parsers.region_code()),
        Column("bio", "简介", ("个人简介",)),
        Column("phone", "联系电话", ("手机", "电话"), parser=parsers.text(30)),
        Column("email", "电子邮箱", ("邮箱",), parser=parsers.email()),
        Column("published", "公开展示", ("公开",), parser=parsers.boolean(), export=lambda o: "是" if o.published else "否"),
    ],
    build=_build_published(Person), validate_row=_person_rules,
))


PLATFORMS = register_spec(ImportSpec(
    entity="platforms", label="创新平台", model=Platform, key_fields=("name", "organisation"), title_field="name",
    columns=[
        Column("name", "平台名称", ("名称",), required=True, parser=parsers.text(200)),
        Column("kind", "平台类型", ("类型",), required=True, parser=parsers.choice(
            PlatformKind, {"工程中心": "engineering_center", "孵化器": "incubator", "院士工作站": "academician_workstation"})),
        Column("level", "级别", ("认定级别",), required=True, parser=parsers.choice(Level, LEVEL_SYNONYMS)),
        Column("organisation", "依托单位", ("单位", "依托机构"), required=True, parser=parsers.organisation_ref(),
               export=_org_name),
        Column("recognised_on", "认定日期", ("认定时间", "批准日期"), parser=parsers.date()),
        Column("fields", "研究方向", ("方向", "领域"), parser=parsers.text(300)),
        Column("industry_chains", "产业链", ("服务产业链",), parser=parsers.industry_chains(), export=_chains_export),
        Column("description", "简介", ("平台简介",)),
        Column("published", "公开展示", ("公开",), parser=parsers.boolean(), export=lambda o: "是" if o.published else "否"),
    ],
    build=_build_published(Platform), after_create=_platform_chains,
    validate_row=_not_future("recognised_on", "认定日期"),
))


INSTRUMENTS = register_spec(ImportSpec(
    entity="instruments", label="大型仪器", model=Instrument, key_fields=("name", "model_number", "organisation"),
    title_field="name", near_threshold=1.0,
    columns=[
        Column("name", "仪器名称", ("名称",), required=True, parser=parsers.text(200)),
        Column("model_number", "规格型号", ("型号",), parser=parsers.text(100)),
        Column("manufacturer", "生产厂商", ("厂商", "制造商"), parser=parsers.text(100)),
        Column("category", "仪器类别", ("类别",), parser=parsers.text(100)),
        Column("original_value_yuan", "原值（元）", ("原值", "仪器原值"), parser=parsers.money_yuan()),
        Column("organisation", "所属单位", ("单位", "依托单位"), required=True, parser=parsers.organisation_ref(),
               export=_org_name),
        Column("location", "放置地点", ("地点",), parser=parsers.text(200)),
        Column("sharing_terms", "共享方式", ("共享说明",)),
        Column("fee", "收费标准", ("收费",), parser=parsers.text(200)),
        Column("contact_phone", "联系电话", ("电话",), parser=parsers.text(30)),
        Column("published", "公开展示", ("公开",), parser=parsers.boolean(), export=lambda o: "是" if o.published else "否"),
    ],
    build=_build_published(Instrument),
))


# --- Facts about organisations (bureau lists: 高企名单, 年报数据) ----------------------------------------------

def _qualification_rules(clean: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    start, end = clean.get("recognised_on"), clean.get("valid_until")
    if start and end and end < start:
        return [("valid_until", "有效期至不能早于认定日期")]
    return _not_future("recognised_on", "认定日期")(clean, ctx)


QUALIFICATIONS = register_spec(ImportSpec(
    entity="qualifications", label="资质认定", model=Qualification,
    key_fields=("organisation", "kind", "recognised_on"), title_field="",
    columns=[
        Column("organisation", "机构", ("统一社会信用代码", "企业名称", "名称", "单位"), required=True,
               parser=parsers.organisation_ref(), export=_org_name),
        Column("kind", "资质类型", ("资质", "类型"), required=True, parser=parsers.choice(
            QualificationKind, {"高企": "high_tech", "科小": "tech_sme", "小巨人": "little_giant",
                                "专精特新": "specialised", "瞪羚": "gazelle", "独角兽": "unicorn"})),
        Column("level", "级别", (), parser=parsers.choice(Level, LEVEL_SYNONYMS)),
        Column("recognised_on", "认定日期", ("认定时间", "发证日期"), required=True, parser=parsers.date()),
        Column("valid_until", "有效期至", ("有效期",), parser=parsers.date()),
        Column("certificate_no", "证书编号", ("编号",), parser=parsers.text(60)),
    ],
    validate_row=_qualification_rules,
))


YEARLY_FIGURES = register_spec(ImportSpec(
    entity="yearly_figures", label="年度经营数据", model=YearlyFigure, key_fields=("organisation", "year"),
    title_field="",
    columns=[
        Column("organisation", "机构", ("统一社会信用代码", "企业名称", "名称", "单位"), required=True,
               parser=parsers.organisation_ref(), export=_org_name),
        Column("year", "年度", ("年份",), required=True, parser=parsers.integer(1990, 2100)),
        Column("revenue_yuan", "营业收入（元）", ("营业收入", "营收"), parser=parsers.money_yuan()),
        Column("rnd_expense_yuan", "研发费用（元）", ("研发费用", "研发投入"), parser=parsers.money_yuan()),
        Column("rnd_staff", "研发人员数", ("研发人员",), parser=parsers.integer(0)),
    ],
))
