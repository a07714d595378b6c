"""``heg export-site``: the whole site of one release as static files, rendered through the real application
(its test client, so every byte is the server's), with web-server configuration for content negotiation and
the ``/id/`` IRI mapping (:mod:`.webconfig`) and a list of the files with their checksums."""
