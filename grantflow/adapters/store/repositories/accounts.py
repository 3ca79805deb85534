"""Portal accounts and failed sign-ins over one SQLAlchemy session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from grantflow.adapters.store.models.accounts import InvitationRow, LoginFailureRow, UserRow
from grantflow.adapters.store.repositories.base import flush_or_conflict, row_or_not_found
from grantflow.domain.accounts import Binding
from grantflow.services.ports.accounts import Invitation, User


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: int) -> User:
        return _user(row_or_not_found(self._session, UserRow, user_id, f"no user {user_id}"))

    def find(self, email: str) -> User | None:
        row = self._session.scalars(select(UserRow).where(UserRow.email == email)).one_or_none()
        return None if row is None else _user(row)

    def add(
        self, *, email: str, binding: Binding, password_hash: str, language: str, at: datetime
    ) -> User:
        row = UserRow(
            email=email,
            role=binding.role,
            teryt=binding.teryt,
            reviewer_code=binding.reviewer,
            donor_code=binding.donor,
            password_hash=password_hash,
            language=language,
            created_at=at,
        )
        self._session.add(row)
        flush_or_conflict(self._session, f"the account of {email}")
        return _user(row)

    def set_language(self, user_id: int, language: str) -> User:
        row = row_or_not_found(self._session, UserRow, user_id, f"no user {user_id}")
        row.language = language
        self._session.flush()
        return _user(row)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        row = row_or_not_found(self._session, UserRow, user_id, f"no user {user_id}")
        row.password_hash = password_hash
        self._session.flush()


class SqlInvitationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        email: str,
        binding: Binding,
        language: str,
        token_hash: str,
        invited_by: str,
        at: datetime,
        expires_at: datetime,
    ) -> Invitation:
        row = InvitationRow(
            email=email,
            role=binding.role,
            teryt=binding.teryt,
            reviewer_code=binding.reviewer,
            donor_code=binding.donor,
            language=language,
            token_hash=token_hash,
            invited_by=invited_by,
            created_at=at,
            expires_at=expires_at,
        )
        self._session.add(row)
        flush_or_conflict(self._session, f"the invitation of {email}")
        return _invitation(row)

    def find(self, token_hash: str) -> Invitation | None:
        row = self._session.scalars(
            select(InvitationRow).where(InvitationRow.token_hash == token_hash)
        ).one_or_none()
        return None if row is None else _invitation(row)

    def accept(self, invitation_id: int, *, at: datetime) -> bool:
        # One conditional UPDATE: of two acceptances at once, the second changes no row.
        done = self._session.execute(
            update(InvitationRow)
            .where(InvitationRow.id == invitation_id, InvitationRow.accepted_at.is_(None))
            .values(accepted_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(done, "rowcount", 0))


class SqlLoginFailureRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, email: str, address: str, at: datetime) -> int:
        row = LoginFailureRow(email=email, address=address, at=at)
        self._session.add(row)
        self._session.flush()
        return row.id

    def remove(self, failure_id: int) -> None:
        self._session.execute(delete(LoginFailureRow).where(LoginFailureRow.id == failure_id))

    def count_since(self, *, email: str | None, address: str | None, since: datetime) -> int:
        query = select(func.count()).select_from(LoginFailureRow).where(LoginFailureRow.at >= since)
        if email is not None:
            query = query.where(LoginFailureRow.email == email)
        if address is not None:
            query = query.where(LoginFailureRow.address == address)
        return self._session.scalar(query) or 0


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        binding=Binding(
            role=row.role, teryt=row.teryt, reviewer=row.reviewer_code, donor=row.donor_code
        ),
        password_hash=row.password_hash,
        language=row.language,
        created_at=row.created_at,
    )


def _invitation(row: InvitationRow) -> Invitation:
    return Invitation(
        id=row.id,
        email=row.email,
        binding=Binding(
            role=row.role, teryt=row.teryt, reviewer=row.reviewer_code, donor=row.donor_code
        ),
        language=row.language,
        token_hash=row.token_hash,
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        accepted_at=row.accepted_at,
    )
