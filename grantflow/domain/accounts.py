"""Portal accounts: who a user is bound to, and when signing in is throttled.

A city account is bound to its TERYT, a reviewer account to its expert
code, a donor account to its donor municipality's code; an operator's to
nothing. The binding decides everything the account may see, so an account
without the one its role needs (or with another role's) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from grantflow.domain.errors import GrantflowError
from grantflow.domain.identifiers import teryt_is_well_formed

ROLES = ("city", "reviewer", "operator", "donor")
LANGUAGES = ("pl", "nb", "en")

# An address the way people type it: something@domain.tld, no spaces.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AccountRefused(GrantflowError):
    """An account that cannot be made as asked (role, binding, e-mail, password)."""


@dataclass(frozen=True)
class Binding:
    """What an account is bound to: exactly the one its role needs."""

    role: str
    teryt: str | None = None
    reviewer: str | None = None
    donor: str | None = None


def check_binding(binding: Binding) -> Binding:
    """``binding`` when its role has its one binding and no other; AccountRefused otherwise."""
    if binding.role not in ROLES:
        raise AccountRefused(f"unknown role {binding.role!r}; choose one of {', '.join(ROLES)}")
    needed = {"city": "teryt", "reviewer": "reviewer", "donor": "donor"}.get(binding.role)
    given = {
        name
        for name, value in (
            ("teryt", binding.teryt),
            ("reviewer", binding.reviewer),
            ("donor", binding.donor),
        )
        if value
    }
    if needed is not None and needed not in given:
        raise AccountRefused(f"a {binding.role} account needs --{needed}")
    extra = given - {needed}
    if extra:
        raise AccountRefused(f"a {binding.role} account takes no --{', --'.join(sorted(extra))}")
    if binding.teryt is not None and not teryt_is_well_formed(binding.teryt):
        raise AccountRefused(f"{binding.teryt!r} is not a valid TERYT code")
    return binding


def check_email(email: str) -> str:
    """The address in lower case; AccountRefused when it does not look like one."""
    cleaned = email.strip().lower()
    if not _EMAIL.fullmatch(cleaned) or len(cleaned) > 254:
        raise AccountRefused(f"{email!r} is not an e-mail address")
    return cleaned


MIN_PASSWORD_LENGTH = 12


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountRefused(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


@dataclass(frozen=True)
class Throttle:
    """How many failed sign-ins a window allows, per account and per address.

    Per account it stops guessing one password; per address (higher: an
    office behind one NAT) it stops one machine trying many accounts.
    """

    window: timedelta = timedelta(minutes=15)
    per_account: int = 5
    per_address: int = 20

    def since(self, at: datetime) -> datetime:
        return at - self.window

    def blocks(self, account_failures: int, address_failures: int) -> bool:
        return account_failures >= self.per_account or address_failures >= self.per_address


THROTTLE = Throttle()

# How long an invitation's link works: a week covers a weekend and a day off, and a link
# forwarded or left in a mailbox stops working soon after.
INVITATION_LIFETIME = timedelta(days=7)


class InvitationRefused(GrantflowError):
    """An invitation link that makes no account: ``why`` is unknown, used or expired."""

    def __init__(self, why: str) -> None:
        super().__init__(f"the invitation link is {why}")
        self.why = why
