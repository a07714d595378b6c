"""The Service Description lists every example of the release, in the builder's vocabulary."""

from __future__ import annotations

import pyoxigraph as ox
import yaml

from graph_builder.pipeline import DEFAULT_DATA

EXAMPLES = yaml.safe_load((DEFAULT_DATA / "queries.yaml").read_text(encoding="utf-8"))
BASE = "https://w3id.org/health-equity-guide/"
SD = "http://www.w3.org/ns/sparql-service-description#"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
TEXT = {"select": SH + "select", "construct": SH + "construct", "ask": SH + "ask", "describe": SH + "describe"}


def test_the_service_description_lists_every_example(app) -> None:
    response = app.test_client().get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.TURTLE)
    n = ox.NamedNode
    [service] = [q.subject for q in store.quads_for_pattern(None, n(RDF_TYPE), n(SD + "Service"))]
    linked = {q.object.value for q in store.quads_for_pattern(service, n(BASE + "endpoint#exampleQuery"), None)}
    assert linked == {BASE + "id/query/" + e["slug"] for e in EXAMPLES}
    for example in EXAMPLES:
        node = n(BASE + "id/query/" + example["slug"])

        def values(predicate: str, node: ox.NamedNode = node) -> list[str]:
            return [q.object.value for q in store.quads_for_pattern(node, n(predicate), None)]

        assert SH + "SPARQLExecutable" in values(RDF_TYPE)
        assert values(RDFS + "label") == [example["title"]]
        assert [text.strip() for text in values(TEXT[example.get("kind", "select")])] == [example["query"].strip()]
        assert values("https://schema.org/target") == [service.value]
        assert values("http://xmlns.com/foaf/0.1/page") == [service.value + "?example=" + example["slug"]]
    # the linking term is defined in the description itself, like the limit terms
    assert list(store.quads_for_pattern(n(BASE + "endpoint#exampleQuery"), n(RDFS + "comment"), None))
