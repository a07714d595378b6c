"""The HTTP views, one blueprint per concern: the SPARQL protocol (:mod:`.sparql`), dereferenced IRIs and
graph documents (:mod:`.linked_data`), site pages (:mod:`.site`), downloads (:mod:`.downloads`), the
reconciliation service (:mod:`.reconcile`), the releases' history: changes, feed, citations (:mod:`.history`),
and past releases served: their list, X-Release, the banner (:mod:`.releases`).

Views parse the request, call a service (the sibling packages ``sparql``, ``linked_data``, ``site``,
``downloads``, ``reconcile``, ``history``) and respond; services never import views.
"""

from __future__ import annotations

from flask import Flask

from . import downloads, history, linked_data, reconcile, releases, site, sparql


def register(app: Flask) -> None:
    for module in (sparql, site, linked_data, downloads, reconcile, history, releases):
        app.register_blueprint(module.bp)
    site.register_page_errors(app)
