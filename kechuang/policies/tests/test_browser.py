"""The enterprise user opens the 政策计算器 in a real browser and sees its benefits with amounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from kechuang.conftest import browser_login, screenshot
from kechuang.policies import services
from kechuang.tests_support.factories import TEST_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_enterprise_opens_calculator_and_sees_amounts(browser: Any, live_server: Any, rich_org: Any,
                                                      enterprise_user: Any) -> None:
    services.fact_record_add(organisation=rich_org, actor=enterprise_user, collection="projects",
                             type="ai_application_demo", date=dt.date(2025, 9, 1), values={"investment": 3_000_000})
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "nav.mainnav a.ws")  # signed in
    browser.get(live_server.url + "/policies/calculator/")
    assert rich_org.name in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_element(By.ID, "grant-total").text == "85万元"
    eligible = browser.find_element(By.ID, "m-kc001-03-enterprise-tech-center")
    assert "20万元" in eligible.text and "首次认定的国家级、省级、市级企业技术中心" in eligible.text
    assert "60万元" in browser.find_element(By.ID, "m-kc001-02-ai-application-demo").text
    screenshot(browser, "policies-calculator")
    browser.execute_script("document.getElementById('facts').scrollIntoView()")
    screenshot(browser, "policies-calculator-facts")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_publicity_list_in_the_browser(browser: Any, live_server: Any, application: Any,
                                             staff_user: Any, outsider: Any) -> None:
    """Anyone opens the 公示 list from the library; 提出异议 asks an anonymous visitor to sign in; staff see the
    objection on the application, with pay held back until the period is over."""
    from kechuang.policies.tests.conftest import move_to_publicised

    move_to_publicised(application, staff_user, period_over=False)
    browser.get(live_server.url + "/policies/")
    browser.find_element(By.LINK_TEXT, "政策兑现公示").click()
    row = browser.find_element(By.ID, f"pub-{application.pk}")
    assert application.organisation.name in row.text and "20万元" in row.text and "提出异议" in row.text
    screenshot(browser, "policies-publicity")
    row.find_element(By.LINK_TEXT, "提出异议").click()
    assert "/accounts/login/" in browser.current_url
    services.objection_raise(application=application, actor=outsider, contact="13800000000",
                             content="该单位的省级企业技术中心认定已被撤销，不应享受本项奖补。")
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "nav.mainnav a.ws")  # signed in
    browser.get(live_server.url + f"/policies/applications/{application.pk}/")
    assert "公示期未满" in browser.find_element(By.ID, "blocked-pay").text
    assert "认定已被撤销" in browser.find_element(By.ID, "objections").text
    browser.execute_script("document.getElementById('blocked-pay').scrollIntoView()")
    screenshot(browser, "policies-objection-staff")
