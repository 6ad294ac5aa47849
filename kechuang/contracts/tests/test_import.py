"""Import of registered contracts from the national system: headers, units, exact conversion, all-or-nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import tablib

from kechuang.contracts.choices import Source, Status
from kechuang.contracts.models import Contract
from kechuang.contracts.stats import statistics
from kechuang.core.tabular import run_import
from kechuang.core.validators import make_credit_code
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SELLER = make_credit_code("91530102MA7T00001")
BUYER = make_credit_code("91530111MA7B00001")
BASE = ["登记编号", "项目名称", "合同类型", "卖方名称", "卖方统一社会信用代码", "卖方行政区划代码", "买方名称",
        "买方统一社会信用代码", "买方行政区划代码", "签订日期", "登记日期", "技术领域"]


def _row(n: int, **over: str) -> list[str]:
    values = {"登记编号": f"2026530100{n:06d}", "项目名称": f"导入合同{n}", "合同类型": "技术开发",
              "卖方名称": "滇池测试研究院", "卖方统一社会信用代码": SELLER, "卖方行政区划代码": "530102",
              "买方名称": "测试买方公司", "买方统一社会信用代码": BUYER, "买方行政区划代码": "530111",
              "签订日期": "2026-02-01", "登记日期": "2026-03-05", "技术领域": "电子信息"} | over
    return [values[h] for h in BASE]


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    data = tablib.Dataset(headers=headers)
    for r in rows:
        data.append(r)
    return data.export("csv").encode("utf-8")


@pytest.mark.parametrize("contract_header,transaction_header,amounts,expected", [
    ("合同成交额（元）", "技术交易额(元)", [("1234567.89", "1000000.01"), ("0.10", "0.10")],
     (Decimal("1234567.99"), Decimal("1000000.11"))),
    ("合同成交额（万元）", "技术交易额(万元)", [("123.456789", "100.000001"), ("0.000001", "0")],
     (Decimal("1234567.90"), Decimal("1000000.01"))),
    ("合同成交额(万元)", "技术交易额（元）", [("1.5", "15000"), ("2", "19999.99")],
     (Decimal("35000.00"), Decimal("34999.99"))),
    ("合同成交额", "技术交易额", [("100", "100"), ("200.5", "200.5")], (Decimal("300.50"), Decimal("300.50"))),
])
def test_units_convert_exactly_and_statistics_are_exact(contract_header, transaction_header, amounts, expected):
    rows = [_row(i) + [ca, ta] for i, (ca, ta) in enumerate(amounts, start=1)]
    report = run_import("contracts", _csv(BASE + [contract_header, transaction_header], rows), file_name="c.csv")
    assert report.ok and report.written, report.as_text()
    assert Contract.objects.filter(status=Status.REGISTERED, source=Source.IMPORT).count() == len(amounts)
    total = statistics(2026, "type", "output")["total"]
    assert total == {"count": len(amounts), "contract_amount": str(expected[0]),
                     "transaction_amount": str(expected[1])}


def test_xlsx_with_float_cells_in_wan():
    data = tablib.Dataset(headers=BASE + ["合同成交额（万元）", "技术交易额（万元）"])
    data.append(_row(1) + [12.3456, 10.01])
    report = run_import("contracts", data.export("xlsx"), file_name="c.xlsx")
    assert report.ok, report.as_text()
    c = Contract.objects.get()
    assert (c.contract_amount, c.transaction_amount) == (Decimal("123456.00"), Decimal("100100.00"))


def test_links_parties_to_directory_organisations_by_credit_code():
    org = OrganisationFactory(credit_code=SELLER)
    report = run_import("contracts", _csv(BASE + ["合同成交额", "技术交易额"], [_row(1) + ["10", "5"]]),
                        file_name="c.csv")
    assert report.ok
    c = Contract.objects.get()
    assert c.seller_organisation == org and c.buyer_organisation is None and c.buyer_name == "测试买方公司"


def test_bad_rows_write_nothing_and_name_row_column_value():
    rows = [
        _row(1) + ["100", "50"],
        _row(2, 合同类型="技术推广") + ["100", "50"],
        _row(3) + ["100", "150"],
        _row(4, 卖方统一社会信用代码="91530102MA7T00009") + ["abc", "1"],
        _row(5) + ["1.1234567", "1"],
        _row(6, 技术领域="信息技术", 登记日期="2026-13-01") + ["1", "1"],
    ]
    headers = BASE[:]
    headers[-1] = "技术领域"
    report = run_import("contracts", _csv(BASE + ["合同成交额（万元）", "技术交易额（万元）"], rows), file_name="bad.csv")
    assert not report.written and Contract.objects.count() == 0
    text = report.as_text()
    assert "第3行 [合同类型] 未知的取值“技术推广”" in text
    assert "第4行 [技术交易额]" in text and "超过合同成交额" in text
    assert "第5行 [卖方统一社会信用代码]" in text and "91530102MA7T00009" in text
    assert "第5行 [合同成交额（万元）] 金额格式错误：“abc”" in text
    assert "第6行 [合同成交额（万元）]" in text and "最多6位小数：“1.1234567”" in text
    assert "第7行 [登记日期] 日期不存在：“2026-13-01”" in text
    assert "第7行 [技术领域] 未知的取值“信息技术”" in text


def test_missing_amount_column_is_named():
    report = run_import("contracts", _csv(BASE + ["合同成交额"], [_row(1) + ["10"]]), file_name="c.csv")
    assert not report.ok and "缺少必填项“技术交易额”" in report.as_text()


def test_command_dry_run_and_existing_modes(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(_csv(BASE + ["合同成交额", "技术交易额"], [_row(1) + ["10", "5"], _row(2) + ["20", "5"]]))
    from kechuang.core.tabular import run_import_command

    out, err = io.StringIO(), io.StringIO()
    assert run_import_command("contracts", path, dry_run=True, out=out, err=err) == 0
    assert Contract.objects.count() == 0
    assert run_import_command("contracts", path, dry_run=False, out=out, err=err) == 0
    assert Contract.objects.count() == 2
    assert run_import_command("contracts", path, dry_run=False, out=out, err=err) == 1  # existing: error
    assert "与已有记录重复" in err.getvalue()
    path.write_bytes(_csv(BASE + ["合同成交额", "技术交易额"], [_row(1) + ["11", "5"], _row(3) + ["20", "5"]]))
    assert run_import_command("contracts", path, dry_run=False, out=out, err=err, existing="skip") == 0
    assert Contract.objects.count() == 3 and Contract.objects.get(registration_number="2026530100000001").contract_amount == 10
    assert run_import_command("contracts", path, dry_run=False, out=out, err=err, existing="update") == 0
    assert Contract.objects.get(registration_number="2026530100000001").contract_amount == 11


def test_export_is_in_jj001_order_and_imports_back(staff_client):
    run_import("contracts", _csv(BASE + ["合同成交额（元）", "技术交易额（元）"], [_row(1) + ["1234.5", "1000"]]),
               file_name="c.csv")
    response = staff_client.get("/contracts/registry/export/?year=2026")
    assert response.status_code == 200
    book = tablib.Dataset().load(response.content, format="xlsx")
    assert book.headers[:3] == ["登记编号", "项目名称", "合同类型"] and "合同成交额（元）" in book.headers
    assert Decimal(str(book[0][book.headers.index("合同成交额（元）")])) == Decimal("1234.50")
    Contract.objects.all().delete()
    report = run_import("contracts", response.content, file_name="jj001.xlsx")
    assert report.ok and report.written, report.as_text()
    assert Contract.objects.get().contract_amount == Decimal("1234.50")


def test_kechuang_import_contracts_command(tmp_path, capsys):
    from kechuang.cli import main

    path = tmp_path / "c.csv"
    path.write_bytes(_csv(BASE + ["合同成交额（万元）", "技术交易额（万元）"], [_row(1) + ["1.5", "1"]]))
    assert main(["import", "contracts", str(path), "--dry-run"]) == 0
    assert Contract.objects.count() == 0
    assert main(["import", "contracts", str(path), "--existing", "skip"]) == 0
    assert Contract.objects.get().contract_amount == Decimal("15000.00")
    assert "导入成功" in capsys.readouterr().out


def test_staff_web_import_page_previews_then_writes(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = _csv(BASE + ["合同成交额（万元）", "技术交易额（万元）"], [_row(1) + ["2.5", "2"]])
    response = staff_client.post("/directory/import/", {"entity": "contracts",
                                                        "file": SimpleUploadedFile("c.csv", body)})
    assert response.status_code == 302
    preview = response["Location"]
    assert staff_client.get(preview).status_code == 200 and Contract.objects.count() == 0
    staff_client.post(preview)
    assert Contract.objects.get().contract_amount == Decimal("25000.00")
