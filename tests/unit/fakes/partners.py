"""In-memory donors and partnerships."""

from __future__ import annotations

from grantflow.domain.errors import NotFound
from grantflow.domain.partners import DonorMunicipality
from grantflow.services.ports.partners import Partnership
from tests.unit.fakes.tables import Tables


class FakeDonors:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def get(self, code: str) -> DonorMunicipality:
        try:
            return self._t.donors[code]
        except KeyError:
            raise NotFound(code) from None

    def list(self) -> list[DonorMunicipality]:
        return sorted(self._t.donors.values(), key=lambda d: d.code)

    def add(self, donor: DonorMunicipality) -> None:
        """Not a port method: the donor pool is loaded from its file in production."""
        self._t.donors[donor.code] = donor


class FakePartnerships:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def find(self, application_id: int) -> Partnership | None:
        return self._t.partnerships.get(application_id)

    def save(self, partnership: Partnership) -> None:
        self._t.partnerships[partnership.application_id] = partnership

    def remove(self, application_id: int) -> None:
        self._t.partnerships.pop(application_id, None)

    def list(self) -> list[Partnership]:
        return list(self._t.partnerships.values())
