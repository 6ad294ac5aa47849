"""Journey: staff score every enterprise; the enterprise opens its score, reads where each point came from and
consents to bank A; bank A sees it and records a loan; bank B does not see it. Pages only."""

from __future__ import annotations

import time
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.tests_support.factories import TEST_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_score_consent_and_loan_journey(browser: Any, live_server: Any, platform_data: Any, enterprise_user: Any,
                                        staff_user: Any, bank_a: Any, bank_b: Any) -> None:
    org = platform_data
    # 1. Staff compute the scores from the platform's data.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    assert "尚未计算积分" in browser.page_source
    check_page(browser, "scores-ranking-empty")
    browser.find_element(By.XPATH, "//button[contains(., '重新计算全部企业积分')]").click()
    assert "家企业计算积分" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    assert org.name in browser.page_source
    check_page(browser, "scores-ranking")
    browser_logout(browser)

    # 2. The enterprise reads where each point came from and consents to bank A.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    assert org.name in browser.find_element(By.TAG_NAME, "h1").text
    rows = {r.find_elements(By.TAG_NAME, "td")[0].text: r for r in
            browser.find_elements(By.CSS_SELECTOR, "table.score-rows tbody tr")}
    assert len(rows) == 18
    revenue = rows["营业收入"].text
    assert "1,500万元" in revenue and "创新资源库·年度数据 2025年营业收入" in revenue and "对数计分" in revenue
    assert "暂无数据" in rows["高新技术产品收入"].text
    assert "暂无登记合同" in rows["企业技术合同成交额"].text
    check_page(browser, "scores-enterprise")
    Select(browser.find_element(By.ID, "id_institution")).select_by_visible_text(bank_a.name)
    browser.find_element(By.XPATH, "//button[contains(., '授权查看积分')]").click()
    assert f"已授权{bank_a.name}" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    check_page(browser, "scores-enterprise-consented")
    browser_logout(browser)

    # 3. Bank A sees it and records a loan.
    browser_login(browser, live_server, "bank", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    check_page(browser, "scores-bank-list")
    browser.find_element(By.LINK_TEXT, org.name).click()
    assert "营业收入" in browser.page_source and "计分说明" in browser.page_source
    check_page(browser, "scores-bank-enterprise")
    Select(browser.find_element(By.ID, "id_kind")).select_by_visible_text("放款")
    browser.find_element(By.ID, "id_amount").send_keys("300")
    browser.find_element(By.XPATH, "//button[contains(., '登记')]").click()
    assert "放款 300" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    assert "科创积分贷" in browser.find_element(By.XPATH, "//h2[contains(., '本机构与该企业的业务')]/following-sibling::table").text
    check_page(browser, "scores-bank-loan")
    browser_logout(browser)

    # 4. Bank B does not see it.
    browser_login(browser, live_server, "bank2", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    assert org.name not in browser.page_source and "暂无授权本机构查看积分的企业" in browser.page_source
    check_page(browser, "scores-bank-b-list")
    browser_logout(browser)

    # 5. The bureau sees the lending by bank, tier and month.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    browser.find_element(By.LINK_TEXT, "积分贷统计").click()
    by_bank = browser.find_element(By.XPATH, "//h2[contains(., '按金融机构')]/following-sibling::table").text
    assert bank_a.name in by_bank and "300" in by_bank and bank_b.name not in by_bank
    check_page(browser, "scores-lending")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_flag_a_fact_and_staff_resolve_journey(browser: Any, live_server: Any, platform_data: Any,
                                               enterprise_user: Any, staff_user: Any) -> None:
    """The enterprise flags its 营业收入 as wrong; staff correct it at the source and say so; the enterprise
    reads the answer on its score page."""
    org = platform_data
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    browser.find_element(By.XPATH, "//button[contains(., '重新计算全部企业积分')]").click()
    browser_logout(browser)

    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    # The recomputation runs as a background job: the score (and its 异议 form) appears when the job has run,
    # which on a loaded machine can be after the first look. Reload until it is there, as a user would.
    deadline = time.monotonic() + 60
    while not browser.find_elements(By.ID, "id_fact") and time.monotonic() < deadline:
        time.sleep(1)
        browser.refresh()
    Select(browser.find_element(By.ID, "id_fact")).select_by_visible_text("营业收入")
    browser.find_element(By.ID, "id_comment").send_keys("2025年营业收入应为1,600万元，见审计报告")
    browser.find_element(By.XPATH, "//button[contains(., '提交异议')]").click()
    assert "已提交对“营业收入”的异议" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    check_page(browser, "scores-flag-raised")
    browser_logout(browser)

    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    browser.find_element(By.PARTIAL_LINK_TEXT, "数据异议").click()
    assert org.name in browser.page_source and "应为1,600万元" in browser.page_source
    check_page(browser, "scores-flags")
    browser.find_element(By.CSS_SELECTOR, "textarea[name=resolution]").send_keys("已按审计报告改正2025年年度数据")
    browser.find_element(By.XPATH, "//button[contains(., '提交处理')]").click()
    assert "已处理" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    check_page(browser, "scores-flags-resolved")
    browser_logout(browser)

    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.find_element(By.LINK_TEXT, "创新积分").click()
    flags = browser.find_element(By.XPATH, "//h2[contains(., '数据异议')]/following-sibling::table").text
    assert "已更正" in flags and "已按审计报告改正" in flags
    check_page(browser, "scores-flag-answered")
