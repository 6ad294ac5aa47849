"""Lists, search, filters, sort, export and the workspace forms, as a user drives them."""

from __future__ import annotations

import datetime as dt

import pytest
import tablib

from kechuang.core.models import AuditLog
from kechuang.directory import search
from kechuang.directory.tests.factories import IndustryChainFactory, PlatformFactory, QualificationFactory
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    chain = IndustryChainFactory(code="equipment", name="先进装备制造")
    a = OrganisationFactory(name="昆明甲智能装备有限公司", region_code="530111", business_scope="工业机器人")
    a.industry_chains.add(chain)
    a.save()
    b = OrganisationFactory(name="五华区乙生物医药有限公司", region_code="530102", business_scope="中药制剂")
    c = OrganisationFactory(name="丙大学", kind="university", region_code="530114", business_scope="智能装备教学")
    QualificationFactory(organisation=b, kind="little_giant")
    return a, b, c


def names(response):
    return [o.name for o in response.context["page"]]


def test_search_terms_are_segmented_and_order_free():
    assert set(search.terms("官渡区智能装备企业")) >= {"智能", "装备"}
    assert "企业" not in search.terms("官渡区智能装备企业")


def test_search_filters_and_sort(client, orgs):
    a, b, c = orgs
    assert names(client.get("/directory/organisations/", {"q": "装备 智能"})) == [c.name, a.name]
    assert names(client.get("/directory/organisations/", {"q": "官渡区 智能装备"})) == [a.name]
    assert names(client.get("/directory/organisations/", {"q": "先进装备制造"})) == [a.name]  # chain names are searchable
    assert names(client.get("/directory/organisations/", {"kind": "university"})) == [c.name]
    assert names(client.get("/directory/organisations/", {"region": "530102"})) == [b.name]
    assert names(client.get("/directory/organisations/", {"chain": "equipment"})) == [a.name]
    assert names(client.get("/directory/organisations/", {"qualification": "little_giant"})) == [b.name]
    newest = names(client.get("/directory/organisations/", {"sort": "new"}))
    assert newest[0] == c.name


def test_api_filters_match_the_pages(client, orgs):
    a, b, c = orgs
    def api(**params):
        return [r["name"] for r in client.get("/api/organisations/", params).json()["results"]]
    assert api(q="智能 装备") == sorted([a.name, c.name])
    assert api(chain="equipment") == [a.name]
    assert api(qualification="little_giant") == [b.name]
    assert api(kind="university") == [c.name]
    body = client.get("/api/organisations/").json()
    assert body["count"] == 3 and set(body) >= {"count", "results"}


def test_pagination(client):
    for i in range(25):
        OrganisationFactory(name=f"分页测试{i:02d}公司")
    first = client.get("/directory/organisations/")
    assert len(first.context["page"]) == 20 and "第 1 / 2 页" in first.content.decode()
    assert len(client.get("/directory/organisations/", {"page": 2}).context["page"]) == 5


def test_export_applies_the_list_filters(client, orgs):
    a, b, c = orgs
    response = client.get("/directory/export/organisations/", {"format": "xlsx", "kind": "university"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    data = tablib.Dataset().load(response.content, format="xlsx")
    assert data["名称"] == [c.name]
    csv = client.get("/directory/export/organisations/", {"format": "csv", "q": "智能"}).content.decode("utf-8-sig")
    assert a.name in csv and b.name not in csv
    assert client.get("/directory/export/organisations/", {"format": "pdf"}).status_code == 404
    assert client.get("/directory/export/secrets/", {"format": "csv"}).status_code == 404


def test_other_lists_filter(client, enterprise_org):
    PlatformFactory(organisation=enterprise_org, name="国家级平台甲", level="national")
    PlatformFactory(organisation=enterprise_org, name="省级平台乙", level="provincial")
    response = client.get("/directory/platforms/", {"level": "national"})
    assert [p.name for p in response.context["page"]] == ["国家级平台甲"]


def test_enterprise_edits_its_profile_and_it_is_audited(enterprise_client, enterprise_org, enterprise_user):
    chain = IndustryChainFactory(code="digital", name="数字经济")
    response = enterprise_client.post("/directory/workspace/profile/", {
        "business_scope": "工业视觉检测", "employees": 321, "industry_chains": [chain.pk],
        "established_on": "2012-05-06", "contact_email": "hr@example.test",
    })
    assert response.status_code == 302
    enterprise_org.refresh_from_db()
    assert enterprise_org.employees == 321 and enterprise_org.established_on == dt.date(2012, 5, 6)
    assert "数字经济" in enterprise_org.search_text and "工业视觉检测" in enterprise_org.search_text
    log = AuditLog.objects.filter(object_type="directory.Organisation", object_id=str(enterprise_org.pk),
                                  action="update").first()
    assert log is not None and log.actor_id == enterprise_user.pk and "employees" in log.changes


def test_profile_form_shows_errors(enterprise_client):
    response = enterprise_client.post("/directory/workspace/profile/", {"contact_email": "not-an-email"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_yearly_figures_upsert(enterprise_client, enterprise_org):
    for revenue in (1000, 2000):
        response = enterprise_client.post("/directory/workspace/figures/", {
            "year": 2024, "revenue_yuan": revenue, "rnd_expense_yuan": 100, "rnd_staff": 3})
        assert response.status_code == 302
    assert list(enterprise_org.yearly_figures.values_list("year", "revenue_yuan")) == [(2024, 2000)]


def test_home_and_workspace_panels(client, enterprise_client, staff_client, orgs):
    home = client.get("/").content.decode()
    assert "专家与人才" in home and "创新平台" in home and "大型仪器" in home
    assert "编辑机构资料" in enterprise_client.get("/accounts/workspace/").content.decode()
    assert "创新资源批量导入" in staff_client.get("/accounts/workspace/").content.decode()


def test_staff_import_upload_preview_confirm(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.core.validators import make_credit_code
    from kechuang.directory.models import Organisation

    good = make_credit_code("91530102MA6W00001")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    upload = SimpleUploadedFile("orgs.csv", f"名称,统一社会信用代码,行政区划代码,类型\n甲公司,{good},530102,企业\n乙公司,{bad},530102,企业\n".encode())
    preview = staff_client.post("/directory/import/", {"entity": "organisations", "file": upload})["Location"]
    html = staff_client.get(preview).content.decode()
    assert "第 3 行" in html and "校验位错误" in html and "确认导入" not in html
    # A rejected upload is deleted once its errors are shown: it cannot be confirmed afterwards.
    assert staff_client.post(preview).status_code == 404
    assert Organisation.objects.count() == 0
    upload = SimpleUploadedFile("orgs.csv", f"名称,统一社会信用代码,行政区划代码,类型\n甲公司,{good},530102,企业\n".encode())
    preview = staff_client.post("/directory/import/", {"entity": "organisations", "file": upload})["Location"]
    assert "确认导入" in staff_client.get(preview).content.decode()
    response = staff_client.post(preview)
    assert response.status_code == 302 and response["Location"] == "/directory/organisations/"
    assert Organisation.objects.get().name == "甲公司"
    assert staff_client.get(preview).status_code == 404  # a confirmed upload cannot be replayed


def test_staff_can_update_existing_records_from_an_import(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    existing = OrganisationFactory(name="旧名称有限公司", employees=1)
    upload = SimpleUploadedFile("orgs.csv", f"名称,统一社会信用代码,行政区划代码,类型,职工人数\n新名称有限公司,{existing.credit_code},530102,企业,99\n".encode())
    preview = staff_client.post("/directory/import/", {"entity": "organisations", "file": upload})["Location"]
    html = staff_client.get(preview).content.decode()
    assert "与已有记录相同" in html and f'name="merge_2" value="{existing.pk}"' in html
    response = staff_client.post(preview, {"merge_2": existing.pk})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.employees == 99 and existing.name == "新名称有限公司"


def test_list_totals_follow_writes(client):
    OrganisationFactory(name="计数一公司")
    assert client.get("/directory/organisations/").context["page"].paginator.count == 1
    OrganisationFactory(name="计数二公司")  # the post_save signal invalidates the cached total
    assert client.get("/directory/organisations/").context["page"].paginator.count == 2
