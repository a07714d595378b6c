"""The SVG bar renderer (sparql_endpoint/site/charts.py), a pure function: well-formed, escaped, accessible,
empty data said in words, bar widths in proportion to the values, no style attribute (the CSP)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sparql_endpoint.site.charts import BAR_SPAN, Bar, Chart

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg()))


def widths(bar: ET.Element) -> dict[str, float]:
    return {r.get("class").split()[-1]: float(r.get("width").rstrip("%")) for r in bar.iter(SVG + "rect")
            if "part" in r.get("class", "")}


def test_values_set_the_widths_and_the_titles() -> None:
    chart = Chart("t", "Case studies per practice", "Counts", [
        Bar("Allocate Resources", (("published", 3), ("inferred", 1))),
        Bar("Share Power", (("published", 0), ("inferred", 2)))], unit="case studies")
    svg = parsed(chart)
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "chart-t-title chart-t-desc"
    assert svg.find(SVG + "title").text == "Case studies per practice"
    desc = svg.find(SVG + "desc").text
    assert "hatched bar: inferred" in desc and "solid bar: published" in desc
    assert "Allocate Resources: 3 published, 1 inferred" in desc and "(case studies)" in desc
    first, second = [g for g in svg.iter(SVG + "g") if g.get("class") == "bar"]
    assert first.find(SVG + "title").text == "Allocate Resources: 3 published, 1 inferred"
    assert widths(first) == {"s-published": BAR_SPAN * 3 / 4, "s-inferred": BAR_SPAN / 4}
    assert widths(second) == {"s-published": 0, "s-inferred": BAR_SPAN / 2}
    hatched = [r for r in svg.iter(SVG + "rect") if "s-inferred" in r.get("class", "")]
    assert hatched and all(r.get("fill") == "url(#chart-t-hatch)" for r in hatched)
    assert svg.find(f"{SVG}defs/{SVG}pattern").get("id") == "chart-t-hatch"
    assert "style=" not in str(chart.svg())


def test_an_outline_draws_the_reference_count() -> None:
    chart = Chart("cov", "Coverage", "Against the guide",
                  [Bar("Resources", (("found", 50),), outline=150, outline_text="at least 150")])
    svg = parsed(chart)
    bar = next(g for g in svg.iter(SVG + "g") if g.get("class") == "bar")
    [outline] = [r for r in bar.iter(SVG + "rect") if r.get("class") == "outline"]
    assert outline.get("width") == f"{BAR_SPAN:g}%"
    assert "Resources: 50, the guide says at least 150" in svg.find(SVG + "desc").text
    assert "outlined box" in svg.find(SVG + "desc").text


def test_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & \'quotes\''
    chart = Chart('k"><script>', evil, evil, [Bar(evil, (("count", 1),))])
    markup = str(chart.svg())
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    svg = parsed(chart)
    assert svg.find(SVG + "title").text == evil
    assert svg.get("aria-labelledby").startswith("chart-k-script")


def test_empty_data_says_so() -> None:
    chart = Chart("empty", "Nothing", "No resources", [])
    svg = parsed(chart)
    assert "Nothing to chart" in svg.find(SVG + "desc").text
    assert "No numbers to chart." in "".join(svg.itertext())
    assert not [g for g in svg.iter(SVG + "g") if g.get("class") == "bar"]


def test_long_labels_are_shortened_in_the_drawing_but_not_in_the_title() -> None:
    label = "A practice with a very long name that would run off a phone's screen"
    svg = parsed(Chart("l", "T", "D", [Bar(label, (("count", 1),))]))
    bar = next(g for g in svg.iter(SVG + "g") if g.get("class") == "bar")
    assert bar.find(SVG + "title").text.startswith(label)
    drawn = next(t for t in bar.iter(SVG + "text") if t.get("class") == "bar-label").text
    assert drawn.endswith("\u2026") and len(drawn) < len(label)
