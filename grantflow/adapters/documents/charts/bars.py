"""Bar charts: the publication's figures per theme and lump sums, a project's indicators."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from grantflow.adapters.documents.charts.svg import FONT, image, number

# Geometry in SVG user units (1/96 in): the chart is scaled to the text width.
_WIDTH = Decimal(600)
_LABEL_WIDTH = Decimal(250)  # room for the longest theme label at 10 units
_VALUE_ROOM = Decimal(110)  # room right of the longest bar for its value
_ROW = Decimal(22)
_BAR = Decimal(14)
_PAD = Decimal(6)
_COLOURS = ("#1f5f99", "#c8102e")  # alternate rows: Polish and Norwegian flag tones


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
    parts = [f'<g font-family="{FONT}" font-size="10" fill="#111">']
    for index, (item, value) in enumerate(zip(items, values, strict=True)):
        y = _PAD + _ROW * index
        baseline = y + _BAR - Decimal(3)
        length = max(value, Decimal(0)) * span / top
        parts.append(
            f'<text x="{number(_LABEL_WIDTH - _PAD)}" y="{number(baseline)}" text-anchor="end">'
            f"{escape(labels[item['code']] if labels else item['label'])}</text>"
            f'<rect x="{number(_LABEL_WIDTH)}" y="{number(y)}" width="{number(length)}" '
            f'height="{number(_BAR)}" fill="{_COLOURS[index % 2]}"/>'
            f'<text x="{number(_LABEL_WIDTH + length + _PAD)}" y="{number(baseline)}">'
            f"{escape(value_text(item[key]))}</text>"
        )
    parts.append("</g>")
    height = _ROW * len(items) + 2 * _PAD
    return image(
        parts, title=title, description=description, width=_WIDTH, height=height, kind="bars"
    )


def target_chart(
    items: Sequence[Mapping[str, Any]],
    *,
    title: str,
    description: str,
    value_text: Callable[[Any], str],
    legend: Mapping[str, str],
) -> Markup:
    """Each item's ``target`` (an outlined bar) against its ``achieved`` (a filled one),
    under its ``indicator`` and ``unit``, on one scale per item: indicators count people, hectares
    and events, so only the share of the target is comparable between them.

    ``legend`` names the two bars (``target``, ``achieved``) in the document's language.
    """
    span = _WIDTH - _VALUE_ROOM
    parts = [f'<g font-family="{FONT}" font-size="10" fill="#111">']
    y = _PAD
    for key, colour in (("target", "none"), ("achieved", _COLOURS[0])):
        x = _PAD + (Decimal(0) if key == "target" else Decimal(140))
        parts.append(
            f'<rect x="{number(x)}" y="{number(y)}" width="12" height="10" fill="{colour}" '
            f'stroke="{_COLOURS[0]}"/><text x="{number(x + 18)}" y="{number(y + 9)}">'
            f"{escape(legend[key])}</text>"
        )
    y += _ROW
    for item in items:
        target, achieved = Decimal(item["target"]), Decimal(item["achieved"])
        top = max(target, achieved, Decimal(0)) or Decimal(1)
        parts.append(
            f'<text x="{number(_PAD)}" y="{number(y + 10)}">'
            f"{escape(item['indicator'])} ({escape(item['unit'])})</text>"
        )
        y += Decimal(14)
        for value, fill in ((target, "none"), (achieved, _COLOURS[0])):
            length = max(value, Decimal(0)) * (span - _PAD) / top
            parts.append(
                f'<rect x="{number(_PAD)}" y="{number(y)}" width="{number(length)}" '
                f'height="{number(_BAR - 4)}" fill="{fill}" stroke="{_COLOURS[0]}"/>'
                f'<text x="{number(_PAD * 2 + length)}" y="{number(y + 9)}">'
                f"{escape(value_text(value))}</text>"
            )
            y += _BAR - 2
        y += _PAD
    parts.append("</g>")
    return image(
        parts, title=title, description=description, width=_WIDTH, height=y + _PAD, kind="bars"
    )
