"""The cerberus schemas of ``schemas/`` obey cerberus's own rules.

The loaders use them without cerberus checking them on every run
(``yaml_file._ShippedSchema``); this is where they are checked.
"""

from __future__ import annotations

import pytest
from cerberus import SchemaError
from cerberus.schema import DefinitionSchema

from grantflow import resources
from grantflow.validation import yaml_file

SCHEMAS = sorted(p.name for p in resources.schemas().glob("*.schema.yaml"))


def test_every_loader_schema_is_checked_here() -> None:
    assert {"programme.schema.yaml", "donors.schema.yaml", "demo.schema.yaml"} <= set(SCHEMAS)


@pytest.mark.parametrize("name", SCHEMAS)
def test_a_shipped_schema_passes_cerberus_own_check(name: str) -> None:
    DefinitionSchema(yaml_file.SchemaValidator(), yaml_file.schema(name))


def test_the_check_refuses_a_schema_with_a_rule_cerberus_does_not_know() -> None:
    broken = {"rate_month": {"type": "decimal", "positve": True}}
    with pytest.raises(SchemaError, match="positve"):
        DefinitionSchema(yaml_file.SchemaValidator(), broken)


def test_a_programme_file_is_still_checked_against_its_schema() -> None:
    with pytest.raises(yaml_file.ConfigurationError, match=r"programme\.yaml: calls"):
        yaml_file.checked(
            "programme.schema.yaml", {"calls": "none"}, "programme.yaml", lambda _: []
        )
