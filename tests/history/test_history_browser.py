"""A real headless Chromium against `heg serve` on the release series: from an entity page's "cite this
record" to the release's citation, to its changes page and back to the record, and the citation text
selected for copying as a reader would."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from heg_core.namespaces import DEFAULT_SPACE
from support.browser import chromium
from support.changed_sources import ADDED, NEW_TITLE, VERSIONS
from support.serving import serving


@pytest.fixture(scope="module")
def server(series: list[Path]) -> Iterator[str]:
    with serving(series[-1].parent / "latest", "--query-workers", "1", "--threads", "2",
                 command=[sys.executable, "-m", "sparql_endpoint"]) as base:
        yield base


def test_cite_this_record_leads_to_the_release_citation_and_its_changes(server: str) -> None:
    with chromium() as browser:
        browser.set_page_load_timeout(30)
        browser.get(f"{server}/id/resource/{ADDED}")
        block = browser.find_element(By.CSS_SELECTOR, "section.cite-record")
        assert block.is_displayed()
        versioned = f"{DEFAULT_SPACE.base}releases/{VERSIONS[-1]}/id/resource/{ADDED}"
        assert versioned in block.text
        text = browser.find_element(By.ID, "cite-record-text")
        text.click()
        selected = browser.execute_script(
            "const t = document.getElementById('cite-record-text'); t.select();"
            " return t.value.substring(t.selectionStart, t.selectionEnd);")
        assert NEW_TITLE in selected and versioned in selected
        block.find_element(By.LINK_TEXT, "how to cite the release").click()
        WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith(f"/releases/{VERSIONS[-1]}/cite"))
        assert f"@misc{{heg-{VERSIONS[-1].replace('.', '-')}" in browser.find_element(By.ID, "cite-bibtex").find_element(
            By.XPATH, "..").text
        browser.get(f"{server}/releases/{VERSIONS[2]}/changes")
        changed = browser.find_element(By.ID, "kind-changed").find_element(By.XPATH, "..").text
        assert NEW_TITLE in changed and "Test fixture resource added in the second release" in changed
