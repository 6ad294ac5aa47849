"""Journeys through the pages only (issue 12): staff import with errors then the corrected file; personal
contacts hidden from a pending account, a relayed contact request sent by an approved account and granted by
the person's organisation."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.accounts.choices import Role
from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.core.validators import make_credit_code
from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import ContactRequest, ContactReveal, Organisation
from kechuang.directory.tests.factories import PersonFactory
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
HEADER = "名称,统一社会信用代码,行政区划代码,类型\n"


def _wait_for(driver, css):
    return WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))[0]


def _upload(browser, live_server, path):
    browser.get(live_server.url + "/directory/import/")
    Select(browser.find_element(By.ID, "id_entity")).select_by_value("organisations")
    browser.find_element(By.ID, "id_file").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    return _wait_for(browser, "#import-summary")


def test_staff_import_with_errors_then_corrected(browser, live_server, staff_user, tmp_path):
    good, other = make_credit_code("91530111MA6J00001"), make_credit_code("91530102MA6J00002")
    bad = other[:-1] + ("0" if other[-1] != "0" else "1")
    bad_file = tmp_path / "机构.csv"
    bad_file.write_text(HEADER + f"旅程甲智能科技有限公司,{good},530111,企业\n旅程乙生物医药有限公司,{bad},530102,工厂\n",
                        encoding="utf-8")
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(live_server.url + "/directory/import/")
    check_page(browser, "journey-import-start")
    _upload(browser, live_server, bad_file)
    errors = browser.find_element(By.CSS_SELECTOR, "table.import-errors").text
    assert "第 3 行" in errors and "统一社会信用代码" in errors and "校验位" in errors and bad in errors
    assert "类型" in errors and "“工厂”" in errors  # row, column and the value itself
    assert not browser.find_elements(By.ID, "import-confirm")
    check_page(browser, "journey-import-errors")
    assert not Organisation.objects.filter(name__startswith="旅程").exists()

    fixed = tmp_path / "机构-改.csv"
    fixed.write_text(HEADER + f"旅程甲智能科技有限公司,{good},530111,企业\n旅程乙生物医药有限公司,{other},530102,企业\n",
                     encoding="utf-8")
    assert "全部校验通过" in _upload(browser, live_server, fixed).text
    check_page(browser, "journey-import-preview")
    browser.find_element(By.CSS_SELECTOR, "#import-confirm button[type=submit]").click()
    assert "导入成功" in _wait_for(browser, ".messages").text
    check_page(browser, "journey-import-done")
    assert Organisation.objects.filter(name__startswith="旅程").count() == 2


def test_contact_request_relayed_and_granted(browser, live_server, enterprise_user, enterprise_org, outsider):
    person = PersonFactory(organisation=enterprise_org, name="旅程专家", phone="13877776666",
                           email="journey@example.test")  # has not agreed to show the contact
    waiting = OrganisationFactory(name="旅程待审核科技有限公司", status=AccountStatus.PENDING)
    UserFactory(username="pending", role=Role.ENTERPRISE, organisation=waiting)
    page = f"{live_server.url}/directory/people/{person.pk}/"

    browser_login(browser, live_server, "pending", TEST_PASSWORD)
    browser.get(page)
    assert "13877776666" not in browser.page_source and "journey@example.test" not in browser.page_source
    assert browser.find_element(By.ID, "contact-request-button").text == "发送联系请求"
    check_page(browser, "journey-contact-pending-account")
    browser_logout(browser)

    browser_login(browser, live_server, "outsider", TEST_PASSWORD)
    browser.get(page)
    assert "13877776666" not in browser.page_source
    browser.find_element(By.ID, "contact-request-button").click()
    _wait_for(browser, "#id_message")
    check_page(browser, "journey-contact-request-form")
    browser.find_element(By.ID, "id_message").send_keys("我司研发储能材料，希望请专家指导检测方案。")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    assert "联系请求已发送" in _wait_for(browser, ".messages").text
    assert "待处理" in browser.find_element(By.ID, "contact-request").text
    check_page(browser, "journey-contact-request-sent")
    browser_logout(browser)

    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(live_server.url + "/accounts/workspace/")
    check_page(browser, "journey-contact-workspace")
    browser.get(live_server.url + "/directory/workspace/contact-requests/")
    assert "希望请专家指导检测方案" in browser.find_element(By.ID, "incoming-requests").text
    check_page(browser, "journey-contact-requests")
    browser.find_element(By.CSS_SELECTOR, "#incoming-requests button[type=submit]").click()  # 同意
    assert "已同意" in _wait_for(browser, ".messages").text
    check_page(browser, "journey-contact-granted")
    browser_logout(browser)

    browser_login(browser, live_server, "outsider", TEST_PASSWORD)
    browser.get(page)
    assert "13877776666" in browser.find_element(By.ID, "person-phone").text
    check_page(browser, "journey-contact-revealed")
    assert ContactRequest.objects.get().status == "granted"
    assert ContactReveal.objects.filter(viewer=outsider, person=person).exists()
