"""In a real browser: the enterprise user creates and submits a demand, staff publish it, and the published
demand shows explained recommendations. Screenshots go to var/screenshots/market-*.png."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.conftest import browser_login, screenshot
from kechuang.market import indexing
from kechuang.market.choices import Status
from kechuang.market.models import Demand
from kechuang.market.tests.factories import AchievementFactory
from kechuang.tests_support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def market(university_org):
    for title, abstract, kw in [
        ("基于深度学习的农产品外观缺陷在线检测系统", "多光谱相机与卷积神经网络在线识别水果表面瑕疵与病斑，准确率96%。",
         ["机器视觉", "缺陷检测", "深度学习"]),
        ("高原特色水果多通道智能分选装备", "称重、近红外糖度无损检测与视觉分级，每小时处理5吨。", ["智能分选", "分选装备"]),
        ("城镇污水处理厂低碳脱氮除磷工艺", "短程硝化与精准曝气控制，降低曝气能耗。", ["污水处理", "脱氮除磷"]),
    ]:
        AchievementFactory(owner=university_org, status=Status.PUBLISHED, title=title, abstract=abstract, keywords=kw)
    indexing.build_index()


def test_enterprise_creates_and_submits_a_demand_and_staff_publish_it(browser, live_server, enterprise_user,
                                                                      staff_user, market):
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    assert "我的技术需求" in browser.page_source  # the market's workspace panel
    browser.find_element(By.LINK_TEXT, "发布技术需求").click()
    assert "/market/demands/new/" in browser.current_url
    browser.find_element(By.ID, "id_title").send_keys("分选线外观缺陷视觉检测算法升级")
    browser.find_element(By.ID, "id_description").send_keys(
        "现有分选装备用传统图像处理识别水果表面瑕疵，褐斑识别率不足85%，希望引入深度学习缺陷检测算法。")
    browser.find_element(By.ID, "id_keywords").send_keys("机器视觉、缺陷检测")
    Select(browser.find_element(By.ID, "id_cooperation_mode")).select_by_value("co_develop")
    browser.find_element(By.ID, "id_budget_yuan").send_keys("60")
    screenshot(browser, "market-demand-form")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "已保存为草稿" in d.page_source)
    demand = Demand.objects.get(title="分选线外观缺陷视觉检测算法升级")
    assert demand.status == Status.DRAFT and demand.budget_yuan == 600_000
    browser.find_element(By.ID, "action-submit").click()
    WebDriverWait(browser, 10).until(lambda d: "操作成功" in d.page_source)
    demand.refresh_from_db()
    assert demand.status == Status.SUBMITTED
    screenshot(browser, "market-demand-submitted")
    browser.get(live_server.url + "/accounts/workspace/")
    screenshot(browser, "market-workspace-enterprise")

    browser.delete_all_cookies()
    browser_login(browser, live_server, "staff", TEST_PASSWORD)
    browser.get(live_server.url + "/market/review/?type=demand")
    assert "分选线外观缺陷视觉检测算法升级" in browser.page_source
    screenshot(browser, "market-review-queue")
    browser.find_element(By.ID, f"publish-{demand.pk}").click()
    # Wait for the redirect back to the queue, i.e. for the POST to have been handled.
    WebDriverWait(browser, 10).until(lambda d: "操作成功" in d.page_source)
    demand.refresh_from_db()
    assert demand.status == Status.PUBLISHED

    browser.get(live_server.url + demand.get_absolute_url())
    assert "推荐匹配" in browser.page_source
    first = browser.find_element(By.CSS_SELECTOR, ".rec .rec-title").text
    assert first == "基于深度学习的农产品外观缺陷在线检测系统"
    assert browser.find_elements(By.CSS_SELECTOR, ".rec mark")
    screenshot(browser, "market-demand-published")


def test_broker_marks_a_match_with_htmx(browser, live_server, broker, enterprise_org, market):
    from kechuang.market.models import MatchFeedback
    from kechuang.market.tests.factories import DemandFactory

    demand = DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED, title="水果表面缺陷检测需求",
                           description="需要机器视觉缺陷检测算法识别水果表面瑕疵。", keywords=["机器视觉"])
    browser_login(browser, live_server, "broker", TEST_PASSWORD)
    browser.get(live_server.url + demand.get_absolute_url())
    browser.find_element(By.CSS_SELECTOR, ".rec .feedback button").click()  # the first verdict: 已联系
    done = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, ".rec .fb-done"))
    assert "已联系" in done.text
    assert MatchFeedback.objects.filter(author=broker, demand=demand, verdict="contacted").exists()
    screenshot(browser, "market-broker-feedback")
