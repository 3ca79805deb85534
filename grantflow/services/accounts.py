"""Portal accounts: adding one, signing in (throttled), choosing a language.

Each use case runs in its own unit of work and writes its fact to the audit
chain: who added which account, who signed in and who was refused.
A refused sign-in says the same whether the address has no account or the
password is wrong, so the portal never tells which addresses have accounts.
"""

from __future__ import annotations

from datetime import datetime

from grantflow.domain.accounts import (
    LANGUAGES,
    THROTTLE,
    AccountRefused,
    Binding,
    Throttle,
    check_binding,
    check_email,
    check_password,
)
from grantflow.domain.errors import Conflict, GrantflowError
from grantflow.services.lifecycle import record
from grantflow.services.ports.accounts import PasswordHasher, User
from grantflow.services.ports.unit_of_work import UnitOfWork


class SignInRefused(GrantflowError):
    """The address and password do not match an account."""


class SignInThrottled(GrantflowError):
    """Too many failed sign-ins for the account or the address: wait, then try again."""


def add_user(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    email: str,
    binding: Binding,
    password: str,
    language: str = "pl",
    at: datetime,
    actor: str,
) -> User:
    """A new account; AccountRefused for a bad binding, address, password or language,
    or an address that has an account already."""
    address = check_email(email)
    check_binding(binding)
    check_password(password)
    if language not in LANGUAGES:
        raise AccountRefused(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    password_hash = hasher.hash(password)
    with uow:
        if uow.users.find(address) is not None:
            raise AccountRefused(f"{address} has an account already")
        try:
            user = uow.users.add(
                email=address,
                binding=binding,
                password_hash=password_hash,
                language=language,
                at=at,
            )
        except Conflict as exc:
            raise AccountRefused(f"{address} has an account already") from exc
        record(
            uow,
            at=at,
            actor=actor,
            action="account:add",
            subject=f"user:{user.id}",
            payload={
                "email": address,
                "role": binding.role,
                "teryt": binding.teryt,
                "reviewer": binding.reviewer,
                "donor": binding.donor,
            },
        )
        uow.commit()
    return user


def sign_in(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    email: str,
    password: str,
    address: str,
    at: datetime,
    throttle: Throttle = THROTTLE,
) -> User:
    """The account whose password this is; SignInThrottled after too many failures (for
    the account or from the ``address``) in the throttle's window, checked before the
    password so a throttled guess learns nothing; SignInRefused for a wrong pair."""
    account = email.strip().lower()
    with uow:
        since = throttle.since(at)
        by_account = uow.login_failures.count_since(email=account, address=None, since=since)
        by_address = uow.login_failures.count_since(email=None, address=address, since=since)
        if throttle.blocks(by_account, by_address):
            record(
                uow,
                at=at,
                actor=f"portal:{account}",
                action="account:sign-in-throttled",
                subject=f"address:{address}",
            )
            uow.commit()
            raise SignInThrottled(account)
        user = uow.users.find(account)
    # The hash is checked between two units of work: Argon2 takes a quarter of a second
    # of both cores, and a transaction held open through it would hold a pooled
    # connection and, on SQLite, the store's one write lock, so every other page of the
    # portal would wait for each sign-in in turn. A hash is checked even without an
    # account, so both refusals take as long.
    matches = hasher.verify(user.password_hash if user else _NO_ACCOUNT, password)
    rehashed = (
        hasher.hash(password)
        if user and matches and hasher.needs_rehash(user.password_hash)
        else None
    )
    with uow:
        if user is None or not matches:
            uow.login_failures.add(email=account, address=address, at=at)
            uow.commit()
            raise SignInRefused(account)
        if rehashed is not None:
            uow.users.set_password_hash(user.id, rehashed)
        record(
            uow,
            at=at,
            actor=user.actor,
            action="account:sign-in",
            subject=f"user:{user.id}",
            payload={"address": address},
        )
        uow.commit()
    return user


# A hash of no one's password (argon2id of 28 random bytes, thrown away).
_NO_ACCOUNT = (
    "$argon2id$v=19$m=65536,t=3,p=4$3FPkLFSfj2n0VjHHbBkCNg$"
    "n/bKkJKKNmOgRqyLG/HlSRtD+j7+5ZqFkwUCUdfYdAY"
)


def set_language(uow: UnitOfWork, user_id: int, language: str) -> User:
    """The user's language from now on (pl, nb or en); AccountRefused for another."""
    if language not in LANGUAGES:
        raise AccountRefused(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    with uow:
        user = uow.users.set_language(user_id, language)
        uow.commit()
    return user


def find_user(uow: UnitOfWork, email: str) -> User | None:
    """The account of ``email`` (any case), if there is one."""
    with uow:
        return uow.users.find(email.strip().lower())


def get_user(uow: UnitOfWork, user_id: int) -> User:
    """The account of a session (NotFound when it was removed since)."""
    with uow:
        return uow.users.get(user_id)
