import pytest

from kechuang.core.audit import acting_as
from kechuang.core.models import AuditLog
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_logged_with_actor_and_changes(staff_user):
    with acting_as(staff_user):
        org = OrganisationFactory(name="审计测试有限公司")
        org.name = "审计测试（改名）有限公司"
        org.save()
        pk = org.pk
        org.delete()
    logs = list(AuditLog.objects.filter(object_type="directory.Organisation", object_id=str(pk)).order_by("id"))
    assert [log.action for log in logs] == ["create", "update", "delete"]
    assert all(log.actor == staff_user for log in logs)
    assert logs[1].changes["name"] == ["审计测试有限公司", "审计测试（改名）有限公司"]
    assert "updated_at" not in logs[1].changes


def test_saving_without_changes_writes_nothing():
    org = OrganisationFactory()
    before = AuditLog.objects.count()
    org.save()
    assert AuditLog.objects.count() == before


def test_audit_log_cannot_be_edited_or_deleted():
    OrganisationFactory()
    log = AuditLog.objects.first()
    log.object_repr = "篡改"
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        log.delete()


def test_staff_can_browse_and_filter_the_log(staff_client):
    OrganisationFactory(name="可筛选的机构")
    response = staff_client.get("/audit/", {"object_type": "directory.Organisation", "action": "create"})
    assert response.status_code == 200
    assert "可筛选的机构" in response.content.decode()


def test_outsider_and_anonymous_cannot_see_the_log(outsider_client, client, broker_client):
    assert outsider_client.get("/audit/").status_code == 403
    assert broker_client.get("/audit/").status_code == 403
    assert client.get("/audit/").status_code == 302  # to the login page


def test_admin_offers_no_way_to_change_the_log(staff_client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    OrganisationFactory()
    log = AuditLog.objects.first()
    assert staff_client.get(f"/admin/core/auditlog/{log.pk}/delete/").status_code == 403


def test_the_log_reads_in_chinese_with_labels_before_after_and_a_link(staff_client, staff_user):
    from kechuang.accounts.services import organisation_review
    from kechuang.directory.choices import AccountStatus

    with acting_as(staff_user):
        org = OrganisationFactory(name="滇池测试光电有限公司", status=AccountStatus.PENDING)
    organisation_review(organisation=org, approve=True, comment="材料齐全", actor=staff_user)
    page = staff_client.get("/audit/", {"object_type": "directory.Organisation"}).content.decode()
    # Record type, field names and choice values by their Chinese names; the status change as before → after.
    assert "机构" in page and "directory.Organisation" not in page.split("<table", 1)[1]
    assert "账户状态" in page
    assert "待审核" in page and "已通过" in page and "→" in page
    assert "意见" in page and "材料齐全" in page
    assert "机构类型" in page
    # No raw identifiers or dict/list dumps.
    body = page.split("<table", 1)[1]
    for raw in ("['", "{'", "pending", "approved", "status:", "trigger"):
        assert raw not in body, raw
    assert f'href="/directory/organisations/{org.pk}/"' in page


def test_foreign_keys_show_the_related_name_and_deleted_records_have_no_link(staff_client, staff_user):
    from kechuang.directory.models import Person

    with acting_as(staff_user):
        org = OrganisationFactory(name="外键显示测试有限公司")
        Person.objects.create(name="赵工", kind="expert", organisation=org)
        gone = OrganisationFactory(name="已删除测试有限公司")
        gone_pk = gone.pk
        gone.delete()
    page = staff_client.get("/audit/", {"object_type": "directory.Person"}).content.decode()
    assert "所在单位" in page and "外键显示测试有限公司" in page and "人员类别" in page
    page = staff_client.get("/audit/", {"object_id": str(gone_pk), "object_type": "directory.Organisation"}).content.decode()
    assert "已删除测试有限公司" in page and f'/directory/organisations/{gone_pk}/"' not in page


def test_filters_by_record_type_person_and_date_range(staff_client, staff_user):
    import datetime as dt

    from django.utils import timezone

    from kechuang.tests_support.factories import UserFactory

    clerk = UserFactory(username="clerk2", display_name="王科员")
    with acting_as(clerk):
        OrganisationFactory(name="王科员录入的机构")
    with acting_as(staff_user):
        OrganisationFactory(name="工作人员录入的机构")
    page = staff_client.get("/audit/", {"actor": "王科员"}).content.decode()
    assert "王科员录入的机构" in page and "工作人员录入的机构" not in page
    # The record-type filter lists Chinese names, with the stored value behind them.
    page = staff_client.get("/audit/").content.decode()
    assert '<option value="directory.Organisation"' in page and ">机构<" in page
    today = timezone.localdate()
    page = staff_client.get("/audit/", {"date_from": str(today), "date_to": str(today)}).content.decode()
    assert "王科员录入的机构" in page
    page = staff_client.get("/audit/", {"date_to": str(today - dt.timedelta(days=1))}).content.decode()
    assert "王科员录入的机构" not in page and "没有符合筛选条件的记录" in page
    page = staff_client.get("/audit/", {"date_from": "2026-13-45"}).content.decode()
    assert "起始日期“2026-13-45”不是有效日期" in page


def test_coded_values_without_django_choices_are_shown_by_their_labels(staff_client, staff_user):
    from kechuang.market.tests.factories import AchievementFactory

    with acting_as(staff_user):
        AchievementFactory(title="冷链标签测试成果", transfer_modes=["transfer", "licence"])
    page = staff_client.get("/audit/", {"object_type": "market.Achievement"}).content.decode()
    body = page.split("<table", 1)[1]
    assert "转化方式" in body and "转让、许可" in body and "licence" not in body
