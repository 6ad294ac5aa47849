"""Journeys through the pages only (issue 10): organisation registration → staff approval → first login; staff
reads the audit log; login lockout and staff unlock; the error pages; the keyboard alone; text at 200 %.

Every page visited is checked with axe-core (``check_page``) and saved as a screenshot under var/screenshots/.
"""

from __future__ import annotations

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.conftest import browser_login, browser_logout, check_page, screenshot
from kechuang.core.validators import make_credit_code
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NEW_PASSWORD = "Lanyuan-strong-2026"


def _loaded(driver):
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _click(driver, element):
    """Click and wait for the next page (reading before it arrives would find the old page's elements)."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    # Chromium may answer "node does not belong to the document" instead of "stale" while the old page goes away:
    # that, too, means it has gone, so the wait polls again rather than failing.
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(staleness_of(old))
    _loaded(driver)


def _submit(driver, form_css="main form.stacked"):
    _click(driver, driver.find_element(By.CSS_SELECTOR, f"{form_css} button[type=submit]"))


def test_a_new_organisation_registers_is_approved_and_its_user_logs_in(browser, live_server, staff_user):
    # 1. The organisation registers on the public page.
    browser.get(live_server.url + "/accounts/register/")
    check_page(browser, "journey-register-form")
    fields = {"id_organisation_name": "昆明兰苑新材料科技有限公司", "id_credit_code": make_credit_code("91530102MA6P0L017"),
              "id_username": "lanyuan", "id_display_name": "李工", "id_email": "li@lanyuan.test",
              "id_phone": "13800000001", "id_password1": "short", "id_password2": "short"}
    for element_id, value in fields.items():
        browser.find_element(By.ID, element_id).send_keys(value)
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("enterprise")
    Select(browser.find_element(By.ID, "id_region_code")).select_by_value("530102")
    _submit(browser)
    # A too-short password is refused in Chinese, on the field.
    assert "密码太短，至少需要 8 个字符" in browser.page_source and "This password" not in browser.page_source
    check_page(browser, "journey-register-password-too-short")
    for element_id in ("id_password1", "id_password2"):
        browser.find_element(By.ID, element_id).send_keys(NEW_PASSWORD)
    _submit(browser)
    assert "注册成功" in browser.page_source
    check_page(browser, "journey-register-done")
    browser_logout(browser)

    # 2. Staff approve it from the review queue.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(live_server.url + "/accounts/review/")
    assert "昆明兰苑新材料科技有限公司" in browser.page_source
    check_page(browser, "journey-review-queue")
    row = browser.find_element(By.XPATH, "//tr[td[contains(., '昆明兰苑新材料科技有限公司')]]")
    # The queue draws the workflow's steps (compact: 通过's opinion is optional and not shown there).
    _click(browser, row.find_element(By.CSS_SELECTOR, "form.step-approve button[type=submit]"))
    assert "已处理：昆明兰苑新材料科技有限公司（已通过）" in browser.page_source
    assert "没有待审核的机构账户" in browser.page_source
    check_page(browser, "journey-review-approved")
    browser_logout(browser)

    # 3. The new user logs in and sees the workspace with the approved organisation.
    browser_login(browser, live_server, "lanyuan", NEW_PASSWORD)
    assert browser.find_element(By.TAG_NAME, "h1").text == "我的工作台"
    assert "昆明兰苑新材料科技有限公司" in browser.page_source and "已通过" in browser.page_source
    # The approval notification is counted on 通知 in the top bar.
    assert browser.find_element(By.CSS_SELECTOR, "#nav-notifications .badge").text == "1"
    check_page(browser, "journey-new-user-workspace")


def test_staff_read_the_audit_log_in_chinese_and_filter_it(browser, live_server, staff_user):
    OrganisationFactory(name="滇中待审光电有限公司", status="pending")
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(live_server.url + "/accounts/review/")
    row = browser.find_element(By.XPATH, "//tr[td[contains(., '滇中待审光电有限公司')]]")
    # The queue draws the workflow's steps (compact: 通过's opinion is optional and not shown there).
    _click(browser, row.find_element(By.CSS_SELECTOR, "form.step-approve button[type=submit]"))

    _click(browser, browser.find_element(By.LINK_TEXT, "工作台"))
    _click(browser, browser.find_element(By.LINK_TEXT, "审计日志"))
    check_page(browser, "journey-audit-log")
    Select(browser.find_element(By.ID, "f-type")).select_by_visible_text("机构")
    browser.find_element(By.ID, "f-actor").send_keys("staff")
    _click(browser, browser.find_element(By.CSS_SELECTOR, "#audit-filters button[type=submit]"))
    table = browser.find_element(By.CSS_SELECTOR, "table.audit").text
    assert "状态变更" in table and "账户状态" in table and "待审核 → 已通过" in table
    page = browser.page_source
    assert "policies.Application" not in page and "directory.Organisation" not in table and "['" not in page
    check_page(browser, "journey-audit-log-filtered")
    # The entry links to the record's page.
    _click(browser, browser.find_element(By.LINK_TEXT, "滇中待审光电有限公司"))
    assert "滇中待审光电有限公司" in browser.find_element(By.TAG_NAME, "h1").text
    check_page(browser, "journey-audit-record")


def test_lockout_message_and_staff_unlock(browser, live_server, staff_user):
    UserFactory(username="forgetful")
    for _ in range(5):
        browser_login(browser, live_server, "forgetful", "wrong-password")
    assert "/accounts/login/" in browser.current_url
    browser_login(browser, live_server, "forgetful", TEST_PASSWORD)  # the right password, now refused
    message = browser.find_element(By.ID, "lockout-message").text
    assert "登录失败次数过多" in message and "15 分钟" in message
    check_page(browser, "journey-login-locked")

    browser_logout(browser)
    browser_login(browser, live_server, "staff", TEST_PASSWORD)  # same address, another account: not locked
    browser.get(live_server.url + "/accounts/workspace/")
    _click(browser, browser.find_element(By.LINK_TEXT, "登录锁定"))
    assert "forgetful" in browser.find_element(By.CSS_SELECTOR, "main table").text
    check_page(browser, "journey-lockouts")
    _click(browser, browser.find_element(By.CSS_SELECTOR, "button[aria-label='解除 forgetful 的锁定']"))
    assert "已解除账户“forgetful”的登录锁定" in browser.page_source
    check_page(browser, "journey-lockouts-unlocked")
    browser_logout(browser)
    browser_login(browser, live_server, "forgetful", TEST_PASSWORD)
    assert browser.find_element(By.TAG_NAME, "h1").text == "我的工作台"


def test_the_error_pages_are_the_platforms_own(browser, live_server, outsider):
    browser_login(browser, live_server, "outsider", TEST_PASSWORD)
    browser.get(live_server.url + "/audit/")
    assert "无权访问" in browser.find_element(By.TAG_NAME, "h1").text
    check_page(browser, "journey-error-403")
    browser.get(live_server.url + "/no-such-page/")
    assert "页面不存在" in browser.find_element(By.TAG_NAME, "h1").text
    check_page(browser, "journey-error-404")


def test_login_with_the_keyboard_alone(browser, live_server, enterprise_user):
    """From the home page to the workspace with Tab and Enter only."""
    browser.get(live_server.url + "/")
    keys = ActionChains(browser)

    def press(*k):
        keys.send_keys(*k).perform()
        keys.reset_actions()
        return browser.switch_to.active_element

    active = press(Keys.TAB)  # the first stop is the skip link, shown when focused
    assert active.get_attribute("textContent") == "跳到主要内容" and active.is_displayed()
    screenshot(browser, "keyboard-skip-link")
    for _ in range(5):  # then the top bar, where 登录 is
        if active.get_attribute("textContent") == "登录":
            break
        active = press(Keys.TAB)
    assert active.get_attribute("textContent") == "登录"
    old = browser.find_element(By.TAG_NAME, "html")
    press(Keys.ENTER)
    WebDriverWait(browser, 15, ignored_exceptions=(WebDriverException,)).until(staleness_of(old))
    _loaded(browser)
    active = browser.switch_to.active_element  # the login page puts the cursor in 用户名
    assert active.get_attribute("id") == "id_username"
    active = press("ent", Keys.TAB)
    assert active.get_attribute("id") == "id_password"
    press(TEST_PASSWORD, Keys.ENTER)
    WebDriverWait(browser, 15).until(lambda d: "/accounts/workspace/" in d.current_url)
    _loaded(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "我的工作台"


PAGES_AT_200 = [("anonymous", "/"), ("anonymous", "/accounts/login/"), ("anonymous", "/accounts/register/"),
                ("staff", "/accounts/workspace/"), ("staff", "/accounts/review/"), ("staff", "/audit/"),
                ("staff", "/accounts/lockouts/")]


def test_pages_stay_usable_with_text_at_200_percent(browser, live_server, staff_user):
    """200 % zoom in a 1366 px window is a 683 CSS-pixel layout at two device pixels per CSS pixel: emulated
    exactly so, the main content must not overflow sideways (WCAG 1.4.4 / 1.4.10)."""
    OrganisationFactory(name="放大测试待审核的机构名称比较长的有限责任公司", status="pending")
    logged_in = False
    for role, path in PAGES_AT_200:
        if role == "staff" and not logged_in:
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            browser_login(browser, live_server, "staff", TEST_PASSWORD)
            logged_in = True
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": 683, "height": 450, "deviceScaleFactor": 2, "mobile": False})
        browser.get(live_server.url + path)
        _loaded(browser)
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth,"
            " document.querySelector('main').scrollWidth, document.querySelector('main').clientWidth];")
        name = "zoom200" + (path.strip("/").replace("/", "-") or "-home")
        screenshot(browser, name)
        assert widths[1] == 683, widths
        assert widths[0] <= widths[1], f"{path} 在 200% 缩放下横向溢出：{widths}"
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_other_pages_of_core_and_accounts_pass_axe(browser, live_server, staff_user):
    for path, name in (("/", "home"), ("/statistics/", "statistics"), ("/accounts/login/", "login"),
                       ("/accounts/password/reset/", "password-reset")):
        browser.get(live_server.url + path)
        _loaded(browser)
        check_page(browser, f"axe-{name}")
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    check_page(browser, "axe-workspace-staff")
    for path, name in (("/accounts/password/change/", "password-change"), ("/accounts/lockouts/", "lockouts-empty"),
                       ("/audit/?date_from=2026-13-45", "audit-bad-date")):
        browser.get(live_server.url + path)
        _loaded(browser)
        check_page(browser, f"axe-{name}")
