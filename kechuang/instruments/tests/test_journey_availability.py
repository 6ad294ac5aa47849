"""Browser journey, pages only: the owner opens its instrument on Saturday mornings and closes a weekday for an
annual inspection; an enterprise then sees that day closed in the calendar (and Saturday open), and a request for
it is refused with the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By

from kechuang.accounts.choices import Role
from kechuang.conftest import SCREENSHOT_DIR, browser_login, browser_logout, check_page
from kechuang.instruments.tests.helpers import shared_instrument, weekday_at
from kechuang.instruments.tests.test_journey import _follow, _submit
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_owner_sets_hours_and_blackout_enterprise_sees_it(browser: Any, live_server: Any) -> None:
    lab: Any = OrganisationFactory(kind="university", name="测试滇池理工大学")
    ent: Any = OrganisationFactory(kind="enterprise", name="测试滇中精密制造有限公司")
    UserFactory(username="lab", role=Role.INSTITUTION, organisation=lab)
    UserFactory(username="ent", role=Role.ENTERPRISE, organisation=ent)
    inst = shared_instrument(organisation=lab)
    closed = weekday_at(9)
    day = closed.date()
    saturday = day + dt.timedelta(days=5 - day.weekday())

    # The owner, from the instrument's calendar, opens Saturday mornings and closes one day.
    browser_login(browser, live_server, "lab", TEST_PASSWORD)
    browser.get(live_server.url + f"/instruments/{inst.pk}/calendar/")
    _follow(browser, By.LINK_TEXT, "开放时间、停用与维护")
    check_page(browser, "instruments-availability")
    sat = browser.find_element(By.NAME, "hours-day_5")
    sat.clear()
    sat.send_keys("09:00-12:00")
    _submit(browser, "保存开放时间")
    assert "每周开放时间已保存" in browser.find_element(By.CSS_SELECTOR, "ul.messages").text
    assert "周六 09:00–12:00" in browser.find_element(By.TAG_NAME, "main").text
    for name, value in (("blackout-start_date", day.isoformat()), ("blackout-end_date", day.isoformat())):
        browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.NAME, name), value)
    browser.find_element(By.NAME, "blackout-reason").send_keys("设备年检")
    _submit(browser, "添加停用日期")
    assert "已添加停用日期" in browser.find_element(By.CSS_SELECTOR, "ul.messages").text
    assert "设备年检" in browser.find_element(By.CSS_SELECTOR, "table.list").text
    check_page(browser, "instruments-availability-saved")
    # The viewport screenshot stops above the rule tables: keep the blackout card too, for a person to look at.
    browser.find_elements(By.CSS_SELECTOR, "div.card")[1].screenshot(
        str(SCREENSHOT_DIR / "instruments-availability-blackouts.png"))
    browser_logout(browser)

    # The enterprise sees the day closed with its reason, Saturday morning open, and cannot book the closed day.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(live_server.url + f"/directory/instruments/{inst.pk}/")
    _follow(browser, By.LINK_TEXT, "预约日历与预约")
    browser.get(browser.current_url + f"?week={day.isoformat()}")
    assert "停用：设备年检" in browser.find_element(By.CSS_SELECTOR, "table.calendar").text
    assert not browser.find_elements(By.CSS_SELECTOR, f"a[href*='start={day.isoformat()}']")
    assert browser.find_elements(By.CSS_SELECTOR, f"a[href*='start={saturday.isoformat()}T09']")
    check_page(browser, "instruments-calendar-blackout")
    browser.find_element(By.CSS_SELECTOR, "table.calendar").screenshot(
        str(SCREENSHOT_DIR / "instruments-calendar-blackout-grid.png"))
    browser.get(live_server.url + f"/instruments/{inst.pk}/book/?start={quote(closed.isoformat(), safe='/')}")
    browser.find_element(By.NAME, "purpose").send_keys("来料检验")
    _submit(browser, "提交预约")
    error = browser.find_element(By.CSS_SELECTOR, "ul.errorlist").text
    assert "停用（设备年检）" in error
    check_page(browser, "instruments-book-blackout")
