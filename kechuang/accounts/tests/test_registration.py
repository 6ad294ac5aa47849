import pytest
from django.core import mail

from kechuang.accounts.models import User
from kechuang.core.validators import make_credit_code
from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import Organisation
from kechuang.workflow.models import Notification, StateChange

pytestmark = pytest.mark.django_db

GOOD_CODE = make_credit_code("91530102MA6P0B017")


def form_data(**overrides):
    data = {
        "organisation_name": "昆明云岭新材料科技有限公司", "kind": "enterprise", "credit_code": GOOD_CODE,
        "region_code": "530102", "username": "yunling", "display_name": "刘工", "email": "liu@example.test",
        "phone": "13800000000", "password1": "Yl-strong-pass-2026", "password2": "Yl-strong-pass-2026",
    }
    data.update(overrides)
    return data


def test_registration_creates_a_pending_organisation_and_its_user(client):
    response = client.post("/accounts/register/", form_data())
    assert response.status_code == 302
    org = Organisation.objects.get(credit_code=GOOD_CODE)
    assert org.status == AccountStatus.PENDING
    user = User.objects.get(username="yunling")
    assert user.organisation == org and user.role == "enterprise"
    assert org not in Organisation.objects.restrict(None, "view")


def test_bad_check_digit_is_reported_on_the_field_and_nothing_is_written(client):
    bad = GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1")
    response = client.post("/accounts/register/", form_data(credit_code=bad))
    assert response.status_code == 200
    assert "统一社会信用代码：统一社会信用代码校验位错误" in response.content.decode()
    assert not Organisation.objects.filter(name="昆明云岭新材料科技有限公司").exists()
    assert not User.objects.filter(username="yunling").exists()


def test_unknown_region_is_refused(client):
    response = client.post("/accounts/register/", form_data(region_code="539999"))
    assert "所在区县" in response.content.decode()
    assert not Organisation.objects.exists()


def test_duplicate_credit_code_is_refused(client, enterprise_org):
    response = client.post("/accounts/register/", form_data(credit_code=enterprise_org.credit_code))
    assert "已注册" in response.content.decode()


def test_staff_approves_and_members_are_notified(client, staff_client, staff_user, django_capture_on_commit_callbacks):
    client.post("/accounts/register/", form_data())
    org = Organisation.objects.get(credit_code=GOOD_CODE)
    queue = staff_client.get("/accounts/review/")
    assert org.name in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/accounts/review/{org.pk}/", {"decision": "approve", "comment": "材料齐全"})
    org.refresh_from_db()
    assert org.status == AccountStatus.APPROVED
    change = StateChange.objects.get(object_id=str(org.pk))
    assert (change.from_state, change.to_state, change.actor) == ("pending", "approved", staff_user)
    assert Notification.objects.filter(recipient__username="yunling", message__contains="通过").exists()


def test_rejection_needs_a_reason(client, staff_client):
    client.post("/accounts/register/", form_data())
    org = Organisation.objects.get(credit_code=GOOD_CODE)
    staff_client.post(f"/accounts/review/{org.pk}/", {"decision": "reject", "comment": ""})
    org.refresh_from_db()
    assert org.status == AccountStatus.PENDING
    staff_client.post(f"/accounts/review/{org.pk}/", {"decision": "reject", "comment": "证照不清晰"})
    org.refresh_from_db()
    assert org.status == AccountStatus.REJECTED and org.review_comment == "证照不清晰"


def test_outsider_cannot_review(outsider_client, client):
    client.post("/accounts/register/", form_data())
    org = Organisation.objects.get(credit_code=GOOD_CODE)
    assert outsider_client.get("/accounts/review/").status_code == 403
    assert outsider_client.post(f"/accounts/review/{org.pk}/", {"decision": "approve"}).status_code == 403
    org.refresh_from_db()
    assert org.status == AccountStatus.PENDING


def test_login_logout_and_workspace(client, enterprise_user):
    from kechuang.tests_support.factories import TEST_PASSWORD

    assert client.get("/accounts/workspace/").status_code == 302
    response = client.post("/accounts/login/", {"username": "ent", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/workspace/"
    page = client.get("/accounts/workspace/").content.decode()
    assert "我的工作台" in page and enterprise_user.organisation.name in page
    client.post("/accounts/logout/")
    assert client.get("/accounts/workspace/").status_code == 302


def test_wrong_password_gives_a_chinese_message(client, enterprise_user):
    response = client.post("/accounts/login/", {"username": "ent", "password": "wrong"})
    assert "请输入一个正确的" in response.content.decode()


def test_password_reset_mail_goes_out(client, enterprise_user):
    client.post("/accounts/password/reset/", {"email": enterprise_user.email})
    assert len(mail.outbox) == 1 and "重置" in mail.outbox[0].subject


def test_password_change(enterprise_client, enterprise_user):
    from kechuang.tests_support.factories import TEST_PASSWORD

    response = enterprise_client.post("/accounts/password/change/", {
        "old_password": TEST_PASSWORD, "new_password1": "New-pass-2026-x", "new_password2": "New-pass-2026-x"})
    assert response.status_code == 302
    enterprise_user.refresh_from_db()
    assert enterprise_user.check_password("New-pass-2026-x")


def test_staff_workspace_shows_review_queue(staff_client):
    assert "审核队列" in staff_client.get("/accounts/workspace/").content.decode()


def test_notifications_are_private(enterprise_client, outsider_client, enterprise_user):
    Notification.objects.create(recipient=enterprise_user, message="仅本人可见的通知")
    assert "仅本人可见的通知" in enterprise_client.get("/workflow/notifications/").content.decode()
    assert "仅本人可见的通知" not in outsider_client.get("/workflow/notifications/").content.decode()
