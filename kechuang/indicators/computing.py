"""Indicators computed from the platform's own data, recomputed by a recorded job (``indicators.compute``).

Each computation returns the figure of the city and of every district for one statistics date, in one grouped
query: contract amounts and counts (registered, not cancelled, seller in the city, by 登记日期 from 1 January
to the date — the same rows as ``kechuang.contracts.stats``), enterprises whose 高新技术企业 or 专精特新
qualification is in force on the date, published platforms by kind and level, published 技术经理人 and
科技特派员. Figures for a year are dated 31 December, or today for the current year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from kechuang.contracts import stats as contract_stats
from kechuang.contracts.checks import region_prefix
from kechuang.core import regions
from kechuang.directory.choices import AccountStatus, Level, PlatformKind, QualificationKind
from kechuang.directory.models import Person, Platform, Qualification
from kechuang.indicators import services
from kechuang.indicators.choices import CITY
from kechuang.indicators.models import Indicator, Observation

JOB_KIND = "indicators.compute"
HUNDRED_MILLION = Decimal("100000000")
Figures = dict[str, Decimal]  # region code -> value; the city under CITY


def districts() -> list[tuple[str, str]]:
    return regions.choices(region_prefix())


def _with_city(by_region: dict[str, Decimal]) -> Figures:
    prefix = region_prefix()
    out = {code: by_region.get(code, Decimal(0)) for code, _ in districts()}
    out[CITY] = sum((v for k, v in by_region.items() if k.startswith(prefix)), Decimal(0))
    return out


Memo = dict[Any, Any]  # figures shared by the computations of one run (one pass over the contracts per year)


def _contract_groups(day: dt.date, memo: Memo | None) -> list[dict[str, Any]]:
    # The whole year, exactly the rows of the statistics API (a 登记日期 cannot lie after the statistics date).
    # Amount, count and deals come from one grouped pass: on 1,000,000 contracts each pass is a scan of the year.
    key = ("contracts", day.year)
    if memo is not None and key in memo:
        return memo[key]  # type: ignore[no-any-return]
    rows = list(contract_stats.counted(day.year, "output").values("seller_region_code").annotate(
        n=Count("id"), a=Sum("contract_amount"),
        listed=Count("id", filter=Q(achievement__isnull=False) | Q(demand__isnull=False))).order_by())
    if memo is not None:
        memo[key] = rows
    return rows


def _contracts(day: dt.date, amount: bool, memo: Memo | None = None) -> Figures:
    rows = _contract_groups(day, memo)
    if amount:
        return _with_city({r["seller_region_code"]: (r["a"] or Decimal(0)) / HUNDRED_MILLION for r in rows})
    return _with_city({r["seller_region_code"]: Decimal(r["n"]) for r in rows})


def _qualified(day: dt.date, kinds: list[str]) -> Figures:
    qs = Qualification.objects.filter(
        kind__in=kinds, recognised_on__lte=day, organisation__status=AccountStatus.APPROVED,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    rows = qs.values("organisation__region_code").annotate(n=Count("organisation", distinct=True)).order_by()
    return _with_city({r["organisation__region_code"]: Decimal(r["n"]) for r in rows})


def _platforms(day: dt.date, kinds: list[str] | None, levels: list[str] | None) -> Figures:
    qs = Platform.objects.filter(Platform.public_q()).filter(Q(recognised_on__isnull=True) | Q(recognised_on__lte=day))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if levels:
        qs = qs.filter(level__in=levels)
    rows = qs.values("organisation__region_code").annotate(n=Count("id")).order_by()
    return _with_city({r["organisation__region_code"]: Decimal(r["n"]) for r in rows})


def _demands(day: dt.date, memo: Memo | None = None) -> Figures:
    from kechuang.market.choices import Status
    from kechuang.market.models import Demand

    counts: dict[str, Decimal] = defaultdict(Decimal)
    qs = Demand.objects.filter(status__in=[Status.PUBLISHED, Status.CLOSED], published_at__year=day.year,
                               published_at__date__lte=day)
    for own, org in qs.values_list("region_code", "organisation__region_code"):
        code = own or org
        if code:
            counts[code] += 1
    return _with_city(counts)


def _deals(day: dt.date, memo: Memo | None = None) -> Figures:
    return _with_city({r["seller_region_code"]: Decimal(r["listed"]) for r in _contract_groups(day, memo)})


def _people(day: dt.date, kind: str) -> Figures:
    counts: dict[str, Decimal] = defaultdict(Decimal)
    qs = Person.objects.filter(Person.public_q(), kind=kind, created_at__date__lte=day)
    for own, org in qs.values_list("region_code", "organisation__region_code"):
        code = own or org
        if code:
            counts[code] += 1
    return _with_city(counts)


# Each computation takes the statistics date and, optionally, the run's memo.
COMPUTATIONS: dict[str, tuple[str, Callable[..., Figures]]] = {
    "contract_amount": ("技术合同登记数据：已登记未撤销、卖方在本市、按登记日期累计的合同成交额（元÷1亿）",
                        lambda d, m=None: _contracts(d, True, m)),
    "contract_count": ("技术合同登记数据：已登记未撤销、卖方在本市、按登记日期累计的合同份数",
                       lambda d, m=None: _contracts(d, False, m)),
    "high_tech": ("科技资源名录：统计日有效的高新技术企业资质", lambda d, m=None: _qualified(d, [QualificationKind.HIGH_TECH])),
    "srdi": ("科技资源名录：统计日有效的专精特新中小企业及“小巨人”资质",
             lambda d, m=None: _qualified(d, [QualificationKind.SPECIALISED, QualificationKind.LITTLE_GIANT])),
    "key_lab_provincial": ("科技资源名录：已公开的省级重点实验室",
                           lambda d, m=None: _platforms(d, [PlatformKind.KEY_LAB], [Level.PROVINCIAL])),
    "key_lab_national": ("科技资源名录：已公开的国家级重点实验室",
                         lambda d, m=None: _platforms(d, [PlatformKind.KEY_LAB], [Level.NATIONAL])),
    "innovation_center_provincial": ("科技资源名录：已公开的省级技术创新中心",
                                     lambda d, m=None: _platforms(d, [PlatformKind.INNOVATION_CENTER], [Level.PROVINCIAL])),
    "enterprise_tech_center": ("科技资源名录：已公开的各级企业技术中心",
                               lambda d, m=None: _platforms(d, [PlatformKind.ENTERPRISE_TECH_CENTER], None)),
    "poc_pilot": ("科技资源名录：已公开的概念验证中心和中试平台",
                  lambda d, m=None: _platforms(d, [PlatformKind.PROOF_OF_CONCEPT, PlatformKind.PILOT_PLANT], None)),
    "platform_national": ("科技资源名录：已公开的国家级科技创新平台（各类型）",
                          lambda d, m=None: _platforms(d, None, [Level.NATIONAL])),
    "platform_provincial": ("科技资源名录：已公开的省级科技创新平台（各类型）",
                            lambda d, m=None: _platforms(d, None, [Level.PROVINCIAL])),
    "international_base": ("科技资源名录：已公开的国际科技合作基地",
                           lambda d, m=None: _platforms(d, [PlatformKind.INTERNATIONAL_BASE], None)),
    "national_incubator": ("科技资源名录：已公开的国家级科技企业孵化器",
                           lambda d, m=None: _platforms(d, [PlatformKind.INCUBATOR], [Level.NATIONAL])),
    "special_envoy": ("科技资源名录：已公开的科技特派员", lambda d, m=None: _people(d, "special_envoy")),
    "tech_manager": ("科技资源名录：已公开的技术经理人", lambda d, m=None: _people(d, "tech_manager")),
    "demands": ("技术需求：当年发布（含已关闭）的技术需求（揭榜需求），按需求所在地区", _demands),
    "deals": ("技术合同登记数据：当年登记、源自平台科技成果或技术需求的技术合同份数（卖方所在地区）", _deals),
}


NO_DATA_WHEN_EMPTY = {"contract_amount", "contract_count"}


def statistics_date(year: int, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def compute(years: list[int], *, job: Any = None, actor: Any = None,
            progress: Callable[[float, str], None] | None = None) -> dict[str, Any]:
    indicators = list(Indicator.objects.exclude(compute_key=""))
    before = Observation.objects.count()
    steps = max(1, len(indicators) * len(years))
    done = 0
    memo: Memo = {}
    for year in years:
        day = statistics_date(year)
        for ind in indicators:
            description, fn = COMPUTATIONS[ind.compute_key]
            figures = fn(day, memo)
            if ind.compute_key in NO_DATA_WHEN_EMPTY and not figures[CITY]:
                # No contract registered on the platform that year: the platform has no data for it (the
                # registrations were kept elsewhere), which is not a figure of zero.
                done += 1
                continue
            services.record_computed(ind, day, figures, source=description, actor=actor, job=job)
            done += 1
            if progress:
                progress(done / steps, f"{year}年 {ind.name}")
    return {"years": years, "indicators": len(indicators), "rows": Observation.objects.count() - before}


def compute_job(job: Any, progress: Callable[[float, str], None]) -> dict[str, Any]:
    year = int(job.params.get("year") or timezone.localdate().year)
    return compute([year - 1, year], job=job, actor=job.created_by, progress=progress)
