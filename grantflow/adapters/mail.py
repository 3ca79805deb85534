"""Mailers: an SMTP server (``GRANTFLOW_SMTP_URL``), or a Maildir on the embedded default.

The SMTP URL says everything about the server::

    smtp://user:password@mail.example.org:587?starttls=1   STARTTLS, then AUTH
    smtps://user:password@mail.example.org:465             TLS from the first byte
    smtp://127.0.0.1:2525                                   plain, no auth (a local relay)

Query parameters: ``starttls=1`` (upgrade a plain connection before
authenticating), ``cafile=PATH`` (trust this CA file as well as the system's:
a server with an in-house certificate), ``timeout=SECONDS`` (default 30).
The user and password are percent-decoded (``%40`` for an ``@``).
Credentials are never sent over a connection that is not encrypted, unless
the server is on the loopback interface.

Without an SMTP URL, messages are written to the Maildir at
``GRANTFLOW_HOME/outbox`` (Python's ``mailbox``), which any mail client
(mutt -f, Thunderbird's Maildir support, Evolution) can open.
"""

from __future__ import annotations

import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from grantflow.domain.errors import ConfigurationError
from grantflow.services.ports.mail import DeliveryFailed, MailMessage

DEFAULT_TIMEOUT = 30.0


def build_email(message: MailMessage, sender: str, at: datetime) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, one recipient."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(at)
    # The notification's key names the event: a message delivered twice (a crash
    # between sending and marking it sent) carries the same Message-ID.
    email["Message-ID"] = f"<{_safe_id(message.key)}@{_domain(sender)}>"
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to us
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    # After the content: set_content() drops every Content-* header set before it.
    email["Content-Language"] = message.lang
    return email


def _safe_id(key: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-.") else "." for c in key)


def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


class MaildirMailer:
    """Writes each message into a Maildir (created on first use)."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self._sender = sender

    def send(self, message: MailMessage, *, at: datetime) -> None:
        try:
            box = mailbox.Maildir(self.folder, create=True)
            box.add(build_email(message, self._sender, at))
        except OSError as exc:
            raise DeliveryFailed(f"cannot write to the Maildir {self.folder}: {exc}") from exc


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    user: str | None
    password: str | None
    cafile: str | None
    timeout: float

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """ConfigurationError naming what is wrong with the URL (never echoing the password)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ConfigurationError(
                f"GRANTFLOW_SMTP_URL must start with smtp:// or smtps://, not {parts.scheme!r}"
            )
        if not parts.hostname:
            raise ConfigurationError("GRANTFLOW_SMTP_URL names no host")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"starttls", "cafile", "timeout"}
        if unknown:
            raise ConfigurationError(
                f"GRANTFLOW_SMTP_URL: unknown parameter(s) {', '.join(sorted(unknown))} "
                "(known: starttls, cafile, timeout)"
            )
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
            timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
        except ValueError as exc:
            raise ConfigurationError(f"GRANTFLOW_SMTP_URL: {exc}") from None
        implicit = parts.scheme == "smtps"
        starttls = query.get("starttls", "0") in ("1", "true", "yes")
        if implicit and starttls:
            raise ConfigurationError("GRANTFLOW_SMTP_URL: smtps:// is TLS already; drop starttls")
        return cls(
            host=parts.hostname,
            port=port,
            implicit_tls=implicit,
            starttls=starttls,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            cafile=query.get("cafile"),
            timeout=timeout,
        )

    @property
    def encrypted(self) -> bool:
        return self.implicit_tls or self.starttls

    @property
    def on_loopback(self) -> bool:
        try:
            return ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


class SmtpMailer:
    """One connection per message: a delivery round is a few dozen messages a day,
    and a connection the server dropped between two of them is no concern."""

    def __init__(self, server: SmtpServer, sender: str) -> None:
        if server.user and not server.encrypted and not server.on_loopback:
            raise ConfigurationError(
                "GRANTFLOW_SMTP_URL has a password but no encryption: "
                "add ?starttls=1 or use smtps://"
            )
        self.server = server
        self._sender = sender

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.server.cafile)

    def send(self, message: MailMessage, *, at: datetime) -> None:
        server = self.server
        email = build_email(message, self._sender, at)
        where = f"{server.host}:{server.port}"
        try:
            client: smtplib.SMTP
            if server.implicit_tls:
                client = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=server.timeout, context=self._context()
                )
            else:
                client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
            with client:
                if server.starttls:
                    client.starttls(context=self._context())
                if server.user:
                    client.login(server.user, server.password or "")
                # One envelope recipient: the address is never shown to anyone else.
                client.send_message(
                    email, from_addr=parseaddr(self._sender)[1], to_addrs=[message.to]
                )
        except smtplib.SMTPException as exc:
            raise DeliveryFailed(f"the mail server {where} refused the message: {exc}") from exc
        except (OSError, ssl.SSLError) as exc:
            raise DeliveryFailed(f"cannot reach the mail server {where}: {exc}") from exc
