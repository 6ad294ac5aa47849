"""Import messages a clerk can act on: the bad value is named with its row and column, and the template's sheet
has a Chinese name (issue 10, item 12)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kechuang.core.validators import make_credit_code
from kechuang.directory.importing import get_spec, run_import, template_bytes

pytestmark = pytest.mark.django_db

GOOD = make_credit_code("91530102MA6T00001")
BAD_CHECK = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")


def test_a_cell_error_names_row_column_and_the_bad_value():
    data = ("名称,统一社会信用代码,行政区划代码,类型\n"
            f"甲公司,{BAD_CHECK},530102,企业\n").encode()
    report = run_import("organisations", data, file_name="orgs.csv")
    [error] = report.errors
    assert (error.row, error.column) == (2, "统一社会信用代码")
    assert BAD_CHECK in error.message
    assert "第2行 [统一社会信用代码]" in report.as_text() and BAD_CHECK in report.as_text()


def test_a_message_that_already_quotes_the_value_does_not_repeat_it():
    data = ("名称,统一社会信用代码,行政区划代码,类型,职工人数\n"
            f"甲公司,{GOOD},530102,企业,很多\n").encode()
    report = run_import("organisations", data, file_name="orgs.csv")
    [error] = report.errors
    assert error.message.count("很多") == 1


def test_the_template_sheet_has_a_chinese_title():
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(get_spec("organisations"))))  # type: ignore[arg-type]
    assert book.sheetnames == ["机构导入模板"]
