"""The policy decides from the query's tokens: updates, SERVICE, FROM and nesting."""

from __future__ import annotations

import pytest

from sparql_endpoint.errors import QueryTooComplex, ReadOnly, ServiceNotAllowed
from sparql_endpoint.sparql.policy import check_query, graphs_not_in, tokenize

GRAPHS = frozenset({"https://w3id.org/health-equity-guide/graph/data",
                    "https://w3id.org/health-equity-guide/graph/ontology"})
ALLOWED = ("https://query.example.org/sparql",)


def check(text: str, **kw: object):
    options = {"service_allowlist": ALLOWED, "max_nesting": 20, **kw}
    return check_query(text, **options)  # type: ignore[arg-type]


UPDATES = [
    "INSERT DATA { <a:s> <a:p> <a:o> }",
    "delete where { ?s ?p ?o }",
    "PREFIX ex: <http://ex/> INSERT { ?s ex:p 1 } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/x>",
    "load silent <http://127.0.0.1:9/x> INTO GRAPH <a:g>",
    "CLEAR ALL", "DROP GRAPH <a:g>", "CREATE GRAPH <a:g>", "ADD DEFAULT TO <a:g>",
    "MOVE <a:g> TO <a:h>", "COPY <a:g> TO <a:h>", "WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "BASE <http://ex/> # comment\nDELETE DATA { <s> <p> <o> }",
    "SELECT * { ?s ?p ?o } ; LOAD <http://127.0.0.1:9/x>",
]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused_as_read_only(text: str) -> None:
    with pytest.raises(ReadOnly) as err:
        check(text)
    assert err.value.status == 403 and "read-only" in err.value.message


REFUSED_SERVICES = [
    "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:9/> SELECT * { SERVICE x:sparql { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    "SELECT * { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * { SERVICE undeclared:x { ?s ?p ?o } }",
    "SELECT * {SERVICE<http://127.0.0.1:9/>{?s ?p ?o}}",
    "SELECT * { ?a ?b ?c FILTER(?a<?b) SERVICE<http://127.0.0.1:9/>{?s ?p ?o} }",
    "SELECT * { SERVICE <https://query.example.org/sparql/other> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("text", REFUSED_SERVICES)
def test_service_outside_the_allow_list_is_refused(text: str) -> None:
    with pytest.raises(ServiceNotAllowed) as err:
        check(text)
    assert err.value.status == 400
    assert "SERVICE" in err.value.message and err.value.hint


def test_allowed_service_passes() -> None:
    info = check("PREFIX q: <https://query.example.org/> SELECT * { SERVICE q:sparql { ?s ?p ?o } }")
    assert info.services == ["https://query.example.org/sparql"]


NOT_KEYWORDS = [
    'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }',
    "SELECT * { ?s ?p '''LOAD <http://127.0.0.1:9/>\nINSERT''' }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> FROM <http://x/>",
    'SELECT * { ?s ?p "a \\" SERVICE <http://127.0.0.1:9/> {} " }',
    "PREFIX service: <http://ex/> SELECT * { ?s service:load ?o }",
    "SELECT * { ?s <http://ex/SERVICE> ?o }",
    "SELECT ?load { ?s ?p ?load }",
]


@pytest.mark.parametrize("text", NOT_KEYWORDS)
def test_keywords_in_strings_iris_comments_and_names_are_not_keywords(text: str) -> None:
    info = check(text)
    assert info.form == "SELECT" and info.services == [] and info.from_graphs == []


def test_from_and_from_named_are_recorded_resolved_never_refused() -> None:
    """A dataset clause names graphs; one the release does not hold is an empty graph, never fetched, so the
    policy records it (resolved as the engine will) instead of refusing it."""
    info = check("PREFIX g: <https://w3id.org/health-equity-guide/graph/> "
                 "SELECT * FROM g:data FROM NAMED <https://w3id.org/health-equity-guide/graph/ontology> { ?s ?p ?o }")
    assert info.from_graphs == ["https://w3id.org/health-equity-guide/graph/data"]
    assert info.from_named_graphs == ["https://w3id.org/health-equity-guide/graph/ontology"]
    cases = {
        "SELECT * FROM <http://127.0.0.1:9/g> { ?s ?p ?o }": (["http://127.0.0.1:9/g"], []),
        "SELECT * FROM NAMED <http://127.0.0.1:9/g> { ?s ?p ?o }": ([], ["http://127.0.0.1:9/g"]),
        "BASE <http://127.0.0.1:9/> SELECT * FROM <g> { ?s ?p ?o }": (["http://127.0.0.1:9/g"], []),
        "SELECT * FROM <g> { ?s ?p ?o }": (["http://127.0.0.1:8000/g"], []),  # against the endpoint's URL
    }
    for text, (default, named) in cases.items():
        info = check(text, base="http://127.0.0.1:8000/sparql")
        assert (info.from_graphs, info.from_named_graphs) == (default, named), text


def test_graphs_not_in_the_release_are_named() -> None:
    assert graphs_not_in(GRAPHS, sorted(GRAPHS), []) == []
    assert graphs_not_in(GRAPHS, ["http://127.0.0.1:9/g", *GRAPHS], ["http://127.0.0.1:9/h"]) == [
        "http://127.0.0.1:9/g", "http://127.0.0.1:9/h"]


def test_a_relative_service_iri_resolves_against_the_endpoint_and_is_refused() -> None:
    with pytest.raises(ServiceNotAllowed) as err:
        check("SELECT * { SERVICE <other> { ?s ?p ?o } }", base="http://127.0.0.1:8000/sparql")
    assert "<http://127.0.0.1:8000/other>" in err.value.message


def test_nesting_beyond_the_limit_is_refused() -> None:
    assert check("SELECT * WHERE " + "{" * 20 + " ?s ?p ?o " + "}" * 20).max_depth == 20
    with pytest.raises(QueryTooComplex) as err:
        check("SELECT * WHERE " + "{" * 21 + " ?s ?p ?o " + "}" * 21)
    assert "line 1, column" in err.value.message


@pytest.mark.parametrize("text,form", [("ASK {}", "ASK"), ("describe <a:b>", "DESCRIBE"),
                                       ("PREFIX a: <a:> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
                                       ("SELEC * {}", "")])
def test_query_form(text: str, form: str) -> None:
    assert check(text).form == form


def test_tokenizer_covers_the_terminals() -> None:
    kinds = [t.kind for t in tokenize('PREFIX ex: <http://x/> SELECT ?v $w { ex:a\\.b "s"@en 1.5e3 } # c')]
    assert kinds == ["word", "pname", "iri", "word", "var", "var", "punct", "pname", "string", "punct",
                     "word", "number", "punct"]
