import pytest
from selenium.webdriver.common.by import By

from kechuang.conftest import browser_login, screenshot
from kechuang.tests_support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_login_and_see_the_workspace(browser, live_server, enterprise_user):
    browser.get(live_server.url + "/")
    assert "科创服务平台" in browser.title
    screenshot(browser, "home")
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "我的工作台"
    assert enterprise_user.organisation.name in browser.page_source
    screenshot(browser, "workspace-enterprise")


def test_wrong_password_stays_on_login(browser, live_server, enterprise_user):
    browser_login(browser, live_server, "ent", "not-the-password")
    assert "/accounts/login/" in browser.current_url
    assert "正确的" in browser.page_source
