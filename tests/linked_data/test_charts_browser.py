"""The charts and an entity page's neighbourhood in a real headless Chromium against `heg serve`: they render, every bar has an accessible
name, the page's Content-Security-Policy holds (no violation in the console), and screenshots at 1280 and
390 px are kept under the test's tmp dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BARS = """return [...document.querySelectorAll('svg.chart-svg')].map(svg => ({
  name: [...svg.getAttribute('aria-labelledby').split(' ')].map(i => document.getElementById(i).textContent).join(' '),
  role: svg.getAttribute('role'), width: svg.getBoundingClientRect().width,
  bars: [...svg.querySelectorAll('g.bar')].map(g => ({title: g.querySelector(':scope > title').textContent,
    parts: [...g.querySelectorAll('rect.part')].map(r => r.getBoundingClientRect().width)})),
  hatched: svg.querySelectorAll('rect.s-inferred').length}));"""


FIRST_CHART = {"/": "chart-coverage", "/practices": "chart-groups-0",
               "/id/practice/2017/allocate-resources": "chart-practice-levels"}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path, charts", [("/", 3), ("/practices", 4), ("/id/practice/2017/allocate-resources", 2)])
def test_charts_render_named_within_the_csp(server: str, browser, tmp_path_factory, path: str, charts: int,
                                            width: int) -> None:
    browser.set_window_size(width, 900)
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(server + path)
    found = browser.execute_script(BARS)
    assert len(found) == charts, found
    for chart in found:
        assert chart["role"] == "img" and chart["name"].strip() and chart["bars"], chart["name"]
        assert 0 < chart["width"] <= width
        for bar in chart["bars"]:
            assert ": " in bar["title"] and any(ch.isdigit() for ch in bar["title"]), bar
        assert any(w > 0 for bar in chart["bars"] for w in bar["parts"]), chart["name"]
    if path != "/":  # inferred links are drawn, hatched
        assert all(chart["hatched"] for chart in found)
        assert any(w > 0 for chart in found for bar in chart["bars"] for w in bar["parts"][1:])
    # a bar's accessible name, as the browser computes it
    first_bar = browser.find_element(By.CSS_SELECTOR, "svg.chart-svg g.bar")
    assert first_bar.accessible_name or found[0]["bars"][0]["title"]
    log = browser.get_log("browser")
    assert not [e for e in log if "Content Security Policy" in e["message"] or e["level"] == "SEVERE"], log
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, (path, width, overflow)
    shots: Path = tmp_path_factory.getbasetemp() / "chart-screenshots"
    shots.mkdir(exist_ok=True)
    shot = shots / f"{path.strip('/').replace('/', '-') or 'home'}-{width}.png"
    browser.execute_script("document.getElementById(arguments[0]).scrollIntoView()", FIRST_CHART[path])
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 5000


@pytest.mark.parametrize("width", [1280, 390])
def test_the_neighbourhood_renders_and_a_node_navigates(server: str, browser, tmp_path_factory, width: int) -> None:
    browser.set_window_size(width, 900)
    browser.get_log("browser")
    browser.get(server + "/id/case-study/alameda-county-advances-equitable-housing-policies")
    svg = browser.find_element(By.CSS_SELECTOR, "svg.neighbourhood-svg")
    assert 0 < svg.rect["width"] <= width
    nodes = svg.find_elements(By.CSS_SELECTOR, "a.neighbour")
    assert len(nodes) >= 3 and all(node.accessible_name.strip() for node in nodes)
    assert svg.find_elements(By.CSS_SELECTOR, "line.edge.inferred")
    browser.execute_script("arguments[0].scrollIntoView()", svg)
    shots: Path = tmp_path_factory.getbasetemp() / "chart-screenshots"
    shots.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(shots / f"neighbourhood-{width}.png"))
    log = browser.get_log("browser")
    assert not [e for e in log if "Content Security Policy" in e["message"] or e["level"] == "SEVERE"], log
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, (width, overflow)
    target = next(n for n in nodes if "Public Health Department" in n.accessible_name)
    href = target.get_dom_attribute("href")
    target.click()
    WebDriverWait(browser, 10).until(lambda d: "/id/organization/" in d.current_url)
    assert browser.current_url == server + href
