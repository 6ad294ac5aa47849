"""Browser journey, pages only: staff set the 先用后补 scheme; an enterprise books an instrument from its calendar; a
second enterprise cannot take the same slot; the owner approves; the operator records use and settles; the bill
appears; the claim is computed and flagged (the pair is affiliated); staff decide with a reason and pay it from the
budget."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.utils import timezone
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from kechuang.accounts.choices import Role
from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.instruments.choices import BookingStatus, ClaimStatus
from kechuang.instruments.models import Affiliation, Booking, SubsidyClaim, SubsidyScheme
from kechuang.instruments.tests.helpers import shared_instrument, weekday_at
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from kechuang.workflow import clock


def _button(driver: Any, text: str) -> Any:
    return driver.find_element(By.XPATH, f".//button[normalize-space()='{text}']")


def _follow(driver: Any, how: str, text: str) -> None:
    """Follow a link and wait for the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(how, text).click()
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(EC.staleness_of(old))


def _submit(driver: Any, text: str, within: Any = None) -> None:
    """Click a submit button and wait for the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    _button(within or driver, text).click()
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(EC.staleness_of(old))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_booking_to_subsidy_journey(browser: Any, live_server: Any, monkeypatch: Any) -> None:
    lab: Any = OrganisationFactory(kind="university", name="测试滇池理工大学")
    ent: Any = OrganisationFactory(kind="enterprise", name="测试滇中精密制造有限公司")
    rival = OrganisationFactory(kind="enterprise", name="测试春城检测技术有限公司")
    UserFactory(username="lab", role=Role.INSTITUTION, organisation=lab)
    UserFactory(username="ent", role=Role.ENTERPRISE, organisation=ent)
    UserFactory(username="rival", role=Role.ENTERPRISE, organisation=rival)
    UserFactory(username="staff", role=Role.STAFF, is_staff=True)
    for org in (lab, ent):  # organisation facts: both held by one actual controller
        Affiliation.objects.create(organisation=org, actual_controller="测试滇中控股集团")
    inst = shared_instrument(organisation=lab)
    start = weekday_at(9)
    year = timezone.localtime(start).year

    # Staff set the scheme.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(live_server.url + "/instruments/schemes/")
    for name, value in (("name", "大型仪器先用后补"), ("year", str(year)), ("budget_amount", "100000"),
                        ("min_instrument_value", "1000000")):
        field = browser.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    check_page(browser, "instruments-schemes")
    _submit(browser, "保存方案")
    assert "大型仪器先用后补" in browser.find_element(By.TAG_NAME, "table").text
    browser_logout(browser)

    # The enterprise books from the instrument's calendar.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(live_server.url + f"/directory/instruments/{inst.pk}/")
    _follow(browser, By.LINK_TEXT, "预约日历与预约")
    browser.get(browser.current_url + f"?week={start.date().isoformat()}")
    check_page(browser, "instruments-calendar")
    _follow(browser, By.CSS_SELECTOR, f"a[href*='start={quote(start.isoformat(), safe='/')}']")
    browser.find_element(By.NAME, "purpose").send_keys("齿轮断口形貌分析")
    check_page(browser, "instruments-book")
    _submit(browser, "提交预约")
    assert "待审批" in browser.find_element(By.ID, "booking-status").text
    check_page(browser, "instruments-booking-pending")
    browser_logout(browser)

    # A second enterprise cannot take the same slot, and does not learn what it is for.
    browser_login(browser, live_server, "rival", TEST_PASSWORD)
    browser.get(live_server.url + f"/instruments/{inst.pk}/calendar/?week={start.date().isoformat()}")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "已预约" in page and "齿轮" not in page
    browser.get(live_server.url + f"/instruments/{inst.pk}/book/?start={quote(start.isoformat(), safe='/')}")
    browser.find_element(By.NAME, "purpose").send_keys("来料检验")
    _submit(browser, "提交预约")
    error = browser.find_element(By.CSS_SELECTOR, "ul.errorlist").text
    assert "已被占用" in error and "09:00–09:30" in error and "齿轮" not in error
    check_page(browser, "instruments-slot-taken")
    browser_logout(browser)

    # The owner approves from its queue.
    browser_login(browser, live_server, "lab", TEST_PASSWORD)
    browser.get(live_server.url + "/instruments/queue/")
    check_page(browser, "instruments-queue")
    _follow(browser, By.PARTIAL_LINK_TEXT, "查看预约")
    _submit(browser, "批准预约")
    assert "已批准" in browser.find_element(By.ID, "booking-status").text
    check_page(browser, "instruments-booking-approved")

    # The day comes: the operator records the use (a 15-minute overrun) and settles.
    monkeypatch.setattr(clock, "now", lambda: weekday_at(12))
    browser.refresh()
    end = browser.find_element(By.NAME, "actual_end")
    browser.execute_script("arguments[0].value = arguments[1]", end,
                           timezone.localtime(weekday_at(9, 45)).strftime("%Y-%m-%dT%H:%M"))
    _submit(browser, "登记使用")
    assert "已使用" in browser.find_element(By.ID, "booking-status").text
    assert "合计 225 元" in browser.find_element(By.ID, "booking-amount").text  # 45 min × 300 元/小时
    _submit(browser, "结算")
    assert "已结算" in browser.find_element(By.ID, "booking-status").text
    check_page(browser, "instruments-booking-settled")
    browser_logout(browser)

    # The bill appears in the customer's monthly statement.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(live_server.url + "/instruments/mine/")
    _follow(browser, By.LINK_TEXT, "本单位月度账单")
    browser.get(live_server.url + f"/instruments/statement/?month={start:%Y-%m}")
    assert "本月合计 225 元" in browser.find_element(By.ID, "statement-total").text
    check_page(browser, "instruments-statement")
    browser_logout(browser)

    # Staff see the computed, flagged claim, decide with a reason and pay it from the budget.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(live_server.url + "/instruments/claims/")
    claim = SubsidyClaim.objects.get()
    card = browser.find_element(By.ID, f"claim-{claim.pk}")
    assert "实际控制人同为“测试滇中控股集团”" in card.text and "用户补贴 45 元" in card.text
    check_page(browser, "instruments-claims-flagged")
    _submit(browser, "审核通过", card)
    assert "须填写审核意见" in browser.find_element(By.CSS_SELECTOR, "ul.messages").text
    browser.find_element(By.ID, f"reason-{claim.pk}").send_keys("经核查为正常检测业务，按规定补贴")
    _submit(browser, "审核通过")
    _submit(browser, "从预算兑付 90 元")
    assert "已兑付 90 元" in browser.find_element(By.CSS_SELECTOR, "ul.messages").text
    check_page(browser, "instruments-claims-paid")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert SubsidyScheme.objects.get().paid_total == 90
    assert Booking.objects.get().status == BookingStatus.SETTLED
