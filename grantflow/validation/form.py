"""A spreadsheet form (outline, final report) as data, loaded from schemas/.

The same ``FormDefinition`` drives the validator and the blank-form
generator, so a field added to the YAML appears in both.
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


def parse(data: dict[str, Any], source: str) -> FormDefinition:
    try:
        vocabularies = {
            name: tuple(
                Term(code=str(t["code"]), label=_langs(t["label"], f"{source}: {name}"))
                for t in terms
            )
            for name, terms in data["vocabularies"].items()
        }
        sheets = tuple(
            SheetDef(
                name=s["name"],
                layout=s["layout"],
                title=_langs(s["title"], f"{source}: {s['name']}.title"),
                fields=tuple(_field(f, f"{source}: {s['name']}") for f in s["fields"]),
                min_rows=int(s.get("min_rows", 0)),
                max_rows=int(s.get("max_rows", 1000)),
            )
            for s in data["sheets"]
        )
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
    return form


@cache
def load(name: str = "outline") -> FormDefinition:
    """Load ``schemas/<name>.yaml`` (cached: forms do not change while running)."""
    path: Path = resources.schemas() / f"{name}.yaml"
    with path.open(encoding="utf-8") as fh:
        return parse(yaml_file.parse(fh), str(path.name))
