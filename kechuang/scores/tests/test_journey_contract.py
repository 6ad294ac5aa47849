"""Journey: a registered technology contract moves the enterprise's 企业技术合同成交额 points as the model says.
Staff score; the enterprise reads the row (no contract yet); it submits a contract as seller through the contracts
pages; the registrar registers it; staff re-score; the row now shows the amount in 万元, names the contract and
gives the points the engine's model computes for that amount. Pages only. Screenshots: var/screenshots/scores-c*.png.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.accounts.choices import Role
from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.contracts.tests.factories import PDF
from kechuang.scoring import default_model
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

ROW = "企业技术合同成交额"
TITLE = "高原花卉冷链温控系统技术开发"
AMOUNT_YUAN = Decimal("1000000.00")


def _set(driver: Any, element_id: str, value: str) -> None:
    el = driver.find_element(By.ID, element_id)
    el.clear()
    el.send_keys(value)


def _rescore(driver: Any, live_server: Any) -> None:
    browser_login(driver, live_server, "staff", TEST_PASSWORD)
    driver.find_element(By.LINK_TEXT, "创新积分").click()
    driver.find_element(By.XPATH, "//button[contains(., '重新计算全部企业积分')]").click()
    assert "家企业计算积分" in driver.find_element(By.CSS_SELECTOR, ".messages").text
    browser_logout(driver)


def _contract_row(driver: Any) -> tuple[str, list[str]]:
    """The enterprise's score page: its stage label and the cells of the 技术合同成交额 row."""
    driver.find_element(By.LINK_TEXT, "创新积分").click()
    head = driver.find_element(By.ID, "score-head").text
    rows = {r.find_elements(By.TAG_NAME, "td")[0].text: r for r in
            driver.find_elements(By.CSS_SELECTOR, "table.score-rows tbody tr")}
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", rows[ROW])  # the row in the screenshot
    return head, [td.text for td in rows[ROW].find_elements(By.TAG_NAME, "td")]


def _expected_points(head: str, value_wan: float) -> float:
    """The points the engine's model gives that fact value in the stage the page names (cents, as the engine)."""
    model = default_model()
    stage = next(s.id for s in model.stages if s.label in head)
    ind = next(i for i in model.indicators if i.name == ROW)
    share = float(ind.scoring.shares(np.array([value_wan]))[0])
    return float(np.rint(model.weights[stage][ind.id] * share * 100.0)) / 100


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_registered_contract_moves_the_contract_indicator(browser: Any, live_server: Any, platform_data: Any,
                                                          enterprise_user: Any, staff_user: Any,
                                                          tmp_path: Any) -> None:
    from django.utils import timezone

    UserFactory(username="registrar", role=Role.REGISTRAR)
    buyer = OrganisationFactory(name="测试呈贡花卉物流有限公司", region_code="530114")
    contract_file = tmp_path / "合同文本.pdf"
    contract_file.write_bytes(PDF)

    # 1. Staff score; the enterprise has no registered contract: the row says so.
    _rescore(browser, live_server)
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    head, cells = _contract_row(browser)
    assert cells[2] == "暂无登记合同"
    assert float(cells[3].split("/")[0]) == _expected_points(head, 0.0) == 0.0
    check_page(browser, "scores-c1-before")

    # 2. The enterprise, as seller, submits a technology contract through the contracts pages.
    browser.find_element(By.LINK_TEXT, "工作台").click()
    browser.find_element(By.LINK_TEXT, "我的技术合同").click()
    browser.find_element(By.LINK_TEXT, "申报技术合同登记").click()
    _set(browser, "id_title", TITLE)
    Select(browser.find_element(By.ID, "id_contract_type")).select_by_value("development")
    Select(browser.find_element(By.ID, "id_sub_type")).select_by_value("commissioned")
    Select(browser.find_element(By.ID, "id_technology_field")).select_by_value("agriculture")
    browser.execute_script("document.getElementById('id_signed_on').value = arguments[0]",
                           f"{timezone.localdate().replace(day=1):%Y-%m-%d}")
    _set(browser, "id_buyer_name", str(buyer.name))
    _set(browser, "id_buyer_credit_code", str(buyer.credit_code))
    _set(browser, "id_buyer_region_code", "530114")
    _set(browser, "id_contract_amount", str(AMOUNT_YUAN))
    _set(browser, "id_declared_transaction_amount", str(AMOUNT_YUAN))
    browser.find_element(By.ID, "id_file").send_keys(str(contract_file))
    check_page(browser, "scores-c2-contract-form")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    WebDriverWait(browser, 15).until(lambda d: "已保存为草稿" in d.page_source)
    browser.find_element(By.ID, "submit-contract").click()
    WebDriverWait(browser, 15).until(lambda d: "登记机构已受理" in d.page_source)
    check_page(browser, "scores-c3-contract-submitted")
    browser_logout(browser)

    # 3. The registrar registers it as declared.
    browser_login(browser, live_server, "registrar", TEST_PASSWORD)
    browser.get(live_server.url + "/contracts/registry/")
    browser.find_element(By.LINK_TEXT, TITLE).click()
    browser.find_element(By.ID, "id_decision_0").click()
    check_page(browser, "scores-c4-register")
    browser.find_element(By.ID, "decide").click()
    WebDriverWait(browser, 15).until(lambda d: "已认定登记" in d.page_source)
    check_page(browser, "scores-c5-registered")
    browser_logout(browser)

    # 4. Staff re-score; the row shows the amount in 万元, names the contract, and has the model's points.
    _rescore(browser, live_server)
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    head, cells = _contract_row(browser)
    wan = float(AMOUNT_YUAN / 10_000)
    assert cells[1] == "100万元"
    assert "已登记 1 项" in cells[2] and TITLE in cells[2] and "登记编号" in cells[2]
    points = float(cells[3].split("/")[0])
    assert points == _expected_points(head, wan) > 0
    check_page(browser, "scores-c6-after")
