"""Bar charts as inline SVG for the PDF templates: small, accessible, byte for byte stable.

A chart is drawn from a list of items (``label`` and a numeric ``value``) by
the Jinja filter ``bar_chart``. The SVG carries ``role="img"`` with a
``<title>`` and a ``<desc>`` (what assistive technology reads); the template
puts the same figures in a table next to it, the text alternative. Every
label is escaped and every coordinate is a ``Decimal`` rounded to one
decimal, so the same data give the same bytes on every machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

# Geometry in SVG user units (1/96 in): the chart is scaled to the text width.
_WIDTH = Decimal(600)
_LABEL_WIDTH = Decimal(250)  # room for the longest theme label at 10 units
_VALUE_ROOM = Decimal(110)  # room right of the longest bar for its value
_ROW = Decimal(22)
_BAR = Decimal(14)
_PAD = Decimal(6)
_COLOURS = ("#1f5f99", "#c8102e")  # alternate rows: Polish and Norwegian flag tones
_ONE_PLACE = Decimal("0.1")


def _n(value: Decimal) -> str:
    return format(value.quantize(_ONE_PLACE), "f")


def bar_chart(
    items: Sequence[Mapping[str, Any]],
    *,
    title: str,
    description: str,
    value_text: Callable[[Any], str],
    key: str = "value",
    labels: Mapping[str, str] | None = None,
) -> Markup:
    """A horizontal bar chart of ``item[key]`` per ``item["label"]``.

    With ``labels``, an item's label is ``labels[item["code"]]`` (a template
    translating fixed codes, e.g. the ledger's kinds of entry).
    """
    values = [Decimal(item[key]) for item in items]
    top = max([v for v in values if v > 0], default=Decimal(1))
    span = _WIDTH - _LABEL_WIDTH - _VALUE_ROOM
    height = _ROW * len(items) + 2 * _PAD
    ident = "chart-" + hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:10]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {_n(_WIDTH)} {_n(height)}" '
        f'width="100%" height="{_n(height)}">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(description)}</desc>',
        '<g font-family="DejaVu Sans" font-size="10" fill="#111">',
    ]
    for index, (item, value) in enumerate(zip(items, values, strict=True)):
        y = _PAD + _ROW * index
        baseline = y + _BAR - Decimal(3)
        length = max(value, Decimal(0)) * span / top
        parts.append(
            f'<text x="{_n(_LABEL_WIDTH - _PAD)}" y="{_n(baseline)}" text-anchor="end">'
            f"{escape(labels[item['code']] if labels else item['label'])}</text>"
            f'<rect x="{_n(_LABEL_WIDTH)}" y="{_n(y)}" width="{_n(length)}" '
            f'height="{_n(_BAR)}" fill="{_COLOURS[index % 2]}"/>'
            f'<text x="{_n(_LABEL_WIDTH + length + _PAD)}" y="{_n(baseline)}">'
            f"{escape(value_text(item[key]))}</text>"
        )
    parts.append("</g></svg>")
    # Safe: every text above went through escape(), every number is a formatted Decimal.
    return Markup("".join(parts))  # noqa: S704


def filters(formatting: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """``bar_chart`` for the HTML templates; values printed with the document's filters.

    ``money=True`` prints the values as amounts (``format_money``), otherwise
    as numbers (``format_number``).
    """

    def chart(
        items: Sequence[Mapping[str, Any]],
        title: str,
        description: str,
        key: str = "value",
        money: bool = False,
        labels: Mapping[str, str] | None = None,
    ) -> Markup:
        printer = formatting["format_money" if money else "format_number"]
        return bar_chart(
            items,
            title=title,
            description=description,
            value_text=printer,
            key=key,
            labels=labels,
        )

    return {"bar_chart": chart}
