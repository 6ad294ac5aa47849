"""The 揭榜挂帅 journey through the pages only (issue 15, "Done when"): a department drafts a challenge, staff
publish it, two teams apply, three experts (one excluded automatically for a conflict) score them, the issuer
picks the higher, the result is publicised, the first milestone is reviewed and its funds released, and the losing
team reads its per-criterion feedback.

Up front: organisations, accounts and the expert pool (directory people with their sign-in). Every state change is
a click; time passes only through ``kechuang.workflow.clock`` (the publicity period).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from kechuang.accounts.choices import Role
from kechuang.challenges.models import Expert
from kechuang.conftest import browser_login, browser_logout, check_page
from kechuang.directory.models import Organisation, Person
from kechuang.tests_support.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from kechuang.workflow import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = dt.date(2026, 3, 2)


def _text(driver: Any) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


def _click(driver: Any, css: str) -> None:
    old = driver.find_element(By.TAG_NAME, "html")
    button = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    WebDriverWait(driver, 15).until(lambda d: old.id != d.find_element(By.TAG_NAME, "html").id)


def _login(driver: Any, live_server: Any, username: str) -> None:
    browser_logout(driver)
    browser_login(driver, live_server, username, TEST_PASSWORD)


def _fill(driver: Any, values: dict[str, str]) -> None:
    for field_id, value in values.items():
        el = driver.find_element(By.ID, field_id)
        if el.tag_name == "select" or el.get_attribute("type") == "date":
            driver.execute_script("arguments[0].value = arguments[1]", el, value)
        else:
            el.clear()
            el.send_keys(value)


@pytest.fixture
def people(db: Any, staff_user: Any) -> dict[str, Any]:
    dept = OrganisationFactory(name="测试新区经济发展局", kind="service_agency")
    OrganisationFactory(name="测试甲智能科技公司")
    org_b: Any = OrganisationFactory(name="测试乙理工大学", kind="university")
    UserFactory(username="dept", organisation=dept)
    UserFactory(username="team-a", organisation=Organisation.objects.get(name="测试甲智能科技公司"))
    UserFactory(username="team-b", organisation=org_b, role=Role.INSTITUTION)
    pool: list[tuple[str, Any]] = [("钱专家", None), ("孙专家", None), ("郑专家", org_b)]
    for i, (name, org) in enumerate(pool, 1):
        person = Person.objects.create(name=name, kind="expert", fields="光伏、人工智能", organisation=org,
                                       published=True)
        user: Any = UserFactory(username=f"expert{i}", role=Role.REVIEWER)
        Expert.objects.create(person=person, user=user)
    return {"org_b": org_b}


def test_challenge_journey(browser: Any, live_server: Any, people: dict[str, Any], monkeypatch: Any) -> None:
    d, url = browser, live_server.url
    monkeypatch.setattr(clock, "today", lambda: DAY)

    # 1. The department drafts its 榜单 and submits it for 立题审核.
    _login(d, live_server, "dept")
    d.get(url + "/challenges/new/")
    _fill(d, {"id_title": "高原光伏电站无人机智能巡检", "id_source": "government",
              "id_problem": "组件热斑与隐裂识别率低，人工巡检效率低", "id_total_investment": "2000000",
              "id_fiscal_support": "1000000", "id_period_months": "12", "id_acceptance": "第三方机构现场测试",
              "id_ip_ownership": "joint", "id_ip_terms": "项目成果由发榜单位与揭榜方共有", "id_trl": "5",
              "id_deadline": "2026-04-30", "id_indicators_text": "缺陷识别准确率｜≥ 98%\n单站巡检时间｜≤ 2 小时",
              "id_milestones_text": "样机研制｜2026-09-30｜40\n示范应用｜2027-03-31｜60"})
    check_page(d, "journey-challenge-new")
    _click(d, "main form button[type=submit]")
    assert re.search(r"/challenges/\d+/$", d.current_url), _text(d)
    detail = d.current_url
    check_page(d, "journey-challenge-draft")
    _click(d, "#step-submit button")
    assert "立题审核" in d.find_element(By.ID, "challenge-status").text

    # 2. Staff publish it.
    _login(d, live_server, "staff")
    d.get(detail)
    check_page(d, "journey-challenge-staff-review")
    _click(d, "#step-publish button")
    assert "发榜" in d.find_element(By.ID, "challenge-status").text, _text(d)

    # 3. Two teams apply from the public board.
    apps = {}
    for team, name, plan in (("team-a", "甲公司攻关队", "多光谱融合识别方案"), ("team-b", "乙大学揭榜团队", "红外热成像方案")):
        _login(d, live_server, team)
        d.get(url + "/challenges/")
        check_page(d, f"journey-challenge-board-{team}")
        d.find_element(By.LINK_TEXT, "高原光伏电站无人机智能巡检").click()
        d.find_element(By.LINK_TEXT, "我要揭榜").click()
        answers = {el.get_attribute("id"): "可达到" for el in d.find_elements(By.CSS_SELECTOR, "textarea[id^=id_answer_]")}
        org = "测试乙理工大学" if team == "team-b" else "测试甲智能科技公司"
        _fill(d, {"id_team_name": name, "id_plan": plan, "id_members_text": f"杨青｜揭榜挂帅负责人｜{org}", **answers})
        d.find_element(By.ID, "id_originality").click()
        check_page(d, f"journey-challenge-apply-{team}")
        _click(d, "main form button[type=submit]")
        assert re.search(r"/challenges/applications/\d+/$", d.current_url), _text(d)
        apps[team] = int(d.current_url.rstrip("/").split("/")[-1])
        check_page(d, f"journey-challenge-applied-{team}")

    # 4. Staff close entries, screen both, draw three experts (the one from 乙大学 is excluded), start the review.
    _login(d, live_server, "staff")
    d.get(detail)
    _click(d, "#step-close_entries button")
    for pk in apps.values():
        _click(d, f"#app{pk}-step-admit button")
    for box in d.find_elements(By.CSS_SELECTOR, "#assign-form input[name=experts]"):
        box.click()
    check_page(d, "journey-challenge-assign")
    _click(d, "#assign-form button[type=submit]")
    assert "自动回避：郑专家" in _text(d), _text(d)
    _click(d, "#step-start_review button")
    assert "专家评审" in d.find_element(By.ID, "challenge-status").text, _text(d)
    ch_pk = int(detail.rstrip("/").split("/")[-1])

    # 5. Two experts score both teams; the excluded one is told so and sees no plan.
    for expert in ("expert1", "expert2"):
        _login(d, live_server, expert)
        d.get(url + f"/challenges/{ch_pk}/review/")
        for team, score in (("team-a", "9"), ("team-b", "6.5")):
            card = d.find_element(By.ID, f"review-{apps[team]}")
            for box in card.find_elements(By.CSS_SELECTOR, "input[type=number]"):
                box.clear()
                box.send_keys(score)
            for box in card.find_elements(By.CSS_SELECTOR, "input[name^=comment_]"):
                box.send_keys("示范验证计划需细化" if team == "team-b" else "方案扎实")
            check_page(d, f"journey-challenge-score-{expert}-{team}")
            _click(d, f"#review-{apps[team]} button[type=submit]")
            assert "评分已保存" in d.find_element(By.TAG_NAME, "body").text
    _login(d, live_server, "expert3")
    d.get(url + f"/challenges/{ch_pk}/review/")
    assert "利益冲突回避" in _text(d) and "红外热成像方案" not in _text(d)
    check_page(d, "journey-challenge-excluded-expert")

    # 6. Staff close the review; the issuer picks the higher-scored team from the list; 公示 starts.
    _login(d, live_server, "staff")
    d.get(detail)
    _click(d, "#step-finish_review button")
    _login(d, live_server, "dept")
    d.get(detail)
    rows = d.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert "甲公司攻关队" in rows[0].text and "第 1 名" in rows[0].text
    check_page(d, "journey-challenge-results")
    _click(d, f"#app{apps['team-a']}-step-select button")
    assert "公示" in d.find_element(By.ID, "challenge-status").text, d.page_source[:3000]
    check_page(d, "journey-challenge-publicised")

    # 7. After the publicity period staff sign the 任务书; the winner reports the first milestone; staff release.
    monkeypatch.setattr(clock, "today", lambda: DAY + dt.timedelta(days=14))
    _login(d, live_server, "staff")
    d.get(detail)
    _click(d, "#step-contract button")
    _click(d, "#step-start button")
    _login(d, live_server, "team-a")
    d.get(detail)
    report = d.find_element(By.CSS_SELECTOR, "form.step-report textarea[name=report]")
    report.send_keys("样机完成，第三方初测识别准确率 98.6%")
    check_page(d, "journey-challenge-milestone-report")
    _click(d, "form.step-report button")
    _login(d, live_server, "staff")
    d.get(detail)
    _click(d, "form.step-approve button")
    assert "已拨付 400,000.00 元" in d.find_element(By.ID, "ledger").text, d.find_element(By.ID, "ledger").text
    check_page(d, "journey-challenge-released")

    # 8. The losing team reads its per-criterion feedback, anonymous comments and rank.
    _login(d, live_server, "team-b")
    d.get(url + f"/challenges/applications/{apps['team-b']}/")
    feedback = d.find_element(By.ID, "feedback").text
    assert "排第 2 名" in feedback and "6.5 / 10" in feedback and "示范验证计划需细化" in feedback
    assert "钱专家" not in feedback and "孙专家" not in feedback
    check_page(d, "journey-challenge-feedback")
