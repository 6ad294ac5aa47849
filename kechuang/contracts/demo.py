"""Demo data of technology-contract registration (fictional, idempotent).

A year of registered contracts at the scale seed 003 reports for Kunming (7,936 contracts, ¥12.278 bn in
January–August 2024): about 8,000 contracts registered January–August of the demo year, worth about ¥12 bn,
spread over districts, types, fields and party natures, with invented seller and buyer names. They are written
with ``bulk_create`` in one transaction (a few seconds). Then the demo enterprise's own contracts, one in every
workflow state, so the seller's workspace and the registrar's queue have something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from kechuang.accounts.demo import DEMO_ENTERPRISE, DEMO_UNIVERSITY, demo_organisation
from kechuang.contracts import deadlines
from kechuang.contracts.choices import (
    SUBTYPES_OF,
    ContractType,
    IPType,
    RefusalReason,
    Source,
    Status,
    TechField,
)
from kechuang.contracts.models import Contract
from kechuang.core import regions
from kechuang.core.validators import make_credit_code

DEPENDS_ON = ("directory", "accounts")  # their demo data loads first

TARGET_COUNT = 8_000
TARGET_YUAN = Decimal("12000000000")
MONTHS = 8
CENT = Decimal("0.01")
# Shares seen in Kunming's published figures: development and services dominate; transfers are few but large.
TYPE_WEIGHTS = {ContractType.DEVELOPMENT: 34, ContractType.SERVICE: 38, ContractType.TRANSFER: 9,
                ContractType.LICENCE: 5, ContractType.CONSULTING: 14}
FIELD_WEIGHTS = {TechField.ELECTRONIC_INFORMATION: 22, TechField.ADVANCED_MANUFACTURING: 12, TechField.AEROSPACE: 1,
                 TechField.MODERN_TRANSPORT: 6, TechField.BIOMEDICINE: 14, TechField.NEW_MATERIALS: 9,
                 TechField.NEW_ENERGY: 8, TechField.ENVIRONMENT: 9, TechField.NUCLEAR: 1, TechField.AGRICULTURE: 10,
                 TechField.URBAN_SOCIAL: 8}
DISTRICT_WEIGHTS = {"530102": 20, "530103": 14, "530111": 16, "530112": 12, "530114": 14, "530181": 6,
                    "530113": 2, "530115": 3, "530124": 1, "530125": 2, "530126": 1, "530127": 5, "530128": 1,
                    "530129": 1}
OTHER_REGIONS = ["530302", "530402", "532301", "532502", "530602", "110108", "440305", "510107", "320106",
                 "330106"]
NATURES = {"07": 46, "06": 12, "02": 14, "03": 16, "04": 4, "05": 3, "09": 2, "11": 3}
WORDS = ["滇池", "金马", "碧鸡", "春城", "翠湖", "盘龙", "五华", "长虫山", "西山", "阳宗", "螳川", "宝象", "云岭",
         "高原", "红土", "彩云", "松华", "棕皮", "梁王", "普渡"]
TRADES = ["智能科技", "生物医药", "新材料", "信息技术", "环保工程", "农业科技", "检测技术", "能源科技", "装备制造",
          "数字科技", "工程设计", "医疗器械", "软件", "种业", "光电"]
KINDS = {"07": "有限公司", "06": "集团有限公司", "02": "研究院", "03": "学院", "04": "医院", "05": "中心",
         "09": "协会", "11": "合作社"}
SUBJECTS = ["智能检测系统开发", "工艺优化技术服务", "专利实施许可", "数据平台建设", "新品种选育", "污水处理工艺",
            "检测方法开发", "节能改造技术咨询", "医疗器械注册技术服务", "软件著作权转让", "材料制备技术开发",
            "冷链物流追溯系统", "高原特色农产品加工技术", "储能系统集成技术服务", "中药配方颗粒工艺研究"]


def _weighted(rng: random.Random, table: dict[Any, int]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _parties(rng: random.Random, n: int, prefix: str, local: bool) -> list[tuple[str, str, str, str]]:
    out: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    i = 0
    while len(out) < n:
        i += 1
        nature = _weighted(rng, NATURES)
        name = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(TRADES)}{KINDS[nature]}"
        if name in seen:
            name = f"{name[:-len(KINDS[nature])]}（{prefix}{i}）{KINDS[nature]}"
        seen.add(name)
        region = _weighted(rng, DISTRICT_WEIGHTS) if local or rng.random() < 0.55 else rng.choice(OTHER_REGIONS)
        org_kind = "12" if nature in ("02", "03", "04", "05") else "91"
        code = make_credit_code(f"{org_kind}{region}{prefix}{i:07d}"[:17])
        out.append((name, code, region, nature))
    return out


def _registered(rng: random.Random, year: int) -> list[Contract]:
    sellers = _parties(rng, 700, "MA", local=True)
    buyers = _parties(rng, 2500, "MB", local=False)
    raw = [rng.lognormvariate(0, 1.55) for _ in range(TARGET_COUNT)]
    scale = TARGET_YUAN / Decimal(str(sum(raw)))
    contracts = []
    for n, weight in enumerate(raw, start=1):
        seller, buyer = rng.choice(sellers), rng.choice(buyers)
        kind = _weighted(rng, TYPE_WEIGHTS)
        amount = max((Decimal(str(weight)) * scale).quantize(CENT), Decimal("5000.00"))
        share = Decimal(rng.choice([100, 100, 100, 95, 90, 80, 70, 60])) / 100
        registered = dt.date(year, rng.randint(1, MONTHS), rng.randint(1, 28))
        signed = registered - dt.timedelta(days=rng.randint(5, 120))
        contracts.append(Contract(
            registration_number=f"{year}530100{n:06d}", title=f"{rng.choice(SUBJECTS)}（{n}）",
            contract_type=kind, sub_type=rng.choice(SUBTYPES_OF[kind]), technology_field=_weighted(rng, FIELD_WEIGHTS),
            ip_type=IPType.INVENTION if kind in (ContractType.TRANSFER, ContractType.LICENCE) else "",
            signed_on=signed, valid_from=signed, valid_to=signed + dt.timedelta(days=365 * rng.randint(1, 3)),
            seller_name=seller[0], seller_credit_code=seller[1], seller_region_code=seller[2], seller_nature=seller[3],
            buyer_name=buyer[0], buyer_credit_code=buyer[1], buyer_region_code=buyer[2], buyer_nature=buyer[3],
            contract_amount=amount, declared_transaction_amount=(amount * share).quantize(CENT),
            transaction_amount=(amount * share).quantize(CENT), status=Status.REGISTERED, registered_on=registered,
            accepted_on=registered - dt.timedelta(days=rng.randint(3, 20)), source=Source.DEMO,
        ))
    return contracts


def _workflow_examples(year: int) -> list[Contract]:
    """The demo enterprise's contracts, one per state; the demo university buys some of them."""
    seller = demo_organisation(DEMO_ENTERPRISE)
    buyer = demo_organisation(DEMO_UNIVERSITY)
    today = timezone.localdate()
    base: dict[str, Any] = {
        "seller_organisation": seller, "seller_name": seller.name, "seller_credit_code": seller.credit_code,
        "seller_region_code": seller.region_code, "seller_nature": "07", "buyer_organisation": buyer,
        "buyer_name": buyer.name, "buyer_credit_code": buyer.credit_code, "buyer_region_code": buyer.region_code,
        "buyer_nature": "03", "contract_type": ContractType.DEVELOPMENT, "sub_type": "commissioned",
        "technology_field": TechField.ADVANCED_MANUFACTURING, "signed_on": today - dt.timedelta(days=40),
        "valid_from": today - dt.timedelta(days=40), "valid_to": today + dt.timedelta(days=400),
        "source": Source.DEMO,
    }

    def accepted(days_ago: int, amount: Decimal) -> dict[str, Any]:
        start = today - dt.timedelta(days=days_ago)
        deadline, exact = deadlines.add_working_days(start, deadlines.decision_days(amount, False))
        return {"accepted_on": start, "deadline_on": deadline, "deadline_estimated": not exact,
                "expert_review": amount >= deadlines.EXPERT_REVIEW_THRESHOLD}

    def money(x: str) -> dict[str, Decimal]:
        return {"contract_amount": Decimal(x), "declared_transaction_amount": Decimal(x),
                "transaction_amount": Decimal(x)}

    registered = {"registered_on": today - dt.timedelta(days=20), "accepted_on": today - dt.timedelta(days=35)}
    examples = [
        ({"title": "数控机床远程运维平台开发（草稿）", "status": Status.DRAFT, **money("380000.00")}),
        ({"title": "装配线视觉检测算法开发", "status": Status.SUBMITTED, **money("860000.00"),
          **accepted(3, Decimal("860000"))}),
        ({"title": "伺服电机控制软件开发（已超期）", "status": Status.SUBMITTED, **money("420000.00"),
          **accepted(40, Decimal("420000"))}),
        ({"title": "高原型风机叶片检测技术开发", "status": Status.SUBMITTED, **money("6500000.00"),
          **accepted(5, Decimal("6500000"))}),
        ({"title": "智能仓储调度系统开发", "status": Status.CORRECTION, **money("520000.00"),
          "correction_items": ["补充买方签章页", "提供外购设备清单及发票"], "accepted_on": today - dt.timedelta(days=8)}),
        ({"title": "精密减速器工艺优化开发", "status": Status.RESUBMITTED, **money("300000.00"),
          "correction_items": ["合同价款支付方式不明确"], "correction_answer": "已补充付款条款（第五条）",
          **accepted(1, Decimal("300000"))}),
        ({"title": "工业机器人示教系统开发", "status": Status.REGISTERED, "contract_amount": Decimal("1200000.00"),
          "declared_transaction_amount": Decimal("1200000.00"), "transaction_amount": Decimal("950000.00"),
          "deductions": [{"item": "外购工控机", "amount": "180000.00"}, {"item": "传感器等零部件", "amount": "70000.00"}],
          "registration_number": f"{year}530100D00001", **registered}),
        ({"title": "设备租赁及配套服务", "status": Status.REFUSED, **money("150000.00"),
          "refusal_reason": RefusalReason.NOT_TECHNOLOGY, "decision_note": "主要内容为设备租赁，不属于技术合同",
          "accepted_on": today - dt.timedelta(days=30)}),
        ({"title": "焊接机器人路径规划技术开发", "status": Status.CHANGE_PENDING, **money("640000.00"),
          "registration_number": f"{year}530100D00002", "pending_change": {"contract_amount": "720000.00"},
          "request_reason": "补充协议增加开发内容", **registered}),
        ({"title": "产线数字孪生建模开发", "status": Status.CHANGED, **money("900000.00"),
          "registration_number": f"{year}530100D00003", **registered}),
        ({"title": "液压件疲劳测试方法开发", "status": Status.CANCEL_PENDING, **money("260000.00"),
          "registration_number": f"{year}530100D00004", "request_reason": "双方协商解除合同", **registered}),
        ({"title": "包装机械改型设计开发", "status": Status.CANCELLED, **money("180000.00"),
          "registration_number": f"{year}530100D00005", **registered}),
    ]
    return [Contract(**{**base, **e}) for e in examples]


def load(out: TextIO) -> None:
    if Contract.objects.filter(source=Source.DEMO).exists():
        out.write("技术合同演示数据已存在，跳过。\n")
        return
    year = timezone.localdate().year
    rng = random.Random(2024)
    assert regions.lookup("530102") is not None
    with transaction.atomic():
        Contract.objects.bulk_create(_registered(rng, year), batch_size=500)
        Contract.objects.bulk_create(_workflow_examples(year))
    total = sum(Contract.objects.filter(source=Source.DEMO).values_list("contract_amount", flat=True))
    out.write(f"技术合同：{year}年1—{MONTHS}月登记 {TARGET_COUNT} 项，合同成交额约 {total / 10**8:.1f} 亿元；"
              f"另有演示企业各办理状态的合同 12 项。\n")
