"""Site services: what the browsable pages show (:mod:`.pages`) and the filterable listings and search
(:mod:`.browse`). The views are in :mod:`sparql_endpoint.views.site`."""
