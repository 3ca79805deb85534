"""In-memory final reports."""

from __future__ import annotations

import dataclasses

from grantflow.domain.errors import Conflict
from grantflow.services.ports.final_reports import NewFinalReport, StoredFinalReport
from tests.unit.fakes.tables import Tables


class FakeFinalReports:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def find(self, application_id: int, sha256: str) -> StoredFinalReport | None:
        return next(
            (
                r
                for r in self._t.final_reports.values()
                if r.application_id == application_id and r.sha256 == sha256
            ),
            None,
        )

    def last_version_no(self, application_id: int) -> int:
        return max(
            (
                r.version_no
                for r in self._t.final_reports.values()
                if r.application_id == application_id
            ),
            default=0,
        )

    def add(self, new: NewFinalReport) -> StoredFinalReport:
        if self.find(new.application_id, new.sha256) or any(
            r.application_id == new.application_id and r.version_no == new.version_no
            for r in self._t.final_reports.values()
        ):
            raise Conflict(f"{new.file_name} or version {new.version_no} is stored already")
        fields = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)}
        stored = StoredFinalReport(id=len(self._t.final_reports) + 1, **fields)
        self._t.final_reports[stored.id] = stored
        return stored

    def list(self) -> list[StoredFinalReport]:
        return sorted(
            self._t.final_reports.values(), key=lambda r: (r.application_id, r.version_no)
        )
