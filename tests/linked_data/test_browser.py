"""A real headless Chromium against `heg serve` on loopback: browse from the home page to a practice, to a
case study through a filter, check the layout at phone width, and check contrast and labels in the page
as the browser computes them."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.serving import serving
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

SCREENSHOTS = Path(os.environ.get("HEG_SCREENSHOTS", "/tmp/heg-screenshots"))


def test_browse_home_to_practice_to_case_study_through_a_filter(server: str, browser) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    assert "Health Equity Guide knowledge graph" in browser.title
    browser.find_element(By.LINK_TEXT, "Practices").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/practices"))
    browser.find_element(By.LINK_TEXT, "Allocate Resources").click()
    WebDriverWait(browser, 10).until(lambda d: "/id/practice/2017/allocate-resources" in d.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Allocate Resources"
    honesty = browser.find_element(By.CSS_SELECTOR, "section.honesty").text
    assert "Not every key action" in honesty
    assert "inferred" in browser.find_element(By.ID, "qualified-h").find_element(By.XPATH, "..").text
    # the practice page says why no case study is linked; go to the case studies and filter them
    assert "None linked in the graph" in browser.find_element(By.ID, "uses-h").find_element(By.XPATH, "..").text
    browser.find_element(By.LINK_TEXT, "Case studies").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/case-studies"))
    before = len(browser.find_elements(By.CSS_SELECTOR, "ul.items > li"))
    Select(browser.find_element(By.ID, "f-topic")).select_by_visible_text("Housing")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "topic=topic%2Fhousing" in d.current_url)
    items = browser.find_elements(By.CSS_SELECTOR, "ul.items > li")
    assert 0 < len(items) < before
    assert Select(browser.find_element(By.ID, "f-topic")).first_selected_option.text == "Housing"
    browser.find_element(By.PARTIAL_LINK_TEXT, "Alameda County Advances Equitable Housing").click()
    WebDriverWait(browser, 10).until(lambda d: "/id/case-study/" in d.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Alameda County Advances Equitable Housing Policies"
    assert "inferred by a curator" in browser.find_element(By.TAG_NAME, "main").text
    # and a link onwards to the health department
    browser.find_element(By.LINK_TEXT, "Alameda County Public Health Department").click()
    WebDriverWait(browser, 10).until(lambda d: "/id/organization/" in d.current_url)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


CHECK_PAGE = """
function lum(c) { const m = c.match(/[\\d.]+/g).map(Number);
  const ch = m.slice(0, 3).map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]; }
function bg(el) { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
  const m = c.match(/[\\d.]+/g); if (m && (m.length < 4 || Number(m[3]) > 0)) return c; } return 'rgb(255,255,255)'; }
const low = [];
let checked = 0;
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const st = getComputedStyle(el);
  if (!own || st.visibility === 'hidden' || el.getClientRects().length === 0) continue;
  const a = lum(st.color), b = lum(bg(el));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const large = parseFloat(st.fontSize) >= 24 || (parseFloat(st.fontSize) >= 18.66 && Number(st.fontWeight) >= 700);
  checked++;
  if (ratio < (large ? 3 : 4.5)) low.push([el.tagName, el.textContent.trim().slice(0, 40), ratio.toFixed(2)]);
}
const unlabelled = [...document.querySelectorAll('input:not([type=hidden]):not([type=submit]), select, textarea')]
  .filter(c => c.labels.length === 0 && !c.getAttribute('aria-label')).map(c => c.outerHTML);
const noAlt = [...document.querySelectorAll('img:not([alt])')].map(i => i.outerHTML);
return {low, checked, unlabelled, noAlt, lang: document.documentElement.lang,
        overflow: document.documentElement.scrollWidth - window.innerWidth};
"""

PAGES = ["/", "/practices", "/case-studies", "/resources?type=resource-type/toolkit",
         "/id/practice/2017/allocate-resources", "/id/case-study/alameda-county-advances-equitable-housing-policies",
         "/downloads", "/ontology", "/places", "/search?q=equity", "/id/no-such-thing"]


@pytest.mark.parametrize("width", [1280, 390])
def test_contrast_labels_and_no_sideways_scrolling_in_the_browser(server: str, browser, width: int) -> None:
    browser.set_window_size(width, 900)
    for path in PAGES:
        browser.get(server + path)
        report = browser.execute_script(CHECK_PAGE)
        assert report["checked"] > 10, path
        assert not report["low"], (path, report["low"][:5])
        assert not report["unlabelled"] and not report["noAlt"], path
        assert report["lang"] == "en"
        assert report["overflow"] <= 1, (path, width, report["overflow"])


def test_phone_width_screenshot(server: str, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(390, 844)
    for name, path in [("home", "/"), ("case-study", "/id/case-study/alameda-county-advances-equitable-housing-policies"),
                       ("case-studies", "/case-studies")]:
        browser.get(server + path)
        shot = SCREENSHOTS / f"{name}-390.png"
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 5000
    width = browser.execute_script("return document.querySelector('main').getBoundingClientRect().width")
    assert width <= 390


@pytest.fixture(scope="module")
def capped_server(release) -> Iterator[str]:
    """`heg serve` with a row cap so small that the pages are cut (tests/linked_data/test_capped_pages.py)."""
    with serving(release.path, "--query-workers", "1", "--threads", "4", "--max-rows", "3",
                 command=[sys.executable, "-m", "sparql_endpoint"]) as base:
        yield base


@pytest.mark.parametrize("width", [1280, 390])
def test_cut_pages_show_the_notice_readably_and_its_links_answer(capped_server: str, browser, width: int) -> None:
    browser.set_window_size(width, 900)
    for path in ["/", "/case-studies", "/search?q=health", "/id/practice/2017/allocate-resources"]:
        browser.get(capped_server + path)
        notice = browser.find_element(By.CSS_SELECTOR, "section.cut-notice[role=status]")
        assert "This page is incomplete" in notice.text, path
        browser.execute_script("document.querySelectorAll('section.cut-notice details').forEach(d => d.open = true)")
        report = browser.execute_script(CHECK_PAGE)
        assert not report["low"], (path, report["low"][:5])
        assert report["overflow"] <= 1, (path, width, report["overflow"])
        if width == 390:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            notice.screenshot(str(SCREENSHOTS / f"cut-{path.strip('/').split('?')[0].replace('/', '-') or 'home'}-390.png"))
    # the whole query of the last page, followed through gunicorn's request-line limit: the endpoint answers
    link = browser.find_element(By.LINK_TEXT, "Run the whole query").get_attribute("href")
    browser.get(link)
    assert "allocate-resources" in browser.page_source and "Request-URI Too Large" not in browser.page_source
