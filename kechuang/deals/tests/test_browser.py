"""Journeys of the deal pipeline and of listed trading in a real browser, through the pages only. Users,
organisations and the enterprise's published demand with its matching achievement exist up front; every step is
taken by its role on its own page, and every page visited passes ``check_page``. Screenshots: var/screenshots/deals-*.png."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.accounts.choices import Role
from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.contracts.tests.factories import PDF
from kechuang.market import indexing
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ACHIEVEMENT = "光伏组件智能清洗机器人"


@pytest.fixture(autouse=True)
def isolated_index(settings, tmp_path):
    settings.KECHUANG_INDEX_DIR = tmp_path / "index"
    settings.KECHUANG_INDEX_AUTO_REBUILD = False
    indexing.reset()
    yield
    indexing.reset()


def _wait_for(driver, text: str) -> None:
    WebDriverWait(driver, 15).until(lambda d: text in d.page_source)


def _set(driver, element_id: str, value: str) -> None:
    el = driver.find_element(By.ID, element_id)
    el.clear()
    el.send_keys(value)


def _step(driver, trigger: str, text: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"#step-{trigger} button[type=submit]").click()
    _wait_for(driver, text)


def test_match_to_registered_contract_disclosed_and_counted(browser, live_server, enterprise_user, enterprise_org,
                                                          broker, staff_user, tmp_path):
    url = live_server.url
    seller = OrganisationFactory(kind="enterprise", name="测试滇中光电科技有限公司", region_code="530102")
    UserFactory(username="seller", role=Role.ENTERPRISE, organisation=seller)
    UserFactory(username="registrar", role=Role.REGISTRAR)
    demand = DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED, title="光伏电站组件积灰清洗降本需求",
                           description="光伏组件积灰导致发电效率下降，寻求自动清洗机器人。", keywords=["光伏", "清洗机器人"])
    AchievementFactory(owner=seller, status=Status.PUBLISHED, title=ACHIEVEMENT, keywords=["光伏", "清洗机器人"],
                       abstract="履带式光伏组件清洗机器人，无水毛刷清扫积灰，提升光伏电站发电效率。")
    indexing.build_index()
    indexing.get_index()
    contract_file = tmp_path / "合同文本.pdf"
    contract_file.write_bytes(PDF)

    # 1. The broker opens a deal from the match on the demand page and moves it to 签约.
    browser_login(browser, live_server, "broker", TEST_PASSWORD)
    browser.get(url + demand.get_absolute_url())
    check_page(browser, "deals-01-demand-match")
    browser.find_element(By.CSS_SELECTOR, "form.open-deal button").click()
    _wait_for(browser, "已发起商洽")
    check_page(browser, "deals-02-deal-intent")
    _set(browser, "id_text", "已电话联系双方，约定下周见面")
    _set(browser, "id_next_action", "组织实地考察")
    browser.execute_script("document.getElementById('id_next_action_on').value = arguments[0]",
                           f"{timezone.localdate() + dt.timedelta(days=5):%Y-%m-%d}")
    browser.find_element(By.CSS_SELECTOR, "aside form button[type=submit]").click()
    _wait_for(browser, "已记录")
    _step(browser, "contact", "当前阶段为对接中")
    _step(browser, "negotiate", "当前阶段为洽谈")
    Select(browser.find_element(By.ID, "id_sign_mode")).select_by_value("transfer")
    Select(browser.find_element(By.ID, "id_sign_pricing")).select_by_value("negotiated")
    _set(browser, "id_sign_price_yuan", "1000000")
    check_page(browser, "deals-03-deal-negotiating")
    _step(browser, "sign", "当前阶段为签约")
    deal_url = browser.current_url
    browser.get(url + "/deals/broker/")
    check_page(browser, "deals-04-broker-workspace")
    browser_logout(browser)

    # 2. The seller submits the technology contract and links it to the deal.
    browser_login(browser, live_server, "seller", TEST_PASSWORD)
    browser.get(url + "/contracts/new/")
    _set(browser, "id_title", "光伏组件智能清洗机器人技术开发")
    Select(browser.find_element(By.ID, "id_contract_type")).select_by_value("development")
    Select(browser.find_element(By.ID, "id_sub_type")).select_by_value("commissioned")
    Select(browser.find_element(By.ID, "id_technology_field")).select_by_value("new_energy")
    browser.execute_script("document.getElementById('id_signed_on').value = arguments[0]",
                           f"{timezone.localdate():%Y-%m-%d}")
    _set(browser, "id_buyer_name", enterprise_org.name)
    _set(browser, "id_buyer_credit_code", enterprise_org.credit_code)
    _set(browser, "id_buyer_region_code", enterprise_org.region_code)
    _set(browser, "id_contract_amount", "1000000.00")
    _set(browser, "id_declared_transaction_amount", "1000000.00")
    browser.find_element(By.ID, "id_file").send_keys(str(contract_file))
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    _wait_for(browser, "已保存为草稿")
    browser.find_element(By.ID, "submit-contract").click()
    _wait_for(browser, "登记机构已受理")
    check_page(browser, "deals-05-contract-submitted")
    browser.get(deal_url)
    Select(browser.find_element(By.ID, "id_contract")).select_by_index(1)
    check_page(browser, "deals-06-deal-link-contract")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/contract/'] button").click()
    _wait_for(browser, "已关联技术合同")
    assert "关联的技术合同尚未认定登记" in browser.page_source
    browser_logout(browser)

    # 3. The registrar registers the contract.
    browser_login(browser, live_server, "registrar", TEST_PASSWORD)
    browser.get(url + "/contracts/registry/")
    browser.find_element(By.LINK_TEXT, "光伏组件智能清洗机器人技术开发").click()
    browser.find_element(By.ID, "id_decision_0").click()
    check_page(browser, "deals-07-registrar")
    browser.find_element(By.ID, "decide").click()
    _wait_for(browser, "已认定登记")
    browser_logout(browser)

    # 4. The enterprise confirms: the deal shows 已登记.
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(url + "/deals/")
    check_page(browser, "deals-08-enterprise-list")
    browser.get(deal_url)
    _step(browser, "register", "当前阶段为已登记")
    check_page(browser, "deals-09-registered")
    browser_logout(browser)

    # 5. The disclosure is public.
    browser.get(url + "/deals/disclosures/")
    check_page(browser, "deals-10-disclosures")
    browser.find_element(By.LINK_TEXT, ACHIEVEMENT).click()
    assert "1000000 元" in browser.page_source and enterprise_org.name in browser.page_source
    assert "公示中" in browser.page_source
    check_page(browser, "deals-11-disclosure")

    # 6. The funnel counts it.
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(url + "/deals/funnel/")
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#funnel-table tr:nth-child(2) td")]
    assert cells[2:] == ["1", "1", "1"]
    assert browser.find_elements(By.CSS_SELECTOR, "#funnel-chart canvas")  # ECharts drew the chart
    check_page(browser, "deals-12-funnel")


def test_listing_bid_on_by_two_and_won_by_the_higher(browser, live_server, university_org, staff_user):
    url = live_server.url
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title=ACHIEVEMENT)
    for name in ("a", "b"):
        UserFactory(username=f"bidder_{name}", role=Role.ENTERPRISE,
                    organisation=OrganisationFactory(kind="enterprise", name=f"测试竞买{name.upper()}有限公司"))

    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(url + "/deals/listings/new/")
    Select(browser.find_element(By.ID, "id_achievement")).select_by_visible_text(ACHIEVEMENT)
    _set(browser, "id_reserve_price", "100000")
    _set(browser, "id_deposit", "10000")
    _set(browser, "id_step", "5000")
    now = timezone.localtime()
    _set(browser, "id_starts_at", f"{now - dt.timedelta(minutes=1):%Y-%m-%d %H:%M:%S}")
    ends = now + dt.timedelta(seconds=35)
    _set(browser, "id_ends_at", f"{ends:%Y-%m-%d %H:%M:%S}")
    _set(browser, "id_extension_minutes", "0")
    check_page(browser, "deals-20-listing-form")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    _wait_for(browser, "已保存挂牌")
    _step(browser, "publish", "已办理：发布挂牌")
    listing_url = browser.current_url
    browser_logout(browser)

    for name in ("a", "b"):
        browser_login(browser, live_server, f"bidder_{name}", TEST_PASSWORD)
        browser.get(listing_url)
        browser.find_element(By.XPATH, "//button[text()='报名竞买']").click()
        _wait_for(browser, "等待科技局审核")
        browser_logout(browser)

    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(listing_url)
    check_page(browser, "deals-21-listing-approve")
    approve = "form.step-approve button[type=submit]"
    for remaining in (1, 0):
        browser.find_element(By.CSS_SELECTOR, approve).click()
        # Wait for the answer page (one approve button fewer): "已通过" is already on the page after the first
        # approval, so waiting for that text let the next click or the logout overtake the second POST.
        WebDriverWait(browser, 15).until(lambda d, n=remaining: len(d.find_elements(By.CSS_SELECTOR, approve)) == n)
        _wait_for(browser, "已通过")
    browser_logout(browser)

    for name, amount, expect in (("a", "100000", "当前领先"), ("b", "104000", "出价应不低于 105000 元"),
                                 ("b", "120000", "当前领先")):
        browser_login(browser, live_server, f"bidder_{name}", TEST_PASSWORD)
        browser.get(listing_url)
        _set(browser, "id_amount", amount)
        browser.find_element(By.CSS_SELECTOR, "form[action$='/bid/'] button").click()
        _wait_for(browser, expect)
        if amount == "120000":
            check_page(browser, "deals-22-bid-won")
        browser_logout(browser)

    time.sleep(max(0.0, (ends - timezone.localtime()).total_seconds()) + 1)
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(listing_url)
    _step(browser, "close_sold", "已办理：结束竞价并公布成交结果")
    assert "由 测试竞买B有限公司 以 120000 元竞得" in browser.find_element(By.ID, "result").text
    check_page(browser, "deals-23-listing-sold")
    browser.find_element(By.LINK_TEXT, "查看成交公示").click()
    assert "测试竞买B有限公司" in browser.page_source
    check_page(browser, "deals-24-listing-disclosure")


def test_event_pairs_registrants_and_an_intention_becomes_a_deal(browser, live_server, enterprise_user,
                                                                 institution_user, enterprise_org, university_org,
                                                                 staff_user):
    url = live_server.url
    DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED, title="光伏电站组件积灰清洗降本需求",
                  description="光伏组件积灰导致发电效率下降，寻求自动清洗机器人。", keywords=["光伏", "清洗机器人"])
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title=ACHIEVEMENT, keywords=["光伏", "清洗机器人"],
                       abstract="履带式光伏组件清洗机器人，无水毛刷清扫积灰，提升光伏电站发电效率。")
    indexing.build_index()
    indexing.get_index()

    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(url + "/deals/events/new/")
    _set(browser, "id_title", "校企双进·找矿挖宝（新能源专场）")
    _set(browser, "id_theme", "光伏运维技术对接")
    _set(browser, "id_starts_at", f"{timezone.localtime() + dt.timedelta(days=3):%Y-%m-%d 09:00}")
    _set(browser, "id_place", "呈贡科创中心")
    check_page(browser, "deals-30-event-form")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    _wait_for(browser, "已发布对接活动")
    event_url = browser.current_url
    browser_logout(browser)

    for username, fill in (("ent", {"id_seeks": "光伏组件清洗技术"}), ("inst", {"id_brings": "光伏组件清洗机器人"})):
        browser_login(browser, live_server, username, TEST_PASSWORD)
        browser.get(event_url)
        if username == "ent":
            Select(browser.find_element(By.ID, "id_demand")).select_by_index(1)
            check_page(browser, "deals-31-event-register")
        for field_id, value in fill.items():
            _set(browser, field_id, value)
        browser.find_element(By.XPATH, "//button[text()='报名']").click()
        _wait_for(browser, "报名成功")
        browser_logout(browser)

    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(event_url)
    browser.find_element(By.ID, "propose").click()
    _wait_for(browser, "已推荐 1 场洽谈并排定日程")
    assert ACHIEVEMENT in browser.find_element(By.ID, "schedule").text
    browser.find_element(By.XPATH, "//button[text()='签到']").click()
    _wait_for(browser, "已签到")
    Select(browser.find_element(By.CSS_SELECTOR, "#schedule select")).select_by_value("intent")
    check_page(browser, "deals-32-event-schedule")
    browser.find_element(By.CSS_SELECTOR, "#schedule button").click()
    _wait_for(browser, "已转入商洽")
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#event-stats td")]
    assert cells[:5] == ["2", "1", "1", "1", "1"]
    browser.find_element(By.PARTIAL_LINK_TEXT, "已转入商洽").click()
    assert "对接活动" in browser.page_source and university_org.name in browser.page_source
    check_page(browser, "deals-33-event-deal")
