"""The import framework: parsing, every-row validation, all-or-nothing, duplicates, merges, CLI, export."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import tablib

from kechuang.core.models import AuditLog
from kechuang.core.tabular import (
    CellError,
    ImportContext,
    export_queryset,
    get_spec,
    near_duplicates,
    normalise_title,
    parsers,
    read_table,
    run_import,
    run_import_command,
)
from kechuang.core.validators import make_credit_code
from kechuang.directory.models import Organisation, Person, Qualification
from kechuang.directory.tests.factories import IndustryChainFactory
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD_1 = make_credit_code("91530102MA6T00001")
GOOD_2 = make_credit_code("91530103MA6T00002")
GOOD_3 = make_credit_code("91530111MA6T00003")
BAD_CHECK = GOOD_3[:-1] + ("0" if GOOD_3[-1] != "0" else "1")
HEADER = "名称,统一社会信用代码,行政区划代码,类型,成立日期,职工人数\n"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "\n".join(rows) + "\n").encode(encoding)


def ctx() -> ImportContext:
    return ImportContext(spec=get_spec("organisations"))  # type: ignore[arg-type]


# --- cell parsers ----------------------------------------------------------------------------------------

def test_credit_code_parser_reports_the_check_digit():
    assert parsers.credit_code()(GOOD_1.lower(), ctx()) == GOOD_1
    with pytest.raises(CellError, match="校验位错误"):
        parsers.credit_code()(BAD_CHECK, ctx())
    with pytest.raises(CellError, match="18位"):
        parsers.credit_code()("9153010", ctx())


def test_region_parser_knows_gb2260_and_district_names():
    parse = parsers.region_code()
    assert parse("530111", ctx()) == "530111"
    assert parse(530102.0, ctx()) == "530102"  # XLSX number cell
    assert parse("官渡区", ctx()) == "530111"
    with pytest.raises(CellError, match="不存在"):
        parse("530199", ctx())
    with pytest.raises(CellError, match="已撤销"):
        parse("530121", ctx())  # 呈贡县, now 呈贡区 530114
    with pytest.raises(CellError, match="未知的行政区划"):
        parse("火星区", ctx())


@pytest.mark.parametrize("raw, expected", [
    ("2021-03-15", dt.date(2021, 3, 15)), ("2021/3/5", dt.date(2021, 3, 5)), ("2021年3月5日", dt.date(2021, 3, 5)),
    ("20210305", dt.date(2021, 3, 5)), (dt.datetime(2021, 3, 5, 8, 0), dt.date(2021, 3, 5)),
])
def test_date_parser_accepts_what_spreadsheets_contain(raw, expected):
    assert parsers.date()(raw, ctx()) == expected


def test_date_parser_messages():
    with pytest.raises(CellError, match="日期不存在"):
        parsers.date()("2021-02-30", ctx())
    with pytest.raises(CellError, match="日期格式错误"):
        parsers.date()("去年春天", ctx())


def test_money_and_choice_parsers():
    money = parsers.money_yuan()
    assert money("1,200,000", ctx()) == 1_200_000
    assert money("120万", ctx()) == 1_200_000
    assert money("1.5亿元", ctx()) == 150_000_000
    with pytest.raises(CellError):
        money("很多", ctx())
    kind = get_spec("organisations").column("kind").parser  # type: ignore[union-attr]
    assert kind("高等院校", ctx()) == "university" and kind("university", ctx()) == "university"
    assert kind("高校", ctx()) == "university"
    with pytest.raises(CellError, match="未知的取值"):
        kind("外星机构", ctx())


# --- whole imports ---------------------------------------------------------------------------------------

def test_good_file_is_written_with_one_audit_row():
    IndustryChainFactory(code="biomedicine", name="生物医药")
    data = (HEADER.strip() + ",产业链\n"
            f"甲药业有限公司,{GOOD_1},530102,企业,2015-03-01,120,生物医药\n"
            f"乙大学,{GOOD_2},五华区,高校,,,\n").encode()
    before = AuditLog.objects.count()
    report = run_import("organisations", data, file_name="orgs.csv")
    assert report.ok and report.written and report.created == 2
    org = Organisation.objects.get(credit_code=GOOD_1)
    assert org.employees == 120 and org.established_on == dt.date(2015, 3, 1)
    assert [c.name for c in org.industry_chains.all()] == ["生物医药"]
    assert "生物医药" in org.search_text  # bulk_create skipped save(); the spec built it
    logs = AuditLog.objects.all()[: AuditLog.objects.count() - before]
    assert [log.action for log in logs] == ["import"]
    assert logs[0].changes["created"] == 2


def test_one_bad_row_writes_nothing_and_every_problem_is_reported():
    data = csv_bytes(
        f"甲公司,{GOOD_1},530102,企业,2015-03-01,120",
        f"乙公司,{BAD_CHECK},530199,企业,2015-02-30,abc",
        f",{GOOD_2},530103,企业,,",
    )
    report = run_import("organisations", data, file_name="orgs.csv")
    assert not report.ok and not report.written
    assert Organisation.objects.count() == 0
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, "统一社会信用代码"), (3, "行政区划代码"), (3, "成立日期"), (3, "职工人数"), (4, "名称")}
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "校验位错误" in messages[(3, "统一社会信用代码")]
    assert "530199" in messages[(3, "行政区划代码")]
    assert "缺少必填项" in messages[(4, "名称")]
    text = report.as_text()
    assert "第3行 [统一社会信用代码]" in text and "未写入任何数据" in text


def test_future_founding_date_is_refused():
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    report = run_import("organisations", csv_bytes(f"甲公司,{GOOD_1},530102,企业,{tomorrow},1"), file_name="a.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "成立日期")]


def test_missing_required_column_is_a_header_error():
    report = run_import("organisations", b"name,credit_code\nA,B\n", file_name="a.csv")
    assert {e.column for e in report.errors} == {"行政区划代码", "类型"}
    assert all(e.row == 1 for e in report.errors)


def test_english_headers_jsonl_and_gbk_csv():
    lines = [json.dumps({"name": "甲公司", "credit_code": GOOD_1, "region_code": "530102", "kind": "enterprise",
                         "unexpected": 1}, ensure_ascii=False)]
    report = run_import("organisations", "\n".join(lines).encode(), file_name="a.jsonl", dry_run=True)
    assert report.ok and not report.written and "unexpected" in report.warnings[0]
    gbk = csv_bytes(f"甲公司,{GOOD_1},530102,企业,,", encoding="gb18030")
    assert run_import("organisations", gbk, file_name="a.csv", dry_run=True).ok
    assert Organisation.objects.count() == 0  # dry runs write nothing


def test_xlsx_rows_are_numbered_as_excel_shows_them():
    ds = tablib.Dataset(headers=["名称", "统一社会信用代码", "行政区划代码", "类型", "成立日期"])
    ds.append(["甲公司", GOOD_1, 530102, "企业", dt.datetime(2015, 3, 1)])
    ds.append(["乙公司", BAD_CHECK, 530102, "企业", None])
    report = run_import("organisations", ds.export("xlsx"), file_name="a.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(3, "统一社会信用代码")]
    assert Organisation.objects.count() == 0


def test_duplicates_in_the_file_and_in_the_database():
    OrganisationFactory(name="已入库的公司", credit_code=GOOD_3)
    data = csv_bytes(f"甲公司,{GOOD_1},530102,企业,,", f"甲公司二,{GOOD_1},530102,企业,,",
                     f"丙公司,{GOOD_3},530102,企业,,")
    report = run_import("organisations", data, file_name="a.csv")
    messages = {e.row: e.message for e in report.errors}
    assert messages[3] == "与第2行重复（统一社会信用代码相同）"
    assert messages[4].startswith("与已有记录重复：已入库的公司")
    assert Organisation.objects.count() == 1


def test_existing_records_can_be_skipped_or_updated_on_a_reimport(tmp_path):
    existing = OrganisationFactory(name="已入库的公司", credit_code=GOOD_3, employees=None)
    again = f"已入库的公司,{GOOD_3},530102,企业,,66"
    data = csv_bytes(f"新公司,{GOOD_1},530102,企业,,", again)
    refused = run_import("organisations", data, file_name="a.csv")
    assert [e.row for e in refused.errors] == [3] and refused.only_mergeable_errors
    assert "--existing update" in refused.as_text()

    skipped = run_import("organisations", data, file_name="a.csv", existing="skip")
    assert skipped.ok and (skipped.created, skipped.merged, skipped.skipped) == (1, 0, 1)
    existing.refresh_from_db()
    assert existing.employees is None  # skipped means untouched
    assert "跳过已有记录 1 条" in skipped.as_text()

    # Now both rows exist: "skip" writes nothing and says so; "update" fills the record from the file.
    nothing = run_import("organisations", data, file_name="a.csv", existing="skip")
    assert nothing.ok and not nothing.written and nothing.skipped == 2
    assert "2 行都是已有记录" in nothing.as_text()
    updated = run_import("organisations", data, file_name="a.csv", existing="update")
    assert updated.ok and (updated.created, updated.merged) == (0, 2)
    existing.refresh_from_db()
    assert existing.employees == 66
    assert Organisation.objects.count() == 2


def test_existing_mode_does_not_excuse_other_problems(tmp_path):
    OrganisationFactory(name="已入库的公司", credit_code=GOOD_3)
    # Row 2 is an existing record but also has a bad region; rows 3 and 4 repeat one key within the file.
    data = csv_bytes(f"已入库的公司,{GOOD_3},530199,企业,,", f"甲公司,{GOOD_1},530102,企业,,",
                     f"甲公司二,{GOOD_1},530102,企业,,")
    for mode in ("skip", "update"):
        report = run_import("organisations", data, file_name="a.csv", existing=mode)
        assert {(e.row, e.column) for e in report.errors} == {(2, "统一社会信用代码"), (2, "行政区划代码"),
                                                             (4, "统一社会信用代码")}
        assert not report.written
    assert Organisation.objects.count() == 1
    with pytest.raises(CellError, match="--existing"):
        run_import("organisations", data, file_name="a.csv", existing="overwrite")
    path = tmp_path / "again.csv"
    path.write_bytes(csv_bytes(f"已入库的公司,{GOOD_3},530102,企业,,"))
    out, err = io.StringIO(), io.StringIO()
    assert run_import_command("organisations", path, dry_run=False, out=out, err=err, existing="skip") == 0
    assert "已跳过" in out.getvalue()


def test_near_duplicate_names_are_offered_for_merge_and_merge_updates():
    existing = OrganisationFactory(name="云南滇中精工科技有限公司", credit_code=GOOD_3, employees=None)
    data = csv_bytes(f"昆明滇中精工科技有限公司,{GOOD_1},530102,企业,,88", f"完全不同的名字,{GOOD_2},530103,企业,,")
    report = run_import("organisations", data, file_name="a.csv", dry_run=True)
    assert report.ok
    [candidate] = report.candidates
    assert candidate.row == 2 and candidate.existing_id == existing.pk and candidate.similarity == 1.0
    report = run_import("organisations", data, file_name="a.csv", merges={2: existing.pk})
    assert report.created == 1 and report.merged == 1
    existing.refresh_from_db()
    assert existing.employees == 88 and existing.credit_code == GOOD_3  # the key is not overwritten


def test_near_duplicate_search_prefix_filter():
    assert normalise_title("昆明滇中（集团）精工科技股份有限公司") == "滇中精工科技"
    new = [(2, "滇池智能装备有限公司"), (3, "昆明滇池智能装备公司"), (4, "云岭茶叶有限公司")]
    found = near_duplicates(new, [(7, "云岭茶业有限公司")], threshold=0.5)
    pairs = {(c.row, c.other_row, c.existing_id) for c in found}
    assert (3, 2, None) in pairs and (4, None, 7) in pairs


def test_people_import_resolves_organisations_by_name_or_credit_code():
    org = OrganisationFactory(name="测试大学")
    data = ("姓名,人员类别,技术经理人等级,所在单位,电子邮箱\n"
            f"张三,技术经理人,高级,{org.credit_code},z@example.test\n"
            "李四,专家,高级,测试大学,l@example.test\n"
            "王五,专家,,不存在的单位,not-an-email\n").encode()
    report = run_import("people", data, file_name="p.csv")
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, "技术经理人等级"), (4, "所在单位"), (4, "电子邮箱")}
    assert Person.objects.count() == 0
    ok = "\n".join(data.decode().splitlines()[:2]).encode()
    assert run_import("people", ok, file_name="p.csv").created == 1
    assert Person.objects.get().organisation == org


def test_qualification_list_import():
    org = OrganisationFactory()
    data = ("统一社会信用代码,资质类型,级别,认定日期,有效期至\n"
            f"{org.credit_code},高企,国家级,2023-11-01,2026-10-31\n").encode()
    assert run_import("qualifications", data, file_name="q.csv").created == 1
    assert Qualification.objects.get().kind == "high_tech"
    again = run_import("qualifications", data, file_name="q.csv")
    assert "与已有记录重复" in again.errors[0].message


def test_cli_exit_codes(tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes(f"甲公司,{GOOD_1},530102,企业,,"))
    bad.write_bytes(csv_bytes(f"乙公司,{BAD_CHECK},530102,企业,,"))
    out, err = io.StringIO(), io.StringIO()
    assert run_import_command("organisations", bad, dry_run=False, out=out, err=err) == 1
    assert "第2行 [统一社会信用代码] 统一社会信用代码校验位错误" in err.getvalue()
    assert run_import_command("organisations", good, dry_run=True, out=out, err=err) == 0
    assert Organisation.objects.count() == 0
    assert run_import_command("organisations", good, dry_run=False, out=out, err=err) == 0
    assert Organisation.objects.count() == 1
    assert run_import_command("spaceships", good, dry_run=False, out=out, err=err) == 2
    assert run_import_command("organisations", tmp_path / "missing.csv", dry_run=False, out=out, err=err) == 2


def test_export_round_trips_through_import():
    IndustryChainFactory(code="digital", name="数字经济")
    run_import("organisations", (HEADER.strip() + ",产业链\n" + f"甲公司,{GOOD_1},530102,企业,2015-03-01,5,数字经济\n").encode(),
               file_name="a.csv")
    body, content_type, name = export_queryset(get_spec("organisations"), Organisation.objects.all(), "xlsx")
    assert name.endswith(".xlsx") and "spreadsheet" in content_type
    table = read_table(body, "xlsx")
    assert table.headers[:4] == ["名称", "统一社会信用代码", "行政区划代码", "类型"]
    report = run_import("organisations", body, file_name="back.xlsx", dry_run=True)
    # Same credit code: the round trip is recognised as the record it came from.
    assert [e.message[:7] for e in report.errors] == ["与已有记录重复"]


def test_large_imports_refresh_planner_statistics(monkeypatch):
    from kechuang.core.tabular import writing as importing

    calls = []
    monkeypatch.setattr(importing, "ANALYZE_AFTER_ROWS", 1)
    original = importing._analyze
    monkeypatch.setattr(importing, "_analyze", lambda model: (calls.append(model), original(model)))
    assert run_import("organisations", csv_bytes(f"甲公司,{GOOD_1},530102,企业,,"), file_name="a.csv").written
    assert calls == [Organisation]


def test_row_limit_for_the_web_import():
    data = csv_bytes(f"甲公司,{GOOD_1},530102,企业,,", f"乙公司,{GOOD_2},530102,企业,,")
    with pytest.raises(CellError, match="最多 1 行"):
        run_import("organisations", data, file_name="a.csv", max_rows=1)
    assert run_import("organisations", data, file_name="a.csv", max_rows=2, dry_run=True).ok
