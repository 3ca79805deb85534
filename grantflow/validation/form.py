"""A spreadsheet form (outline, proposal, final report) as data, loaded from schemas/.

The same ``FormDefinition`` drives the validator and the blank-form
generator, so a field added to the YAML appears in both. A form may extend
another (``extends: outline``): it has the base form's sheets, with the
fields of ``extend_sheets`` appended to them, then its own sheets, and the
vocabularies of both; a field added to the outline appears in the proposal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from grantflow import resources
from grantflow.domain.errors import ConfigurationError
from grantflow.validation import yaml_file

LANGUAGES = ("pl", "nb", "en")
FieldType = Literal["string", "text", "integer", "money", "date", "email", "code", "codes", "yesno"]
Layout = Literal["keyvalue", "table"]


@dataclass(frozen=True)
class Term:
    code: str
    label: dict[str, str]


@dataclass(frozen=True)
class FieldDef:
    key: str
    type: FieldType
    label: dict[str, str]
    hint: dict[str, str]
    required: bool = True
    vocabulary: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    maxlength: int | None = None
    format: str | None = None  # "nip", "teryt": custom rules


@dataclass(frozen=True)
class SheetDef:
    name: str
    layout: Layout
    title: dict[str, str]
    fields: tuple[FieldDef, ...]
    min_rows: int = 0
    max_rows: int = 1000

    def field(self, key: str) -> FieldDef:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


@dataclass(frozen=True)
class FormDefinition:
    form: str
    version: int
    title: dict[str, str]
    sheets: tuple[SheetDef, ...]
    vocabularies: dict[str, tuple[Term, ...]]

    def sheet(self, name: str) -> SheetDef:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def codes(self, vocabulary: str) -> tuple[str, ...]:
        return tuple(t.code for t in self.vocabularies[vocabulary])


def _langs(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, dict) or set(data) != set(LANGUAGES):
        raise ConfigurationError(f"{where}: needs exactly the languages {', '.join(LANGUAGES)}")
    return {lang: str(data[lang]) for lang in LANGUAGES}


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _field(data: dict[str, Any], where: str) -> FieldDef:
    key = data["key"]
    return FieldDef(
        key=key,
        type=data["type"],
        label=_langs(data.get("label"), f"{where}.{key}.label"),
        hint=_langs(data.get("hint"), f"{where}.{key}.hint"),
        required=bool(data.get("required", True)),
        vocabulary=data.get("vocabulary"),
        min=_decimal(data.get("min")),
        max=_decimal(data.get("max")),
        maxlength=data.get("maxlength"),
        format=data.get("format"),
    )


def _sheet(data: dict[str, Any], source: str) -> SheetDef:
    return SheetDef(
        name=data["name"],
        layout=data["layout"],
        title=_langs(data["title"], f"{source}: {data['name']}.title"),
        fields=tuple(_field(f, f"{source}: {data['name']}") for f in data["fields"]),
        min_rows=int(data.get("min_rows", 0)),
        max_rows=int(data.get("max_rows", 1000)),
    )


def _extended(data: dict[str, Any], base: dict[str, Any], source: str) -> dict[str, Any]:
    """``data`` with the sheets and vocabularies of the form it extends (``base``)."""
    extra: dict[str, list[dict[str, Any]]] = data.get("extend_sheets") or {}
    base_names = [s["name"] for s in base["sheets"]]
    unknown = sorted(set(extra) - set(base_names))
    if unknown:
        raise ConfigurationError(f"{source}: extend_sheets names unknown sheets {unknown}")
    sheets = [{**s, "fields": [*s["fields"], *extra.get(s["name"], [])]} for s in base["sheets"]]
    return {
        **data,
        "sheets": [*sheets, *data["sheets"]],
        "vocabularies": {**base["vocabularies"], **(data.get("vocabularies") or {})},
    }


def parse(data: dict[str, Any], source: str) -> FormDefinition:
    try:
        vocabularies = {
            name: tuple(
                Term(code=str(t["code"]), label=_langs(t["label"], f"{source}: {name}"))
                for t in terms
            )
            for name, terms in data["vocabularies"].items()
        }
        sheets = tuple(_sheet(s, source) for s in data["sheets"])
        form = FormDefinition(
            form=data["form"],
            version=int(data["version"]),
            title=_langs(data["title"], f"{source}: title"),
            sheets=sheets,
            vocabularies=vocabularies,
        )
    except (KeyError, TypeError) as exc:
        raise ConfigurationError(f"{source}: malformed form definition ({exc!r})") from exc
    for sheet in form.sheets:
        for f in sheet.fields:
            if f.vocabulary is not None and f.vocabulary not in vocabularies:
                raise ConfigurationError(
                    f"{source}: {sheet.name}.{f.key} names unknown vocabulary {f.vocabulary!r}"
                )
    names = [s.name for s in form.sheets]
    if len(set(names)) != len(names):
        raise ConfigurationError(f"{source}: a sheet name is used twice ({', '.join(names)})")
    return form


def _data(name: str) -> dict[str, Any]:
    """``schemas/<name>.yaml`` as data, with the form it extends folded in."""
    path: Path = resources.schemas() / f"{name}.yaml"
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml_file.parse(fh)
    base = data.get("extends")
    return data if base is None else _extended(data, _data(str(base)), path.name)


@cache
def load(name: str = "outline") -> FormDefinition:
    """Load ``schemas/<name>.yaml`` (cached: forms do not change while running)."""
    return parse(_data(name), f"{name}.yaml")
