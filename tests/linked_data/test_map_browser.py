"""The US map in a real headless Chromium against `heg serve` (issue 14): it draws as many state shapes and
marks as SPARQL over the release says, a click on a mark lands on its record's page, Tab reaches the marks
(the name shows and the ring is visible), every request of the page goes to our own server, mark colours
have at least 3:1 contrast against the land and the page, no chart or map text runs outside its SVG or the
viewport at 1280 or 390 px, and screenshots at both widths show something (saved under the test's tmp dir)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from support.maps import EXPECTED_MARKS, STATES_WITH_PLACES, contrast, css_rgb, distinct_colours
from support.releases import answer_of, dump_store

COUNT = """const svg = document.querySelector('svg.us-map-svg');
return {states: svg.querySelectorAll('path.state').length, tinted: svg.querySelectorAll('path.state.has-places').length,
        marks: svg.querySelectorAll('a.mark-link').length,
        cases: svg.querySelectorAll('a.mark-link[data-kind="case-study"]').length,
        width: svg.getBoundingClientRect().width, named: [...svg.querySelectorAll('a.mark-link')].every(
          a => a.getAttribute('aria-label') && a.querySelector('title').textContent === a.getAttribute('aria-label'))};"""

#: Every visible <text> of the page's charts and map whose box leaves its SVG or the viewport.
OVERFLOW = """const out = [];
for (const svg of document.querySelectorAll('svg.chart-svg, svg.us-map-svg, svg.neighbourhood-svg')) {
  const box = svg.getBoundingClientRect();
  for (const t of svg.querySelectorAll('text')) {
    if (getComputedStyle(t).display === 'none' || !t.textContent.trim()) continue;
    const r = t.getBoundingClientRect();
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.right > window.innerWidth || r.left < 0)
      out.push([svg.getAttribute('class'), t.textContent.slice(0, 50), Math.round(r.left), Math.round(r.right),
                Math.round(box.right)]);
  } }
return {texts: out, checked: document.querySelectorAll('svg text').length};"""

COLOURS = """const fill = sel => getComputedStyle(document.querySelector(sel)).fill;
const marks = {};
for (const m of document.querySelectorAll('svg.us-map-svg .mark')) {
  const level = [...m.classList].find(c => c.startsWith('lvl-')); marks[level] = getComputedStyle(m).fill; }
return {marks, land: fill('svg.us-map-svg path.state:not(.has-places)'), ours: fill('svg.us-map-svg path.state.has-places'),
        page: getComputedStyle(document.body).backgroundColor};"""


def expected(release) -> tuple[int, int, int]:
    store = dump_store(release.path)
    rows = answer_of(store, EXPECTED_MARKS)
    [tinted] = answer_of(store, STATES_WITH_PLACES)
    return len(rows), sum(1 for r in rows if r["kind"].value == "case-study"), int(tinted["n"].value)


def requests_made(browser) -> list[str]:
    """Every URL the page asked for since the last call (from Chromium's performance log)."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["/", "/places"])
def test_the_map_renders_what_the_release_holds_and_asks_no_other_host(server: str, browser, release, tmp_path_factory,
                                                                       path: str, width: int) -> None:
    marks, cases, tinted = expected(release)
    browser.set_window_size(width, 900)
    browser.get_log("browser"), requests_made(browser)  # drop what earlier pages logged
    browser.get(server + path)
    found = browser.execute_script(COUNT)
    assert found["states"] == 51 and found["tinted"] == tinted, found
    assert found["marks"] == marks and found["cases"] == cases, found
    assert found["named"] and 0 < found["width"] <= width
    ours = urlsplit(server).netloc
    asked = requests_made(browser)
    assert asked and all(urlsplit(u).netloc == ours or u.startswith("data:") for u in asked), asked
    log = browser.get_log("browser")
    assert not [e for e in log if "Content Security Policy" in e["message"] or e["level"] == "SEVERE"], log
    overflow = browser.execute_script(OVERFLOW)
    assert overflow["checked"] > 0 and not overflow["texts"], overflow["texts"][:5]
    assert browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 1
    shots: Path = tmp_path_factory.getbasetemp() / "map-screenshots"
    shots.mkdir(exist_ok=True)
    browser.execute_script("document.getElementById('us-map').scrollIntoView()")
    shot = shots / f"{path.strip('/') or 'home'}-{width}.png"
    assert browser.save_screenshot(str(shot))
    assert distinct_colours(shot) > 20, shot  # a map, not a blank page


def test_a_click_on_a_mark_lands_on_its_page(server: str, browser) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/places")
    mark = browser.find_element(By.CSS_SELECTOR, 'svg.us-map-svg a.mark-link[data-geoid="53033"][data-kind="case-study"]')
    href = mark.get_dom_attribute("href")
    assert href == "/id/case-study/king-county-transforms-county-practice-to-advance-equity"
    assert "King County" in mark.accessible_name
    mark.click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith(href))
    assert browser.find_element(By.TAG_NAME, "h1").text == "King County Transforms County Practice to Advance Equity"


def test_tab_reaches_the_marks_and_focus_shows_the_name_and_a_ring(server: str, browser) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/places")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(60):
        if browser.execute_script("return document.activeElement.classList.contains('mark-link')"):
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert "mark-link" in focused.get_attribute("class"), "Tab never reached a mark of the map"
    state = browser.execute_script("""const a = document.activeElement;
      return {name: getComputedStyle(a.querySelector('.mark-name')).display,
              ring: getComputedStyle(a.querySelector('.mark')).stroke, width: getComputedStyle(a.querySelector('.mark')).strokeWidth,
              other: getComputedStyle(document.querySelector('a.mark-link:not(:focus) .mark')).stroke};""")
    assert state["name"] != "none"  # the name is drawn while the mark has focus
    assert state["ring"] != state["other"] and float(state["width"].rstrip("px")) >= 3
    assert contrast(css_rgb(state["ring"]), (255, 255, 255)) < contrast(css_rgb(state["ring"]), (0, 0, 0))
    focused.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "/id/" in d.current_url)


def test_mark_colours_stand_out_from_the_land_and_the_page(server: str, browser) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    colours = browser.execute_script(COLOURS)
    assert len(colours["marks"]) >= 5, colours  # every jurisdiction level of the data is drawn
    assert len(set(colours["marks"].values())) == len(colours["marks"])  # no two levels alike
    for level, fill in colours["marks"].items():
        for ground in ("land", "ours", "page"):
            ratio = contrast(css_rgb(fill), css_rgb(colours[ground]))
            assert ratio >= 3, (level, ground, round(ratio, 2))


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["/practices", "/id/practice/2017/build-community-alliances",
                                  "/id/case-study/alameda-county-advances-equitable-housing-policies",
                                  "/id/case-study/omaha-metro-develops-the-common-quill-health-equity-cohort",
                                  "/id/organization/public-health-madison-and-dane-county", "/id/place/california",
                                  "/id/practice/relaunch/build-internal-infrastructure-and-capacity"])
def test_no_chart_text_runs_outside_its_svg(server: str, browser, path: str, width: int) -> None:
    browser.set_window_size(width, 900)
    browser.get(server + path)
    overflow = browser.execute_script(OVERFLOW)
    assert overflow["checked"] > 0 and not overflow["texts"], overflow["texts"][:5]
    assert browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 1
