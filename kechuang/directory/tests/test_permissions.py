"""Every directory page and endpoint with the personas: the public sees what is published, contact details
need a signed-in user, an outsider cannot touch another organisation, only bureau staff import."""

from __future__ import annotations

import pytest

from kechuang.core.exceptions import ApplicationError
from kechuang.directory import services
from kechuang.directory.choices import AccountStatus
from kechuang.directory.tests.factories import (
    InstrumentFactory,
    PersonFactory,
    PlatformFactory,
    QualificationFactory,
    YearlyFigureFactory,
)
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PUBLIC_LISTS = ["/directory/organisations/", "/directory/people/", "/directory/platforms/", "/directory/instruments/"]
API_LISTS = ["/api/organisations/", "/api/people/", "/api/platforms/", "/api/instruments/"]
STAFF_ONLY = ["/directory/import/", "/directory/import/template/organisations/"]


@pytest.fixture
def resources(enterprise_org):
    return {
        "person": PersonFactory(organisation=enterprise_org, name="公开专家", phone="13911112222", email="pub@example.test",
                                contact_consent=True),
        "hidden_person": PersonFactory(organisation=enterprise_org, name="未公开专家", published=False),
        "platform": PlatformFactory(organisation=enterprise_org),
        "instrument": InstrumentFactory(organisation=enterprise_org, contact_phone="0871-61234567"),
        "figure": YearlyFigureFactory(organisation=enterprise_org, revenue_yuan=987_654_321),
        "qualification": QualificationFactory(organisation=enterprise_org),
    }


@pytest.mark.parametrize("url", PUBLIC_LISTS + API_LISTS)
def test_lists_are_public(client, outsider_client, resources, url):
    assert client.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 200


def test_details_are_public_but_contacts_need_sign_in(client, outsider_client, resources, enterprise_org):
    person = resources["person"]
    anonymous = client.get(f"/directory/people/{person.pk}/").content.decode()
    assert "登录后" in anonymous and "13911112222" not in anonymous and "pub@example.test" not in anonymous
    signed_in = outsider_client.get(f"/directory/people/{person.pk}/").content.decode()
    assert "13911112222" in signed_in
    inst = client.get(f"/directory/instruments/{resources['instrument'].pk}/").content.decode()
    assert "0871-61234567" not in inst
    assert client.get(f"/directory/platforms/{resources['platform'].pk}/").status_code == 200
    org_page = client.get(f"/directory/organisations/{enterprise_org.pk}/").content.decode()
    assert "高新技术企业" in org_page and "公开专家" in org_page and "未公开专家" not in org_page


def test_api_leaves_contact_fields_out_for_anonymous(client, outsider_client, resources):
    row = client.get("/api/people/").json()["results"][0]
    assert "phone" not in row and "email" not in row
    assert outsider_client.get("/api/people/").json()["results"][0]["phone"] == "13911112222"
    org = client.get("/api/organisations/").json()["results"][0]
    assert "contact_phone" not in org
    assert "contact_phone" not in client.get("/api/instruments/").json()["results"][0]


def test_api_is_read_only(client, outsider_client, resources, enterprise_org):
    for c in (client, outsider_client):
        assert c.post("/api/organisations/", {"name": "x"}).status_code in (401, 403, 405)
        assert c.patch(f"/api/organisations/{enterprise_org.pk}/", {"name": "x"},
                       content_type="application/json").status_code in (401, 403, 405)
        assert c.delete(f"/api/people/{resources['person'].pk}/").status_code in (401, 403, 405)


def test_unpublished_and_pending_rows_are_hidden_from_outsiders(client, outsider_client, enterprise_client, resources):
    hidden = resources["hidden_person"]
    assert client.get(f"/directory/people/{hidden.pk}/").status_code == 404
    assert outsider_client.get(f"/directory/people/{hidden.pk}/").status_code == 404
    assert outsider_client.get(f"/api/people/{hidden.pk}/").status_code == 404
    assert enterprise_client.get(f"/directory/people/{hidden.pk}/").status_code == 200  # its own organisation
    pending = OrganisationFactory(name="待审核的新公司", status=AccountStatus.PENDING)
    assert client.get(f"/directory/organisations/{pending.pk}/").status_code == 404
    assert outsider_client.get(f"/api/organisations/{pending.pk}/").status_code == 404
    assert "待审核的新公司" not in client.get("/directory/organisations/").content.decode()


def test_yearly_figures_only_for_the_organisation_and_the_bureau(client, outsider_client, enterprise_client,
                                                                 staff_client, resources, enterprise_org):
    url = f"/directory/organisations/{enterprise_org.pk}/"
    assert "987,654,321" not in client.get(url).content.decode()
    assert "987,654,321" not in outsider_client.get(url).content.decode()
    assert "987,654,321" in enterprise_client.get(url).content.decode()
    assert "987,654,321" in staff_client.get(url).content.decode()


@pytest.mark.parametrize("url", STAFF_ONLY)
def test_import_ui_is_for_bureau_staff_only(client, outsider_client, enterprise_client, staff_client, url):
    assert client.get(url).status_code == 302  # to the login page
    assert outsider_client.get(url).status_code == 403
    assert enterprise_client.get(url).status_code == 403
    assert staff_client.get(url).status_code == 200


def test_outsider_cannot_post_an_import_or_open_someone_elses_preview(outsider_client, staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.csv", "名称,统一社会信用代码,行政区划代码,类型\n".encode())
    assert outsider_client.post("/directory/import/", {"entity": "organisations", "file": upload}).status_code == 403
    upload = SimpleUploadedFile("a.csv", "名称,统一社会信用代码,行政区划代码,类型\n".encode())
    response = staff_client.post("/directory/import/", {"entity": "organisations", "file": upload})
    preview = response["Location"]
    assert staff_client.get(preview).status_code == 200
    assert outsider_client.get(preview).status_code == 403
    assert outsider_client.post(preview).status_code == 403


def test_profile_edit_changes_only_the_users_own_organisation(client, outsider_client, outsider, enterprise_org):
    assert client.get("/directory/workspace/profile/").status_code == 302
    response = outsider_client.post("/directory/workspace/profile/", {"business_scope": "外人改的", "employees": 5})
    assert response.status_code == 302
    enterprise_org.refresh_from_db()
    outsider.organisation.refresh_from_db()
    assert enterprise_org.business_scope != "外人改的"
    assert outsider.organisation.business_scope == "外人改的"


def test_profile_services_refuse_outsiders(outsider, enterprise_org, broker):
    with pytest.raises(ApplicationError):
        services.organisation_update_profile(organisation=enterprise_org, data={"employees": 1},
                                             industry_chains=None, actor=outsider)
    with pytest.raises(ApplicationError):
        services.yearly_figure_save(organisation=enterprise_org, year=2024, revenue_yuan=1, rnd_expense_yuan=0,
                                    rnd_staff=0, actor=outsider)
    with pytest.raises(ApplicationError):
        services.directory_import(entity="organisations", data=b"", file_name="a.csv", actor=outsider, dry_run=True)


def test_user_without_organisation_has_no_profile_page(broker_client):
    assert broker_client.get("/directory/workspace/profile/").status_code == 403
    assert broker_client.get("/directory/workspace/figures/").status_code == 403


@pytest.mark.parametrize("entity", ["organisations", "people", "platforms", "instruments"])
def test_exports_hide_contacts_from_anonymous(client, outsider_client, staff_client, resources, entity):
    anonymous = client.get(f"/directory/export/{entity}/?format=csv").content.decode("utf-8-sig")
    signed_in = outsider_client.get(f"/directory/export/{entity}/?format=csv").content.decode("utf-8-sig")
    staff = staff_client.get(f"/directory/export/{entity}/?format=csv").content.decode("utf-8-sig")
    assert "未公开专家" not in anonymous and "未公开专家" not in signed_in
    if entity in ("instruments", "organisations"):  # official contacts: approved accounts
        assert "联系电话" not in anonymous.splitlines()[0]
        assert "联系电话" in signed_in.splitlines()[0]
    if entity == "people":  # personal contacts: bureau staff only, even with the person's consent
        assert "联系电话" not in anonymous.splitlines()[0] and "联系电话" not in signed_in.splitlines()[0]
        assert "联系电话" in staff.splitlines()[0] and "13911112222" in staff


def test_every_directory_url_with_anonymous_and_outsider(client, outsider_client, enterprise_client, staff_client,
                                                          resources, enterprise_org):
    """One table of every directory URL and what each audience gets (200 ok, 302 to login, 403, 404)."""
    person, hidden = resources["person"], resources["hidden_person"]
    platform, instrument = resources["platform"], resources["instrument"]
    table = [
        # url, anonymous, outsider, member of the organisation, bureau staff
        ("/directory/organisations/", 200, 200, 200, 200),
        (f"/directory/organisations/{enterprise_org.pk}/", 200, 200, 200, 200),
        ("/directory/people/", 200, 200, 200, 200),
        (f"/directory/people/{person.pk}/", 200, 200, 200, 200),
        (f"/directory/people/{hidden.pk}/", 404, 404, 200, 200),
        ("/directory/platforms/", 200, 200, 200, 200),
        (f"/directory/platforms/{platform.pk}/", 200, 200, 200, 200),
        ("/directory/instruments/", 200, 200, 200, 200),
        (f"/directory/instruments/{instrument.pk}/", 200, 200, 200, 200),
        ("/directory/export/organisations/?format=csv", 200, 200, 200, 200),
        ("/directory/export/people/?format=xlsx", 200, 200, 200, 200),
        ("/directory/export/platforms/?format=csv", 200, 200, 200, 200),
        ("/directory/export/instruments/?format=csv", 200, 200, 200, 200),
        ("/directory/import/", 302, 403, 403, 200),
        ("/directory/import/template/people/", 302, 403, 403, 200),
        ("/directory/import/0123456789abcdef/", 302, 403, 403, 404),
        ("/directory/workspace/profile/", 302, 200, 200, 403),  # the outsider edits ITS OWN organisation
        ("/directory/workspace/figures/", 302, 200, 200, 403),
        ("/api/organisations/", 200, 200, 200, 200),
        (f"/api/organisations/{enterprise_org.pk}/", 200, 200, 200, 200),
        ("/api/people/", 200, 200, 200, 200),
        (f"/api/people/{person.pk}/", 200, 200, 200, 200),
        (f"/api/people/{hidden.pk}/", 404, 404, 200, 200),
        ("/api/platforms/", 200, 200, 200, 200),
        (f"/api/platforms/{platform.pk}/", 200, 200, 200, 200),
        ("/api/instruments/", 200, 200, 200, 200),
        (f"/api/instruments/{instrument.pk}/", 200, 200, 200, 200),
    ]
    for url, *expected in table:
        got = [c.get(url).status_code for c in (client, outsider_client, enterprise_client, staff_client)]
        assert got == expected, url


def test_outsider_figures_go_to_its_own_organisation(outsider_client, outsider, enterprise_org):
    outsider_client.post("/directory/workspace/figures/", {"year": 2024, "revenue_yuan": 5, "rnd_expense_yuan": 1,
                                                           "rnd_staff": 1})
    assert not enterprise_org.yearly_figures.filter(revenue_yuan=5).exists()
    assert outsider.organisation.yearly_figures.get().revenue_yuan == 5
