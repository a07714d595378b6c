"""Dereferencing and pages read through the Store protocol, so they answer the same over the remote store."""

from __future__ import annotations

import pytest
from flask import Flask

from test_same_answers import graph

PRACTICE = "/id/practice/2017/allocate-resources"


@pytest.mark.parametrize("path,accept", [(PRACTICE, "text/turtle"), (PRACTICE, "application/n-triples"),
                                         (PRACTICE, "text/html"), ("/", "text/html")])
def test_pages_and_rdf_answer_the_same(apps: dict[str, Flask], path: str, accept: str) -> None:
    local, remote = (apps[n].test_client().get(path, headers={"Accept": accept}) for n in ("local", "remote"))
    assert local.status_code == remote.status_code == 200
    if accept == "text/html":
        assert remote.data == local.data
    else:
        key = "turtle" if accept == "text/turtle" else "ntriples"
        assert graph(remote.data, key) == graph(local.data, key) and graph(local.data, key)
