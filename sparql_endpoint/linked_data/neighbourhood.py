"""The neighbourhood of an entity page: the record and its direct links drawn as a small SVG graph, each
neighbour a link to its page. A pure function of the page's :class:`~.resource.Resource` (no store).

Neighbours are the records of our IRI space the description links to (its statements), that link to it
(pointing here), and the other ends of the qualified relations pointing at it (placements, crosswalk
mappings, case-study practice links): those are drawn with a dashed line when inferred, so an inference
never looks like a published link. Grouped by relation, at most :data:`MAX_NODES` drawn, the rest counted.

Horizontal positions are percentages and text sizes pixels, so the drawing fills any width and its text
stays readable on a phone; styled by the classes of ``static/site.css`` only (the pages' CSP).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from .resource import Link, Resource

MAX_NODES = 18
LABEL_CHARS = 34  # fits beside the column on a 390 px phone (the full name is the title)
ROW = 24
ENDS = ("linkedCaseStudy", "linkedPractice", "placedPractice", "placedIn", "mapsFrom", "mapsTo")
KINDS = (("CaseStudy", "case-study"), ("StrategicPractice", "practice"), ("HealthDepartment", "organization"),
         ("Organization", "organization"), ("AdministrativeArea", "place"), ("Resource", "resource"))


@dataclass
class Neighbour:
    label: str
    href: str
    kind: str  # a CSS class: case-study, practice, organization, place, resource, other
    inferred: bool = False


@dataclass
class Group:
    relation: str
    neighbours: list[Neighbour] = field(default_factory=list)


@dataclass
class Neighbourhood:
    label: str
    groups: list[Group]
    hidden: int = 0  # neighbours not drawn (over MAX_NODES)

    @property
    def count(self) -> int:
        return sum(len(g.neighbours) for g in self.groups)

    def svg(self) -> Markup:
        return Markup(render(self))


#: The kind of a neighbour whose types the description does not carry, by its path.
PATH_KINDS = (("/id/case-study/", "case-study"), ("/id/practice/", "practice"), ("/id/organization/", "organization"),
              ("/id/place/", "place"), ("/id/resource/", "resource"))


def _kind(link: Link) -> str:
    tails = {re.split(r"[#/]", t)[-1] for t in link.types}
    by_path = next((css for start, css in PATH_KINDS if (link.href or "").startswith(start)), "other")
    return next((css for name, css in KINDS if name in tails), by_path)


def neighbourhood(r: Resource) -> Neighbourhood:
    """The neighbours of ``r`` grouped by relation (published links first, inferred relations last)."""
    groups: dict[str, Group] = {}
    seen = {r.iri}

    def add(relation: str, link: Link, inferred: bool = False) -> None:
        if link.iri in seen or not (link.href or "").startswith("/"):
            return  # itself, seen already, or outside our IRI space
        seen.add(link.iri)
        groups.setdefault(relation, Group(relation)).neighbours.append(
            Neighbour(link.label, link.href or link.iri, _kind(link), inferred))

    for prop, values in r.ordered():
        for value in values:
            if value.link:
                add(r.plabel(prop), value.link)
    for prop, links in sorted(r.incoming.items(), key=lambda kv: r.plabel(kv[0])):
        for link in links:
            add(f"{r.plabel(prop)} (pointing here)", link)
    for q in r.qualified:
        inferred = any(v.term.value == "true" for v in q.heg_values("inferred"))
        kind = next((t.label for t in q.types if t.label != "Entity"), "qualified relation")
        for end in ENDS:
            for value in q.heg_values(end):
                if value.link and value.term.value != r.iri:
                    add(f"{kind} ({'inferred' if inferred else 'published'})", value.link, inferred)
    ordered = sorted(groups.values(), key=lambda g: any(n.inferred for n in g.neighbours))
    drawn, hidden = [], 0
    budget = MAX_NODES
    for group in ordered:
        kept = group.neighbours[:max(budget, 0)]
        hidden += len(group.neighbours) - len(kept)
        budget -= len(kept)
        if kept:
            drawn.append(Group(group.relation, kept))
    return Neighbourhood(r.label, drawn, hidden)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "\u2026"


def render(n: Neighbourhood) -> str:
    """The neighbourhood as one ``<svg>``: the record on the left, its neighbours in a column on the
    right under the name of each relation, a line from the record to each."""
    rows: list[tuple[str, object]] = []
    for group in n.groups:
        rows.append(("relation", group.relation))
        rows.extend(("node", neighbour) for neighbour in group.neighbours)
    if n.hidden:
        rows.append(("more", f"and {n.hidden} more: see the lists above"))
    inferred = any(nb.inferred for g in n.groups for nb in g.neighbours)
    legend = ["solid line: a published link"] + (["dashed line: inferred by a curator"] if inferred else [])
    top = 8 + 20 * len(legend)
    height = top + max(len(rows), 1) * ROW + 8
    centre = top + max(len(rows), 1) * ROW // 2
    desc = (f"{n.label} and the {n.count} records it links to directly"
            + (f" ({n.hidden} more not drawn)" if n.hidden else "") + ". " + "; ".join(legend) + ".")
    out = [f'<svg class="neighbourhood-svg" role="group" aria-labelledby="nb-title nb-desc" width="100%" '
           f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="nb-title">The neighbourhood of {escape(n.label)}</title>',
           f'<desc id="nb-desc">{escape(desc)}</desc><g class="legend">']
    for i, words in enumerate(legend):
        y = 14 + 20 * i
        css = "edge inferred" if words.startswith("dashed") else "edge"
        out.append(f'<line class="{css}" x1="0" y1="{y}" x2="24" y2="{y}"/>'
                   f'<text class="legend-text" x="32" y="{y + 4}">{escape(words)}</text>')
    out.append("</g>")
    for i, (what, item) in enumerate(rows):
        y = top + i * ROW + ROW // 2
        if what == "node" and isinstance(item, Neighbour):
            css = "edge inferred" if item.inferred else "edge"
            out.append(f'<line class="{css}" x1="14" y1="{centre}" x2="24%" y2="{y}"/>')
    out.append(f'<circle class="node self" cx="14" cy="{centre}" r="10"><title>{escape(n.label)}</title></circle>'
               f'<text class="self-label" x="0" y="{centre + 28}">this record</text>')
    for i, (what, item) in enumerate(rows):
        y = top + i * ROW + ROW // 2
        if what == "node" and isinstance(item, Neighbour):
            out.append(f'<a href="{escape(item.href)}" class="neighbour"><title>{escape(item.label)}</title>'
                       f'<circle class="node n-{item.kind}" cx="24%" cy="{y}" r="6"/>'
                       f'<text x="24%" dx="12" y="{y + 4}">{escape(_short(item.label))}</text></a>')
        else:
            out.append(f'<text class="relation" x="24%" y="{y + 4}">{escape(str(item))}</text>')
    if not rows:
        out.append(f'<text class="relation" x="24%" y="{top + 16}">No direct links to other records.</text>')
    out.append("</svg>")
    return "".join(out)
