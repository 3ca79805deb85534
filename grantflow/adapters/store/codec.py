"""Outlines and final reports to JSON and back: Decimals as strings (exact), dates in ISO form.

Driven by the dataclass fields and their type hints, so a field added to
``grantflow.domain.outline`` or ``grantflow.domain.final_report`` is stored
without touching this module.
"""

from __future__ import annotations

import dataclasses
import types
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from grantflow.domain.final_report import FinalReport
from grantflow.domain.outline import Outline

JsonValue = Any  # what json.dumps accepts


def to_json(value: Any) -> JsonValue:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    return value


def outline_from_json(data: JsonValue) -> Outline:
    result: Outline = _from_json(Outline, data)
    return result


def final_report_from_json(data: JsonValue) -> FinalReport:
    result: FinalReport = _from_json(FinalReport, data)
    return result


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _from_json(hint: Any, data: JsonValue) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        (inner,) = (a for a in get_args(hint) if a is not type(None))
        return _from_json(inner, data)
    if origin is tuple:
        item = get_args(hint)[0]
        return tuple(_from_json(item, v) for v in data)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        # A field added later (with its default) is absent from values stored before it.
        fields = [f for f in dataclasses.fields(hint) if f.name in data]
        return hint(**{f.name: _from_json(hints[f.name], data[f.name]) for f in fields})
    if hint is Decimal:
        return Decimal(data)
    if hint is date:
        return date.fromisoformat(data)
    return data
