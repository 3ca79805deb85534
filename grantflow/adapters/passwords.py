"""Passwords hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second choice)."""

from __future__ import annotations

import os
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# One hash at a time per core, across every hasher of the process: each takes 64 MiB
# and four lanes, and forty sign-ins at once on two cores (the portal benchmark) all
# hashing together took 44 s each, where taking turns takes a few seconds for the last.
_TURNS = threading.BoundedSemaphore(os.cpu_count() or 1)


class Argon2Hasher:
    """Implements ``grantflow.services.ports.accounts.PasswordHasher``."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()

    def hash(self, password: str) -> str:
        with _TURNS:
            return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            with _TURNS:
                return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
