"""A real headless Chromium on a real `heg serve`: pick an example, run it, see rows; errors are readable;
and the browser's network log names no host but our server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from support.browser import chromium

WAIT = 20  # seconds: an upper bound for WebDriverWait, which polls; nothing sleeps blindly


@dataclass
class Browser:
    driver: WebDriver
    requests: list[str] = field(default_factory=list)

    def drain(self) -> list[str]:
        """Every URL the browser asked for since the last call (Chrome's performance log)."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
            elif message["method"] == "Network.webSocketCreated":
                self.requests.append(message["params"]["url"])
        return self.requests

    def wait(self, condition, timeout: float = WAIT):
        return WebDriverWait(self.driver, timeout).until(condition)

    def active(self, selector: str) -> list:
        return self.driver.find_elements(By.CSS_SELECTOR, ".tabPanel.active " + selector)

    def run_in_editor(self, query: str) -> None:
        editor = self.wait(lambda d: self.active(".CodeMirror"))[0]
        self.driver.execute_script("arguments[0].CodeMirror.setValue(arguments[1]);", editor, query)
        self.active(".yasqe_queryButton")[0].click()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as driver:
        yield Browser(driver)


def test_pick_an_example_run_it_and_see_rows(browser: Browser, served: str) -> None:
    driver = browser.driver
    driver.get(served)
    browser.wait(lambda d: browser.active(".CodeMirror"))
    driver.find_element(By.CSS_SELECTOR, 'a[data-example="crosswalk-2017-to-relaunch"]').click()
    assert driver.current_url == served + "?example=crosswalk-2017-to-relaunch"
    tab_names = [t.text for t in driver.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab")]
    assert any(name.startswith("The 2017 to relaunch crosswalk") for name in tab_names)
    assert "heg:CrosswalkMapping" in browser.active(".CodeMirror")[0].text
    browser.active(".yasqe_queryButton")[0].click()
    rows = browser.wait(lambda d: browser.active(".yasr table tbody tr"))
    assert len(rows) >= 17
    assert "Allocate Resources" in browser.active(".yasr table tbody")[0].text
    # the download links fetch the same query from our endpoint as CSV and JSON
    links = {a.text: a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#heg-downloads a")}
    assert links["CSV"].startswith(served + "?query=") and links["CSV"].endswith("&format=csv")
    assert links["JSON"].endswith("&format=json")
    assert driver.find_element(By.ID, "heg-downloads").is_displayed()


def test_an_example_address_opens_it(browser: Browser, served: str) -> None:
    browser.driver.get(served + "?example=one-case-study-as-a-graph")
    browser.wait(lambda d: any(t.text.startswith("One case study as a small graph")
                               for t in d.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab.active")))
    assert "CONSTRUCT" in browser.active(".CodeMirror")[0].text
    assert browser.driver.find_element(By.ID, "heg-example-title").text == "One case study as a small graph (CONSTRUCT)"
    browser.active(".yasqe_queryButton")[0].click()
    rows = browser.wait(lambda d: browser.active(".yasr table tbody tr"))
    assert len(rows) >= 20  # YASR shows a CONSTRUCT answer as a table of triples


def test_an_edited_example_tab_is_kept_when_the_example_is_picked_again(browser: Browser, served: str) -> None:
    driver = browser.driver
    driver.get(served + "?example=resources-per-type")
    editor = browser.wait(lambda d: browser.active(".CodeMirror"))[0]
    driver.execute_script("arguments[0].CodeMirror.setValue('# my own edit\\n' + arguments[0].CodeMirror.getValue());",
                          editor)
    driver.find_element(By.CSS_SELECTOR, 'a[data-example="resources-per-type"]').click()
    assert "# my own edit" not in browser.active(".CodeMirror")[0].text  # a fresh tab with the example
    names = [t.text for t in driver.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab")]
    assert sum(name.startswith("Resources per type") for name in names) == 2


@pytest.mark.parametrize("query,status,words", [
    ("PREFIX heg: <https://w3id.org/health-equity-guide/ontology#>\nINSERT DATA { heg:a heg:b heg:c }", "403",
     "read-only"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "400", "refused"),
    ("SELECT ?s WHERE { ?s ?p }", "400", "syntax error"),
    # a cartesian product over the whole release: stopped at the server's 2 s timeout
    ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "504", "time limit"),
], ids=["update", "service", "syntax", "timeout"])
def test_a_refused_or_timed_out_query_gets_a_clear_message(browser: Browser, served: str, query: str,
                                                          status: str, words: str) -> None:
    browser.driver.get(served)
    browser.run_in_editor(query)
    [error] = browser.wait(lambda d: browser.active(f'.heg-error[data-status="{status}"]'))
    headline = error.find_element(By.CSS_SELECTOR, ".heg-error-headline").text
    assert words in headline and f"HTTP {status}" in headline
    assert "How to fix it" in error.find_element(By.CSS_SELECTOR, ".heg-error-detail").text


def test_autocompletion_offers_our_own_terms(browser: Browser, served: str) -> None:
    """The class and property autocompleters list the release's terms (not Linked Open Vocabularies)."""
    browser.driver.get(served)
    editor = browser.wait(lambda d: browser.active(".CodeMirror"))[0]
    text = "PREFIX heg: <https://w3id.org/health-equity-guide/ontology#>\nSELECT * WHERE { ?s a heg:Case"
    browser.driver.execute_script(
        "const cm = arguments[0].CodeMirror; cm.setValue(arguments[1]); cm.focus();"
        "cm.setCursor(cm.lineCount() - 1, 1000); cm.autocomplete();", editor, text)
    hints = browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li"))
    assert "heg:CaseStudy" in [hint.text for hint in hints]


def test_no_request_leaves_the_machine(browser: Browser, served: str) -> None:
    """Every request of this module's tests (and of one more example run) went to our server only."""
    ours = urlsplit(served).netloc
    browser.driver.get(served + "?example=health-departments-by-state")
    browser.wait(lambda d: browser.active(".CodeMirror"))
    browser.active(".yasqe_queryButton")[0].click()
    browser.wait(lambda d: browser.active(".yasr table tbody tr"))
    requests = browser.drain()
    network = [url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    assert any(url.startswith(served) for url in network), "the log saw the page's own requests"
    assert any("/static/yasgui/yasgui.min.js" in url for url in network)
    assert any("/sparql?" not in url and url.startswith(served) for url in network)
    others = sorted({urlsplit(url).netloc for url in network} - {ours})
    assert others == [], f"requests left for {others}"


def test_graphs_not_in_the_dataset_are_named_on_the_page(browser: Browser, served: str) -> None:
    """A FROM naming a graph the release does not hold: the answer is empty (200), and the page says which
    graph it read as empty, from the X-Graphs-Not-In-Dataset header; a plain query clears the notice."""
    driver = browser.driver
    driver.get(served)
    unknown = "http://127.0.0.1:9/not-here"
    browser.run_in_editor(f"SELECT * FROM <{unknown}> WHERE {{ ?s ?p ?o }} LIMIT 3")
    notice = browser.wait(lambda d: d.find_element(By.ID, "heg-graph-notice") if d.find_element(
        By.ID, "heg-graph-notice").is_displayed() else None)
    assert f"<{unknown}>" in notice.text and "nothing was fetched" in notice.text
    assert not driver.find_elements(By.CSS_SELECTOR, ".heg-error")
    browser.run_in_editor("SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    browser.wait(lambda d: not d.find_element(By.ID, "heg-graph-notice").is_displayed())


def test_a_query_link_opens_in_the_editor_not_run(browser: Browser, served: str) -> None:
    """/sparql?query=... followed in a browser (as the notice of a cut page links it): the query page, the
    query in a tab of its own, nothing run until the user asks."""
    from urllib.parse import quote

    query = "SELECT ?s WHERE { ?s a <https://w3id.org/health-equity-guide/ontology#CaseStudy> } OFFSET 3"
    driver = browser.driver
    driver.get(served + "?query=" + quote(query))
    browser.wait(lambda d: any(t.text.startswith("Query from a link")
                               for t in d.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab.active")))
    assert "OFFSET 3" in browser.active(".CodeMirror")[0].text
    assert not browser.active(".yasr table tbody tr")  # not run yet
    browser.active(".yasqe_queryButton")[0].click()
    assert browser.wait(lambda d: browser.active(".yasr table tbody tr"))
