"""Bureau staff import a spreadsheet through the web UI: a bad credit code is shown by row and column and
nothing is written; the corrected file is previewed and confirmed."""

import pytest
import tablib
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kechuang.conftest import browser_login, screenshot
from kechuang.core.validators import make_credit_code
from kechuang.directory.models import Organisation
from kechuang.tests_support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _sheet(path, rows):
    ds = tablib.Dataset(headers=["名称", "统一社会信用代码", "行政区划代码", "类型", "成立日期", "经营范围"])
    for row in rows:
        ds.append(row)
    path.write_bytes(ds.export("xlsx"))
    return str(path)


def test_staff_imports_a_spreadsheet(browser, live_server, staff_user, tmp_path):
    good = make_credit_code("91530111MA6B00001")
    other = make_credit_code("91530102MA6B00002")
    bad = other[:-1] + ("0" if other[-1] != "0" else "1")
    bad_file = _sheet(tmp_path / "bad.xlsx", [
        ["昆明试导智能科技有限公司", good, "530111", "企业", "2019-04-01", "机器视觉"],
        ["五华试导生物医药有限公司", bad, "530102", "企业", "2020-02-30", "中药制剂"],
    ])
    browser_login(browser, live_server, "staff", TEST_PASSWORD)

    browser.get(live_server.url + "/directory/import/")
    Select(browser.find_element(By.ID, "id_entity")).select_by_value("organisations")
    browser.find_element(By.ID, "id_file").send_keys(bad_file)
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    table = browser.find_element(By.CSS_SELECTOR, "table.import-errors").text
    assert "第 3 行" in table and "统一社会信用代码校验位错误" in table and "日期不存在" in table
    assert not browser.find_elements(By.ID, "import-confirm")
    screenshot(browser, "directory-import-errors")
    assert Organisation.objects.count() == 0

    good_file = _sheet(tmp_path / "good.xlsx", [
        ["昆明试导智能科技有限公司", good, "530111", "企业", "2019-04-01", "机器视觉"],
        ["五华试导生物医药有限公司", other, "五华区", "企业", "2020-02-28", "中药制剂"],
    ])
    browser.get(live_server.url + "/directory/import/")
    browser.find_element(By.ID, "id_file").send_keys(good_file)
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    assert "全部校验通过" in browser.find_element(By.ID, "import-summary").text
    screenshot(browser, "directory-import-preview")
    browser.find_element(By.CSS_SELECTOR, "#import-confirm button[type=submit]").click()
    assert "导入成功" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    assert "昆明试导智能科技有限公司" in browser.page_source
    screenshot(browser, "directory-import-done")
    assert Organisation.objects.filter(name__contains="试导").count() == 2


def test_enterprise_edits_its_profile(browser, live_server, enterprise_user, enterprise_org):
    from kechuang.directory.tests.factories import (
        IndustryChainFactory,
        QualificationFactory,
        YearlyFigureFactory,
    )

    chain = IndustryChainFactory(code="equipment", name="先进装备制造")
    QualificationFactory(organisation=enterprise_org)
    YearlyFigureFactory(organisation=enterprise_org, year=2024, revenue_yuan=86_000_000, rnd_expense_yuan=4_300_000)
    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(live_server.url + "/directory/workspace/profile/")
    scope = browser.find_element(By.ID, "id_business_scope")
    scope.clear()
    scope.send_keys("工业视觉检测设备、智能产线集成")
    employees = browser.find_element(By.ID, "id_employees")
    employees.clear()
    employees.send_keys("286")
    browser.find_element(By.CSS_SELECTOR, f"input[name=industry_chains][value='{chain.pk}']").click()
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    assert "机构资料已保存" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    page = browser.page_source
    assert "工业视觉检测设备" in page and "先进装备制造" in page and "86,000,000" in page
    screenshot(browser, "directory-organisation-profile")
    enterprise_org.refresh_from_db()
    assert enterprise_org.employees == 286


def test_member_adds_a_person_from_the_workspace(browser, live_server, enterprise_user):
    """From the workspace panel to the form, a validation error in Chinese, then the saved row in the list."""
    from kechuang.directory.models import Person

    browser_login(browser, live_server, "ent", TEST_PASSWORD)
    browser.get(live_server.url + "/accounts/workspace/")
    assert "本机构人员、平台与仪器" in browser.find_element(By.TAG_NAME, "body").text
    browser.execute_script("window.scrollTo(0, arguments[0].getBoundingClientRect().top - 260)",
                           browser.find_element(By.LINK_TEXT, "新增专家与人才"))
    screenshot(browser, "workspace-resources-panel")
    browser.find_element(By.LINK_TEXT, "新增专家与人才").click()
    wait = WebDriverWait(browser, 15)
    # Each step waits for the next page before reading it (reading too early finds the old page's stale elements).
    wait.until(lambda d: d.current_url.endswith("/directory/workspace/people/new/")
               and d.execute_script("return document.readyState") == "complete")
    browser.find_element(By.ID, "id_name").send_keys("李明远")
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("tech_manager")
    browser.find_element(By.ID, "id_region_code").send_keys("999999")
    browser.find_element(By.ID, "id_title").send_keys("高级工程师")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "form.stacked .errorlist"))
    errors = browser.find_element(By.CSS_SELECTOR, "form.stacked .errorlist").text
    assert errors.startswith("行政区划代码：")
    screenshot(browser, "directory-person-form-errors")
    region = browser.find_element(By.ID, "id_region_code")
    region.clear()
    region.send_keys("530102")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    wait.until(lambda d: d.current_url.endswith("/directory/workspace/resources/")
               and d.execute_script("return document.readyState") == "complete")
    assert "已新增专家与人才" in browser.find_element(By.TAG_NAME, "body").text
    assert "李明远" in browser.find_element(By.CSS_SELECTOR, "table.list").text
    screenshot(browser, "directory-my-resources")
    assert Person.objects.get(name="李明远").organisation == enterprise_user.organisation
