"""Donor municipalities and partnerships over one SQLAlchemy session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grantflow.adapters.store.models.partners import DonorRow, PartnershipRow
from grantflow.adapters.store.repositories.base import (
    WriterLock,
    flush_or_conflict,
    row_or_not_found,
)
from grantflow.domain.partners import DonorMunicipality
from grantflow.services.ports.partners import Partnership, PartnershipStatus


class SqlDonorRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def get(self, code: str) -> DonorMunicipality:
        return _donor(
            row_or_not_found(self._session, DonorRow, code, f"no donor municipality {code}")
        )

    def list(self) -> list[DonorMunicipality]:
        return [_donor(r) for r in self._session.scalars(select(DonorRow).order_by(DonorRow.code))]

    def save(self, donor: DonorMunicipality) -> bool:
        """Insert or update from the donor pool file (not a port method); True if it changed."""
        self._writer.claim()
        values = {
            "name": donor.name,
            "country": donor.country,
            "region": donor.region,
            "themes": list(donor.themes),
            "involvement_forms": list(donor.involvement_forms),
            "capacity": donor.capacity,
            "contact": donor.contact,
            "languages": list(donor.languages),
            "intermediary": donor.intermediary,
        }
        row = self._session.get(DonorRow, donor.code)
        if row is None:
            self._session.add(DonorRow(code=donor.code, **values))
        elif _donor(row) == donor:
            return False
        else:
            for name, value in values.items():
                setattr(row, name, value)
        flush_or_conflict(self._session, f"donor {donor.code}")
        return True


def _donor(row: DonorRow) -> DonorMunicipality:
    return DonorMunicipality(
        code=row.code,
        name=row.name,
        country=row.country,
        region=row.region,
        themes=tuple(row.themes),
        involvement_forms=tuple(row.involvement_forms),
        capacity=row.capacity,
        contact=row.contact,
        languages=tuple(row.languages),
        intermediary=row.intermediary,
    )


class SqlPartnershipRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def find(self, application_id: int) -> Partnership | None:
        row = self._session.get(PartnershipRow, application_id)
        return None if row is None else _partnership(row)

    def save(self, partnership: Partnership) -> None:
        self._writer.claim()
        values = {
            "donor_code": partnership.donor_code,
            "status": str(partnership.status),
            "score": partnership.score,
            "explanation": partnership.explanation,
            "justification": partnership.justification,
        }
        row = self._session.get(PartnershipRow, partnership.application_id)
        if row is None:
            self._session.add(PartnershipRow(application_id=partnership.application_id, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
        flush_or_conflict(
            self._session, f"the partnership of application {partnership.application_id}"
        )

    def remove(self, application_id: int) -> None:
        self._writer.claim()
        row = self._session.get(PartnershipRow, application_id)
        if row is not None:
            self._session.delete(row)
            flush_or_conflict(self._session, f"the partnership of application {application_id}")

    def list(self) -> list[Partnership]:
        rows = self._session.scalars(select(PartnershipRow).order_by(PartnershipRow.application_id))
        return [_partnership(r) for r in rows]


def _partnership(row: PartnershipRow) -> Partnership:
    return Partnership(
        row.application_id,
        row.donor_code,
        PartnershipStatus(row.status),
        row.score,
        row.explanation,
        row.justification,
    )
