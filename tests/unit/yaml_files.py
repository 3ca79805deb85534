"""The shipped YAML files of samples/ and copies broken on purpose, for the loaders' tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from grantflow import resources
from grantflow.domain.errors import ConfigurationError

Document = dict[str, Any]


def shipped(name: str) -> Document:
    """``samples/<name>`` as plain data, to change and parse again."""
    with (resources.samples() / name).open(encoding="utf-8") as fh:
        data: Document = yaml.safe_load(fh)
    return data


def refusal(
    parse: Callable[[Document], object], document: Document, change: Callable[[Document], None]
) -> str:
    """The message ``parse`` refuses a changed copy of ``document`` with."""
    data = copy.deepcopy(document)
    change(data)
    with pytest.raises(ConfigurationError) as caught:
        parse(data)
    return str(caught.value)
