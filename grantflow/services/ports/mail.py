"""Sending e-mail: composing a notification into a message, and handing it to a server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from grantflow.domain.errors import GrantflowError
from grantflow.domain.notifications import Notification


class DeliveryFailed(GrantflowError):
    """The mail server (or the Maildir) did not take the message; it stays in the outbox."""


@dataclass(frozen=True)
class MailMessage:
    to: str  # exactly one recipient
    subject: str
    text: str
    html: str
    lang: str
    key: str  # the notification's key: the Message-ID, so a re-delivery is recognisable


class Composer(Protocol):
    def compose(self, notification: Notification) -> MailMessage:
        """The message in the recipient's language, plain text and HTML."""
        ...


class Mailer(Protocol):
    def send(self, message: MailMessage, *, at: datetime) -> None:
        """Deliver one message dated ``at`` (its Date header); DeliveryFailed saying why
        when it was not taken."""
        ...
