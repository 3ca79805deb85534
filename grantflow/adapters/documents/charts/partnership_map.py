"""The maps of the partnerships: Poland, Norway and Iceland with the towns, their partners
and a line each; and Poland alone, larger, where the towns have room for their names.

One equidistant conic projection (standard parallels 52 and 68 N, the band
from Polish towns to Tromsø) keeps Iceland, Norway and Poland on one page
at one scale, with areas and distances close to true; each map's frame is
its countries' extent. On the large map a town is named only where its name
overlaps nothing (fifteen towns crowd into Poland's south and east); the
map of Poland names them all. Country outlines are Natural Earth's
(``charts.outlines``), simplified here to what the page can show (a point
every unit), clipped to the frame and written with one decimal, so the same
data give the same bytes. Labels go where they overlap nothing drawn before
them, trying eight places around their marker in a fixed order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from grantflow.adapters.documents.charts.outlines import countries
from grantflow.adapters.documents.charts.svg import FONT, image, number

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # left, top, right, bottom in SVG units

WIDTH = 600.0
FOCUS = ("POL", "NOR", "ISL")  # the programme's countries, filled; the others for context
_READ = (-40.0, 40.0, 50.0, 76.0)  # what may show inside a frame once projected
_MARGIN = 0.03  # of the frame's width, around the extent
# Outline detail: on paper a point every unit (about 0.3 mm as printed); the portal shows
# the map at about 1.5 pixels a unit, where a point every two units looks the same and
# halves the map's bytes (the outlines are nearly all of them).
PRINT_STEP, SCREEN_STEP = 1.0, 2.0


@dataclass(frozen=True)
class _View:
    focus: tuple[str, ...]  # the countries whose extent the frame shows
    # Their mainland and islands (Svalbard, Jan Mayen and Bouvet Island are
    # Norway's too, and far off the map), in degrees: west, south, east, north.
    extent: tuple[float, float, float, float]
    room: tuple[tuple[float, float], ...]  # points the frame also takes in, for labels


_PARTNERS = _View(FOCUS, (-25.0, 48.5, 32.0, 71.5), ((27.5, 50.5),))
# Room for the names of towns at Poland's western and eastern borders.
_POLAND = _View(("POL",), (14.0, 48.5, 24.5, 55.0), ((12.6, 52.0), (25.6, 52.0)))

_PHI1, _PHI2, _PHI0, _LAM0 = (math.radians(d) for d in (52.0, 68.0, 60.0, 5.0))
_N = (math.cos(_PHI1) - math.cos(_PHI2)) / (_PHI2 - _PHI1)
_G = math.cos(_PHI1) / _N + _PHI1
_RHO0 = _G - _PHI0

_SEA, _LAND, _COAST = "#eef4f9", "#f4f3ef", "#b9b9b9"
_FOCUS_FILL, _FOCUS_LINE = "#dfe7d6", "#5f6f52"
_TOWN, _PARTNER = "#c8102e", "#1f5f99"
_FONT_SIZE = 9.0
# The map of Poland is printed smaller (svg.towns in style.css): larger type, the same on paper.
_TOWNS_FONT_SIZE = 12.0
_ADVANCE = 0.6  # DejaVu Sans's average advance per unit of size, for the labels' boxes
_POSITIONS = (  # label offset from the marker and its anchor, in order of preference
    (5.0, 3.0, "start"),
    (-5.0, 3.0, "end"),
    (4.0, -5.0, "start"),
    (4.0, 10.0, "start"),
    (-4.0, -5.0, "end"),
    (-4.0, 10.0, "end"),
    (0.0, -7.0, "middle"),
    (0.0, 13.0, "middle"),
)


def _conic(lon: float, lat: float) -> Point:
    """Equidistant conic, in radians of the sphere, y pointing north."""
    rho = _G - math.radians(lat)
    theta = _N * (math.radians(lon) - _LAM0)
    return rho * math.sin(theta), _RHO0 - rho * math.cos(theta)


class _Frame:
    """From degrees to SVG units: the view's extent projected and scaled to ``WIDTH``."""

    def __init__(self, view: _View) -> None:
        west, south, east, north = view.extent
        points = [
            _conic(lon, lat)
            for country in countries(*_READ)
            if country.code in view.focus
            for ring in country.rings
            if all(west <= lon <= east and south <= lat <= north for lon, lat in ring)
            for lon, lat in ring
        ]
        points += [_conic(lon, lat) for lon, lat in view.room]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        margin = (max(xs) - min(xs)) * _MARGIN
        self.left, self.top = min(xs) - margin, max(ys) + margin
        self.scale = WIDTH / (max(xs) - min(xs) + 2 * margin)
        self.height = (self.top - min(ys) + margin) * self.scale

    def point(self, lon: float, lat: float) -> Point:
        x, y = _conic(lon, lat)
        return (x - self.left) * self.scale, (self.top - y) * self.scale


@cache
def _frame(view: _View) -> _Frame:
    return _Frame(view)


def _simplified(points: Iterable[Point], step: float) -> list[Point]:
    """Every point at least ``step`` units from the one kept before it."""
    kept: list[Point] = []
    for point in points:
        if not kept or math.dist(point, kept[-1]) >= step:
            kept.append(point)
    return kept


def _clipped(ring: list[Point], width: float, height: float) -> list[Point]:
    """The polygon ``ring`` cut to the frame (Sutherland and Hodgman, edge by edge)."""
    # Each edge: the axis (0: x, 1: y), where it lies, and which side is inside.
    for axis, limit, below in (
        (0, 0.0, False),
        (0, width, True),
        (1, 0.0, False),
        (1, height, True),
    ):
        if not ring:
            break

        def inside(p: Point, axis: int = axis, limit: float = limit, below: bool = below) -> bool:
            return p[axis] <= limit if below else p[axis] >= limit

        kept: list[Point] = []
        for current, previous in zip(ring, [ring[-1], *ring[:-1]], strict=True):
            if inside(current) != inside(previous):
                kept.append(_crossing(previous, current, axis, limit))
            if inside(current):
                kept.append(current)
        ring = kept
    return ring


def _crossing(a: Point, b: Point, axis: int, limit: float) -> Point:
    """Where the segment from ``a`` to ``b`` crosses the line ``axis`` = ``limit``."""
    share = (limit - a[axis]) / (b[axis] - a[axis])
    x, y = a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share
    return (limit, y) if axis == 0 else (x, limit)


def _n(value: float) -> str:
    return number(Decimal(repr(value)))


def _path(rings: Iterable[list[Point]]) -> str:
    return " ".join("M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in ring) + "Z" for ring in rings)


@cache
def _countries(view: _View, step: float) -> str:
    """The land, the programme's countries filled, a point every ``step`` units: the same
    for every map, drawn once."""
    frame = _frame(view)
    parts = []
    for country in countries(*_READ):
        rings = []
        for ring in country.rings:
            points = _clipped(
                _simplified((frame.point(lon, lat) for lon, lat in ring), step),
                WIDTH,
                frame.height,
            )
            xs, ys = [x for x, _ in points], [y for _, y in points]
            if len(points) >= 3 and max(max(xs) - min(xs), max(ys) - min(ys)) >= 1.0:
                rings.append(points)
        if not rings:
            continue
        fill, line = (_FOCUS_FILL, _FOCUS_LINE) if country.code in FOCUS else (_LAND, _COAST)
        parts.append(
            f'<path d="{_path(rings)}" fill="{fill}" stroke="{line}" stroke-width="0.4" '
            'fill-rule="evenodd"/>'
        )
    return "".join(parts)


def _overlap(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _label(
    name: str,
    at: Point,
    taken: list[Box],
    height: float,
    *,
    always: bool = True,
    size: float = _FONT_SIZE,
) -> str:
    """``name`` beside its marker where it covers least of what is ``taken``; unless
    ``always``, only where it covers nothing (else no label: "")."""
    width = _ADVANCE * size * len(name)
    best: tuple[float, int, str, Box] | None = None
    for order, (dx, dy, anchor) in enumerate(_POSITIONS):
        x, y = at[0] + dx, at[1] + dy
        left = x - {"start": 0.0, "end": width, "middle": width / 2}[anchor]
        box = (left, y - size * 0.8, left + width, y + size * 0.25)
        outside = box[0] < 0 or box[2] > WIDTH or box[1] < 0 or box[3] > height
        cost = sum(_overlap(box, other) for other in taken) + (1e6 if outside else 0.0)
        if best is None or cost < best[0]:
            best = (cost, order, f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"', box)
        if cost == 0:
            break
    assert best is not None  # _POSITIONS is not empty
    if best[0] > 0 and not always:
        return ""
    taken.append(best[3])
    return f"{best[2]}>{escape(name)}</text>"


def partnership_map(
    places: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    title: str,
    description: str,
    legend: Mapping[str, str],
    outline_step: float = PRINT_STEP,
) -> Markup:
    """The map of ``places``: ``towns`` and ``municipalities`` (each a ``name``, ``lat``
    and ``lon`` in degrees) and ``links`` (a ``town``'s and a ``municipality``'s name,
    ``signed``: a solid line, else dashed).

    ``legend`` names, in the document's language, the ``town``, the ``municipality``,
    the ``signed`` and the ``unsigned`` partnership. ``outline_step``: the least distance
    between two points kept of a coastline or border, in units of the map's 600.
    """
    frame = _frame(_PARTNERS)
    height = frame.height
    at = {
        (kind, place["name"]): frame.point(float(place["lon"]), float(place["lat"]))
        for kind in ("towns", "municipalities")
        for place in places[kind]
    }
    parts = []
    for link in places["links"]:
        (x1, y1), (x2, y2) = (
            at[("towns", link["town"])],
            at[("municipalities", link["municipality"])],
        )
        dash = "" if link["signed"] else ' stroke-dasharray="4 3"'
        parts.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{_PARTNER}" stroke-width="1"{dash}/>'
        )
    taken: list[Box] = [(x - 3, y - 3, x + 3, y + 3) for x, y in at.values()]
    parts.append(f'<g font-family="{FONT}" font-size="{_n(_FONT_SIZE)}" fill="#111">')
    for (kind, _), (x, y) in at.items():
        if kind == "towns":
            parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.6" fill="{_TOWN}"/>')
        else:
            parts.append(
                f'<rect x="{_n(x - 2.4)}" y="{_n(y - 2.4)}" width="4.8" height="4.8" '
                f'fill="{_PARTNER}"/>'
            )
    # The partners named first: the map of Poland names the towns left unnamed here.
    for kind in ("municipalities", "towns"):
        parts.extend(
            _label(name, point, taken, height, always=kind == "municipalities")
            for (of, name), point in at.items()
            if of == kind
        )
    parts.append(_legend(legend, height))
    parts.append("</g>")
    return _map_image(
        _PARTNERS, parts, title=title, description=description, kind="map", step=outline_step
    )


def towns_map(towns: Sequence[Mapping[str, Any]], *, title: str, description: str) -> Markup:
    """Poland at a larger scale, with each of ``towns`` (a ``name``, ``lat`` and ``lon``
    in degrees) marked and named."""
    frame = _frame(_POLAND)
    height = frame.height
    at = [(t["name"], frame.point(float(t["lon"]), float(t["lat"]))) for t in towns]
    taken: list[Box] = [(x - 3, y - 3, x + 3, y + 3) for _, (x, y) in at]
    parts = [
        f'<g font-family="{FONT}" font-size="{_n(_TOWNS_FONT_SIZE)}" fill="#111">',
        *(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{_TOWN}"/>' for _, (x, y) in at),
        *(_label(name, point, taken, height, size=_TOWNS_FONT_SIZE) for name, point in at),
        "</g>",
    ]
    return _map_image(
        _POLAND, parts, title=title, description=description, kind="towns", step=PRINT_STEP
    )


def _map_image(
    view: _View, parts: list[str], *, title: str, description: str, kind: str, step: float
) -> Markup:
    """``parts`` drawn over the view's sea and land (a point every ``step`` units), as an
    accessible image of ``kind`` (its CSS class)."""
    height = _frame(view).height
    background = [
        f'<rect width="{_n(WIDTH)}" height="{_n(height)}" fill="{_SEA}"/>',
        _countries(view, step),
    ]
    return image(
        background + parts,
        title=title,
        description=description,
        width=Decimal(repr(WIDTH)),
        height=Decimal(_n(height)),
        kind=kind,
    )


def _legend(legend: Mapping[str, str], height: float) -> str:
    """The key, in the open sea at the bottom left."""
    x, y = 10.0, height - 58.0
    width = 12 + _ADVANCE * _FONT_SIZE * max(len(text) for text in legend.values()) + 14
    rows = [
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="52" fill="#ffffff" '
        'stroke="#999" stroke-width="0.4"/>',
        f'<circle cx="{_n(x + 10)}" cy="{_n(y + 10)}" r="2.6" fill="{_TOWN}"/>',
        f'<rect x="{_n(x + 7.6)}" y="{_n(y + 19.6)}" width="4.8" height="4.8" fill="{_PARTNER}"/>',
        f'<line x1="{_n(x + 4)}" y1="{_n(y + 34)}" x2="{_n(x + 16)}" y2="{_n(y + 34)}" '
        f'stroke="{_PARTNER}"/>',
        f'<line x1="{_n(x + 4)}" y1="{_n(y + 44)}" x2="{_n(x + 16)}" y2="{_n(y + 44)}" '
        f'stroke="{_PARTNER}" stroke-dasharray="4 3"/>',
    ]
    for row, key in enumerate(("town", "municipality", "signed", "unsigned")):
        rows.append(
            f'<text x="{_n(x + 22)}" y="{_n(y + 13 + 10 * row)}">{escape(legend[key])}</text>'
        )
    return "".join(rows)
