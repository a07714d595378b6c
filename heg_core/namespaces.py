"""Every namespace and prefix the project uses, in one place.

``new_graph()`` returns an rdflib graph with all of them bound, so every dump and page uses the same
prefixes. ``PREFIXES`` is the same table for pyoxigraph serializers and SPARQL prologues.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

DEFAULT_BASE = "https://w3id.org/health-equity-guide/"

SCHEMA = Namespace("https://schema.org/")
#: An open namespace: rdflib's closed DCAT namespace lacks DCAT 3 terms (dcat:inSeries, dcat:version...).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
HEG = Namespace(DEFAULT_BASE + "ontology#")

#: prefix -> namespace IRI for the vocabularies we reuse (the base-dependent ones are added by
#: :func:`prefixes`).
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "dcat": str(DCAT),
    "void": str(VOID),
    "sh": str(SH),
}

#: Properties whose value names a thing, best first (the server's pages and the builder's change lists).
LABEL_PROPERTIES = (str(SKOS.prefLabel), str(DCTERMS.title), str(SCHEMA.name), str(RDFS.label))


class IRISpace:
    """The IRI space of one base: entity IRIs, ontology terms and named graphs."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {base!r}")
        self.base = base
        self.heg = Namespace(base + "ontology#")
        self.id = Namespace(base + "id/")
        self.graph = Namespace(base + "graph/")

    def entity(self, *parts: str) -> str:
        return self.base + "id/" + "/".join(parts)

    def versioned(self, iri: str, version: str) -> str | None:
        """The IRI of ``iri`` as release ``version`` published it: ``{base}releases/{version}/id/...`` for an
        entity ``{base}id/...`` (what a citation names; the server answers it from that release), or None
        for an IRI outside this base's ``id/`` space."""
        if not iri.startswith(self.base + "id/"):
            return None
        return f"{self.base}releases/{version}/{iri[len(self.base):]}"

    @property
    def prefixes(self) -> dict[str, str]:
        return {"heg": str(self.heg), "hegid": str(self.id), **STANDARD_PREFIXES}

    @property
    def turtle_prefixes(self) -> dict[str, str]:
        """Prefixes for Turtle and TriG: without ``hegid:``, whose local names would need ``\\/``."""
        return {p: iri for p, iri in self.prefixes.items() if p != "hegid"}

    def bind(self, graph: Graph | Dataset) -> Graph | Dataset:
        for prefix, iri in self.prefixes.items():
            graph.bind(prefix, iri, override=True, replace=True)
        return graph

    def new_graph(self) -> Graph:
        return self.bind(Graph())  # type: ignore[return-value]

    def sparql_prologue(self) -> str:
        return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in self.prefixes.items())


DEFAULT_SPACE = IRISpace()
