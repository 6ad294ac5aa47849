"""The organisation's own people, platforms and instruments in the workspace: create, edit, delete — its own
rows only. An outsider (an enterprise user of another organisation) cannot see the edit form of another
organisation's row nor post changes to it; anonymous visitors are sent to log in; every write is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import AuditLog
from kechuang.directory import services
from kechuang.directory.apps import DirectoryConfig
from kechuang.directory.models import Instrument, Person, Platform
from kechuang.directory.tests.factories import (
    IndustryChainFactory,
    InstrumentFactory,
    PersonFactory,
    PlatformFactory,
)

pytestmark = pytest.mark.django_db

VALID = {
    "person": {"name": "李明远", "kind": "tech_manager", "grade": "senior", "title": "高级工程师",
               "fields": "新材料、储能", "region_code": "530102", "phone": "13812345678",
               "email": "li@example.test", "published": "on"},
    "platform": {"name": "云南省稀贵金属新材料重点实验室", "kind": "key_lab", "level": "provincial",
                 "recognised_on": "2021-06-30", "fields": "稀贵金属", "published": "on"},
    "instrument": {"name": "场发射扫描电子显微镜", "model_number": "SU-8220", "manufacturer": "日立",
                   "category": "电子光学仪器", "original_value_yuan": "4800000", "location": "呈贡校区",
                   "sharing_terms": "预约共享", "fee": "300元/小时", "contact_phone": "0871-65000000",
                   "published": "on"},
}
MODELS = {"person": Person, "platform": Platform, "instrument": Instrument}
FACTORIES = {"person": PersonFactory, "platform": PlatformFactory, "instrument": InstrumentFactory}
ENTITIES = ["person", "platform", "instrument"]


@pytest.fixture
def rows(enterprise_org):
    """One row of each kind belonging to enterprise_org (not the outsider's organisation)."""
    return {key: FACTORIES[key](organisation=enterprise_org, name=f"原名称{key}") for key in ENTITIES}


# The object URLs this module exercises (named here for the access matrix).
EDIT = {"person": "directory:person_edit", "platform": "directory:platform_edit",
        "instrument": "directory:instrument_edit"}
DELETE = {"person": "directory:person_delete", "platform": "directory:platform_delete",
          "instrument": "directory:instrument_delete"}


def _edit(key, pk):
    return reverse(EDIT[key], args=[pk])


def _delete(key, pk):
    return reverse(DELETE[key], args=[pk])


def _audit(obj, action):
    return AuditLog.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk), action=action)


# --- the outsider ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ENTITIES)
def test_outsider_cannot_see_or_change_another_organisations_row(client, outsider_client, rows, key):
    obj = rows[key]
    # anonymous: sent to log in, for the form and for the writes
    for response in (client.get(_edit(key, obj.pk)), client.post(_edit(key, obj.pk), VALID[key]),
                     client.post(_delete(key, obj.pk))):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # outsider: the row does not exist for it
    assert outsider_client.get(_edit(key, obj.pk)).status_code == 404
    assert outsider_client.post(_edit(key, obj.pk), VALID[key]).status_code == 404
    assert outsider_client.post(_delete(key, obj.pk)).status_code == 404
    obj.refresh_from_db()
    assert obj.name == f"原名称{key}"
    assert not AuditLog.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk),
                                       action__in=["update", "delete"]).exists()
    # and its own list does not show the row
    page = outsider_client.get(reverse("directory:my_resources")).content.decode()
    assert f"原名称{key}" not in page


@pytest.mark.parametrize("key", ENTITIES)
def test_outsider_create_goes_to_its_own_organisation(outsider_client, outsider, enterprise_org, key):
    response = outsider_client.post(reverse(f"directory:{key}_create"), {**VALID[key], "organisation": enterprise_org.pk})
    assert response.status_code == 302
    obj = MODELS[key].objects.get(name=VALID[key]["name"])
    assert obj.organisation_id == outsider.organisation_id  # the posted organisation is ignored


def test_delete_is_post_only(enterprise_client, rows):
    assert enterprise_client.get(_delete("person", rows["person"].pk)).status_code == 405
    assert Person.objects.filter(pk=rows["person"].pk).exists()


def test_users_without_organisation_cannot_create(broker_client):
    for key in ENTITIES:
        assert broker_client.get(reverse(f"directory:{key}_create")).status_code == 403
    assert broker_client.get(reverse("directory:my_resources")).status_code == 403


def test_services_refuse_outsiders(outsider, enterprise_org, rows):
    with pytest.raises(ApplicationError):
        services.person_create(organisation=enterprise_org, data={"name": "x", "kind": "expert"}, actor=outsider)
    with pytest.raises(ApplicationError):
        services.person_update(person=rows["person"], data={"name": "x"}, actor=outsider)
    with pytest.raises(ApplicationError):
        services.platform_update(platform=rows["platform"], data={"name": "x"}, actor=outsider)
    with pytest.raises(ApplicationError):
        services.instrument_delete(instrument=rows["instrument"], actor=outsider)
    assert Instrument.objects.filter(pk=rows["instrument"].pk).exists()


def test_services_refuse_fields_that_are_not_the_members_to_set(enterprise_user, rows, university_org):
    with pytest.raises(ApplicationError, match="不能修改"):
        services.person_update(person=rows["person"], data={"organisation": university_org}, actor=enterprise_user)


# --- the happy path -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ENTITIES)
def test_member_creates_edits_and_deletes_its_rows_with_audit(enterprise_client, enterprise_user, enterprise_org,
                                                              key):
    assert enterprise_client.get(reverse(f"directory:{key}_create")).status_code == 200
    response = enterprise_client.post(reverse(f"directory:{key}_create"), VALID[key])
    assert response.status_code == 302 and response["Location"] == reverse("directory:my_resources")
    obj = MODELS[key].objects.get(name=VALID[key]["name"])
    assert obj.organisation == enterprise_org and obj.published
    created = _audit(obj, "create").get()
    assert created.actor == enterprise_user

    assert VALID[key]["name"] in enterprise_client.get(reverse("directory:my_resources")).content.decode()
    assert enterprise_client.get(_edit(key, obj.pk)).status_code == 200
    changed = {**VALID[key], "name": "新名称"}
    changed.pop("published")  # unticked: no longer public
    assert enterprise_client.post(_edit(key, obj.pk), changed).status_code == 302
    obj.refresh_from_db()
    assert obj.name == "新名称" and not obj.published
    update = _audit(obj, "update").get()
    assert update.actor == enterprise_user and "name" in update.changes

    assert enterprise_client.post(_delete(key, obj.pk)).status_code == 302
    assert not MODELS[key].objects.filter(pk=obj.pk).exists()
    assert _audit(obj, "delete").get().actor == enterprise_user


def test_platform_industry_chains_are_saved(enterprise_client, enterprise_org):
    chain = IndustryChainFactory(name="稀贵金属新材料")
    enterprise_client.post(reverse("directory:platform_create"), {**VALID["platform"], "industry_chains": [chain.pk]})
    assert list(Platform.objects.get(name=VALID["platform"]["name"]).industry_chains.all()) == [chain]


def test_staff_may_edit_any_organisations_row(staff_client, rows):
    assert staff_client.get(_edit("person", rows["person"].pk)).status_code == 200
    response = staff_client.post(_edit("person", rows["person"].pk), {**VALID["person"], "name": "科技局更正"})
    assert response["Location"] == reverse("directory:person_detail", args=[rows["person"].pk])
    rows["person"].refresh_from_db()
    assert rows["person"].name == "科技局更正"
    response = staff_client.post(_delete("instrument", rows["instrument"].pk))
    assert response["Location"] == reverse("directory:instrument_list")
    assert not Instrument.objects.filter(pk=rows["instrument"].pk).exists()


def test_validation_messages_are_chinese_and_name_the_field(enterprise_client):
    page = enterprise_client.post(reverse("directory:person_create"),
                                  {"name": "", "kind": "expert", "email": "not-an-email", "region_code": "999999"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "请填写姓名" in text and "电子邮箱不是有效的邮箱地址" in text
    assert "行政区划代码" in text
    assert not Person.objects.exists()
    page = enterprise_client.post(reverse("directory:instrument_create"), {"name": "仪器", "original_value_yuan": "abc"})
    assert "原值（元）须填写整数" in page.content.decode()
    page = enterprise_client.post(reverse("directory:platform_create"), {"name": "平台", "kind": "key_lab"})
    assert "请选择级别" in page.content.decode()


def test_workspace_links_to_the_resources(enterprise_client, enterprise_user):
    titles = [p.title for p in DirectoryConfig.workspace_panels(None, enterprise_user)]  # type: ignore[arg-type]
    assert "本机构人员、平台与仪器" in titles
    page = enterprise_client.get(reverse("accounts:workspace")).content.decode()
    assert reverse("directory:my_resources") in page and reverse("directory:person_create") in page


def test_detail_pages_link_to_the_edit_form_only_for_those_who_may_edit(client, outsider_client, enterprise_client,
                                                                         rows):
    for key, list_name in (("person", "person_detail"), ("platform", "platform_detail"),
                           ("instrument", "instrument_detail")):
        url = reverse(f"directory:{list_name}", args=[rows[key].pk])
        edit = _edit(key, rows[key].pk)
        assert edit in enterprise_client.get(url).content.decode()
        assert edit not in outsider_client.get(url).content.decode()
        assert edit not in client.get(url).content.decode()
