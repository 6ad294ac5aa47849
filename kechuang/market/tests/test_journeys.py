"""Journeys of the technology market through the pages only (issue 10): each role logs in for its own step, nothing
is set through services or fixtures half-way (the users, organisations and the market's existing achievements are
there from the start), and every page visited passes ``check_page`` (screenshot + axe-core)."""

from __future__ import annotations

import re

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.market import indexing
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory
from kechuang.tests_support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ACHIEVEMENT = "光伏组件智能清洗机器人"
DEMAND = "光伏电站组件积灰清洗降本需求"


@pytest.fixture
def existing_market(university_org):
    """The market as it stands before the journey: a few unrelated published achievements, indexed."""
    for title, abstract, kw in [
        ("城镇污水处理厂低碳脱氮除磷工艺", "短程硝化与精准曝气控制，降低曝气能耗。", ["污水处理", "脱氮除磷"]),
        ("高原特色水果多通道智能分选装备", "称重、近红外糖度无损检测与视觉分级。", ["智能分选", "分选装备"]),
        ("工业机器人减速器精密加工工艺", "摆线轮修形与装配回差控制。", ["减速器", "机器人"]),
    ]:
        AchievementFactory(owner=university_org, status=Status.PUBLISHED, title=title, abstract=abstract, keywords=kw)
    indexing.build_index()
    indexing.get_index()  # loaded in this process, so publishing upserts into it at once


def _submit_form(browser, fields: dict[str, str]) -> None:
    for field_id, value in fields.items():
        browser.find_element(By.ID, field_id).send_keys(value)


def _click_and_wait(browser, element, text: str) -> None:
    element.click()
    WebDriverWait(browser, 10).until(lambda d: text in d.page_source)


def test_market_journey_from_draft_to_broker_feedback_and_search(
        browser, live_server, enterprise_user, institution_user, staff_user, broker, existing_market):
    url = live_server.url

    # 1. The institution publishes an achievement: form → draft → 提交审核.
    browser_login(browser, live_server, "inst", TEST_PASSWORD)
    browser.get(url + "/market/achievements/new/")
    check_page(browser, "journey-market-01-achievement-form")
    _submit_form(browser, {
        "id_title": ACHIEVEMENT,
        "id_abstract": "履带式光伏组件清洗机器人，无水毛刷清扫积灰，自动跨越组件间隙，提升光伏电站发电效率。",
        "id_keywords": "光伏组件、清洗机器人、积灰",
    })
    Select(browser.find_element(By.ID, "id_maturity")).select_by_value("7")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"), "已保存为草稿")
    _click_and_wait(browser, browser.find_element(By.ID, "action-submit"), "操作成功")
    check_page(browser, "journey-market-02-achievement-submitted")
    assert "待审核" in browser.page_source
    browser_logout(browser)

    # 2. The enterprise drafts and submits a demand.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    check_page(browser, "journey-market-03a-enterprise-workspace")
    browser.find_element(By.LINK_TEXT, "发布技术需求").click()
    check_page(browser, "journey-market-03-demand-form")
    _submit_form(browser, {
        "id_title": DEMAND,
        "id_description": "电站位于高原干旱地区，光伏组件积灰严重，人工清洗用水多、成本高，"
                          "寻求光伏组件清洗机器人或无水清洗技术，降低运维成本。",
        "id_keywords": "光伏组件、清洗机器人",
    })
    Select(browser.find_element(By.ID, "id_cooperation_mode")).select_by_value("co_develop")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"), "已保存为草稿")
    check_page(browser, "journey-market-04-demand-draft")
    _click_and_wait(browser, browser.find_element(By.ID, "action-submit"), "操作成功")
    browser_logout(browser)

    # 3. Staff publish both from the review queue.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    for kind, title in (("demand", DEMAND), ("achievement", ACHIEVEMENT)):
        browser.get(f"{url}/market/review/?type={kind}")
        check_page(browser, f"journey-market-05-review-{kind}")
        row = browser.find_element(By.XPATH, f"//tr[td/a[text()='{title}']]")
        _click_and_wait(browser, row.find_element(By.CSS_SELECTOR, "button[id^=publish-]"), "操作成功")
    browser_logout(browser)

    # 4. The broker opens the published demand: the new achievement is recommended with a readable relevance,
    #    and 有用 is marked in place (no reload), the buttons staying usable for a change of mind.
    browser_login(browser, live_server, "broker", TEST_PASSWORD)
    browser.get(url + "/market/demands/")
    check_page(browser, "journey-market-05a-demand-list")
    browser.find_element(By.LINK_TEXT, DEMAND).click()
    rec = browser.find_element(By.XPATH, f"//li[contains(@class,'rec')][.//a[contains(@class,'rec-title')]"
                                         f"[normalize-space()='{ACHIEVEMENT}']]")
    relevance = rec.find_element(By.CSS_SELECTOR, ".score").text
    assert re.fullmatch(r"相关度 [高中低] · \d+%", relevance), relevance
    check_page(browser, "journey-market-06-demand-recommendations")
    browser.execute_script("window.__same_page = true")  # gone if the click reloaded the page
    for verdict in ("有用", "无用"):  # the second click proves the buttons survived the first one
        _click_verdict(browser, verdict)
        WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d, v=verdict: f"已标记：{v}" in rec_text(d))
    assert browser.execute_script("return window.__same_page === true")
    check_page(browser, "journey-market-07-broker-feedback")
    browser.get(url + "/market/feedback/")  # a POST-only address typed into the browser
    assert "不能直接打开此地址" in browser.page_source
    check_page(browser, "journey-market-08-405")
    browser_logout(browser)

    # 5. Anyone: the home page's search box finds both records, grouped by kind; nonsense finds nothing and says so.
    browser.get(url + "/")
    check_page(browser, "journey-market-09-home")
    box = browser.find_element(By.ID, "q")
    box.send_keys("光伏组件清洗", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "/market/search/" in d.current_url)
    assert ACHIEVEMENT in browser.find_element(By.ID, "group-achievements").text
    assert DEMAND in browser.find_element(By.ID, "group-demands").text
    check_page(browser, "journey-market-10-search")
    box = browser.find_element(By.ID, "s-q")
    box.clear()
    box.send_keys("zzqqxxw", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "zzqqxxw" in d.current_url)
    assert "没有找到与“zzqqxxw”相关的记录" in browser.page_source
    check_page(browser, "journey-market-11-search-empty")


def _click_verdict(driver, verdict: str) -> None:
    """Click a verdict button of the new achievement's match, looked up afresh: htmx replaces the block on each
    click, so an element found before the swap may be gone."""
    xpath = (f"//li[contains(@class,'rec')][.//a[contains(@class,'rec-title')][normalize-space()='{ACHIEVEMENT}']]"
             f"//button[normalize-space()='{verdict}']")

    def click(d) -> bool:
        d.find_element(By.XPATH, xpath).click()
        return True

    WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(click)


def rec_text(driver) -> str:
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".rec .feedback"))
