"""The donor pool in the store: registered from the donor file, audited when it changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from grantflow.domain.partners import DonorMunicipality
from grantflow.services.lifecycle import record
from grantflow.services.ports.partners import DonorRepository
from grantflow.services.ports.unit_of_work import UnitOfWork


class DonorPoolRepository(DonorRepository, Protocol):
    def save(self, donor: DonorMunicipality) -> bool:
        """Insert or update; True when something changed."""
        ...


class DonorPoolUnitOfWork(UnitOfWork, Protocol):
    @property
    def donors(self) -> DonorPoolRepository: ...  # narrowed: the pool can be written


def register_donors(
    uow: DonorPoolUnitOfWork, donors: Iterable[DonorMunicipality], *, at: datetime, actor: str
) -> list[str]:
    """Store the pool (idempotent); the codes of donors that are new or changed."""
    changed = []
    with uow:
        for donor in donors:
            if uow.donors.save(donor):
                changed.append(donor.code)
                record(
                    uow,
                    at=at,
                    actor=actor,
                    action="donor:register",
                    subject=f"donor:{donor.code}",
                    payload={
                        "name": donor.name,
                        "themes": donor.themes,
                        "involvement_forms": donor.involvement_forms,
                        "capacity": donor.capacity,
                    },
                )
        uow.commit()
    return changed
