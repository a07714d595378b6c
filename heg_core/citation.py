"""How a release, and a record in a release, is cited: one text, CSL-JSON and BibTeX, from the same facts.

The builder writes a release's citation into the release folder (``citation.txt``, ``citation.json``,
``citation.bib``, see docs/releases.md); the server reads those files for ``/releases/<v>/cite`` and
formats "cite this record" on entity pages with :func:`record_citation`. Every name comes from
``data/dataset.yaml`` as published there (``creator``, ``title``, ``publisher``, ``license``): nothing is
added. CSL-JSON uses only variables of CSL 1.0.1 (the licence goes in ``note``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: The release citation files, in the folder of every release (their media types by extension).
CITATION_FILES = ("citation.txt", "citation.json", "citation.bib")


@dataclass(frozen=True)
class CitedRelease:
    """What a citation of one release names."""

    title: str  # the dataset's title
    creator: str
    publisher: str
    license: str  # the licence's IRI
    version: str
    date: str  # YYYY-MM-DD: the day the release was built
    iri: str  # the release's versioned IRI

    @property
    def key(self) -> str:
        """A citation key: ``heg-`` and the version, in the characters BibTeX keys allow."""
        return "heg-" + re.sub(r"[^A-Za-z0-9]+", "-", self.version).strip("-")

    @property
    def release_title(self) -> str:
        return f"{self.title}, release {self.version}"


def text(release: CitedRelease) -> str:
    """The citation as one line of plain text."""
    publisher = f" {release.publisher}." if release.publisher else ""
    licence = f" Licence: {release.license}." if release.license else ""
    return f"{release.creator}. {release.release_title} [data set].{publisher} {release.date}. {release.iri}.{licence}"


def csl_json(release: CitedRelease) -> list[dict[str, object]]:
    """The citation as CSL-JSON (a list of one item, as reference managers import it)."""
    year, month, day = (int(part) for part in release.date.split("-"))
    item: dict[str, object] = {
        "id": release.key,
        "type": "dataset",
        "title": release.release_title,
        "author": [{"literal": release.creator}],
        "issued": {"date-parts": [[year, month, day]]},
        "version": release.version,
        "URL": release.iri,
    }
    if release.publisher:
        item["publisher"] = release.publisher
    if release.license:
        item["note"] = f"Licence: {release.license}"
    return [item]


def bibtex(release: CitedRelease) -> str:
    """The citation as one BibTeX ``@misc`` entry (the creator is a body: braced, never split into names)."""
    year, month, _ = release.date.split("-")
    fields = [("author", "{" + _tex(release.creator) + "}"), ("title", "{" + _tex(release.release_title) + "}"),
              ("year", year), ("month", str(int(month))), ("version", _tex(release.version)),
              ("publisher", _tex(release.publisher)), ("url", release.iri),
              ("note", "Licence: " + release.license if release.license else "")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{release.key},\n{body}\n}}\n"


def record_citation(item: dict[str, Any], label: str, versioned_iri: str) -> str:
    """"Cite this record": the record's title and its IRI in a release, within that release's citation (its
    CSL-JSON ``item``, as :func:`csl_json` wrote it)."""
    creator = "; ".join(str(a.get("literal", "")) for a in item.get("author", []))
    year, month, day = item["issued"]["date-parts"][0]
    return f"{creator}. “{label}”. In: {item['title']} [data set]. {year:04d}-{month:02d}-{day:02d}. {versioned_iri}."


_TEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _tex(value: str) -> str:
    return _TEX_SPECIAL.sub(r"\\\1", value)
