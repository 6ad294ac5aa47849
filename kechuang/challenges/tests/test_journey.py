"""The 揭榜挂帅 journey through the pages only (issue 15, "Done when"): a department drafts a challenge, staff
publish it, two teams apply, three experts (one excluded automatically for a conflict) score them, the issuer
picks the higher, the result is publicised, the first milestone is reviewed and its funds released, and the losing
team reads its per-criterion feedback. Then (the later parts of the issue) staff refine the draft and merge a
similar one into it during 立题审核, the winner attaches a file to its milestone report, and the 验收: staff draw
two acceptance experts, one declares a conflict and is replaced, the experts judge each 验收标准 line and the
issuer confirms 结题.

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
    pool: list[tuple[str, Any]] = [("钱专家", None), ("孙专家", None), ("郑专家", org_b), ("李专家", None)]
    for i, (name, org) in enumerate(pool, 1):
        person = Person.objects.create(name=name, kind="expert", fields="光伏、人工智能", organisation=org,
                                       published=True)
        user: Any = UserFactory(username=f"expert{i}", role=Role.REVIEWER)
        Expert.objects.create(person=person, user=user)
    return {"org_b": org_b}


def test_challenge_journey(browser: Any, live_server: Any, people: dict[str, Any], monkeypatch: Any,
                           settings: Any, tmp_path: Any) -> None:
    d, url = browser, live_server.url
    settings.MEDIA_ROOT = str(tmp_path)
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

    # A second, similar draft from the same department (merged below).
    d.get(url + "/challenges/new/")
    _fill(d, {"id_title": "光伏电站夜间巡检", "id_source": "government", "id_problem": "夜间热斑识别",
              "id_total_investment": "500000", "id_fiscal_support": "200000", "id_period_months": "6",
              "id_acceptance": "现场测试", "id_ip_ownership": "joint", "id_ip_terms": "共有", "id_trl": "4",
              "id_deadline": "2026-04-30", "id_indicators_text": "夜间识别准确率｜≥ 90%",
              "id_milestones_text": "样机｜2026-09-30｜100"})
    _click(d, "main form button[type=submit]")
    second = d.current_url

    # 2. Staff refine the draft in 立题审核, merge the similar one into it, and publish it.
    _login(d, live_server, "staff")
    d.get(detail)
    check_page(d, "journey-challenge-staff-review")
    _click(d, "#edit-link")
    check_page(d, "journey-challenge-edit")
    _fill(d, {"id_acceptance": "第三方机构现场测试，对照各项量化指标逐项验收"})
    _click(d, "main form button[type=submit]")
    assert "逐项验收" in _text(d), _text(d)
    second_pk = second.rstrip("/").split("/")[-1]
    d.execute_script("document.getElementById('merge-other').value = arguments[0]", second_pk)
    _click(d, "#merge-form button[type=submit]")
    assert "已将“光伏电站夜间巡检”并入本榜单" in _text(d), _text(d)
    assert "夜间识别准确率" in _text(d)
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
    for name in ("钱专家", "孙专家", "郑专家"):
        d.find_element(By.XPATH, f"//form[@id='assign-form']//label[contains(., '{name}')]/input").click()
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
    pdf = tmp_path / "样机测试报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% journey test report\n")
    d.find_element(By.CSS_SELECTOR, ".upload-form input[type=file]").send_keys(str(pdf))
    _click(d, ".upload-form button[type=submit]")
    assert "已上传“样机测试报告.pdf”" in d.find_element(By.TAG_NAME, "body").text
    report = d.find_element(By.CSS_SELECTOR, "form.step-report textarea[name=report]")
    report.send_keys("样机完成，第三方初测识别准确率 98.6%")
    check_page(d, "journey-challenge-milestone-report")
    _click(d, "form.step-report button")
    _login(d, live_server, "staff")
    d.get(detail)
    assert "样机测试报告.pdf" in d.find_element(By.ID, "milestones").text
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

    # 9. The second milestone; 验收: staff draw two experts, one declares a conflict and is replaced.
    _login(d, live_server, "team-a")
    d.get(detail)
    d.find_element(By.CSS_SELECTOR, "form.step-report textarea[name=report]").send_keys("示范应用完成")
    _click(d, "form.step-report button")
    _login(d, live_server, "staff")
    d.get(detail)
    _click(d, "form.step-approve button")
    _click(d, "#step-to_acceptance button")
    assert "验收" in d.find_element(By.ID, "challenge-status").text, _text(d)
    for name in ("钱专家", "孙专家"):
        d.find_element(By.XPATH, f"//form[@id='acceptance-assign-form']//label[contains(., '{name}')]/input").click()
    check_page(d, "journey-challenge-acceptance-assign")
    _click(d, "#acceptance-assign-form button[type=submit]")
    _login(d, live_server, "expert2")
    d.get(url + f"/challenges/{ch_pk}/acceptance/")
    d.find_element(By.ID, "id_declare_comment").send_keys("本人近期与发榜单位有合作课题")
    _click(d, "#step-declare button")
    _login(d, live_server, "staff")
    d.get(detail)
    assert "本人申报回避——本人近期与发榜单位有合作课题" in d.find_element(By.ID, "acceptance-panel").text
    d.find_element(By.XPATH, "//form[@id='acceptance-assign-form']//label[contains(., '李专家')]/input").click()
    _click(d, "#acceptance-assign-form button[type=submit]")

    # 10. The two experts judge each line against the 验收标准; the issuer confirms 结题.
    for expert in ("expert1", "expert4"):
        _login(d, live_server, expert)
        d.get(url + f"/challenges/{ch_pk}/acceptance/")
        for radio in d.find_elements(By.CSS_SELECTOR, "#acceptance-form input[type=radio][value=yes]"):
            d.execute_script("arguments[0].click()", radio)
        check_page(d, f"journey-challenge-acceptance-{expert}")
        _click(d, "#acceptance-form button[type=submit]")
        assert "验收意见已提交" in d.find_element(By.TAG_NAME, "body").text
    _login(d, live_server, "dept")
    d.get(detail)
    assert "专家结论为通过" in d.find_element(By.ID, "acceptance-result").text
    d.find_element(By.ID, "id_close_comment").send_keys("对照验收标准逐项核验，同意结题")
    check_page(d, "journey-challenge-acceptance-confirm")
    _click(d, "#step-close button")
    assert "结题" in d.find_element(By.ID, "challenge-status").text, _text(d)
