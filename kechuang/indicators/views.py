"""Pages of the indicators app: the staff dashboard, the public display (大数据展示), one indicator with its
history, entering and importing figures, reports and the XLSX downloads of every chart's numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.core import jobs, regions
from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import Job
from kechuang.core.tabular import CellError, run_import
from kechuang.indicators import computing, progress, selectors, services
from kechuang.indicators.choices import CITY, DISTRICT_MAP, Method
from kechuang.indicators.forms import ImportForm, ObservationForm
from kechuang.indicators.models import Indicator, Observation, Target

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bureau(request: HttpRequest) -> None:
    if not getattr(request.user, "is_bureau", False):
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


# The headline targets of seed 001 shown as gauges (share achieved); every target is in the bar chart.
HEADLINE = ["TC-AMOUNT", "HIGH-TECH", "SRDI", "PATENT-INVENTION", "KEY-LAB-PROVINCIAL", "RD-REVENUE-RATIO"]


def _charts(year: int) -> dict[str, Any]:
    rows = selectors.all_progress()
    evaluation = selectors.district_evaluation(year)
    months = selectors.contract_months(year)
    gauges = [r for code in HEADLINE for r in rows
              if r["indicator"].code == code and r["target"].region_code == CITY and r["target"].year == 2027]
    return {
        "rows": rows, "counts": selectors.status_counts(rows),
        "gauges": [{"row": r, "data": {"name": r["indicator"].name,
                                        "value": round(r["share_pct"], 1) if r["latest"] else None},
                    "id": f"data-gauge-{n}"} for n, r in enumerate(gauges)], "evaluation": evaluation, "months": months,
        "year": year, "status_rules": progress.STATUS_RULES, "forecast_method": progress.FORECAST_METHOD,
        "district_map": DISTRICT_MAP.get(CITY),
        "chart_data": {
            "progress": [{"name": f"{r['indicator'].name}（{r['region']}{r['target'].year}）",
                          "value": round(r["share_pct"], 1), "status": r["result"].status} for r in rows],
            "months": [{"name": label.split("年")[-1], "value": round(float(Decimal(v) / computing.HUNDRED_MILLION), 2)}
                       for label, v in months],
            "districts": [{"name": r["name"], "value": r["index"]} for r in evaluation["rows"]],
        },
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _bureau(request)
    context = _charts(_year(request))
    context["open_tables"] = True  # staff work from the table; the public display leads with the charts
    context["last_job"] = Job.objects.filter(kind=computing.JOB_KIND).order_by("-created_at").first()
    tc = Indicator.objects.filter(code="TC-AMOUNT").first()
    context["tc_latest"] = (Observation.objects.filter(indicator=tc, region_code=CITY, superseded_by__isnull=True)
                            .order_by("-date").first()) if tc else None
    return render(request, "indicators/dashboard.html", context)


DISPLAY_SECONDS = services.DISPLAY_SECONDS
DISPLAY_KEY = services.DISPLAY_KEY
forget_display = services.forget_display


def display(request: HttpRequest) -> HttpResponse:
    """The public screen: the rendered page is cached for a minute (a screen refreshes often, and the page shows
    nothing that depends on who asks; the staff dashboard reads afresh, and every recomputation, entry or
    import clears this cache). Caching the HTML, not the figures, spares the ~30 ms of template rendering of
    every target's row on each hit, which is what decides the p95 under 20 clients on two cores."""
    year = _year(request)
    html = cache.get(DISPLAY_KEY.format(year=year))
    if html is None:
        html = render_to_string("indicators/display.html", _charts(year), request=request)
        cache.set(DISPLAY_KEY.format(year=year), html, DISPLAY_SECONDS)
    return HttpResponse(html)


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    _bureau(request)
    job = jobs.run_now(computing.JOB_KIND, params={"year": timezone.localdate().year}, actor=request.user)
    forget_display()
    if job.status == "done":
        messages.success(request, f"已按平台数据重新计算（任务 #{job.pk}，新增或修订 {job.result.get('rows', 0)} 个观测值）")
    else:
        messages.error(request, f"计算失败（任务 #{job.pk}）：{job.error[:200]}")
    return redirect("indicators:dashboard")


def detail(request: HttpRequest, code: str) -> HttpResponse:
    ind = get_object_or_404(Indicator, code=code)
    regions_seen = sorted(set(ind.observations.order_by().values_list("region_code", flat=True).distinct())
                          | set(ind.targets.values_list("region_code", flat=True)))
    region = request.GET.get("region") or (CITY if CITY in regions_seen else (regions_seen[0] if regions_seen else CITY))
    today = timezone.localdate()
    targets_of = list(ind.targets.all())
    series = selectors.current_observations([ind], region_codes=[t.region_code for t in targets_of])
    targets = [selectors.target_progress(t, series.get((ind.pk, t.region_code), []), today) for t in targets_of]
    # The chosen region's records (a computed indicator has a month-end series for every district).
    history = ind.observations.filter(region_code=region).select_related("superseded_by", "created_by", "job") \
        .order_by("-date", "-revision")
    form = ObservationForm(initial={"region_code": region}) if getattr(request.user, "is_bureau", False) else None
    return render(request, "indicators/detail.html", {
        "indicator": ind, "targets": targets, "history": history, "form": form, "region": region,
        "region_name": regions.name_of(region),
        "regions": [(r, regions.name_of(r)) for r in regions_seen],
        "trend": {**selectors.trend_chart(ind, region, today), "unit": ind.unit}, "forecast_method": progress.FORECAST_METHOD,
    })


@login_required
@require_POST
def observe(request: HttpRequest, code: str) -> HttpResponse:
    _bureau(request)
    ind = get_object_or_404(Indicator, code=code)
    form = ObservationForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_observation(ind, d["region_code"], d["date"], d["value"], method=Method.ENTERED,
                                        source=d["source"], actor=request.user, attachment=d.get("attachment"))
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            forget_display()
            messages.success(request, "已记录观测值（同日已有数值时作为新修订版本，原值保留）")
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{' '.join(str(m) for m in e)}" for f, e in form.errors.items()))
    return redirect(f"{request.path.rsplit('/observe/', 1)[0]}/?region={request.POST.get('region_code', '')}")


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _bureau(request)
    report = None
    error = ""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = run_import("indicator-observations", upload.read(), file_name=upload.name, actor=request.user,
                                max_rows=20000)
            forget_display()
        except CellError as exc:
            error = str(exc)
    return render(request, "indicators/import.html", {"form": form, "report": report, "error": error})


def _report_context(request: HttpRequest) -> dict[str, Any]:
    """Yearly (?year=2026) or monthly (?month=2026-11) report: every target's progress with the figures known
    at the end of the period (the page and the PDF show the same rows)."""
    month = request.GET.get("month", "")
    if month:
        try:
            start = dt.date.fromisoformat(month + "-01")
        except ValueError:
            raise Http404("月份应写作 2026-11") from None
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        title = f"{start.year}年{start.month}月"
        query = f"month={start:%Y-%m}"
    else:
        year = _year(request)
        end = dt.date(year, 12, 31)
        title = f"{year}年度"
        query = f"year={year}"
    as_of = min(end, timezone.localdate())
    series: dict[tuple[int, str], list[Observation]] = {}
    targets = list(Target.objects.select_related("indicator").order_by("-year", "indicator__position"))
    wanted = sorted({CITY} | {t.region_code for t in targets})
    for key, obs in selectors.current_observations(region_codes=wanted).items():
        kept = [o for o in obs if o.date <= as_of]
        if kept:
            series[key] = kept
    rows = [selectors.target_progress(t, series.get((t.indicator_id, t.region_code), []), as_of)
            for t in targets]
    unset = [(i, series.get((i.pk, CITY), [])) for i in Indicator.objects.filter(targets__isnull=True)]
    return {
        "title": title, "as_of": as_of, "rows": rows, "counts": selectors.status_counts(rows),
        "others": [(i, obs[-1] if obs else None) for i, obs in unset], "status_rules": progress.STATUS_RULES,
        "forecast_method": progress.FORECAST_METHOD,
        "query": query,  # the same period for the PDF link
    }


def report(request: HttpRequest) -> HttpResponse:
    return render(request, "indicators/report.html", _report_context(request))


def report_pdf(request: HttpRequest) -> HttpResponse:
    """The same report as PDF (public, as the page)."""
    from kechuang.indicators.pdf import report_pdf as build

    context = _report_context(request)
    response = HttpResponse(build(context), content_type="application/pdf")
    name = context["query"].replace("=", "-")
    response["Content-Disposition"] = f'attachment; filename="indicator-report-{name}.pdf"'
    return response


def _xlsx(book: Any, name: str) -> HttpResponse:
    response = HttpResponse(book.export("xlsx"), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def registry_xlsx(request: HttpRequest) -> HttpResponse:
    """The 指标体系 as a workbook: indicators, targets with their quoted clauses."""
    import tablib

    book = tablib.Databook()
    sheet = tablib.Dataset(title="指标", headers=["指标代码", "指标名称", "计量单位", "方向", "观测方式", "责任处室", "指标定义"])
    for i in Indicator.objects.all():
        sheet.append([i.code, i.name, i.unit, i.get_direction_display(), i.get_method_display(), i.department,
                      i.definition])
    book.add_sheet(sheet)
    targets = tablib.Dataset(title="目标", headers=["指标代码", "指标名称", "地区", "行政区划代码", "目标年度", "比较",
                                                   "目标值", "计量单位", "原文条款"])
    for t in Target.objects.select_related("indicator"):
        targets.append([t.indicator.code, t.indicator.name, t.region_name, t.region_code, t.year,
                        t.get_comparator_display(), t.value, t.indicator.unit, t.source])
    book.add_sheet(targets)
    return _xlsx(book, "indicator-system")


def chart_xlsx(request: HttpRequest, chart: str) -> HttpResponse:
    """The numbers of one chart as XLSX (the same rows as the table under the chart)."""
    import tablib

    year = _year(request)
    if chart == "progress":
        sheet = tablib.Dataset(title="目标进度", headers=["指标", "地区", "目标年度", "目标", "最新值", "统计日期",
                                                        "完成比例", "年均需增长", "预测值", "预测方法", "状态", "判定"])
        for r in selectors.all_progress():
            latest = r["latest"]
            sheet.append([r["indicator"].name, r["region"], r["target"].year, r["target_text"], r["latest_text"],
                          latest.date.isoformat() if latest else "", r["share_text"], r["needed_text"],
                          r["forecast_text"], r["result"].method, r["result"].status, r["result"].reason])
    elif chart == "months":
        sheet = tablib.Dataset(title="技术合同按月", headers=["月份", "合同成交额（元）"])
        for label, value in selectors.contract_months(year):
            sheet.append([label, Decimal(value)])
    elif chart == "districts":
        ev = selectors.district_evaluation(year)
        sheet = tablib.Dataset(title="区县综合指数", headers=["名次", "区县", "综合指数", "上年指数", "上年名次",
                                                            *[f"{n}（{u}）" for _, n, u in ev["columns"]],
                                                            "优势", "短板"])
        for r in ev["rows"]:
            sheet.append([r["rank"], r["name"], r["index"], r["previous"], r["previous_rank"],
                          *[r["values"].get(c) for c, _, _ in ev["columns"]], "、".join(r["strengths"]),
                          "、".join(r["weaknesses"])])
    elif chart == "trend":
        ind = get_object_or_404(Indicator, code=request.GET.get("code", ""))
        trend = selectors.trend_chart(ind, request.GET.get("region") or CITY)
        sheet = tablib.Dataset(title="趋势", headers=["日期", "类别", f"数值（{ind.unit}）"])
        for kind, rows in (("观测值", trend["observations"]), ("目标", trend["targets"]),
                           (f"预测（{trend['method']}）", trend["forecast"])):
            for day, value in rows:
                sheet.append([day, kind, value])
    else:
        raise Http404("没有这个图表")
    book = tablib.Databook()
    book.add_sheet(sheet)
    return _xlsx(book, f"indicators-{chart}-{year}")
