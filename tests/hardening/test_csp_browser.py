"""The Content-Security-Policy in a real browser (Debian's chromium): the query page (YASGUI) and the
linked-data pages load and work with no CSP violation in the console, and YASGUI still runs a query."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.browser import chromium
from support.hardening import start_server, stop_server
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from graph_builder.release import ReleaseOutcome

PAGES = ["/", "/practices", "/case-studies", "/resources", "/organizations", "/places", "/vocabularies",
         "/id/practice/2017/allocate-resources", "/id/case-study/alameda-county-advances-equitable-housing-policies",
         "/ontology", "/downloads", "/catalog", "/validation", "/search?q=housing", "/nope"]


@pytest.fixture(scope="module")
def served(release: ReleaseOutcome) -> Iterator[str]:
    process, base = start_server(release.path, "--query-workers", "1", "--threads", "4")
    yield base
    stop_server(process)


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    with chromium() as browser:
        browser.set_page_load_timeout(30)
        yield browser


def _problems(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
            or entry["level"] == "SEVERE" and "/nope" not in entry["message"]]


def test_linked_data_pages_raise_no_csp_violation(served: str, driver) -> None:
    driver.get_log("browser")  # start from an empty log
    for path in PAGES:
        driver.get(served + path)
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        assert not _problems(driver), path


def test_yasgui_runs_a_query_under_the_policy(served: str, driver) -> None:
    driver.get_log("browser")
    driver.get(served + "/sparql")
    wait = WebDriverWait(driver, 20)
    button = wait.until(lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed()])
    button[0].click()
    rows = wait.until(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr") if r.is_displayed()])
    assert rows
    assert not _problems(driver)
