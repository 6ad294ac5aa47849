"""Import specs of the technology market (the framework is ``kechuang.core.tabular``, which
autodiscovers this module): ``achievements``, ``demands`` and ``papers`` (the CSL paper corpus).

Imports are a bureau operation on vetted lists, so imported records are published at once; each import ends by
rebuilding the matching index (on commit), so the new records are recommended straight away.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kechuang.core.tabular import CellError, Column, ImportContext, ImportSpec, parsers, register_spec
from kechuang.market.choices import (
    SOURCE_CSL,
    SOURCE_IMPORT,
    CooperationMode,
    Industry,
    Maturity,
    Status,
    TransferMode,
)
from kechuang.market.models import Achievement, Demand

NEGOTIABLE = {"面议", "议价", "待定", "协商"}


def _list(max_items: int = 30) -> Any:
    def parse(value: Any, ctx: ImportContext) -> list[str]:
        items = value if isinstance(value, list | tuple) else re.split(r"[;；,，、|\n]+", str(value))
        out = [str(v).strip() for v in items if str(v).strip()]
        if len(out) > max_items:
            raise CellError(f"最多{max_items}项（当前{len(out)}项）")
        if any(len(v) > 100 for v in out):
            raise CellError("单项长度不能超过100个字符")
        return out

    return parse


def _money_or_negotiable() -> Any:
    money = parsers.money_yuan()

    def parse(value: Any, ctx: ImportContext) -> int | None:
        return None if str(value).strip() in NEGOTIABLE else money(value, ctx)

    return parse


def _maturity() -> Any:
    """1-9, "TRL5", "5级" or the GB/T 22900 label."""
    labels = {label: int(v) for v, label in Maturity.choices}

    def parse(value: Any, ctx: ImportContext) -> int:
        s = str(value).strip()
        if s in labels:
            return labels[s]
        m = re.fullmatch(r"(?:TRL)?\s*(\d)(?:\.0)?\s*级?", s, re.IGNORECASE)
        if not m or not 1 <= int(m.group(1)) <= 9:
            raise CellError(f"成熟度应为 1—9 级（GB/T 22900），实际为“{s}”")
        return int(m.group(1))

    return parse


def _transfer_modes() -> Any:
    table = {label: value for value, label in TransferMode.choices} | {v: v for v in TransferMode.values}
    table |= {"技术转让": "transfer", "技术许可": "licence", "专利许可": "licence", "入股": "equity",
              "技术入股": "equity", "技术服务与咨询": "service"}

    def parse(value: Any, ctx: ImportContext) -> list[str]:
        out = []
        for part in _list()(value, ctx):
            if part not in table:
                raise CellError(f"未知的转化方式“{part}”（可选：{'、'.join(TransferMode.labels)}）")
            out.append(table[part])
        return list(dict.fromkeys(out))

    return parse


def _published(obj: models.Model) -> models.Model:
    obj.status = Status.PUBLISHED  # type: ignore[attr-defined]
    obj.published_at = timezone.now()  # type: ignore[attr-defined]
    return obj


def _build_achievement(clean: dict[str, Any], ctx: ImportContext) -> models.Model:
    ref = clean["owner"]
    fields = {k: v for k, v in clean.items() if k not in ("owner", "industry_chains")}
    return _published(Achievement(owner_id=ref.pk, source=SOURCE_IMPORT, **fields))


def _build_demand(clean: dict[str, Any], ctx: ImportContext) -> models.Model:
    ref = clean["organisation"]
    fields = {k: v for k, v in clean.items() if k not in ("organisation", "industry_chains")}
    if not fields.get("region_code"):
        from kechuang.directory.models import Organisation

        fields["region_code"] = Organisation.objects.values_list("region_code", flat=True).get(pk=ref.pk)
    return _published(Demand(organisation_id=ref.pk, source=SOURCE_IMPORT, **fields))


def _build_paper(clean: dict[str, Any], ctx: ImportContext) -> models.Model:
    # 科技文献: published literature with no owner on the platform (no invented organisation in the directory).
    return _published(Achievement(
        owner=None, source=SOURCE_CSL, external_id=clean["external_id"], title=clean["title"],
        abstract=clean.get("abstract", ""), keywords=clean.get("keywords", []),
        discipline=clean.get("discipline", ""),
    ))


def _after_create(created: list[tuple[models.Model, dict[str, Any]]], ctx: ImportContext) -> None:
    for obj, clean in created:
        chains = clean.get("industry_chains")
        if chains:
            obj.industry_chains.set(chains)  # type: ignore[attr-defined]
    # The imported records are published: rebuild the index once the rows are committed. Synchronous, because
    # a command-line import exits right after and a background thread would die with it; a few seconds for
    # thousands of rows, and the records are recommendable as soon as the import reports success.
    from kechuang.market import indexing

    transaction.on_commit(indexing.rebuild_now)


ACHIEVEMENTS = register_spec(ImportSpec(
    entity="achievements", label="科技成果", model=Achievement, key_fields=("title", "owner"), title_field="title",
    columns=[
        Column("title", "成果名称", ("名称", "标题", "项目名称"), required=True, parser=parsers.text(300)),
        Column("owner", "持有单位", ("成果持有单位", "完成单位", "所属单位", "单位"), required=True,
               parser=parsers.organisation_ref(), export=lambda o: o.owner.name if o.owner else ""),
        Column("abstract", "摘要", ("成果简介", "简介", "成果摘要")),
        Column("keywords", "关键词", ("关键字",), parser=_list(), export=lambda o: "、".join(o.keywords)),
        Column("discipline", "学科", ("学科领域", "所属学科", "技术领域"), parser=parsers.text(50)),
        Column("industry", "所属产业", ("产业", "行业"), parser=parsers.choice(Industry)),
        Column("industry_chains", "产业链", ("所属产业链",), parser=parsers.industry_chains()),
        Column("maturity", "成熟度", ("技术成熟度", "技术就绪水平", "TRL"), parser=_maturity()),
        Column("patent_numbers", "专利号", ("专利", "知识产权"), parser=_list(),
               export=lambda o: "、".join(o.patent_numbers)),
        Column("transfer_modes", "转化方式", ("转让方式", "合作方式", "交易方式"), parser=_transfer_modes(),
               export=lambda o: "、".join(o.transfer_mode_labels)),
        Column("price_yuan", "价格", ("转让价格", "价格（元）", "交易价格"), parser=_money_or_negotiable(),
               export=lambda o: o.price_display),
        Column("external_id", "编号", ("成果编号", "登记号"), parser=parsers.text(100)),
    ],
    build=_build_achievement, after_create=_after_create,
))

DEMANDS = register_spec(ImportSpec(
    entity="demands", label="技术需求", model=Demand, key_fields=("title", "organisation"), title_field="title",
    columns=[
        Column("title", "需求名称", ("名称", "标题"), required=True, parser=parsers.text(300)),
        Column("organisation", "需求企业", ("企业名称", "发布单位", "单位"), required=True,
               parser=parsers.organisation_ref(), export=lambda o: o.organisation.name),
        Column("description", "需求描述", ("描述", "需求内容", "需求详情"), required=True),
        Column("keywords", "关键词", ("关键字",), parser=_list(), export=lambda o: "、".join(o.keywords)),
        Column("industry", "所属产业", ("产业", "行业"), parser=parsers.choice(Industry)),
        Column("industry_chains", "产业链", ("所属产业链",), parser=parsers.industry_chains()),
        Column("cooperation_mode", "合作方式", ("合作模式",), parser=parsers.choice(
            CooperationMode, {"转让": "transfer", "许可": "licence", "委托": "commission", "技术服务": "service"})),
        Column("budget_yuan", "预算", ("预算（元）", "预算金额", "拟投入资金"), parser=_money_or_negotiable(),
               export=lambda o: o.budget_display),
        Column("deadline", "截止日期", ("有效期至", "截止时间"), parser=parsers.date()),
        Column("region_code", "所在地区", ("行政区划代码", "区县"), parser=parsers.region_code()),
        Column("external_id", "编号", ("需求编号",), parser=parsers.text(100)),
    ],
    build=_build_demand, after_create=_after_create,
))

PAPERS = register_spec(ImportSpec(
    entity="papers", label="科技文献（CSL 论文）", model=Achievement, key_fields=("external_id",), title_field="title",
    # Paper titles in one field are often alike; near-duplicate review would only be noise here.
    near_threshold=1.01,
    columns=[
        Column("external_id", "编号", ("id",), required=True, parser=parsers.text(100)),
        Column("title", "成果名称", ("title_zh",), required=True, parser=parsers.text(300)),
        Column("abstract", "摘要"),
        Column("keywords", "关键词", parser=_list()),
        Column("discipline", "学科", parser=parsers.text(50)),
    ],
    build=_build_paper, after_create=_after_create,
))
