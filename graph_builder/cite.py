"""The citation files of a release (``citation.txt``, ``citation.json``, ``citation.bib``), written at build
time from ``data/dataset.yaml`` by the kernel's one citation (:mod:`heg_core.citation`); the server only
reads them."""

from __future__ import annotations

import json
from pathlib import Path

from heg_core import citation
from heg_core.citation import CITATION_FILES, CitedRelease

from .load import Sources


def cited_release(sources: Sources, version: str, built_at: str, iri: str) -> CitedRelease:
    """What the citation of this release names: the dataset record's names as published, nothing added."""
    record = sources.of("dataset")[0]
    return CitedRelease(title=str(record["title"]), creator=str(record.get("creator", "")),
                        publisher=str(record.get("publisher", "")), license=str(record.get("license", "")),
                        version=version, date=built_at[:10], iri=iri)


def write_citation(root: Path, cited: CitedRelease) -> list[str]:
    """Write the three citation files into ``root``; their names."""
    text_name, json_name, bib_name = CITATION_FILES
    (root / text_name).write_text(citation.text(cited) + "\n", encoding="utf-8")
    (root / json_name).write_text(json.dumps(citation.csl_json(cited), indent=1, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
    (root / bib_name).write_text(citation.bibtex(cited), encoding="utf-8")
    return list(CITATION_FILES)
