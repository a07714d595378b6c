"""Download services: which files of which releases may be handed out (:mod:`.files`). The views are in
:mod:`sparql_endpoint.views.downloads`."""
