"""Named personas shared by every app's tests, and the headless browser fixture.

Personas (each a saved user): ``enterprise_user`` (acts for ``enterprise_org``), ``institution_user`` (acts for
``university_org``), ``broker``, ``reviewer``, ``staff_user`` (bureau), ``outsider`` (an enterprise user of
another, unrelated organisation: signed in, but must be refused everything that is not public). For each there
is a ``<persona>_client`` logged-in Django test client; ``client`` is anonymous.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kechuang.accounts.choices import Role
from kechuang.tests_support.factories import OrganisationFactory, UserFactory

SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _fresh_working_day_calendar() -> None:
    """Each test starts from the calendar of its own database: the per-process cache is dropped when a holiday row
    is saved, but not when a transactional test's tables are emptied, so a year one test entered could otherwise
    still be known to the next test in the same process."""
    from kechuang.workflow.calendar import clear_cache

    clear_cache()


@pytest.fixture(scope="session", autouse=True)
def _own_files_per_test_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploads and the matching index of a test run go to the run's own temporary folder, never var/.

    `make test` runs the suite in parallel processes (pytest-xdist): two processes saving index versions or
    uploads into one var/ would see each other's files. The developer's demo data in var/ is never touched either.
    """
    from django.test.utils import override_settings

    base = tmp_path_factory.mktemp("var")
    # override_settings (not assignment) so that storages drop a location they cached from the old value.
    override = override_settings(MEDIA_ROOT=base / "media", KECHUANG_INDEX_DIR=base / "index")
    override.enable()
    try:
        yield
    finally:
        override.disable()


@pytest.fixture
def enterprise_org(db: Any) -> Any:
    return OrganisationFactory(kind="enterprise", name="测试滇中精密制造有限公司")


@pytest.fixture
def university_org(db: Any) -> Any:
    return OrganisationFactory(kind="university", name="测试滇池理工大学")


@pytest.fixture
def enterprise_user(enterprise_org: Any) -> Any:
    return UserFactory(username="ent", role=Role.ENTERPRISE, organisation=enterprise_org)


@pytest.fixture
def institution_user(university_org: Any) -> Any:
    return UserFactory(username="inst", role=Role.INSTITUTION, organisation=university_org)


@pytest.fixture
def broker(db: Any) -> Any:
    return UserFactory(username="broker", role=Role.BROKER)


@pytest.fixture
def reviewer(db: Any) -> Any:
    return UserFactory(username="reviewer", role=Role.REVIEWER)


@pytest.fixture
def staff_user(db: Any) -> Any:
    return UserFactory(username="staff", role=Role.STAFF, is_staff=True)


@pytest.fixture
def outsider(db: Any) -> Any:
    other = OrganisationFactory(kind="enterprise", name="无关第三方贸易有限公司")
    return UserFactory(username="outsider", role=Role.ENTERPRISE, organisation=other)


def _client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def enterprise_client(enterprise_user: Any) -> Client:
    return _client_for(enterprise_user)


@pytest.fixture
def institution_client(institution_user: Any) -> Client:
    return _client_for(institution_user)


@pytest.fixture
def broker_client(broker: Any) -> Client:
    return _client_for(broker)


@pytest.fixture
def reviewer_client(reviewer: Any) -> Client:
    return _client_for(reviewer)


@pytest.fixture
def staff_client(staff_user: Any) -> Client:
    return _client_for(staff_user)


@pytest.fixture
def outsider_client(outsider: Any) -> Client:
    return _client_for(outsider)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """Debian's chromium, headless, driven through Debian's chromedriver (no browser download).

    Use ``browser.get(live_server.url + path)``; call ``screenshot(browser, name)`` to save a PNG under
    var/screenshots/ for a person to look at. Missing chromium is an error, not a skip: `make install` and
    .ci/run install it.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = chromium_path()
    driver_path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not binary or not driver_path:
        raise RuntimeError("需要 Debian 的 chromium 与 chromium-driver：运行 make install 或 apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1366,900", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: Any, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def browser_login(driver: Any, live_server: Any, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(live_server.url + "/accounts/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    # Wait for the response page: reading elements before it arrives finds the login page's stale ones.
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
        and ("/accounts/login/" not in d.current_url or d.find_elements(By.CSS_SELECTOR, ".errorlist"))
    )


# axe-core impacts that fail a page: GB/T 37668-2019 (in line with WCAG 2.1 AA) is the bar for government sites.
BLOCKING_IMPACTS = ("critical", "serious")


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """Run axe-core (shipped by axe-selenium-python, nothing copied in) on the current page; blocking violations.

    All of axe's rules run (its WCAG 2.0/2.1 A and AA rules among them); only critical and serious ones fail.
    """
    from axe_selenium_python import Axe

    Axe(driver).inject()
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run().then(function (r) { done(r.violations); }).catch(function (e) { done('axe-error: ' + e); });"
    )
    if isinstance(result, str):
        raise RuntimeError(result)
    return [v for v in result if v.get("impact") in BLOCKING_IMPACTS]


def check_page(driver: Any, name: str) -> Path:
    """A journey step: save a screenshot for a person to look at and require no critical or serious axe violation."""
    path = screenshot(driver, name)
    violations = axe_violations(driver)
    assert not violations, f"{name}（{driver.current_url}）无障碍问题：" + "; ".join(
        f"{v['id']} [{v['impact']}] {v['help']}: {[n['target'] for n in v['nodes'][:3]]}" for v in violations
    )
    return path


def browser_logout(driver: Any) -> None:
    """End the current role's session before the next role logs in (each role acts in its own session)."""
    driver.delete_all_cookies()
