"""Load the donor pool (``samples/donors.yaml``) into ``DonorMunicipality`` values.

Checked against ``schemas/donors.schema.yaml``; theme and involvement-form
codes must be codes of the outline form's vocabularies, so a city's stated
priorities and a donor's interests speak the same language for matching.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from grantflow import resources
from grantflow.domain.partners import DonorMunicipality
from grantflow.validation import form, yaml_file
from grantflow.validation.yaml_file import Problem

SCHEMA_FILE = "donors.schema.yaml"


def _cross_check(donors: list[dict[str, Any]]) -> list[Problem]:
    outline = form.load("outline")
    vocabularies = {
        "themes": set(outline.codes("themes")),
        "involvement_forms": set(outline.codes("involvement_forms")),
    }
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, donor in enumerate(donors):
        where = f"donors[{i}]"
        if not donor["code"].startswith(f"{donor['country']}-"):
            problems.append(
                (f"{where}.code", f"{donor['code']} does not start with {donor['country']}-")
            )
        if donor["code"] in seen:
            problems.append((f"{where}.code", f"{donor['code']} is listed twice"))
        seen.add(donor["code"])
        for key, allowed in vocabularies.items():
            for j, code in enumerate(donor[key]):
                if code not in allowed:
                    problems.append(
                        (f"{where}.{key}[{j}]", f"unknown code {code!r} ({donor['name']})")
                    )
    return problems


def parse_donors(data: object, source: str = "donors.yaml") -> tuple[DonorMunicipality, ...]:
    """Check an already parsed donor-pool document and build its values."""
    checked = yaml_file.checked(SCHEMA_FILE, data, source, lambda d: _cross_check(d["donors"]))
    return tuple(
        DonorMunicipality(
            code=d["code"],
            name=d["name"],
            country=d["country"],
            region=d["region"],
            themes=tuple(d["themes"]),
            involvement_forms=tuple(d["involvement_forms"]),
            capacity=d["capacity"],
            contact=d["contact"]["email"],
            languages=tuple(d["languages"]),
            intermediary=d["intermediary"],
        )
        for d in checked["donors"]
    )


@cache
def _reference() -> tuple[DonorMunicipality, ...]:
    return load_donors(resources.samples() / "donors.yaml")


def load_donors(path: Path | None = None) -> tuple[DonorMunicipality, ...]:
    """The donor pool of ``path``; without a path, the reference pool (cached)."""
    if path is None:
        return _reference()
    return parse_donors(yaml_file.read(path), path.name)
