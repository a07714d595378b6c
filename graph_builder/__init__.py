"""Build the Health Equity Guide knowledge graph: load curated sources, build RDF, validate, release.

The pipeline is one direction only: ``load`` (sources -> records that remember file and line) ->
``build`` (records -> rdflib graph) -> ``validate`` (source checks + pySHACL) -> ``release`` (an
immutable directory of dumps, metadata and a pyoxigraph store).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("health-equity-guide-kg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"
