"""The releases a server keeps: their list for people (:mod:`.catalog`), as a DCAT catalog, and the versions
of one resource across the queryable releases (:mod:`.versions`, the RFC 5829 ``Link`` relations)."""
