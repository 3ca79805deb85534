"""Shared reading of the hand-edited YAML files (programme, donor pool, samples, demo cast).

Each is checked by a cerberus schema from ``schemas/`` and fails with a
``ConfigurationError`` whose lines name the offending key
(``programme.yaml: calls[1].rate_month: ...``): these files are edited by
hand, and whoever edits them must find the line to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, TextIO

import yaml
from cerberus import TypeDefinition, Validator
from cerberus.schema import DefinitionSchema

from grantflow import resources
from grantflow.domain.errors import ConfigurationError

Problem = tuple[str, str]  # (key path, message)

# libyaml's loader parses our schemas and programme file several times faster
# than the pure-Python one (it is most of `grantflow validate`'s start-up after
# imports); both build the same safe, plain data.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str | TextIO) -> Any:
    """A YAML document as plain data (no tags, no objects: safe for operator files)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506  # a safe loader, C or Python


@cache
def schema(name: str) -> dict[str, Any]:
    """``schemas/<name>`` parsed (cached: schemas do not change while running)."""
    with (resources.schemas() / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = parse(fh)
    return data


def read(path: Path) -> object:
    """The parsed YAML document of ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path.name}: cannot read the file ({exc.strerror})") from exc
    try:
        return parse(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path.name}: not valid YAML ({exc})") from exc


def as_decimal(value: object) -> Decimal | None:
    """A decimal written as a string or an int; floats and bools are refused
    because a YAML float has already lost the exact cents."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class _DecimalMeta(type):
    # cerberus checks a type with isinstance(); this hook lets that check parse
    # the value, so "150 000,00" or 150000.5 fail as "must be of decimal type".
    def __instancecheck__(cls, instance: object) -> bool:
        return as_decimal(instance) is not None


class _DecimalValue(metaclass=_DecimalMeta):
    """A value ``as_decimal`` accepts (only used in isinstance checks)."""


class SchemaValidator(Validator):  # type: ignore[misc]  # cerberus ships no type hints
    """Cerberus with the ``decimal`` type and two rules for decimals."""

    types_mapping: ClassVar[dict[str, Any]] = {
        **Validator.types_mapping,
        "decimal": TypeDefinition("decimal", (_DecimalValue,), ()),
    }

    def _validate_positive(self, positive: bool, field: str, value: object) -> None:
        """{'type': 'boolean'}"""
        number = as_decimal(value)
        if positive and number is not None and number <= 0:
            self._error(field, "must be greater than zero")

    def _validate_below_one(self, below_one: bool, field: str, value: object) -> None:
        """{'type': 'boolean'}"""
        number = as_decimal(value)
        if below_one and number is not None and number >= 1:
            self._error(field, "must be below 1 (a fraction, e.g. 0.30)")


class _ShippedSchema(DefinitionSchema):  # type: ignore[misc]  # no type hints in cerberus
    """A schema of grantflow's own ``schemas/``, used without cerberus checking its rules.

    Cerberus checks a schema against its own rules whenever a process first uses it,
    about 20 ms for the programme's on every command (a tenth of ``grantflow
    validate``'s start-up over opening the file bare). These schemas ship with
    grantflow and change only with it; ``tests/unit/test_yaml_schemas.py`` checks
    each of them by cerberus's rules instead.
    """

    def validate(self, schema: object = None) -> None:
        return None


def _flatten(errors: Mapping[Any, Any], prefix: str = "") -> Iterator[Problem]:
    """Cerberus nests errors as {key: [message | {subkey: [...]}]}; list items
    use int keys. Yield ("calls[1].rate_month", "message") pairs."""
    for key, entries in errors.items():
        if isinstance(key, int):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        for entry in entries:
            if isinstance(entry, Mapping):
                yield from _flatten(entry, path)
            else:
                yield path, str(entry)


def failure(source: str, problems: list[Problem]) -> ConfigurationError:
    return ConfigurationError("\n".join(f"{source}: {key}: {message}" for key, message in problems))


def check(validator: Validator, data: object, source: str) -> dict[str, Any]:
    """Validate a parsed document; return it as a mapping or raise naming each key."""
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"{source}: the file must be a mapping of keys, not {type(data).__name__}"
        )
    if not validator.validate(data):
        raise failure(source, sorted(_flatten(validator.errors)))
    return data


def checked(
    schema_name: str,
    data: object,
    source: str,
    cross_check: Callable[[dict[str, Any]], list[Problem]],
) -> dict[str, Any]:
    """``data`` checked against ``schemas/<schema_name>``, then by ``cross_check`` (the
    rules across keys, run only on a document the schema accepts); raise naming each key."""
    # One validator per call: cerberus validators are not thread-safe.
    validator = SchemaValidator()
    validator.schema = _ShippedSchema(validator, schema(schema_name))
    document = check(validator, data, source)
    problems = cross_check(document)
    if problems:
        raise failure(source, problems)
    return document
