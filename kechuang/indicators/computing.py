"""Indicators computed from the platform's own data, recomputed by a recorded job (``indicators.compute``).

The job writes a month-end series: for every computed indicator, the figure of the city and of every district
(GB/T 2260) on the last day of every month from ``SERIES_START`` (January 2024: the base year of seed 001's
measures for 2025–2027, the year seed 003 reports on) to the current month, whose figure is dated today.
Each indicator is one grouped query over all those months and districts (set-based; no query per month or per
district), folded into the month-ends here:

* year-to-date (累计 from 1 January): contract amounts and counts (registered, not cancelled, seller in the
  city, by 登记日期 — the rows of ``kechuang.contracts.stats``, on PostgreSQL from its monthly aggregate),
  deals (contracts from a platform listing) and published 技术需求;
* in force on the date: enterprises whose 高新技术企业 or 专精特新 qualification runs over the date (one join of
  the qualifications with the list of month-ends, distinct enterprises);
* existing on the date (cumulative since the start): published platforms by kind and level recognised by then,
  published 技术经理人 and 科技特派员 created by then (their publication status is today's: the directory keeps
  no history of it).

Observations are appended as revisions (``services.record_series``): an unchanged figure writes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from kechuang.contracts import stats as contract_stats
from kechuang.contracts.checks import region_prefix
from kechuang.core import regions
from kechuang.directory.choices import AccountStatus, Level, PlatformKind, QualificationKind
from kechuang.directory.models import Organisation, Person, Platform, Qualification
from kechuang.indicators import services
from kechuang.indicators.choices import CITY
from kechuang.indicators.models import Indicator

JOB_KIND = "indicators.compute"
HUNDRED_MILLION = Decimal("100000000")
SERIES_START = dt.date(2024, 1, 1)
Figures = dict[str, Decimal]  # region code -> value; the city under CITY
Series = dict[dt.date, Figures]  # statistics date -> figures
Memo = dict[Any, Any]  # query results shared by the computations of one run (one pass over the contracts)
Event = tuple[dt.date | None, str, Decimal]  # (date, region, amount); no date: counted at every date


def districts() -> list[tuple[str, str]]:
    return regions.choices(region_prefix())


@functools.lru_cache(maxsize=8)
def _district_codes(prefix: str) -> tuple[str, ...]:
    # Looked up once per prefix: listing the districts scans the GB/T 2260 table (~3 ms), and a run builds the
    # figures of 17 indicators × 36 month-ends.
    return tuple(code for code, _ in regions.choices(prefix))


def _with_city(by_region: dict[str, Decimal]) -> Figures:
    prefix = region_prefix()
    out = {code: by_region.get(code, Decimal(0)) for code in _district_codes(prefix)}
    out[CITY] = sum((v for k, v in by_region.items() if k.startswith(prefix)), Decimal(0))
    return out


def month_ends(since: dt.date, until: dt.date) -> list[dt.date]:
    """The last day of every month from ``since``'s to ``until``'s; the last month's date is ``until`` itself
    when it falls before the month's end (the current month: today)."""
    out = []
    month = since.replace(day=1)
    while month <= until:
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append(min(following - dt.timedelta(days=1), until))
        month = following
    return out


def _accumulate(events: Iterable[Event], dates: list[dt.date], per_year: bool) -> Series:
    """Figures at each date (ascending) from dated increments: the sum of the increments dated up to the date —
    since 1 January of the date's year when ``per_year``, else since the beginning (undated ones always)."""
    ordered = sorted(events, key=lambda e: e[0] or dt.date.min)
    out: Series = {}
    running: dict[str, Decimal] = defaultdict(Decimal)
    i, year = 0, None
    for day in dates:
        if per_year and day.year != year:
            running, year = defaultdict(Decimal), day.year
        while i < len(ordered) and (ordered[i][0] or dt.date.min) <= day:
            when, code, amount = ordered[i]
            i += 1
            if per_year and (when is None or when.year != day.year):
                continue  # an earlier year's increment
            running[code] += amount
        out[day] = _with_city(running)
    return out


def _contract_months(dates: list[dt.date], memo: Memo) -> dict[tuple[dt.date, str], tuple[int, Decimal]]:
    key = ("contracts", dates[0], dates[-1])
    if key not in memo:
        memo[key] = contract_stats.by_month_and_region(dates[0].replace(month=1, day=1), dates[-1], "output")
    return memo[key]  # type: ignore[no-any-return]


def _contracts(dates: list[dt.date], memo: Memo, amount: bool) -> Series:
    # A month's group is dated its first day: counted at that month's end and later in the year (a 登记日期
    # cannot lie after today, so the current month's group is whole at today's date).
    rows = _contract_months(dates, memo)
    return _accumulate(((month, code, (ca / HUNDRED_MILLION) if amount else Decimal(n))
                        for (month, code), (n, ca) in rows.items()), dates, per_year=True)


def _deals(dates: list[dt.date], memo: Memo) -> Series:
    qs = (contract_stats.counted_between(dates[0].replace(month=1, day=1), dates[-1], "output")
          .filter(Q(achievement__isnull=False) | Q(demand__isnull=False))
          .values("registered_on", "seller_region_code").annotate(n=Count("id")).order_by())
    return _accumulate(((r["registered_on"], r["seller_region_code"], Decimal(r["n"])) for r in qs), dates,
                       per_year=True)


OPEN_END = dt.date(9999, 12, 31)


def _qualified(dates: list[dt.date], kinds: list[str]) -> Series:
    """Enterprises (approved) with a qualification of ``kinds`` in force at each date (recognised on or before
    it, valid until it or later), each enterprise counted once. One query: an enterprise's qualifications are
    merged into spans in force (window functions: a qualification that starts after every earlier one has ended
    opens a new span, so renewals and a 专精特新 with its 小巨人 overlap into one), grouped by district and span;
    each span then adds one from its first day to its last at the month-ends. (Joining the qualifications with the
    list of month-ends and counting distinct enterprises was measured at 1.7–3 s on 33,000 qualifications × 36
    month-ends on PostgreSQL, a sort of 780,000 rows; this is one pass over the qualifications.)"""
    q, o = Qualification._meta.db_table, Organisation._meta.db_table
    kinds_sql = ", ".join(["%s"] * len(kinds))
    sql = f"""
        WITH q AS (
            SELECT q.organisation_id AS org, o.region_code AS region, q.recognised_on AS s,
                   COALESCE(q.valid_until, %s) AS e
            FROM {q} q JOIN {o} o ON o.id = q.organisation_id
            WHERE q.kind IN ({kinds_sql}) AND o.status = %s AND q.recognised_on <= %s
        ), m AS (
            SELECT org, region, s, e, MAX(e) OVER (PARTITION BY org ORDER BY s, e
                                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
            FROM q
        ), i AS (
            SELECT org, region, s, e, SUM(CASE WHEN before IS NULL OR before < s THEN 1 ELSE 0 END)
                OVER (PARTITION BY org ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS span
            FROM m
        ), spans AS (
            SELECT region, MIN(s) AS s, MAX(e) AS e FROM i GROUP BY org, region, span
        )
        SELECT region, s, e, COUNT(*) FROM spans WHERE e >= %s GROUP BY region, s, e"""

    def day(value: Any) -> dt.date:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))

    events: list[Event] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [OPEN_END, *kinds, AccountStatus.APPROVED, dates[-1], dates[0]])
        for code, start, end, n in cursor.fetchall():
            events.append((day(start), code, Decimal(n)))
            if day(end) < OPEN_END:
                events.append((day(end) + dt.timedelta(days=1), code, -Decimal(n)))
    return _accumulate(events, dates, per_year=False)


def _platforms(dates: list[dt.date], kinds: list[str] | None, levels: list[str] | None) -> Series:
    qs = Platform.objects.filter(Platform.public_q()).filter(
        Q(recognised_on__isnull=True) | Q(recognised_on__lte=dates[-1]))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if levels:
        qs = qs.filter(level__in=levels)
    rows = qs.values("organisation__region_code", "recognised_on").annotate(n=Count("id")).order_by()
    return _accumulate(((r["recognised_on"], r["organisation__region_code"], Decimal(r["n"])) for r in rows),
                       dates, per_year=False)


def _own_or_org(rows: Iterable[dict[str, Any]]) -> Iterable[Event]:
    for r in rows:
        code = r["region_code"] or r["organisation__region_code"]
        if code:
            yield r["day"], code, Decimal(r["n"])


def _demands(dates: list[dt.date], memo: Memo) -> Series:
    from kechuang.market.choices import Status
    from kechuang.market.models import Demand

    first = timezone.make_aware(dt.datetime.combine(dates[0].replace(month=1, day=1), dt.time.min))
    rows = (Demand.objects.filter(status__in=[Status.PUBLISHED, Status.CLOSED], published_at__gte=first,
                                  published_at__date__lte=dates[-1])
            .annotate(day=TruncDate("published_at")).values("day", "region_code", "organisation__region_code")
            .annotate(n=Count("id")).order_by())
    return _accumulate(_own_or_org(rows), dates, per_year=True)


def _people(dates: list[dt.date], kind: str) -> Series:
    rows = (Person.objects.filter(Person.public_q(), kind=kind, created_at__date__lte=dates[-1])
            .annotate(day=TruncDate("created_at")).values("day", "region_code", "organisation__region_code")
            .annotate(n=Count("id")).order_by())
    return _accumulate(_own_or_org(rows), dates, per_year=False)


# Each computation takes the statistics dates (ascending) and the run's memo, and returns the figures per date.
COMPUTATIONS: dict[str, tuple[str, Callable[[list[dt.date], Memo], Series]]] = {
    "contract_amount": ("技术合同登记数据：已登记未撤销、卖方在本市、按登记日期累计的合同成交额（元÷1亿）",
                        lambda d, m: _contracts(d, m, True)),
    "contract_count": ("技术合同登记数据：已登记未撤销、卖方在本市、按登记日期累计的合同份数",
                       lambda d, m: _contracts(d, m, False)),
    "high_tech": ("科技资源名录：统计日有效的高新技术企业资质", lambda d, m: _qualified(d, [QualificationKind.HIGH_TECH])),
    "srdi": ("科技资源名录：统计日有效的专精特新中小企业及“小巨人”资质",
             lambda d, m: _qualified(d, [QualificationKind.SPECIALISED, QualificationKind.LITTLE_GIANT])),
    "key_lab_provincial": ("科技资源名录：已公开的省级重点实验室",
                           lambda d, m: _platforms(d, [PlatformKind.KEY_LAB], [Level.PROVINCIAL])),
    "key_lab_national": ("科技资源名录：已公开的国家级重点实验室",
                         lambda d, m: _platforms(d, [PlatformKind.KEY_LAB], [Level.NATIONAL])),
    "innovation_center_provincial": ("科技资源名录：已公开的省级技术创新中心",
                                     lambda d, m: _platforms(d, [PlatformKind.INNOVATION_CENTER], [Level.PROVINCIAL])),
    "enterprise_tech_center": ("科技资源名录：已公开的各级企业技术中心",
                               lambda d, m: _platforms(d, [PlatformKind.ENTERPRISE_TECH_CENTER], None)),
    "poc_pilot": ("科技资源名录：已公开的概念验证中心和中试平台",
                  lambda d, m: _platforms(d, [PlatformKind.PROOF_OF_CONCEPT, PlatformKind.PILOT_PLANT], None)),
    "platform_national": ("科技资源名录：已公开的国家级科技创新平台（各类型）",
                          lambda d, m: _platforms(d, None, [Level.NATIONAL])),
    "platform_provincial": ("科技资源名录：已公开的省级科技创新平台（各类型）",
                            lambda d, m: _platforms(d, None, [Level.PROVINCIAL])),
    "international_base": ("科技资源名录：已公开的国际科技合作基地",
                           lambda d, m: _platforms(d, [PlatformKind.INTERNATIONAL_BASE], None)),
    "national_incubator": ("科技资源名录：已公开的国家级科技企业孵化器",
                           lambda d, m: _platforms(d, [PlatformKind.INCUBATOR], [Level.NATIONAL])),
    "special_envoy": ("科技资源名录：已公开的科技特派员", lambda d, m: _people(d, "special_envoy")),
    "tech_manager": ("科技资源名录：已公开的技术经理人", lambda d, m: _people(d, "tech_manager")),
    "demands": ("技术需求：当年发布（含已关闭）的技术需求（揭榜需求），按需求所在地区", _demands),
    "deals": ("技术合同登记数据：当年登记、源自平台科技成果或技术需求的技术合同份数（卖方所在地区）", _deals),
}


NO_DATA_WHEN_EMPTY = {"contract_amount", "contract_count"}


def statistics_date(year: int, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def compute(until: dt.date | None = None, *, since: dt.date = SERIES_START, job: Any = None, actor: Any = None,
            progress: Callable[[float, str], None] | None = None) -> dict[str, Any]:
    """Every computed indicator at every month-end from ``since`` to ``until`` (default today), for the city and
    every district: one grouped query per indicator, then one read of the current rows and one bulk insert of
    the changed figures per indicator. Returns the counts (``rows``: observations written)."""
    until = min(until or timezone.localdate(), timezone.localdate())
    dates = month_ends(since, until)
    indicators = list(Indicator.objects.exclude(compute_key=""))
    memo: Memo = {}
    written = 0
    for done, ind in enumerate(indicators, start=1):
        description, fn = COMPUTATIONS[ind.compute_key]
        series = fn(dates, memo) if dates else {}
        if ind.compute_key in NO_DATA_WHEN_EMPTY:
            # A month-end with no contract registered on the platform since 1 January: the platform has no data
            # for it (the registrations were kept elsewhere, or the platform was not in use yet), not a zero.
            series = {day: figures for day, figures in series.items() if figures[CITY]}
        written += services.record_series(ind, series, source=description, actor=actor, job=job)
        if progress:
            progress(done / max(1, len(indicators)), ind.name)
    if written:
        services.forget_display()
    return {"since": dates[0].isoformat() if dates else None, "until": until.isoformat(), "dates": len(dates),
            "indicators": len(indicators), "rows": written}


def compute_job(job: Any, progress: Callable[[float, str], None]) -> dict[str, Any]:
    """The recorded job: the series up to the end of ``params["year"]`` (default this year), i.e. up to today."""
    year = int(job.params.get("year") or timezone.localdate().year)
    return compute(statistics_date(year), job=job, actor=job.created_by, progress=progress)


def figures_on(key: str, day: dt.date) -> Figures:
    """One computation's figures at one date (for checks; the job computes all month-ends at once)."""
    return COMPUTATIONS[key][1]([day], {})[day]
