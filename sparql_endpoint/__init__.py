"""The SPARQL endpoint and linked-data server: a read-only view of one release over HTTP.

``create_app(config=None)`` (:mod:`.app`) builds the Flask application. The layers, top to bottom (see
docs/architecture.md): ``serve`` (``heg serve``, gunicorn), ``app``, ``views`` (one blueprint per concern),
the services (``sparql``, ``linked_data``, ``site``, ``downloads``), ``reads`` (the one cached query
helper), ``state`` / ``settings`` / ``cache``, ``http`` (negotiation, conditional requests, hardening),
``stores`` (local and remote) and ``errors``.
"""

from .app import close_app, create_app
from .state import get_state, state_of

__all__ = ["close_app", "create_app", "get_state", "state_of"]
