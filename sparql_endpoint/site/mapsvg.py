"""The US map as one inline ``<svg>``: a pure function of a :class:`~.usmap.UsMap` (no store, no request,
no script).

States are drawn from the atlas (those holding one of our places tinted), then the counties our marks sit
on, then a thin line from each mark moved aside back to its shape's centre, then the marks: each an
``<a>`` to the item's page with a ``<title>`` (the tooltip on hover) and an ``aria-label`` (kind, name,
level, places), focusable with the keyboard; its name is also drawn next to it while it is hovered or
focused. A case study is a circle, a health department a square, so the two differ without colour; the
colour (a class per jurisdiction level, ``lvl-<notation>``) is in ``static/site.css``. No ``style``
attribute, so the pages' Content-Security-Policy holds. Every text is escaped.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from .atlas import HEIGHT, WIDTH
from .usmap import KINDS, PLURALS, RADIUS, Mark, UsMap

PAD = 8
#: The frame: the atlas's 975 x 610, widened to hold Alaska's western islands (which reach x = -58).
VIEW_BOX = (-58 - PAD, 0, WIDTH + 58 + 2 * PAD, HEIGHT + PAD)
NAME_SIZE = 15  # the hover/focus name's text size, in map units


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def level_class(level: str) -> str:
    return "lvl-" + (level if level and level.replace("-", "").isalnum() else "unknown")


def symbol(kind: str, x: float, y: float, level: str, size: float = RADIUS) -> str:
    """A mark's shape: a circle for a case study, a square for a health department."""
    css = f"mark {level_class(level)} kind-{kind}"
    if kind == "health-department":
        side = size * 1.8
        return (f'<rect class="{css}" x="{_n(x - side / 2)}" y="{_n(y - side / 2)}" width="{_n(side)}" '
                f'height="{_n(side)}"/>')
    return f'<circle class="{css}" cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}"/>'


def _mark(mark: Mark, index: int) -> str:
    left = mark.x > VIEW_BOX[0] + VIEW_BOX[2] * 0.6  # the name goes to the side with room
    tx = mark.x - RADIUS - 4 if left else mark.x + RADIUS + 4
    anchor = ' text-anchor="end"' if left else ""
    name = escape(mark.name)
    return (f'<a class="mark-link" id="mark-{index}" href="{escape(mark.href)}" aria-label="{name}" '
            f'data-kind="{mark.kind}" data-geoid="{escape(mark.shape.geoid)}">'
            f"<title>{name}</title>{symbol(mark.kind, mark.x, mark.y, mark.level)}"
            f'<text class="mark-name" x="{_n(tx)}" y="{_n(mark.y + 5)}"{anchor}>{escape(mark.label)}</text></a>')


def description(drawn: UsMap) -> str:
    kinds = {kind: len({m.iri for m in drawn.marks if m.kind == kind}) for kind in KINDS}
    return (f"{kinds['case-study']} case studies (circles) and {kinds['health-department']} health departments "
            f"(squares) on their places, in {drawn.state_count} states (tinted); colour gives the jurisdiction "
            "level. The list after the map names every one with its place.")


def render(drawn: UsMap) -> str:
    """The map as one ``<svg>`` element (a string of escaped markup)."""
    box = " ".join(_n(v) for v in VIEW_BOX)
    out = [f'<svg class="us-map-svg" viewBox="{box}" role="group" aria-labelledby="usmap-title usmap-desc" '
           'xmlns="http://www.w3.org/2000/svg">',
           '<title id="usmap-title">Case studies and health departments on a map of the United States</title>',
           f'<desc id="usmap-desc">{escape(description(drawn))}</desc>',
           '<g class="states" aria-hidden="true">']
    for shape, has_places in drawn.states:
        css = "state has-places" if has_places else "state"
        out.append(f'<path class="{css}" data-geoid="{escape(shape.geoid)}" d="{shape.d}">'
                   f"<title>{escape(shape.name)}</title></path>")
    out.append('</g><g class="counties" aria-hidden="true">')
    for shape in drawn.counties:
        out.append(f'<path class="county" data-geoid="{escape(shape.geoid)}" d="{shape.d}">'
                   f"<title>{escape(shape.name)}</title></path>")
    out.append('</g><g class="leaders" aria-hidden="true">')
    for mark in drawn.marks:
        if mark.moved:
            x, y = mark.shape.point
            out.append(f'<line class="leader" x1="{_n(x)}" y1="{_n(y)}" x2="{_n(mark.x)}" y2="{_n(mark.y)}"/>'
                       f'<circle class="anchor" cx="{_n(x)}" cy="{_n(y)}" r="2"/>')
    out.append('</g><g class="marks">')
    out.extend(_mark(mark, i) for i, mark in enumerate(drawn.marks))
    out.append("</g></svg>")
    return "".join(out)


def svg(drawn: UsMap) -> Markup:
    return Markup(render(drawn))


def swatch(kind: str, level: str) -> Markup:
    """A legend's small SVG of one mark (decorative: the legend's words say what it means)."""
    return Markup(f'<svg class="swatch" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">'
                  f"{symbol(kind, 10, 10, level, 7)}</svg>")


class MapView:
    """What the ``us_map`` macro of ``templates/macros.html`` shows: the map, its legend, its list."""

    kinds = PLURALS

    def __init__(self, model: UsMap) -> None:
        self.model = model
        self._svg = svg(model)

    def svg(self) -> Markup:
        return self._svg

    @staticmethod
    def swatch(kind: str, level: str) -> Markup:
        return swatch(kind, level)
