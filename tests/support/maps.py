"""What the map and chart tests share: the map's expected marks as SPARQL, WCAG contrast, and a small PNG
reader to tell a screenshot that shows something from a blank one (no imaging library needed)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BASE = "https://w3id.org/health-equity-guide/"
PREFIXES = (f"PREFIX heg: <{BASE}ontology#> PREFIX schema: <https://schema.org/> "
            "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")

#: Every (item, shape) the map should draw, worked out independently of the server's code: a place's own
#: state or county GEOID, else (a Census place, seven digits) the GEOID of the place it lies within.
EXPECTED_MARKS = PREFIXES + """SELECT DISTINCT ?item ?kind ?shape WHERE {
  { ?item a heg:CaseStudy ; dcterms:spatial ?p . BIND("case-study" AS ?kind) }
  UNION { ?item a heg:HealthDepartment ; schema:areaServed ?p . BIND("health-department" AS ?kind) }
  ?p heg:geoid ?own . OPTIONAL { ?p schema:containedInPlace/heg:geoid ?up }
  BIND(IF(STRLEN(?own) <= 5, ?own, ?up) AS ?shape) }"""

#: The states holding one of our places (tinted on the map).
STATES_WITH_PLACES = PREFIXES + """SELECT (COUNT(DISTINCT SUBSTR(?g, 1, 2)) AS ?n) WHERE {
  ?p a schema:AdministrativeArea ; heg:geoid ?g }"""


def _channel(value: float) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """The WCAG 2 contrast ratio of two sRGB colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def css_rgb(text: str) -> tuple[int, int, int]:
    """``rgb(1, 2, 3)`` (as getComputedStyle gives it) as a tuple."""
    inner = text[text.index("(") + 1:text.index(")")]
    r, g, b = (int(float(v)) for v in inner.replace("/", ",").split(",")[:3])
    return (r, g, b)


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of pixels (unfiltered) of an 8-bit RGB or RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, width = 8, b"", 0
    height = depth = kind = 0
    while pos < len(data):
        length, name = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if name == b"IHDR":
            width, height, depth, kind = struct.unpack(">IIBB", body[:10])
        elif name == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and kind in (2, 6), f"{path}: only 8-bit RGB(A) PNGs are read here"
    bpp = 4 if kind == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind_of, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind_of == 1:
                line[i] = (line[i] + left) & 255
            elif kind_of == 2:
                line[i] = (line[i] + up) & 255
            elif kind_of == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind_of == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def distinct_colours(path: Path, step: int = 7) -> int:
    """How many distinct colours a PNG shows, sampling every ``step``-th pixel of every ``step``-th row."""
    width, height, rows = png_pixels(path)
    bpp = len(rows[0]) // width if rows else 3
    seen = {row[x * bpp:x * bpp + 3] for row in rows[::step] for x in range(0, width, step)}
    return len(seen)
