"""The policy decides from the query's tokens: updates, SERVICE, FROM and nesting."""

from __future__ import annotations

import pytest

from sparql_endpoint.errors import GraphNotInRelease, QueryTooComplex, ReadOnly, ServiceNotAllowed
from sparql_endpoint.sparql.policy import check_graph_parameters, check_query, tokenize

GRAPHS = frozenset({"https://w3id.org/health-equity-guide/graph/data",
                    "https://w3id.org/health-equity-guide/graph/ontology"})
ALLOWED = ("https://query.example.org/sparql",)


def check(text: str, **kw: object):
    options = {"release_graphs": GRAPHS, "service_allowlist": ALLOWED, "max_nesting": 20, **kw}
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


def test_from_and_from_named_only_name_release_graphs() -> None:
    info = check("PREFIX g: <https://w3id.org/health-equity-guide/graph/> "
                 "SELECT * FROM g:data FROM NAMED <https://w3id.org/health-equity-guide/graph/ontology> { ?s ?p ?o }")
    assert info.from_graphs == ["https://w3id.org/health-equity-guide/graph/data"]
    assert info.from_named_graphs == ["https://w3id.org/health-equity-guide/graph/ontology"]
    for text in ["SELECT * FROM <http://127.0.0.1:9/g> { ?s ?p ?o }",
                 "SELECT * FROM NAMED <http://127.0.0.1:9/g> { ?s ?p ?o }",
                 "BASE <http://127.0.0.1:9/> SELECT * FROM <g> { ?s ?p ?o }",
                 "CONSTRUCT { ?s ?p ?o } FROM <https://w3id.org/health-equity-guide/graph/nope> WHERE { ?s ?p ?o }"]:
        with pytest.raises(GraphNotInRelease) as err:
            check(text)
        assert "graph/data" in err.value.hint


def test_protocol_graph_parameters_only_name_release_graphs() -> None:
    check_graph_parameters(sorted(GRAPHS), [], GRAPHS)
    with pytest.raises(GraphNotInRelease):
        check_graph_parameters(["http://127.0.0.1:9/g"], [], GRAPHS)
    with pytest.raises(GraphNotInRelease):
        check_graph_parameters([], ["http://127.0.0.1:9/g"], GRAPHS)


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
