"""What changed between releases and how to cite them, read from the files of each kept release (never its
store): the changes page (:mod:`.changes`), the Atom feed of releases (:mod:`.feed`) and citations
(:mod:`.citing`). The releases are the ones ``heg_core.release.list_releases`` finds in the releases
directory (:mod:`.kept`), re-read when that directory changes, so a new release shows without a restart."""
