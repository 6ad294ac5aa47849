"""Formula injection (issue 12, item 2): no exported cell is a live formula; imports warn about such cells."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kechuang.core.tabular import run_import
from kechuang.core.tabular.safety import formula_like, neutralise
from kechuang.core.validators import make_credit_code
from kechuang.tests_support.factories import OrganisationFactory

EVIL = '=HYPERLINK("http://evil.example/x","点击查看详情")'


@pytest.mark.parametrize("text", [EVIL, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
                                  "\t=1+1", "\r=1+1"])
def test_formula_cells_get_an_apostrophe(text):
    assert formula_like(text) and neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["昆明甲公司", "+86 871-6512 3456", "-1200", "2025-01-01", "", 5, None])
def test_ordinary_cells_are_left_alone(text):
    assert neutralise(text) == text


def _xlsx_cells(body: bytes) -> list[openpyxl.cell.cell.Cell]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [c for row in sheet.iter_rows() for c in row]


@pytest.mark.django_db
def test_directory_exports_write_no_formula(client):
    OrganisationFactory(name=EVIL)
    csv = client.get("/directory/export/organisations/?format=csv").content.decode("utf-8-sig")
    assert f'"\'{EVIL[0]}' in csv or f"'{EVIL}" in csv.replace('""', '"')
    assert not any(line.startswith("=") or ",=" in line for line in csv.splitlines())
    cells = _xlsx_cells(client.get("/directory/export/organisations/?format=xlsx").content)
    assert not [c for c in cells if c.data_type == "f"]
    assert "'" + EVIL in [c.value for c in cells]


@pytest.mark.django_db
def test_market_exports_write_no_formula(client):
    from kechuang.market.choices import Status
    from kechuang.market.tests.factories import DemandFactory

    DemandFactory(title=EVIL, status=Status.PUBLISHED)
    csv = client.get("/market/export/demand/?format=csv").content.decode("utf-8-sig")
    assert EVIL.replace('"', '""') in csv and "\n=" not in csv and ",=" not in csv
    cells = _xlsx_cells(client.get("/market/export/demand/?format=xlsx").content)
    assert not [c for c in cells if c.data_type == "f"] and "'" + EVIL in [c.value for c in cells]


@pytest.mark.django_db
def test_import_warns_about_formula_cells_but_is_not_an_error():
    code = make_credit_code("91530102MA6T00001")
    header = "名称,统一社会信用代码,行政区划代码,类型\n"
    data = (header + f'"{EVIL.replace(chr(34), chr(34) * 2)}",{code},530102,企业\n').encode()
    report = run_import("organisations", data, file_name="a.csv", dry_run=True)
    assert report.ok, report.errors
    assert any("第2行[名称]" in w and "公式" in w for w in report.warnings)
