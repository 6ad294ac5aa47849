"""The registration journey in a real browser, through the pages only: the seller submits, the registrar asks for
补正, the seller answers, the registrar registers with a 核定技术交易额 below the 成交额, the 登记证明 shows both
amounts, and the public statistics move by exactly that contract. Screenshots: var/screenshots/contracts-*.png."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.accounts.choices import Role
from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.contracts.tests.factories import PDF, ContractFactory
from kechuang.market.choices import Status as MarketStatus
from kechuang.market.tests.factories import AchievementFactory
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _stats(driver, live_server) -> dict:
    driver.get(live_server.url + "/api/contracts/stats/?by=type&format=json")
    return json.loads(driver.find_element(By.TAG_NAME, "body").text)["total"]


def _wait_for(driver, text: str) -> None:
    WebDriverWait(driver, 15).until(lambda d: text in d.page_source)


def _set(driver, element_id: str, value: str) -> None:
    el = driver.find_element(By.ID, element_id)
    el.clear()
    el.send_keys(value)


def test_seller_registrar_journey_moves_the_statistics_by_that_contract(browser, live_server, enterprise_user,
                                                                       tmp_path):
    from django.utils import timezone

    UserFactory(username="registrar", role=Role.REGISTRAR)
    buyer = OrganisationFactory(name="测试呈贡数字农业有限公司", region_code="530114")
    ContractFactory(registered_on=timezone.localdate().replace(day=1), contract_amount=Decimal("333.33"),
                    transaction_amount=Decimal("222.22"))  # an earlier registration: the baseline is not zero
    achievement = AchievementFactory(owner=enterprise_user.organisation, status=MarketStatus.PUBLISHED,
                                     title="高原蔬菜病害图像识别模型")  # the seller's achievement behind the contract
    contract_file = tmp_path / "合同文本.pdf"
    contract_file.write_bytes(PDF)

    # The public figures before.
    browser.get(live_server.url + "/contracts/stats/")
    check_page(browser, "contracts-01-stats-before")
    before = _stats(browser, live_server)

    # 1. The seller fills in JJ-001 and submits.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "我的技术合同").click()
    check_page(browser, "contracts-02-mine")
    browser.find_element(By.LINK_TEXT, "申报技术合同登记").click()
    _set(browser, "id_title", "高原蔬菜病害图像识别技术开发")
    Select(browser.find_element(By.ID, "id_contract_type")).select_by_value("development")
    Select(browser.find_element(By.ID, "id_sub_type")).select_by_value("commissioned")
    Select(browser.find_element(By.ID, "id_technology_field")).select_by_value("agriculture")
    browser.execute_script("document.getElementById('id_signed_on').value = arguments[0]",
                           f"{timezone.localdate().replace(day=1):%Y-%m-%d}")
    _set(browser, "id_buyer_name", buyer.name)
    _set(browser, "id_buyer_credit_code", buyer.credit_code)
    _set(browser, "id_buyer_region_code", "530114")
    _set(browser, "id_contract_amount", "1000000.00")
    _set(browser, "id_declared_transaction_amount", "1000000.00")
    Select(browser.find_element(By.ID, "id_achievement")).select_by_visible_text(achievement.title)
    browser.find_element(By.ID, "id_file").send_keys(str(contract_file))
    check_page(browser, "contracts-03-form")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    _wait_for(browser, "已保存为草稿")
    check_page(browser, "contracts-04-draft")
    browser.find_element(By.ID, "submit-contract").click()
    _wait_for(browser, "登记机构已受理")
    assert "剩余 15 个工作日" in browser.page_source
    check_page(browser, "contracts-05-submitted")
    detail_url = browser.current_url
    browser_logout(browser)

    # 2. The registrar asks for 补正.
    browser_login(browser, live_server, "registrar", TEST_PASSWORD)
    browser.get(live_server.url + "/contracts/registry/")
    check_page(browser, "contracts-06-queue")
    browser.find_element(By.LINK_TEXT, "高原蔬菜病害图像识别技术开发").click()
    check_page(browser, "contracts-07-decision")
    browser.find_element(By.ID, "id_decision_1").click()
    _set(browser, "id_items", "补充买方签章页\n提供外购设备清单")
    browser.find_element(By.ID, "decide").click()
    _wait_for(browser, "已通知卖方补正")
    browser_logout(browser)

    # 3. The seller answers.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(detail_url)
    assert "提供外购设备清单" in browser.page_source
    check_page(browser, "contracts-08-correction")
    _set(browser, "id_answer", "已补充买方签章页；外购设备清单见附件第3页")
    browser.find_element(By.ID, "answer-correction").click()
    _wait_for(browser, "补正材料已提交")
    check_page(browser, "contracts-09-resubmitted")
    browser_logout(browser)

    # 4. The registrar registers with deductions: 核定技术交易额 850,000.00 below the 成交额 1,000,000.00.
    browser_login(browser, live_server, "registrar", TEST_PASSWORD)
    browser.get(live_server.url + "/contracts/registry/")
    browser.find_element(By.LINK_TEXT, "高原蔬菜病害图像识别技术开发").click()
    assert "已补充买方签章页" in browser.page_source
    browser.find_element(By.ID, "id_decision_0").click()
    _set(browser, "id_deduction_item_1", "外购工业相机")
    _set(browser, "id_deduction_amount_1", "120000.00")
    _set(browser, "id_deduction_item_2", "服务器硬件")
    _set(browser, "id_deduction_amount_2", "30000.00")
    check_page(browser, "contracts-10-register")
    browser.find_element(By.ID, "decide").click()
    _wait_for(browser, "已认定登记")
    assert "核定技术交易额 850000.00 元" in browser.page_source
    browser_logout(browser)

    # 5. The seller opens the 登记证明: both amounts.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(detail_url)
    check_page(browser, "contracts-11-registered")
    assert "可能适用的税收优惠" in browser.page_source
    browser.find_element(By.ID, "certificate-link").click()
    assert browser.find_element(By.ID, "cert-contract-amount").text == "1,000,000.00 元"
    assert browser.find_element(By.ID, "cert-transaction-amount").text == "850,000.00 元"
    check_page(browser, "contracts-12-certificate")
    # The achievement that led to the contract now links to it (issue 13), for the seller...
    browser.get(live_server.url + achievement.get_absolute_url())
    linked = browser.find_element(By.ID, "linked-contracts").find_element(By.XPATH, "following-sibling::div")
    assert "高原蔬菜病害图像识别技术开发" in linked.text and "1,000,000.00 元" in linked.text
    check_page(browser, "contracts-12b-achievement-linked")
    browser_logout(browser)
    # ... and the public learns only that there is one.
    browser.get(live_server.url + achievement.get_absolute_url())
    assert "本成果已促成 1 份已认定登记的技术合同" in browser.page_source
    assert "高原蔬菜病害图像识别技术开发" not in browser.page_source

    # 6. The public statistics moved by exactly that contract.
    after = _stats(browser, live_server)
    assert after["count"] == before["count"] + 1
    assert Decimal(after["contract_amount"]) - Decimal(before["contract_amount"]) == Decimal("1000000.00")
    assert Decimal(after["transaction_amount"]) - Decimal(before["transaction_amount"]) == Decimal("850000.00")
    browser.get(live_server.url + "/contracts/stats/")
    assert browser.find_element(By.ID, "total-count").text == str(before["count"] + 1)
    check_page(browser, "contracts-13-stats-after")
