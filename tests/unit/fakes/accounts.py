"""In-memory portal accounts and failed sign-ins."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from grantflow.domain.accounts import Binding
from grantflow.domain.errors import Conflict, NotFound
from grantflow.services.ports.accounts import Invitation, User
from tests.unit.fakes.tables import Tables


class FakeUsers:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def get(self, user_id: int) -> User:
        if user_id not in self._t.users:
            raise NotFound(f"no user {user_id}")
        return self._t.users[user_id]

    def find(self, email: str) -> User | None:
        return next((u for u in self._t.users.values() if u.email == email), None)

    def add(
        self, *, email: str, binding: Binding, password_hash: str, language: str, at: datetime
    ) -> User:
        if self.find(email) is not None:
            raise Conflict(f"the account of {email} exists")
        user = User(len(self._t.users) + 1, email, binding, password_hash, language, at)
        self._t.users[user.id] = user
        return user

    def set_language(self, user_id: int, language: str) -> User:
        self._t.users[user_id] = dataclasses.replace(self.get(user_id), language=language)
        return self._t.users[user_id]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._t.users[user_id] = dataclasses.replace(self.get(user_id), password_hash=password_hash)


class FakeLoginFailures:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def add(self, *, email: str, address: str, at: datetime) -> int:
        failure_id = max(self._t.login_failures, default=0) + 1
        self._t.login_failures[failure_id] = (email, address, at)
        return failure_id

    def remove(self, failure_id: int) -> None:
        del self._t.login_failures[failure_id]

    def count_since(self, *, email: str | None, address: str | None, since: datetime) -> int:
        return sum(
            1
            for e, a, at in self._t.login_failures.values()
            if at >= since and email in (None, e) and address in (None, a)
        )


class FakeInvitations:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

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
        invitation = Invitation(
            len(self._t.invitations) + 1,
            email,
            binding,
            language,
            token_hash,
            invited_by,
            at,
            expires_at,
        )
        self._t.invitations[invitation.id] = invitation
        return invitation

    def find(self, token_hash: str) -> Invitation | None:
        return next((i for i in self._t.invitations.values() if i.token_hash == token_hash), None)

    def accept(self, invitation_id: int, *, at: datetime) -> bool:
        invitation = self._t.invitations[invitation_id]
        if invitation.accepted_at is not None:
            return False
        self._t.invitations[invitation_id] = dataclasses.replace(invitation, accepted_at=at)
        return True
