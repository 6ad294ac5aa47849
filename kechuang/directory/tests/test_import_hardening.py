"""Staff import hardening (issue 12, items 6 and 8): malformed merge choices, size and row limits, uploads kept
no longer than needed."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.core.tabular import CellError, run_import, run_import_command
from kechuang.core.tabular.reading import TooManyRows, read_table
from kechuang.core.validators import make_credit_code
from kechuang.directory.models import Organisation
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _upload(staff_client, body: str, name: str = "orgs.csv") -> str:
    upload = SimpleUploadedFile(name, body.encode())
    return staff_client.post("/directory/import/", {"entity": "organisations", "file": upload})["Location"]


@pytest.mark.parametrize("field,value", [("merge_abc", "1"), ("merge_2", "abc"), ("merge_2", "99999999"),
                                         ("merge_2", "99999999999999999999999"), ("merge_99", "{pk}"),
                                         ("merge_-1", "{pk}")])
def test_malformed_merge_choices_give_a_chinese_form_error(staff_client, field, value):
    existing = OrganisationFactory(name="旧名称有限公司", employees=1)
    preview = _upload(staff_client,
                      f"名称,统一社会信用代码,行政区划代码,类型,职工人数\n新名称有限公司,{existing.credit_code},530102,企业,99\n")
    response = staff_client.post(preview, {field: value.format(pk=existing.pk)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "合并选择有误" in html and ("无效" in html or "不存在" in html)
    existing.refresh_from_db()
    assert existing.employees == 1 and Organisation.objects.count() == 1
    # The preview is still usable: the right choice imports.
    assert staff_client.post(preview, {"merge_2": existing.pk}).status_code == 302
    existing.refresh_from_db()
    assert existing.employees == 99


# --- Item 6: limits before parsing, streaming XLSX, background jobs, uploads not kept -----------------------



HEADER = "名称,统一社会信用代码,行政区划代码,类型\n"


def _codes(n: int) -> list[str]:
    return [make_credit_code(f"91530102MA6H{i:05d}") for i in range(n)]


def make_xlsx(rows: int, *, dimension: bool = True) -> bytes:
    """A minimal workbook written directly (openpyxl needs ~15 s for 100,000 rows on a busy machine; this takes
    well under one). Like Excel's and openpyxl's own files it states its <dimension> unless told not to."""
    import zipfile

    cells = ['<row r="1"><c t="inlineStr"><is><t>名称</t></is></c><c t="inlineStr"><is><t>统一社会信用代码</t></is>'
             '</c><c t="inlineStr"><is><t>行政区划代码</t></is></c><c t="inlineStr"><is><t>类型</t></is></c></row>']
    cells += [f'<row r="{i}"><c t="inlineStr"><is><t>公司{i}</t></is></c><c t="inlineStr"><is><t>x</t></is></c>'
              f'<c><v>530102</v></c><c t="inlineStr"><is><t>企业</t></is></c></row>' for i in range(2, rows + 2)]
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    dim = f'<dimension ref="A1:D{rows + 1}"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
        '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="S" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{main}">{dim}<sheetData>'
        + "".join(cells) + "</sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


@pytest.fixture(scope="session")
def xlsx_100k() -> bytes:
    return make_xlsx(100_000)


def test_the_generated_workbook_reads_like_a_real_one():
    table = read_table(make_xlsx(3), "xlsx")
    assert table.headers == ["名称", "统一社会信用代码", "行政区划代码", "类型"]
    assert table.rows[0] == ["公司2", "x", 530102, "企业"] and table.row_numbers == [2, 3, 4]


def test_an_xlsx_that_expands_too_far_is_refused_before_it_is_parsed(settings):
    settings.IMPORT_MAX_XLSX_EXPANDED_BYTES = 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(CellError, match="解压后"):
        read_table(make_xlsx(100_000, dimension=False), "xlsx", max_rows=20_000)
    assert time.perf_counter() - started < 5


def test_a_100k_row_xlsx_is_refused_without_reading_it_all(xlsx_100k):
    started = time.perf_counter()
    with pytest.raises(TooManyRows) as refused:
        read_table(xlsx_100k, "xlsx", max_rows=20_000)
    assert refused.value.rows_read == 20_001  # stopped one row past the limit: 79,999 rows never parsed
    with pytest.raises(CellError, match="最多 20000 行"):
        run_import("organisations", xlsx_100k, file_name="big.xlsx", max_rows=20_000)
    # Reading all 100,000 rows twice takes ~5x longer; the bound is loose for a busy CI machine.
    assert time.perf_counter() - started < 15


def test_rows_read_stop_at_the_limit_for_csv_too():
    data = (HEADER + "".join(f"公司{i},x,530102,企业\n" for i in range(1000))).encode()
    with pytest.raises(TooManyRows) as refused:
        read_table(data, "csv", max_rows=10)
    assert refused.value.rows_read == 11


def test_oversized_web_upload_is_refused_before_it_is_read_or_kept(settings, tmp_path, staff_client):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_MAX_BYTES_WEB = 1000
    body = HEADER + "".join(f"公司{i},{c},530102,企业\n" for i, c in enumerate(_codes(40)))
    response = staff_client.post("/directory/import/", {"entity": "organisations",
                                                        "file": SimpleUploadedFile("big.csv", body.encode())})
    assert response.status_code == 200 and "超过网页导入上限" in response.content.decode()
    assert not (tmp_path / "imports").exists() or not list((tmp_path / "imports").iterdir())


def test_cli_checks_the_size_before_reading(settings, tmp_path):
    settings.IMPORT_MAX_BYTES_CLI = 10
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "甲公司,x,530102,企业\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_import_command("organisations", path, dry_run=True, out=out, err=err) == 2
    assert "超过上限" in err.getvalue()


def test_rejected_uploads_are_deleted_and_stale_ones_purged(settings, tmp_path, staff_client):
    from kechuang.directory.views import purge_stale_uploads

    settings.MEDIA_ROOT = tmp_path
    preview = _upload(staff_client, HEADER + "甲公司,bad,530102,企业\n")
    assert "第 2 行" in staff_client.get(preview).content.decode()  # the errors are shown once ...
    assert list((tmp_path / "imports").iterdir()) == []  # ... and the rejected file is gone
    good = _upload(staff_client, HEADER + f"甲公司,{_codes(1)[0]},530102,企业\n")
    staff_client.get(good)
    kept = list((tmp_path / "imports").iterdir())
    assert len(kept) == 1  # waiting for confirmation
    os.utime(kept[0], (time.time() - 48 * 3600,) * 2)
    assert purge_stale_uploads() == 1 and not kept[0].exists()
    response = staff_client.get(good)
    assert response.status_code == 302 and response["Location"] == "/directory/import/"


def test_large_web_import_runs_as_a_background_job(settings, tmp_path, staff_client, outsider_client):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 2
    body = HEADER + "".join(f"后台导入{i}有限公司,{c},530102,企业\n" for i, c in enumerate(_codes(5)))
    preview = _upload(staff_client, body)
    assert "确认导入" in staff_client.get(preview).content.decode()
    response = staff_client.post(preview)
    assert response.status_code == 302 and "/directory/import/jobs/" in response["Location"]
    job = Job.objects.get(kind="directory.import")
    page = staff_client.get(response["Location"]).content.decode()
    assert "排队中" in page and "hx-trigger" in page
    assert outsider_client.get(response["Location"]).status_code == 403
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["created"] == 5
    assert Organisation.objects.filter(name__startswith="后台导入").count() == 5
    page = staff_client.get(response["Location"]).content.decode()
    assert "导入成功" in page and "hx-trigger" not in page
    assert list((tmp_path / "imports").iterdir()) == []
