"""Horizontal bar charts as inline SVG: a pure function of the numbers (no store, no request, no script).

A :class:`Chart` holds bars, each stacked from parts of named series (``published`` drawn solid,
``inferred`` hatched, so the two never look alike in colour, greyscale or print), and optionally an outlined
reference value (the guide's own count, for coverage). :meth:`Chart.svg` draws it: ``role="img"`` named by
its ``<title>`` and ``<desc>`` (the desc says the legend and every number in words), each bar a ``<g>``
with its own ``<title>``; styled only by the classes of ``static/site.css`` (no ``style`` attribute, so the
pages' Content-Security-Policy holds). Every text is escaped. Pages show the same numbers in a table
next to it (the ``chart`` macro of ``templates/macros.html``).

Horizontal positions are percentages and text sizes pixels, so a chart fills any width and its text stays
readable on a phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

#: The series a bar's parts may belong to: (class, words in the legend, drawn hatched).
SERIES = {
    "published": ("published", "solid bar: published in the guide", False),
    "inferred": ("inferred", "hatched bar: inferred by a curator", True),
    "found": ("found", "solid bar: in this graph", False),
    "count": ("count", "solid bar: count", False),
}
OUTLINE_WORDS = "outlined box: the count the guide itself gives"

ROW = 40  # px per bar: a label line, then the bar
BAR = 16
LABEL_CHARS = 48
BAR_SPAN = 60.0  # percent of the width the longest bar takes; the rest holds its number


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[tuple[str, int], ...]  # (series key of SERIES, value), stacked left to right
    href: str = ""  # where the table's row links to
    outline: int | None = None  # a reference value drawn as an outlined box
    outline_text: str = ""  # how the reference value reads ("at least 150")

    @property
    def total(self) -> int:
        return sum(value for _, value in self.parts)

    def value(self, key: str) -> int:
        return sum(v for k, v in self.parts if k == key)

    def text(self) -> str:
        """The bar's numbers in words: ``3 published, 2 inferred``; ``53, the guide says at least 150``."""
        if len(self.parts) == 1 and self.parts[0][0] in ("found", "count"):
            words = str(self.total)
        else:
            words = ", ".join(f"{value} {key}" for key, value in self.parts)
        if self.outline is not None:
            words += f", the guide says {self.outline_text or self.outline}"
        return words


@dataclass(frozen=True)
class Chart:
    key: str  # makes the SVG's ids unique on the page
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    unit: str = ""  # what the numbers count ("case studies"), said in the desc

    @property
    def ident(self) -> str:
        return "chart-" + (re.sub(r"[^a-z0-9]+", "-", self.key.lower()).strip("-") or "x")

    @property
    def series(self) -> list[str]:
        """The series drawn, in legend order."""
        used = {key for bar in self.bars for key, _ in bar.parts}
        return [key for key in SERIES if key in used]

    @property
    def has_outline(self) -> bool:
        return any(bar.outline is not None for bar in self.bars)

    def legend(self) -> list[str]:
        many = len(self.series) > 1 or self.has_outline
        words = [SERIES[key][1] for key in self.series if many or SERIES[key][2]]
        return words + ([OUTLINE_WORDS] if self.has_outline else [])

    def summary(self) -> str:
        """The desc: what it shows, the legend, every number."""
        parts = [self.description.rstrip(".") + "."]
        if self.legend():
            parts.append("Legend: " + "; ".join(self.legend()) + ".")
        if self.bars:
            unit = f" ({self.unit})" if self.unit else ""
            parts.append(f"Values{unit}: " + "; ".join(f"{b.label}: {b.text()}" for b in self.bars) + ".")
        else:
            parts.append("Nothing to chart: the release holds no such numbers.")
        return " ".join(parts)

    def svg(self) -> Markup:
        return Markup(render(self))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "\u2026"


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def render(chart: Chart) -> str:
    """The chart as one ``<svg>`` element (a string of escaped markup)."""
    ident = chart.ident
    legend = chart.legend()
    top = 8 + 22 * len(legend)
    height = top + max(len(chart.bars), 1) * ROW + 4
    scale = max([bar.total for bar in chart.bars] + [bar.outline or 0 for bar in chart.bars] + [1])
    out = [f'<svg class="chart-svg" role="img" aria-labelledby="{ident}-title {ident}-desc" width="100%" '
           f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{ident}-title">{escape(chart.title)}</title>',
           f'<desc id="{ident}-desc">{escape(chart.summary())}</desc>',
           f'<defs><pattern id="{ident}-hatch" class="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect class="hatch-bg" width="6" height="6"/>'
           '<line class="hatch-line" x1="1" y1="0" x2="1" y2="6"/></pattern></defs>']
    out.append('<g class="legend">')
    for i, words in enumerate(legend):
        y = 6 + 22 * i
        swatch = _swatch(words, ident)
        out.append(f'<rect class="{swatch[0]}" x="0" y="{y}" width="22" height="14"{swatch[1]}/>'
                   f'<text class="legend-text" x="30" y="{y + 12}">{escape(words)}</text>')
    out.append("</g>")
    if not chart.bars:
        out.append(f'<text class="bar-label" x="0" y="{top + 20}">No numbers to chart.</text>')
    for i, bar in enumerate(chart.bars):
        y = top + i * ROW
        out.append(f'<g class="bar"><title>{escape(bar.label)}: {escape(bar.text())}</title>')
        out.append(f'<text class="bar-label" x="0" y="{y + 13}">{escape(_short(bar.label))}</text>')
        x = 0.0
        for key, value in bar.parts:
            width = BAR_SPAN * value / scale
            css, hatched = SERIES[key][0], SERIES[key][2]
            fill = f' fill="url(#{ident}-hatch)"' if hatched else ""
            out.append(f'<rect class="part s-{css}" x="{_pct(x)}" y="{y + 18}" width="{_pct(width)}" '
                       f'height="{BAR}"{fill}/>')
            x += width
        end = x
        if bar.outline is not None:
            width = BAR_SPAN * bar.outline / scale
            out.append(f'<rect class="outline" x="0" y="{y + 17}" width="{_pct(width)}" height="{BAR + 2}"/>')
            end = max(end, width)
        out.append(f'<text class="bar-value" x="{_pct(end)}" dx="6" y="{y + 31}">{escape(_value_text(bar))}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _value_text(bar: Bar) -> str:
    """The short number after a bar: ``5``, ``3 + 2``, ``53 / 150+``."""
    text = " + ".join(str(v) for _, v in bar.parts) if len(bar.parts) > 1 else str(bar.total)
    if bar.outline is not None:
        text += f" of {bar.outline_text or bar.outline}"
    return text


def _swatch(words: str, ident: str) -> tuple[str, str]:
    """The class (and fill attribute) of the legend swatch for a legend line."""
    if words == OUTLINE_WORDS:
        return "outline", ""
    key = next(k for k, v in SERIES.items() if v[1] == words)
    return f"part s-{SERIES[key][0]}", (f' fill="url(#{ident}-hatch)"' if SERIES[key][2] else "")
