"""Journey through the policy pages only (issue 10 items 2, 8, 9): an anonymous visitor learns what the
calculator does; the enterprise logs in, reads its results in Chinese, opens a measure's page, starts an
application with the amount its own evaluation allows, and is refused when it claims more."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from kechuang.conftest import browser_login, check_page
from kechuang.directory.models import Platform
from kechuang.tests_support.factories import TEST_PASSWORD

MEASURE = "kc001-03-enterprise-tech-center"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_calculator_measure_page_and_application_amount(browser: Any, live_server: Any, enterprise_org: Any,
                                                         enterprise_user: Any) -> None:
    # Up front: the enterprise's 市级企业技术中心, first recognised in the policy period (the bureau's register).
    Platform.objects.create(organisation=enterprise_org, name="滇中精密市级企业技术中心", kind="enterprise_tech_center",
                            level="municipal", recognised_on=dt.date(2025, 6, 1))

    # Anonymous: an explanation, not a silent redirect.
    browser.get(live_server.url + "/policies/calculator/")
    intro = browser.find_element(By.ID, "calculator-intro").text
    assert "为什么需要登录" in intro and "本单位" in intro
    check_page(browser, "measures-01-calculator-anonymous")

    # The enterprise logs in and runs its calculator.
    browser_login(browser, live_server, enterprise_user.username, TEST_PASSWORD)
    browser.get(live_server.url + "/policies/calculator/")
    card = browser.find_element(By.ID, f"m-{MEASURE}")
    assert "10万元" in card.text and "「滇中精密市级企业技术中心」" in card.text
    body = browser.find_element(By.TAG_NAME, "body").text
    assert not re.search(r"\[\d+\]", body), "判断依据 names records in Chinese, not projects[0]"
    assert "kc001" not in body
    check_page(browser, "measures-02-calculator")

    # The measure's page: conditions, materials, the clause verbatim, the amount.
    card.find_element(By.PARTIAL_LINK_TEXT, "企业技术中心奖补").click()
    assert "市级企业技术中心" in browser.find_element(By.ID, "conditions").text
    assert "认定文件或证书" in browser.find_element(By.ID, "materials").text
    assert "对首次认定的国家级、省级、市级企业技术中心分别一次性给予50万元、20万元、10万元奖补" in browser.find_element(
        By.CSS_SELECTOR, "blockquote.clause").text
    assert "kc001" not in browser.find_element(By.TAG_NAME, "body").text
    check_page(browser, "measures-03-measure-page")

    # Start an application: the amount is this organisation's 10万元, not the national 50万元.
    browser.find_element(By.LINK_TEXT, "申报该政策").click()
    amount = browser.find_element(By.ID, "id_amount_requested")
    assert amount.get_attribute("value") == "100000"
    assert "可申请10万元" in browser.find_element(By.ID, "claim").text
    check_page(browser, "measures-04-application-form")

    # An over-claim is refused with a message naming the field.
    amount.clear()
    amount.send_keys("500000")
    browser.find_element(By.CSS_SELECTOR, "main form.stacked button[type=submit]").click()
    errors = browser.find_element(By.CSS_SELECTOR, ".errorlist").text
    assert "申请金额（元）" in errors and "最多可申请10万元" in errors
    check_page(browser, "measures-05-over-claim-refused")

    # The right amount goes through, and the calculator marks the measure as applied for.
    amount = browser.find_element(By.ID, "id_amount_requested")
    amount.clear()
    amount.send_keys("100000")
    browser.find_element(By.CSS_SELECTOR, "main form.stacked button[type=submit]").click()
    assert "/policies/applications/" in browser.current_url
    browser.get(live_server.url + "/policies/calculator/")
    applied = browser.find_element(By.ID, f"m-{MEASURE}").find_element(By.CSS_SELECTOR, ".applied")
    assert "已申报" in applied.text and "查看申报" in applied.text
    check_page(browser, "measures-06-calculator-applied")
