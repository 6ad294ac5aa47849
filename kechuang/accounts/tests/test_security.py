"""Login throttling (django-axes), the audit of logins, Chinese password messages, 401 for a bad API token,
and safe ``next`` redirects (issue 12, items 4, 8 and 9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from kechuang.accounts.throttling import lockout_message
from kechuang.core.models import AuditLog
from kechuang.tests_support.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-horse-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _user(username: str) -> Any:
    user: Any = UserFactory(username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, username, password, ip="10.8.0.7"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client):
    _user("victim")
    for _ in range(30):
        _login(client, "victim", "wrong-password")
    response = _login(client, "victim", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert lockout_message() in page and "15 分钟" in page
    assert "_auth_user_id" not in client.session
    # The failures and the lockout are in the audit log, in Chinese, with the address.
    failed = AuditLog.objects.filter(action="login_failed", actor_repr="victim")
    assert failed.count() >= 5
    assert failed.first().changes["ip_address"] == "10.8.0.7"


def test_lock_is_per_account_not_per_address(client):
    """Many enterprises share one NAT address: one account's failures must not lock another from it."""
    _user("victim")
    _user("neighbour")
    for _ in range(6):
        _login(client, "victim", "wrong-password")
    assert _login(client, "victim", PASSWORD).status_code == 429
    response = _login(client, "neighbour", PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"]
    assert AuditLog.objects.filter(action="login", actor_repr="neighbour").exists()


def test_the_account_is_locked_from_every_address(client):
    _user("victim")
    for i in range(5):
        _login(client, "victim", "wrong-password", ip=f"10.9.0.{i}")
    assert _login(client, "victim", PASSWORD, ip="10.9.9.9").status_code == 429


def test_a_success_before_the_limit_clears_the_count(client):
    _user("forgetful")
    for _ in range(4):
        _login(client, "forgetful", "wrong-password")
    assert _login(client, "forgetful", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "forgetful", "wrong-password")
    assert _login(client, "forgetful", PASSWORD).status_code == 302


def test_the_token_endpoint_is_throttled_with_a_chinese_answer(client):
    _user("apiuser")
    for _ in range(30):
        response = client.post("/api/token/", {"username": "apiuser", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
        assert response.status_code in (400, 429)
    response = client.post("/api/token/", {"username": "apiuser", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert response.json() == {"detail": lockout_message()}
    # Another account at the same address still gets its token, and the fetch is audited as a login.
    _user("colleague")
    response = client.post("/api/token/", {"username": "colleague", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 200 and response.json()["token"]
    assert AuditLog.objects.filter(action="login", actor_repr="colleague").exists()


def test_staff_unlock_from_the_page(client, staff_client):
    _user("victim")
    for _ in range(6):
        _login(client, "victim", "wrong-password")
    page = staff_client.get("/accounts/lockouts/").content.decode()
    assert "victim" in page and "解除锁定" in page
    response = staff_client.post("/accounts/lockouts/", {"username": "victim"})
    assert response.status_code == 302
    assert "目前没有被锁定的账户" in staff_client.get("/accounts/lockouts/").content.decode()
    assert AuditLog.objects.filter(action="unlock", object_repr__contains="victim").exists()
    assert _login(client, "victim", PASSWORD).status_code == 302


def test_outsider_and_anonymous_cannot_reach_the_unlock_page(client, outsider_client):
    _user("victim")
    for _ in range(6):
        _login(client, "victim", "wrong-password")
    assert outsider_client.get("/accounts/lockouts/").status_code == 403
    assert outsider_client.post("/accounts/lockouts/", {"username": "victim"}).status_code == 403
    assert _login(client, "victim", PASSWORD).status_code == 429
    assert client.get("/accounts/lockouts/").status_code == 302


def test_the_admin_lists_attempts_for_unlocking(client, staff_client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    _user("victim")
    for _ in range(6):
        _login(client, "victim", "wrong-password")
    assert "victim" in staff_client.get("/admin/axes/accessattempt/").content.decode()


# --- Chinese password messages (the registration page) --------------------------------------------------

def test_password_validator_messages_are_chinese_on_the_registration_page(client):
    from kechuang.accounts.tests.test_registration import form_data

    page = client.post("/accounts/register/", form_data(password1="abc", password2="abc")).content.decode()
    assert "密码太短，至少需要 8 个字符" in page
    assert "This password" not in page
    page = client.post("/accounts/register/", form_data(password1="12345678901", password2="12345678901")).content.decode()
    assert "密码不能全部是数字" in page and "这个密码太常见" in page
    page = client.post("/accounts/register/", form_data(password1="yunling2026", password2="yunling2026",
                                                         username="yunling2026")).content.decode()
    assert "密码与用户名过于相似" in page


# --- API authentication ---------------------------------------------------------------------------------

def test_an_invalid_token_gets_401_with_a_challenge_and_a_chinese_detail(client):
    response = client.get("/api/organisations/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "令牌无效" in response.json()["detail"]
    response = client.get("/api/organisations/", HTTP_AUTHORIZATION="Token two parts")
    assert response.status_code == 401 and "格式" in response.json()["detail"]


def test_an_unauthenticated_write_gets_401_not_403(client):
    response = client.post("/api/demands/", {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# --- Open redirects through next ------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/phish", "http:/\\evil.example"])
def test_next_cannot_leave_the_site(staff_client, target):
    response = staff_client.post("/policies/pushes/review/", {"ids": [], "decision": "approve", "next": target})
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert response["Location"] == "/policies/pushes/"


def test_next_within_the_site_is_followed(staff_client):
    response = staff_client.post("/policies/pushes/review/", {"ids": [], "next": "/policies/pushes/?page=2"})
    assert response["Location"] == "/policies/pushes/?page=2"


def test_login_ignores_an_offsite_next(client):
    _user("traveller")
    response = client.post("/accounts/login/?next=https://evil.example/",
                           {"username": "traveller", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_a_market_step_ignores_an_offsite_next(staff_client):
    from kechuang.market.tests.factories import DemandFactory

    demand = DemandFactory()
    response = staff_client.post(f"/market/demand/{demand.pk}/do/publish/", {"next": "https://evil.example/phish"})
    assert response.status_code == 302
    assert response["Location"] == demand.get_absolute_url()
    response = staff_client.post(f"/market/demand/{demand.pk}/do/publish/", {"next": "/market/review/demand/"})
    assert response["Location"] == "/market/review/demand/"
