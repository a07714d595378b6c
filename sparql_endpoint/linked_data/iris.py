"""The IRI space on this server, and the only ways request text may enter a SPARQL query.

A query built from a request only ever contains an IRI that :func:`iri_ref` accepted (inside our IRI
space, no character that could end an IRIREF) or a string literal written by :func:`string_literal`;
request text is never pasted raw. The base IRI (from the release manifest) maps onto local paths:
``{base}id/x`` <-> ``/id/x``.
"""

from __future__ import annotations

import re

from heg_core.namespaces import LABEL_PROPERTIES as LABEL_PROPERTIES  # the kernel's, re-exported here
from heg_core.namespaces import STANDARD_PREFIXES

from ..errors import BadRequest
from ..http.negotiation import SUFFIXES, Format

RDF = STANDARD_PREFIXES["rdf"]
RDFS = STANDARD_PREFIXES["rdfs"]
SKOS = STANDARD_PREFIXES["skos"]
DCTERMS = STANDARD_PREFIXES["dcterms"]
SCHEMA = STANDARD_PREFIXES["schema"]
XSD = STANDARD_PREFIXES["xsd"]
DCAT = STANDARD_PREFIXES["dcat"]

IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LOCAL_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")


def iri_ref(iri: str, base: str) -> str:
    """``<iri>`` for a SPARQL query, only for an IRI inside our IRI space with no character that could
    end or bend an IRIREF. Anything else is refused (a request can never inject SPARQL)."""
    if not iri.startswith(base) or IRI_FORBIDDEN.search(iri) or not _LOCAL_PATH.match(iri[len(base):] or "x"):
        raise BadRequest(f"{iri!r} is not an IRI of this dataset.",
                         hint=f"Use an IRI under {base} made of letters, digits, '.', '-', '_' and '/'.")
    return f"<{iri}>"


def string_literal(text: str, max_length: int = 200) -> str:
    """A SPARQL string literal holding ``text`` exactly (every character that matters escaped)."""
    if len(text) > max_length:
        raise BadRequest(f"The search text is longer than {max_length} characters.", hint="Search for fewer words.")
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f"))
    escaped = "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04X}" for c in escaped)
    return f'"{escaped}"'


def local_path(iri: str, base: str) -> str | None:
    """The server path of an IRI of our space (``base`` + ``id/x`` -> ``/id/x``), else None."""
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return None


def iri_of_path(path: str, base: str) -> str:
    """The IRI a server path stands for (``/id/x`` -> ``base`` + ``id/x``)."""
    return base + path.lstrip("/")


def split_suffix(path: str) -> tuple[str, Format | None]:
    for suffix, fmt in SUFFIXES.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], fmt
    return path, None


def is_safe(iri: str, base: str) -> bool:
    """Whether :func:`iri_ref` accepts ``iri`` (for lookups that answer 404 instead of 400)."""
    try:
        iri_ref(iri, base)
    except BadRequest:
        return False
    return True


def prefixed(iri: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` for an IRI in one of ``prefixes``' namespaces (the longest wins), else the IRI."""
    for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and "/" not in iri[len(namespace):]:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
