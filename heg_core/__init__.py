"""The shared kernel of the Health Equity Guide knowledge graph: what the builder and the server both need.

``graph_builder`` (sources -> release) and ``sparql_endpoint`` (release -> HTTP) import this package and
never each other. It holds the release model (:mod:`.release`), the one table of RDF and result formats
(:mod:`.formats`), the namespaces (:mod:`.namespaces`), the HTTP client for SPARQL stores
(:mod:`.store_client`), the error base (:mod:`.errors`) and the one ``heg`` command group (:mod:`.cli`).
See docs/architecture.md.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("health-equity-guide-kg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"
