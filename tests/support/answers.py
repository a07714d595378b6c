"""Comparing answers of two engines: what SPARQL leaves to the engine is taken out first.

SPARQL 1.1 (18.5.1.7) leaves the order of the values GROUP_CONCAT joins undefined, so two correct engines,
or one engine over two stores (in memory, on disk), may join them in different orders."""

from __future__ import annotations

import re

import pyoxigraph as ox

#: GROUP_CONCAT(... ; SEPARATOR="s") AS ?v
_CONCAT = re.compile(r'GROUP_CONCAT\([^;)]*;\s*SEPARATOR\s*=\s*"([^"]*)"\s*\)\s+AS\s+\?(\w+)', re.IGNORECASE)


def group_concats(query: str) -> dict[str, str]:
    """Variable -> separator of every ``GROUP_CONCAT(...; SEPARATOR="...") AS ?v`` of ``query``."""
    return {name: separator for separator, name in _CONCAT.findall(query)}


def sorted_parts(value: str, separator: str) -> str:
    return separator.join(sorted(value.split(separator)))


def order_free_literal(term: ox.Literal, separator: str) -> ox.Literal:
    """The literal with its joined parts in sorted order (language or datatype kept)."""
    value = sorted_parts(term.value, separator)
    return ox.Literal(value, language=term.language) if term.language else ox.Literal(value, datatype=term.datatype)
