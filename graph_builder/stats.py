"""Figures of a release: triples per graph, instances per class, coverage against the guide's counts, and
the practice links of case studies, published tags and curators' inferences counted apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from heg_core.namespaces import IRISpace
from heg_core.release import load_release, open_store


def release_stats(release_dir: Path) -> dict[str, Any]:
    release = load_release(release_dir, verify=False)
    store = open_store(release)
    space = IRISpace(release.manifest["base_iri"])
    data, meta = release.manifest["graphs"]["data"], release.manifest["graphs"]["metadata"]
    classes = [
        {"class": _curie(str(row["class"].value), space), "instances": int(row["n"].value)}
        for row in store.query(
            f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{data}> {{ ?s a ?class }} }} "
            "GROUP BY ?class ORDER BY DESC(?n) ?class"
        )
    ]
    coverage = [
        {"what": row["what"].value,
         "published": int(row["published"].value) if row["published"] is not None else None,
         "qualifier": row["q"].value if row["q"] is not None else "", "found": int(row["found"].value)}
        for row in store.query(
            f"PREFIX heg: <{space.heg}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            f"SELECT ?what ?published ?q ?found WHERE {{ GRAPH <{meta}> {{ ?release heg:coverage ?c . "
            "?c skos:notation ?what ; heg:foundCount ?found . OPTIONAL { ?c heg:publishedCount ?published } "
            "OPTIONAL { ?c heg:countQualifier ?q } } } ORDER BY ?what"
        )
    ]
    return {"version": release.manifest["version"], "built_at": release.manifest["built_at"],
            "triples": release.manifest["triples"], "classes": classes, "coverage": coverage,
            "practice_links": practice_links(store, data, space)}


def practice_links(store, data: str, space: IRISpace) -> dict[str, dict[str, int]]:
    """Links between case studies and practices in the data graph: ``published`` (tags the guide
    shows, the direct heg:advancesPractice triples) and ``inferred`` (curators' classifications,
    heg:CaseStudyPracticeLink nodes with heg:inferred true), each with how many case studies they cover."""
    prologue = f"PREFIX heg: <{space.heg}> "
    published = next(iter(store.query(
        prologue + f"SELECT (COUNT(*) AS ?links) (COUNT(DISTINCT ?cs) AS ?cases) WHERE {{ GRAPH <{data}> "
        "{ ?cs heg:advancesPractice ?practice } }")))
    inferred = next(iter(store.query(
        prologue + f"SELECT (COUNT(DISTINCT ?link) AS ?links) (COUNT(DISTINCT ?cs) AS ?cases) WHERE {{ "
        f"GRAPH <{data}> {{ ?link a heg:CaseStudyPracticeLink ; heg:inferred true ; heg:linkedCaseStudy ?cs }} }}")))
    return {name: {"links": int(row["links"].value), "case_studies": int(row["cases"].value)}
            for name, row in (("published", published), ("inferred", inferred))}


def _curie(iri: str, space: IRISpace) -> str:
    for prefix, namespace in space.prefixes.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def render_stats(figures: dict[str, Any], as_json: bool = False) -> str:
    if as_json:
        return json.dumps(figures, indent=1)
    lines = [f"release {figures['version']} (built {figures['built_at']})", "",
             "triples per graph:"]
    lines += [f"  {name:<10} {count:>8}" for name, count in figures["triples"].items()]
    lines += ["", "instances per class (data graph):"]
    lines += [f"  {row['class']:<36} {row['instances']:>6}" for row in figures["classes"]]
    lines += ["", "coverage against the guide's published counts:"]
    for row in figures["coverage"]:
        if row["published"] is None:
            lines.append(f"  {row['what']:<42} found {row['found']:>4} (the guide states no count)")
            continue
        sign = "" if row["qualifier"] == "exact" else "+"
        share = f"{row['found'] / row['published']:.0%}" if row["published"] else "n/a"
        lines.append(f"  {row['what']:<42} found {row['found']:>4} of {row['published']}{sign} published ({share})")
    links = figures["practice_links"]
    lines += ["", "case-study practice links (data graph), published and inferred apart:"]
    for name, what in (("published", "published tags (heg:advancesPractice)"),
                       ("inferred", "inferred by curators (heg:inferred true)")):
        lines.append(f"  {what:<42} {links[name]['links']:>4} links, {links[name]['case_studies']:>3} case studies")
    return "\n".join(lines)
