"""Charts as inline SVG, for the PDF templates and the portal's pages.

Each chart is a pure function from plain data to an SVG string (``Markup``):
``bars.bar_chart`` and ``bars.target_chart``, ``partnership_map.partnership_map``
and ``partnership_map.towns_map``.
``svg`` holds what they share: an image with a title and a description, and
stable numbers. ``filters`` hands them to the HTML templates, printing values
with the document's own number and money filters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from grantflow.adapters.documents.charts.bars import bar_chart, target_chart
from grantflow.adapters.documents.charts.partnership_map import partnership_map, towns_map


def filters(formatting: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """The charts for the HTML templates; values printed with the document's filters.

    ``money=True`` prints the values as amounts (``format_money``), otherwise
    as numbers (``format_number``).
    """

    def bars(
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

    def targets(
        items: Sequence[Mapping[str, Any]], title: str, description: str, legend: Mapping[str, str]
    ) -> Markup:
        return target_chart(
            items,
            title=title,
            description=description,
            value_text=formatting["format_number"],
            legend=legend,
        )

    def partnerships(
        places: Mapping[str, Sequence[Mapping[str, Any]]],
        title: str,
        description: str,
        legend: Mapping[str, str],
    ) -> Markup:
        return partnership_map(places, title=title, description=description, legend=legend)

    def towns(towns: Sequence[Mapping[str, Any]], title: str, description: str) -> Markup:
        return towns_map(towns, title=title, description=description)

    return {
        "bar_chart": bars,
        "target_chart": targets,
        "partnership_map": partnerships,
        "towns_map": towns,
    }
