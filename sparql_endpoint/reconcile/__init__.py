"""The W3C Reconciliation API (version 0.2, what OpenRefine speaks), served at ``/reconcile``.

- :mod:`.vocabulary`: the entity types and properties the service knows (a table; nothing else names them);
- :mod:`.candidates`: the entities of one type with their names and property values, read by one SELECT per
  type through :func:`sparql_endpoint.reads.select` (so it works on the embedded and a remote store alike);
- :mod:`.scoring`: pure functions: normalized names, similarity, property constraints, the match rule;
- :mod:`.service`: what the views ask for (manifest, reconciliation batches, suggest, preview, extension),
  with the request's JSON checked first. Request text never enters SPARQL: the candidates of a type are
  read whole (the data is small) and scored in Python.
"""
