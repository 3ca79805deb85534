"""What every chart's SVG shares: an image with a title and a description, stable numbers.

The SVG carries ``role="img"`` with a ``<title>`` and a ``<desc>`` (what
assistive technology reads, and what WeasyPrint makes the PDF figure's /Alt
from); the template puts the same facts in a table next to it, the text
alternative. Every coordinate is a ``Decimal`` rounded to one decimal, so the
same data give the same bytes on every machine.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from markupsafe import Markup, escape

FONT = "DejaVu Sans"  # embedded with the documents (templates/fonts)
_ONE_PLACE = Decimal("0.1")


def number(value: Decimal) -> str:
    """A coordinate as SVG writes it: one decimal, never an exponent."""
    return format(value.quantize(_ONE_PLACE), "f")


def image(
    parts: list[str], *, title: str, description: str, width: Decimal, height: Decimal, kind: str
) -> Markup:
    """``parts`` (SVG elements, every text already escaped) as an accessible image
    of ``width`` x ``height`` user units, scaled to the text width."""
    ident = f"{kind}-" + hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:10]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart {kind}" '
        f'aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {number(width)} {number(height)}" '
        f'width="100%" height="{number(height)}">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>'
    )
    # Safe: the callers escape every text and format every number with number().
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704
