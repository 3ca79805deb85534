"""Portal accounts and failed sign-ins as the store keeps them, and the password hasher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from grantflow.domain.accounts import Binding


@dataclass(frozen=True)
class User:
    id: int
    email: str
    binding: Binding
    password_hash: str
    language: str
    created_at: datetime

    @property
    def role(self) -> str:
        return self.binding.role

    @property
    def actor(self) -> str:
        """The audit chain's name for what this user does in the portal."""
        return f"portal:{self.email}"


class UserRepository(Protocol):
    def get(self, user_id: int) -> User:
        """NotFound when there is no such user."""
        ...

    def find(self, email: str) -> User | None: ...

    def add(
        self, *, email: str, binding: Binding, password_hash: str, language: str, at: datetime
    ) -> User:
        """Conflict when the e-mail address has an account already."""
        ...

    def set_language(self, user_id: int, language: str) -> User: ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...


@dataclass(frozen=True)
class Invitation:
    """An operator's invitation: the account it will make, and its one-time link's token
    (kept only as its SHA-256; the link itself goes out in the invitee's mail)."""

    id: int
    email: str
    binding: Binding
    language: str
    token_hash: str
    invited_by: str  # the operator's actor name
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None


class InvitationRepository(Protocol):
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
    ) -> Invitation: ...

    def find(self, token_hash: str) -> Invitation | None: ...

    def accept(self, invitation_id: int, *, at: datetime) -> bool:
        """Mark it used; False (nothing changed) when it was used already, so of two
        acceptances at once only one makes the account."""
        ...


class LoginFailureRepository(Protocol):
    """Failed sign-ins, kept in the store so the throttle holds across restarts and workers."""

    def add(self, *, email: str, address: str, at: datetime) -> int:
        """Records a failure; its id."""
        ...

    def remove(self, failure_id: int) -> None:
        """Forgets a failure recorded for an attempt that turned out to succeed."""
        ...

    def count_since(self, *, email: str | None, address: str | None, since: datetime) -> int:
        """Failures since ``since`` for the account (``email``) or the ``address``."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...
