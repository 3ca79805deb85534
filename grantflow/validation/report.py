"""Validation reports as data (frictionless-style).

An issue carries a stable ``code`` and the parameters of its message; the
message itself is rendered in the reader's language only when the report is
shown (``to_dict(gettext)``), so one stored report can be read in pl, nb or en.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from grantflow.validation.codes import CODES

Severity = Literal["error", "warning"]
Gettext = Callable[[str], str]


def _identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity = "error"
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    value: str | None = None
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown issue code {self.code!r}")

    def message(self, gettext: Gettext = _identity) -> str:
        template = gettext(CODES[self.code].message)
        values = {
            "field": self.field or "",
            "value": self.value or "",
            "sheet": self.sheet or "",
            "cell": self.cell or "",
        }
        values.update(self.params)
        return template.format(**values)

    def to_dict(self, gettext: Gettext = _identity) -> dict[str, Any]:
        """As a reader sees it: the stored form with the message in place of its parameters."""
        shown = self.to_storable()
        del shown["params"]
        shown["message"] = self.message(gettext)
        return shown

    def to_storable(self) -> dict[str, Any]:
        """Language-neutral form kept in the store; ``from_storable`` reverses it."""
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": self.value,
            "params": dict(self.params),
        }

    @classmethod
    def from_storable(cls, data: Mapping[str, Any]) -> Issue:
        return cls(
            code=data["code"],
            severity=data["severity"],
            sheet=data.get("sheet"),
            cell=data.get("cell"),
            field=data.get("field"),
            value=data.get("value"),
            params=dict(data.get("params") or {}),
        )


@dataclass
class FileReport:
    file: str
    issues: list[Issue] = dataclasses.field(default_factory=list)
    # Which form's fields the issues name ("outline", "final_report"): their
    # labels and value types are looked up there when the report is shown.
    form: str = "outline"

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity == "warning")

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def to_dict(self, gettext: Gettext = _identity) -> dict[str, Any]:
        return {
            "file": self.file,
            "valid": self.valid,
            "errors": self.errors,
            "warnings": self.warnings,
            "issues": [i.to_dict(gettext) for i in self.issues],
        }

    def to_storable(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "form": self.form,
            "issues": [i.to_storable() for i in self.issues],
        }

    @classmethod
    def from_storable(cls, data: Mapping[str, Any]) -> FileReport:
        return cls(
            file=data["file"],
            issues=[Issue.from_storable(i) for i in data["issues"]],
            # Reports stored before the form was recorded are all outline reports.
            form=data.get("form", "outline"),
        )


@dataclass
class Report:
    files: list[FileReport] = dataclasses.field(default_factory=list)

    @property
    def valid(self) -> bool:
        return all(f.valid for f in self.files)

    def to_dict(self, gettext: Gettext = _identity) -> dict[str, Any]:
        return {"files": [f.to_dict(gettext) for f in self.files]}

    def rows(self, gettext: Gettext = _identity) -> Iterable[dict[str, Any]]:
        """Flat rows (one per issue, file name first) for tables and spreadsheets."""
        for report in self.files:
            for issue in report.issues:
                yield {"file": report.file, **issue.to_dict(gettext)}
