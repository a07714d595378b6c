"""The releases kept in the releases directory (:mod:`.kept`): what changed between them and how to cite
them, read from the files of each kept release (never its store): the changes page (:mod:`.changes`), the
Atom feed of releases (:mod:`.feed`) and citations (:mod:`.citing`); their list for people and as a DCAT
catalog (:mod:`.catalog`); and the versions of one resource across the queryable releases (:mod:`.versions`,
the RFC 5829 ``Link`` relations). A new release shows without a restart.
"""
