"""The demo's mail: what the story told its people, delivered to the outbox.

The notifications were recorded with their events and the reminders by the
reminders flow on the story's days; this delivers whatever is still pending
(on the embedded default, into the Maildir at ``GRANTFLOW_HOME/outbox``) and
sums up the outbox by language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from grantflow import bootstrap, config
from workflows.notifications import outbox


@dataclass(frozen=True)
class MailDemoResult:
    where: str  # the Maildir, or the SMTP server's address
    sent: int
    by_language: dict[str, int]
    pending: int  # refused by the server: kept for the next delivery

    def summary_lines(self) -> list[str]:
        languages = ", ".join(f"{lang} {n}" for lang, n in sorted(self.by_language.items()))
        kept = f"; {self.pending} kept for a retry" if self.pending else ""
        return [
            "",
            f"Notifications and reminders: {self.sent} sent ({languages}) to {self.where}{kept}",
        ]


def deliver_story_mail(settings: config.Settings) -> MailDemoResult:
    outbox()
    with bootstrap.build(settings=settings) as wired, wired.unit_of_work() as uow:
        messages = uow.outbox.all()
    sent = [m for m in messages if m.sent_at is not None]
    where = (
        "the mail server of GRANTFLOW_SMTP_URL"
        if settings.smtp_url
        else f"{settings.outbox_dir} (a Maildir: mutt -f {settings.outbox_dir})"
    )
    return MailDemoResult(
        where=where,
        sent=len(sent),
        by_language=dict(Counter(m.notification.lang for m in sent)),
        pending=len(messages) - len(sent),
    )
