"""Shared reading of the operator-edited YAML files (programme, donor pool).

Both are checked by a cerberus schema from ``schemas/`` and fail with a
``ConfigurationError`` whose lines name the offending key
(``programme.yaml: calls[1].rate_month: ...``): the operator edits these
files by hand and must find the line to fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from cerberus import Validator

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
