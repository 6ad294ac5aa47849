"""Imports of achievements, demands and the CSL papers: Chinese headers, every bad row reported, all or nothing."""

from __future__ import annotations

import json

import pytest

from kechuang.core.tabular import run_import
from kechuang.market.choices import SOURCE_CSL, Status
from kechuang.market.models import Achievement, Demand

pytestmark = pytest.mark.django_db

HEADER = "成果名称,持有单位,摘要,关键词,学科,成熟度,转化方式,价格\n"


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_bad_row_writes_nothing_and_is_reported_by_row_and_column(university_org):
    data = _csv(HEADER
                + f"高原果蔬预冷技术,{university_org.name},差压预冷,冷链、预冷,食品科学,TRL6,转让、许可,120万\n"
                + f"成熟度写错的成果,{university_org.name},摘要,关键词,学科,12,转让,面议\n"
                + "单位不存在的成果,不存在的大学,摘要,,,3,赠送,abc\n")
    report = run_import("achievements", data, file_name="a.csv")
    assert not report.written and Achievement.objects.count() == 0
    found = {(e.row, e.column) for e in report.errors}
    assert (3, "成熟度") in found
    assert {(4, "持有单位"), (4, "转化方式"), (4, "价格")} <= found
    assert all(e.message for e in report.errors)
    assert "第3行" in report.as_text()


def test_good_rows_are_published_with_parsed_values(university_org, django_capture_on_commit_callbacks):
    data = _csv(HEADER + f"高原果蔬预冷技术,{university_org.credit_code},差压预冷,冷链、预冷,食品科学,6级,转让、许可,120万\n"
                + f"鲜花保鲜剂,{university_org.name},保鲜,鲜切花,园艺学,8,技术服务,面议\n")
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import("achievements", data, file_name="a.csv")
    assert report.written, report.as_text()
    a = Achievement.objects.get(title="高原果蔬预冷技术")
    assert a.status == Status.PUBLISHED and a.maturity == 6 and a.price_yuan == 1_200_000
    assert a.transfer_modes == ["transfer", "licence"] and a.keywords == ["冷链", "预冷"]
    assert Achievement.objects.get(title="鲜花保鲜剂").price_yuan is None
    # Running the same file again: every row is a duplicate, nothing is written twice.
    again = run_import("achievements", data, file_name="a.csv")
    assert not again.written and Achievement.objects.count() == 2


def test_english_headers_work_for_demands(enterprise_org):
    data = _csv("title,organisation,description,cooperation_mode,budget_yuan,deadline\n"
                f"冷链温控需求,{enterprise_org.name},全程温控,技术许可,30万,2027-01-31\n")
    report = run_import("demands", data, file_name="d.csv")
    assert report.written, report.as_text()
    d = Demand.objects.get()
    assert d.budget_yuan == 300_000 and d.cooperation_mode == "licence" and d.region_code == enterprise_org.region_code


def test_papers_load_as_literature_without_an_invented_owner(tmp_path):
    lines = [{"id": f"csl-test-{i}", "title": f"论文{i}：基于深度学习的图像识别", "abstract": "摘要", "keywords": ["深度学习"],
              "discipline": "计算机科学与技术"} for i in range(3)]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
    report = run_import("papers", data, file_name="papers.jsonl")
    assert report.written and report.created == 3
    a = Achievement.objects.get(external_id="csl-test-1")
    assert a.source == SOURCE_CSL and a.status == Status.PUBLISHED and a.keywords == ["深度学习"]
    # 科技文献: no owner, and no invented organisation in the directory (issue 10, item 5).
    assert a.owner is None and a.is_literature and a.kind_label == "科技文献"
    from kechuang.directory.models import Organisation

    assert not Organisation.objects.filter(name__contains="CSL").exists()
    bad = data + b'\n{"title": "no id"}\n'
    assert not run_import("papers", bad, file_name="papers.jsonl").written


def test_the_papers_command_as_the_readme_shows_it(tmp_path, capsys):
    import io

    from kechuang.core.tabular import run_import_command

    path = tmp_path / "papers-dev.jsonl"
    path.write_text('{"id": "csl-x-1", "title": "高原果蔬冷链保鲜技术研究", "abstract": "预冷", "keywords": ["冷链"]}\n',
                    encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_import_command("papers", path, dry_run=False, out=out, err=err) == 0
    assert Achievement.objects.filter(source=SOURCE_CSL).count() == 1
    # Again: the paper is a duplicate of the one loaded, the report says so and nothing is written twice.
    assert run_import_command("papers", path, dry_run=False, out=out, err=err) != 0
    assert "重复" in out.getvalue() + err.getvalue()
