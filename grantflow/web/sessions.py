"""Signed session cookies and the CSRF token derived from them.

The cookie holds only a random session id, the user's id (None before
signing in) and an anonymous visitor's language, signed with the portal's
secret (itsdangerous, HMAC-SHA1 over a timestamped payload). It lives
``LIFETIME`` from the moment it was issued (signing in issues a new one),
however active the user is. The CSRF token is an HMAC of the session id, so
a form of one session is refused in any other, and signing in (a new id)
invalidates every form shown before.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

COOKIE = "grantflow_session"
LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class Session:
    sid: str
    user_id: int | None = None
    lang: str | None = None  # an anonymous visitor's choice; a user's is in the account
    # The cookie was valid but too old: whoever held it must sign in again.
    expired: bool = False
    # Not yet in the browser's cookie (new, or changed by this request).
    dirty: bool = False

    def signed_in(self, user_id: int) -> Session:
        """A new session (new id, so no form of the old one is accepted) for ``user_id``."""
        return Session(sid=_new_sid(), user_id=user_id, lang=self.lang, dirty=True)

    def with_lang(self, lang: str) -> Session:
        return replace(self, lang=lang, dirty=True)


def _new_sid() -> str:
    return secrets.token_urlsafe(24)


def anonymous(*, expired: bool = False) -> Session:
    return Session(sid=_new_sid(), expired=expired, dirty=True)


class SessionCodec:
    def __init__(self, secret: bytes, lifetime: timedelta = LIFETIME) -> None:
        self._secret = secret
        self._lifetime = lifetime
        self._serializer = URLSafeTimedSerializer(secret, salt="grantflow-session")

    def load(self, cookie: str | None) -> Session:
        """The session of ``cookie``; a new anonymous one when it is missing or forged,
        marked ``expired`` when it was a user's and is too old."""
        if not cookie:
            return anonymous()
        try:
            data = self._serializer.loads(cookie, max_age=int(self._lifetime.total_seconds()))
        except SignatureExpired:
            return anonymous(expired=True)
        except BadSignature:
            return anonymous()
        if not isinstance(data, dict) or not isinstance(data.get("s"), str):
            return anonymous()
        user_id = data.get("u")
        lang = data.get("l")
        return Session(
            sid=data["s"],
            user_id=user_id if isinstance(user_id, int) else None,
            lang=lang if isinstance(lang, str) else None,
        )

    def dump(self, session: Session) -> str:
        return self._serializer.dumps({"s": session.sid, "u": session.user_id, "l": session.lang})

    def csrf_token(self, session: Session) -> str:
        return hmac.new(self._secret, f"csrf:{session.sid}".encode(), hashlib.sha256).hexdigest()

    def csrf_matches(self, session: Session, token: str) -> bool:
        return hmac.compare_digest(self.csrf_token(session), token)

    @property
    def max_age(self) -> int:
        return int(self._lifetime.total_seconds())


def portal_secret(home: Path) -> bytes:
    """The secret that signs sessions: ``GRANTFLOW_HOME/portal/secret-key``, made on first
    use (0600). Every worker and every restart on the same home signs alike."""
    path = home / "portal" / "secret-key"
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".secret-key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secrets.token_bytes(32))
    try:
        # link() never replaces: when two workers start at once, the first key wins.
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_bytes()
