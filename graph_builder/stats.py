"""Figures of a release: triples per graph, instances per class, coverage against the guide's counts."""

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
        {"what": row["what"].value, "published": int(row["published"].value), "qualifier": row["q"].value,
         "found": int(row["found"].value)}
        for row in store.query(
            f"PREFIX heg: <{space.heg}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            f"SELECT ?what ?published ?q ?found WHERE {{ GRAPH <{meta}> {{ ?c a heg:Coverage ; "
            "skos:notation ?what ; heg:publishedCount ?published ; heg:countQualifier ?q ; "
            "heg:foundCount ?found } } ORDER BY ?what"
        )
    ]
    return {"version": release.manifest["version"], "built_at": release.manifest["built_at"],
            "triples": release.manifest["triples"], "classes": classes, "coverage": coverage}


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
        sign = "" if row["qualifier"] == "exact" else "+"
        share = f"{row['found'] / row['published']:.0%}" if row["published"] else "n/a"
        lines.append(f"  {row['what']:<20} found {row['found']:>4} of {row['published']}{sign} published ({share})")
    return "\n".join(lines)
