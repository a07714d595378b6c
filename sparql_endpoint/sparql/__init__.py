"""SPARQL services: the protocol's parameters (:mod:`.params`), the policy that decides what a query may do
(:mod:`.tokens`, :mod:`.policy`), answering (:mod:`.answer`), the Service Description
(:mod:`.service_description`) and the query page's data (:mod:`.query_page`). The view is
:mod:`sparql_endpoint.views.sparql`."""
