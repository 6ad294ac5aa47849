import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_home_page_is_chinese_and_counts_live(client, enterprise_org):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    for label in ("科技成果", "技术需求", "创新资源", "政策", "统计"):
        assert label in html
    assert "入库机构" in html


def test_htmx_comes_from_the_installed_package(client):
    html = client.get("/").content.decode()
    assert "/static/django_htmx/htmx" in html


def test_statistics_page(client):
    assert client.get("/statistics/").status_code == 200


def test_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_chinese_500():
    from kechuang.core.views import error_500

    response = error_500(None)  # type: ignore[arg-type]
    assert response.status_code == 500 and "服务器内部错误" in response.content.decode()


def test_csrf_is_enforced_with_a_chinese_message(enterprise_user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(enterprise_user)
    response = c.post("/accounts/password/change/", {})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_healthz(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_api_schema_and_docs_answer(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode() and "cdn" not in docs.content.decode().lower()


def test_admin_answers_in_chinese_and_refuses_outsiders(client, outsider_client, staff_client):
    assert client.get("/admin/").status_code == 302
    assert outsider_client.get("/admin/").status_code == 302  # not staff: sent to the admin login
    response = staff_client.get("/admin/")
    assert response.status_code == 200 and "科创服务平台 管理后台" in response.content.decode()


@override_settings(DEBUG=False)
def test_api_lists_are_paginated_with_count_and_results(client, enterprise_org):
    body = client.get("/api/organisations/").json()
    assert set(body) >= {"count", "results"} and body["count"] >= 1


def test_api_token_auth(enterprise_user, client):
    from kechuang.tests_support.factories import TEST_PASSWORD

    token = client.post("/api/token/", {"username": enterprise_user.username, "password": TEST_PASSWORD}).json()["token"]
    response = Client().get("/api/organisations/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_api_write_refused_for_anonymous_and_outsider(client, outsider_client, enterprise_org):
    assert client.post("/api/organisations/", {}).status_code in (401, 403, 405)
    url = f"/api/organisations/{enterprise_org.pk}/"
    assert outsider_client.patch(url, {"name": "x"}, content_type="application/json").status_code in (403, 404, 405)


def test_openapi_schema_is_valid_and_warning_free(tmp_path):
    from django.core.management import call_command

    # --fail-on-warn turns every drf-spectacular warning (enum collisions, unresolvable fields) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text(encoding="utf-8").startswith("openapi:")
