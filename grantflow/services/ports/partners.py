"""Donor municipalities and each city's partnership."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from grantflow.domain.partners import DonorMunicipality


class PartnershipStatus(StrEnum):
    PROPOSED = "proposed"  # by the matching, waiting for the operator
    CONFIRMED = "confirmed"  # by the operator (as proposed or overridden)
    SIGNED = "signed"  # agreement signed: the lump sum is committed


@dataclass(frozen=True)
class Partnership:
    application_id: int
    donor_code: str
    status: PartnershipStatus
    score: int
    explanation: str
    justification: str = ""  # the operator's, when overriding the proposal


class DonorRepository(Protocol):
    def get(self, code: str) -> DonorMunicipality:
        """NotFound."""
        ...

    def list(self) -> list[DonorMunicipality]: ...


class PartnershipRepository(Protocol):
    def find(self, application_id: int) -> Partnership | None: ...

    def save(self, partnership: Partnership) -> None:
        """Insert or replace the application's partnership."""
        ...

    def remove(self, application_id: int) -> None: ...

    def list(self) -> list[Partnership]: ...
