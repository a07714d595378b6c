"""The home page's "What it holds" table: every count has a readable label, reused classes too."""

from __future__ import annotations

import re

from support.linked_data import BASE
from support.releases import answer_of, dump_store

BROWSER = "text/html,application/xhtml+xml"


def counts_table(html: str) -> list[tuple[str, str]]:
    section = html.split('id="counts-h"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td></tr>", section)


def test_every_count_has_a_label_not_a_raw_iri(client, release) -> None:
    html = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    rows = dict(counts_table(html))
    assert len(rows) == 8, rows
    for label in rows:
        assert label and not re.match(r"https?:|<", label) and "#" not in label, label
    # the reused classes get a name from the label table, ours the ontology's rdfs:label
    store = dump_store(release.path)
    [orgs] = answer_of(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <http://www.w3.org/ns/org#Organization> }")
    [places] = answer_of(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://schema.org/AdministrativeArea> }")
    [practices] = answer_of(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{BASE}ontology#StrategicPractice> }}")
    assert rows["organization"] == orgs["n"].value
    assert rows["place"] == places["n"].value
    assert rows["strategic practice"] == practices["n"].value


def test_class_label_falls_back_to_the_prefixed_name(make_app) -> None:
    from sparql_endpoint.linked_data.describe import class_label

    with make_app().app_context():
        assert class_label("http://www.w3.org/ns/org#Organization") == "organization"
        assert class_label(BASE + "ontology#Anything", "a thing") == "a thing"
        assert class_label("http://www.w3.org/ns/prov#Activity") == "prov:Activity"
