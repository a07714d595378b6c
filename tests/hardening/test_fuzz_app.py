"""Property-based fuzzing of the whole application through Flask's test client (bounded for CI: a fixed
number of examples, derandomized; benchmarks/fuzz.py runs the same strategies ten thousand times and more)."""

from __future__ import annotations

from typing import Any

from support.fuzz_requests import FuzzRequest, fuzz_request, mutated_query, send
from hypothesis import HealthCheck, given, settings

CI = settings(derandomize=True, deadline=None, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@settings(CI, max_examples=250)
@given(request=fuzz_request())
def test_any_request_gets_a_sound_answer(hard_client: Any, hard_app: Any, request: FuzzRequest) -> None:
    verdict = send(hard_client, request, hard_app.config["QUERY_TIMEOUT"])
    assert not verdict.problems, (request, verdict)


@settings(CI, max_examples=120)
@given(query=mutated_query())
def test_mutated_queries_by_every_protocol_form(hard_client: Any, hard_app: Any, query: str) -> None:
    from urllib.parse import urlencode

    timeout = hard_app.config["QUERY_TIMEOUT"]
    for request in (FuzzRequest("GET", "/sparql", [("query", query)], {"Accept": "text/csv"}),
                    FuzzRequest("POST", "/sparql", [], {"Content-Type": "application/x-www-form-urlencoded",
                                                        "Accept": "application/sparql-results+xml, */*;q=0.1"},
                                urlencode({"query": query}).encode()),
                    FuzzRequest("POST", "/sparql", [], {"Content-Type": "application/sparql-query",
                                                        "Accept": "text/turtle, application/json;q=0.9"},
                                query.encode("utf-8", "surrogatepass"))):
        verdict = send(hard_client, request, timeout)
        assert not verdict.problems, (request, verdict)
