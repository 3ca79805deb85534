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


class LoginFailureRepository(Protocol):
    """Failed sign-ins, kept in the store so the throttle holds across restarts and workers."""

    def add(self, *, email: str, address: str, at: datetime) -> None: ...

    def count_since(self, *, email: str | None, address: str | None, since: datetime) -> int:
        """Failures since ``since`` for the account (``email``) or the ``address``."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...
