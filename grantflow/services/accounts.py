"""Portal accounts: adding one, inviting someone, signing in (throttled), choosing a language.

Each use case runs in its own unit of work and writes its fact to the audit
chain: who added which account, who signed in and who was refused.
A refused sign-in says the same whether the address has no account or the
password is wrong, so the portal never tells which addresses have accounts.

An invitation is an account waiting for its password: the operator names the
address, the role and its binding and the language; the invitee gets a mail
(through the outbox) with a one-time link. The link's token is random (256
bits) and the store keeps only its SHA-256, so a copy of the database opens no
account; it works once, for ``INVITATION_LIFETIME``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from grantflow.domain.accounts import (
    INVITATION_LIFETIME,
    LANGUAGES,
    THROTTLE,
    AccountRefused,
    Binding,
    InvitationRefused,
    Throttle,
    check_binding,
    check_email,
    check_password,
)
from grantflow.domain.errors import Conflict, GrantflowError
from grantflow.domain.notifications import Notification, Topic
from grantflow.services.lifecycle import record
from grantflow.services.ports.accounts import Invitation, PasswordHasher, User
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
    address = _checked(email, binding, language)
    check_password(password)
    password_hash = hasher.hash(password)
    with uow:
        user = _add(uow, address, binding, password_hash, language, at=at, actor=actor)
        uow.commit()
    return user


def _checked(email: str, binding: Binding, language: str) -> str:
    """The address of an account that may be made as asked; AccountRefused otherwise."""
    address = check_email(email)
    check_binding(binding)
    if language not in LANGUAGES:
        raise AccountRefused(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    return address


def _no_account(uow: UnitOfWork, address: str) -> None:
    if uow.users.find(address) is not None:
        raise AccountRefused(f"{address} has an account already")


def _add(
    uow: UnitOfWork,
    address: str,
    binding: Binding,
    password_hash: str,
    language: str,
    *,
    at: datetime,
    actor: str,
) -> User:
    """The account, inside the caller's unit of work, with its audit entry."""
    _no_account(uow, address)
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
        payload={"email": address, **_binding_payload(binding)},
    )
    return user


def invitation_link(token: str) -> str:
    return f"/invitations/{token}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    token: str  # in the invitee's mail only; the store keeps its hash


def invite(
    uow: UnitOfWork,
    *,
    email: str,
    binding: Binding,
    language: str,
    at: datetime,
    actor: str,
) -> Invited:
    """Invite ``email`` to an account with ``binding``: the invitation and its mail (in
    ``language``) recorded together; AccountRefused as :func:`add_user` refuses."""
    address = _checked(email, binding, language)
    token = secrets.token_urlsafe(32)
    with uow:
        _no_account(uow, address)
        invitation = uow.invitations.add(
            email=address,
            binding=binding,
            language=language,
            token_hash=_hash(token),
            invited_by=actor,
            at=at,
            expires_at=at + INVITATION_LIFETIME,
        )
        uow.outbox.add(
            Notification(
                key=f"invitation:{invitation.id}",
                topic=Topic.INVITATION,
                to=address,
                lang=language,
                link=invitation_link(token),
                params={
                    "role": binding.role,
                    "deadline": invitation.expires_at.date().isoformat(),
                },
            ),
            at=at,
        )
        record(
            uow,
            at=at,
            actor=actor,
            action="account:invite",
            subject=f"invitation:{invitation.id}",
            payload={
                "email": address,
                **_binding_payload(binding),
                "expires_at": invitation.expires_at.isoformat(),
            },
        )
        uow.commit()
    return Invited(invitation, token)


def _usable(uow: UnitOfWork, token: str, at: datetime) -> Invitation:
    invitation = uow.invitations.find(_hash(token))
    if invitation is None:
        raise InvitationRefused("unknown")
    if invitation.accepted_at is not None:
        raise InvitationRefused("used")
    if at >= invitation.expires_at:
        raise InvitationRefused("expired")
    return invitation


def open_invitation(uow: UnitOfWork, token: str, *, at: datetime) -> Invitation:
    """The invitation of a link that still works; InvitationRefused otherwise."""
    with uow:
        return _usable(uow, token, at)


def accept_invitation(
    uow: UnitOfWork, hasher: PasswordHasher, token: str, *, password: str, at: datetime
) -> User:
    """The invitee's account with its chosen password (the policy of :func:`add_user`);
    the link is used up. InvitationRefused for a link that does not work (any more),
    AccountRefused for a short password or an address that got an account meanwhile."""
    check_password(password)
    password_hash = hasher.hash(password)
    with uow:
        invitation = _usable(uow, token, at)
        if not uow.invitations.accept(invitation.id, at=at):
            raise InvitationRefused("used")
        actor = f"portal:{invitation.email}"
        user = _add(
            uow,
            invitation.email,
            invitation.binding,
            password_hash,
            invitation.language,
            at=at,
            actor=actor,
        )
        record(
            uow,
            at=at,
            actor=actor,
            action="account:accept-invitation",
            subject=f"invitation:{invitation.id}",
            payload={"user": user.id, "invited_by": invitation.invited_by},
        )
        uow.commit()
    return user


def _binding_payload(binding: Binding) -> dict[str, str | None]:
    """What an audit entry records of an account's role and the record it is bound to."""
    return {
        "role": binding.role,
        "teryt": binding.teryt,
        "reviewer": binding.reviewer,
        "donor": binding.donor,
    }


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
        # Every attempt counts as a failure until its password matches, so that guesses
        # sent side by side, all checked before any of them is refused, still meet the
        # throttle.
        attempt = uow.login_failures.add(email=account, address=address, at=at)
        uow.commit()
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
            raise SignInRefused(account)  # its failure was recorded with the attempt
        uow.login_failures.remove(attempt)
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
