"""Linked-data services: the IRI space (:mod:`.iris`), descriptions read through the store
(:mod:`.describe`), their arrangement for pages (:mod:`.resource`, pure), their RDF (:mod:`.rdf`) and
schema.org markup (:mod:`.schema_org`). The dereferencing views are in :mod:`sparql_endpoint.views`."""
