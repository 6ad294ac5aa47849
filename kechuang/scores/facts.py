"""零填报: an enterprise's score facts gathered from what the platform already holds, each with its source.

Nothing here asks the enterprise to type a figure again: the directory's yearly figures (revenue, R&D spending,
R&D staff), the organisation's staff count, platforms, talent and the patents listed on its achievements;
registered technology contracts come from the contracts app through `tech_contract_amount` (one adapter). A
fact the platform does not hold is left out, and the engine names it as missing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.apps import apps

from kechuang.scoring import ScoreProfile

WAN = 10_000  # yuan per 万元: the model's money unit
NO_CONTRACTS = "暂无登记合同"


def tech_contract_amount(org: Any, as_of: dt.date) -> tuple[float, str]:
    """企业技术合同成交额 (万元): registered, not cancelled technology contracts in which the enterprise is the
    seller or the buyer (技术输出 and 技术吸纳 are both innovation activity), 登记日期 in the twelve months up to
    `as_of` — a trailing window rather than last calendar year, so a contract registered today counts today.

    Read from the `contracts` app (registered contracts are the system of record); without it, 0 with the source
    "暂无登记合同"."""
    if not apps.is_installed("kechuang.contracts"):
        return 0.0, NO_CONTRACTS
    from django.db.models import Count, Q, Sum

    from kechuang.contracts.choices import COUNTED
    from kechuang.contracts.models import Contract

    start = as_of - dt.timedelta(days=365)
    agg = Contract.objects.filter(
        Q(seller_organisation=org) | Q(buyer_organisation=org),
        status__in=COUNTED, registered_on__gt=start, registered_on__lte=as_of,
    ).aggregate(n=Count("pk"), total=Sum("contract_amount"))
    if not agg["n"]:
        return 0.0, NO_CONTRACTS
    yuan = int(agg["total"])  # Decimal yuan with 2 places; the score counts whole yuan
    return (_yuan_to_wan(yuan),
            f"技术合同登记：{start + dt.timedelta(days=1):%Y年%m月%d日}至{as_of:%Y年%m月%d日}已登记 {agg['n']} 项")


_PATENT_RE = re.compile(r"(?:ZL|CN)?\s*(\d{4})(\d)(\d{7})", re.IGNORECASE)


def _patent_kind(number: str) -> str:
    """'pct', 'invention' or 'other' from a patent number as written on an achievement."""
    n = number.strip().upper()
    if n.startswith(("PCT", "WO")):
        return "pct"
    m = _PATENT_RE.search(n.replace(".", ""))
    if m and m.group(2) in ("1", "8"):  # CN application type digit: 1 发明, 8 PCT 进入中国的发明
        return "invention"
    return "other"


def _yuan_to_wan(v: int) -> float:
    return round(v / WAN, 2)


def gather(org: Any, as_of: dt.date) -> ScoreProfile:
    """The enterprise's score profile from platform data, each fact with the place it came from."""
    facts: dict[str, float] = {}
    sources: dict[str, str] = {}

    def put(name: str, value: float, source: str) -> None:
        facts[name] = value
        sources[name] = source

    figures = sorted((f for f in org.yearly_figures.all() if f.year < as_of.year + 1), key=lambda f: f.year)
    latest = figures[-1] if figures else None
    before = {f.year: f for f in figures}
    if latest is not None:
        y = latest.year
        if latest.revenue_yuan is not None:
            put("revenue", _yuan_to_wan(latest.revenue_yuan), f"创新资源库·年度数据 {y}年营业收入")
        if latest.rnd_expense_yuan is not None:
            put("rd_expense", _yuan_to_wan(latest.rnd_expense_yuan), f"创新资源库·年度数据 {y}年研发费用")
        if latest.rnd_expense_yuan is not None and latest.revenue_yuan:
            put("rd_intensity", round(100 * latest.rnd_expense_yuan / latest.revenue_yuan, 2),
                f"创新资源库·年度数据 {y}年研发费用÷营业收入")
        prev = before.get(y - 1)
        if prev is not None and prev.rnd_expense_yuan and latest.rnd_expense_yuan is not None:
            put("rd_growth", round(100 * (latest.rnd_expense_yuan - prev.rnd_expense_yuan) / prev.rnd_expense_yuan, 2),
                f"创新资源库·年度数据 {y - 1}年至{y}年研发费用")
        if prev is not None and prev.revenue_yuan and latest.revenue_yuan is not None:
            put("revenue_growth", round(100 * (latest.revenue_yuan - prev.revenue_yuan) / prev.revenue_yuan, 2),
                f"创新资源库·年度数据 {y - 1}年至{y}年营业收入")
        if latest.rnd_staff is not None and org.employees:
            put("tech_staff_ratio", round(min(100.0, 100 * latest.rnd_staff / org.employees), 2),
                f"创新资源库·{y}年研发人员数÷机构职工人数")
    numbers: list[str] = []
    titles = 0
    for a in org.achievements.all():
        if a.patent_numbers:
            titles += 1
            numbers.extend(str(n) for n in a.patent_numbers)
    kinds = [_patent_kind(n) for n in dict.fromkeys(numbers)]
    put("invention_applications", float(kinds.count("invention")),
        f"科技成果：{titles}项成果所列发明专利" if titles else "科技成果：未列发明专利")
    if kinds.count("pct"):
        put("pct_applications", float(kinds.count("pct")), "科技成果所列PCT申请")
    two_years_ago = as_of.replace(year=as_of.year - 2)
    platforms = [p for p in org.platforms.all() if p.level in ("national", "provincial")
                 and (p.recognised_on is None or p.recognised_on >= two_years_ago)]
    put("provincial_platforms", float(len(platforms)),
        "创新资源库·平台：" + ("、".join(p.name for p in platforms[:3]) if platforms else "近两年无省级以上平台"))
    talents = [p for p in org.people.all() if p.talent_programme]
    if talents:
        put("talent_programmes", float(len(talents)), f"创新资源库·人才：{len(talents)}人入选人才计划")
    amount, source = tech_contract_amount(org, as_of)
    put("tech_contract_amount", amount, source)
    return ScoreProfile(id=str(org.pk), name=org.name, region=org.region_code, founded=org.established_on,
                        facts=facts, sources=sources)


PREFETCH = ("yearly_figures", "achievements", "platforms", "people")
