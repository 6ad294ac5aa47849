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
