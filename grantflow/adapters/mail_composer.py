"""Notifications into e-mail: subject, plain text and HTML from ``templates/mail/``.

The wording lives in the templates and the gettext catalogs (the msgids
under ``#: templates/mail/...``), one pair of layouts (``message.txt.j2``,
``message.html.j2``) around the topics' macros (``topics.j2``), so the text
and the HTML say the same. HTML autoescapes every value (a city called
``Kraśnik & <Co>`` stays text); the plain text is not escaped.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import jinja2

from grantflow import resources
from grantflow.adapters import i18n
from grantflow.domain.notifications import Notification
from grantflow.services.ports.mail import MailMessage


class TemplateComposer:
    """Implements ``grantflow.services.ports.mail.Composer``; links go under ``portal_url``."""

    def __init__(self, portal_url: str, root: Path | None = None) -> None:
        self._portal = portal_url.rstrip("/")
        self._root = root or resources.templates()

    def compose(self, notification: Notification) -> MailMessage:
        context = {
            "topic": notification.topic.value,
            "p": dict(notification.params),
            "link": self._portal + notification.link,
            "to": notification.to,
            "lang": notification.lang,
        }
        text_env = _environment(self._root, notification.lang, html=False)
        html_env = _environment(self._root, notification.lang, html=True)
        subject = text_env.get_template("mail/subject.txt.j2").render(context).strip()
        return MailMessage(
            to=notification.to,
            subject=" ".join(subject.split()),
            text=text_env.get_template("mail/message.txt.j2").render(context, subject=subject),
            html=html_env.get_template("mail/message.html.j2").render(context, subject=subject),
            lang=notification.lang,
            key=notification.key,
        )


@cache
def _environment(root: Path, lang: str, *, html: bool) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        # The plain-text part is not HTML: escaping it would show &amp; to the reader.
        autoescape=html,  # noqa: S701
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.translations(lang), newstyle=True
    )
    # Dates travel as ISO text in the outbox; the reader sees them in words.
    environment.filters["day"] = lambda iso: i18n.format_date(date.fromisoformat(iso), lang)
    return environment
