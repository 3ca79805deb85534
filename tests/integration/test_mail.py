"""Mail for real: an SMTP server on loopback (aiosmtpd: plain, refusing then accepting,
STARTTLS with a certificate made here and AUTH), and the Maildir read back with
Python's ``mailbox``; the messages composed from the shipped templates and catalogs."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from grantflow import bootstrap
from grantflow.adapters.mail import MaildirMailer, SmtpMailer, SmtpServer
from grantflow.adapters.mail_composer import TemplateComposer
from grantflow.config import Settings
from grantflow.domain.errors import ConfigurationError
from grantflow.domain.notifications import Notification, Topic
from grantflow.services.ports.mail import DeliveryFailed
from tests.integration.clients import read_maildir

SENDER = "Grantflow <grantflow@lokalnyrozwoj.example>"
AT = dt.datetime(2019, 12, 2, 13, 0, tzinfo=dt.UTC)
COMPOSER = TemplateComposer("https://portal.lokalnyrozwoj.example")


def returned(city: str = "Chełm", to: str = "rozwoj@chelm.pl", lang: str = "pl") -> Notification:
    return Notification(
        key="return_for_correction:1:2019-12-16",
        topic=Topic.RETURNED_FOR_CORRECTION,
        to=to,
        lang=lang,
        link="/city/applications/1",
        params={"city": city, "call": "stage1-outline", "deadline": "2019-12-16"},
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Inbox:
    """An aiosmtpd handler: refuses the first ``refusals`` messages (451), keeps the rest."""

    def __init__(self, refusals: int = 0) -> None:
        self.refusals = refusals
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = message_from_bytes(envelope.content, policy=default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made now: (certificate, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.lokalnyrozwoj.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TestSmtp:
    def test_one_message_reaches_the_server_for_its_one_recipient(
        self, smtp_server: tuple[Inbox, int]
    ) -> None:
        inbox, port = smtp_server
        mailer = SmtpMailer(SmtpServer.from_url(f"smtp://127.0.0.1:{port}"), SENDER)
        mailer.send(COMPOSER.compose(returned()), at=AT)
        [(mail_from, rcpt_tos, message)] = inbox.received
        assert (mail_from, rcpt_tos) == ("grantflow@lokalnyrozwoj.example", ["rozwoj@chelm.pl"])
        assert message["To"] == "rozwoj@chelm.pl" and message["Cc"] is None
        assert message["Subject"].startswith("Chełm: wniosek zwrócony do poprawy")
        text = message.get_body(("plain",)).get_content()
        assert "16 grudnia 2019" in text
        assert "https://portal.lokalnyrozwoj.example/city/applications/1" in text

    def test_a_server_that_refuses_then_accepts_gets_the_message_on_the_next_round(
        self, smtp_server: tuple[Inbox, int], tmp_path: Path
    ) -> None:
        inbox, port = smtp_server
        inbox.refusals = 1
        settings = Settings(
            home=tmp_path,
            database_url=f"sqlite:///{tmp_path / 'grantflow.db'}",
            smtp_url=f"smtp://127.0.0.1:{port}",
            mail_from=SENDER,
        )
        with bootstrap.build(settings=settings, as_of=AT) as wired:
            wired.migrate()
            uow = wired.unit_of_work()
            with uow:
                uow.outbox.add(returned(), at=AT)
                bodo = returned("Bodø", "postmottak@bodo.kommune.no", "nb")
                uow.outbox.add(replace(bodo, key="return_for_correction:2:2019-12-16"), at=AT)
                uow.commit()
            first = wired.deliver_outbox()
            with uow:
                [pending] = uow.outbox.pending(10)
            second = wired.deliver_outbox()
            third = wired.deliver_outbox()
            with uow:
                stored = uow.outbox.all()
        # The first message met the busy mailbox; the second went through.
        assert (first.sent, list(first.failed)) == (1, ["return_for_correction:1:2019-12-16"])
        assert "451" in pending.last_error and pending.attempts == 1
        assert second.sent == 1 and second.failed == {} and third.sent == 0
        assert all(m.sent_at is not None for m in stored)
        # Each recipient got its own message and never saw the other's address.
        assert sorted(r for _, rcpt, _ in inbox.received for r in rcpt) == [
            "postmottak@bodo.kommune.no",
            "rozwoj@chelm.pl",
        ]
        for _, rcpt, message in inbox.received:
            assert rcpt == [message["To"]]
            other = "rozwoj@chelm.pl" if rcpt[0] != "rozwoj@chelm.pl" else "postmottak@bodo"
            assert other not in message.as_string()

    def test_starttls_then_auth_with_a_certificate_made_here(self, tmp_path: Path) -> None:
        cert, key = self_signed(tmp_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        logins: list[str] = []

        def authenticator(
            server: Any, session: Any, envelope: Any, mechanism: str, data: Any
        ) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
                b"chelm",
                b"s3cr@t",
            )
            if ok:
                logins.append(data.login.decode())
            return AuthResult(success=ok)

        inbox, port = Inbox(), free_port()
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=True,
        )
        controller.start()
        try:
            url = f"smtp://chelm:s3cr%40t@127.0.0.1:{port}?starttls=1&cafile={cert}"
            SmtpMailer(SmtpServer.from_url(url), SENDER).send(COMPOSER.compose(returned()), at=AT)
            wrong = f"smtp://chelm:wrong@127.0.0.1:{port}?starttls=1&cafile={cert}"
            with pytest.raises(DeliveryFailed, match="refused"):
                SmtpMailer(SmtpServer.from_url(wrong), SENDER).send(
                    COMPOSER.compose(returned()), at=AT
                )
            untrusted = f"smtp://chelm:s3cr%40t@127.0.0.1:{port}?starttls=1"
            with pytest.raises(DeliveryFailed, match="CERTIFICATE_VERIFY_FAILED"):
                SmtpMailer(SmtpServer.from_url(untrusted), SENDER).send(
                    COMPOSER.compose(returned()), at=AT
                )
        finally:
            controller.stop()
        assert logins == ["chelm"] and len(inbox.received) == 1

    def test_a_server_that_is_not_there_is_a_delivery_failure_naming_it(self) -> None:
        port = free_port()
        mailer = SmtpMailer(SmtpServer.from_url(f"smtp://127.0.0.1:{port}?timeout=5"), SENDER)
        with pytest.raises(DeliveryFailed, match=f"cannot reach the mail server 127.0.0.1:{port}"):
            mailer.send(COMPOSER.compose(returned()), at=AT)

    @pytest.mark.parametrize(
        ("url", "complaint"),
        [
            ("http://mail.example.org", "must start with smtp:// or smtps://"),
            ("smtp://mail.example.org?tls=1", "unknown parameter"),
            ("smtps://mail.example.org?starttls=1", "TLS already"),
            ("smtp://", "names no host"),
        ],
    )
    def test_a_malformed_smtp_url_is_explained(self, url: str, complaint: str) -> None:
        with pytest.raises(ConfigurationError, match=complaint):
            SmtpServer.from_url(url)

    def test_a_password_is_never_sent_in_clear_to_another_machine(self) -> None:
        with pytest.raises(ConfigurationError, match="no encryption"):
            SmtpMailer(SmtpServer.from_url("smtp://chelm:s3cret@mail.example.org:587"), SENDER)


class TestMaildir:
    def test_messages_in_polish_and_norwegian_are_read_back_with_mailbox(
        self, tmp_path: Path
    ) -> None:
        folder = tmp_path / "outbox"
        mailer = MaildirMailer(folder, SENDER)
        mailer.send(COMPOSER.compose(returned("Łódź & <Bałuty>")), at=AT)
        tromso = Notification(
            key="match_proposed:4:NO-5501",
            topic=Topic.MATCH_PROPOSED,
            to="postmottak@tromso.kommune.no",
            lang="nb",
            link="/donor",
            params={"donor": "Tromsø kommune", "city": "Zamość"},
        )
        mailer.send(COMPOSER.compose(tromso), at=AT)
        read = sorted(read_maildir(folder), key=lambda m: m["To"])
        polish, norwegian = read[1], read[0]
        assert polish["Content-Language"] == "pl" and norwegian["Content-Language"] == "nb"
        assert polish["Date"] == "Mon, 02 Dec 2019 13:00:00 +0000"
        text = polish.get_body(("plain",)).get_content()
        html = polish.get_body(("html",)).get_content()
        assert "Wniosek miasta Łódź & <Bałuty> został zwrócony do poprawy" in text
        assert "Łódź &amp; &lt;Bałuty&gt;" in html and "<Bałuty>" not in html
        assert '<html lang="pl">' in html
        nb_text = norwegian.get_body(("plain",)).get_content()
        assert norwegian["Subject"] == "Foreslått partnerby: Zamość"
        assert "Programoperatøren foreslår Zamość som partner for Tromsø kommune" in nb_text
        assert "Åpne i portalen: https://portal.lokalnyrozwoj.example/donor" in nb_text

    def test_a_maildir_that_cannot_be_written_is_a_delivery_failure(self, tmp_path: Path) -> None:
        blocked = tmp_path / "outbox"
        blocked.write_text("a file where the Maildir should be", encoding="utf-8")
        with pytest.raises(DeliveryFailed, match="cannot write to the Maildir"):
            MaildirMailer(blocked, SENDER).send(COMPOSER.compose(returned()), at=AT)


class TestEveryTopicInEveryLanguage:
    @pytest.mark.parametrize("lang", ["pl", "nb", "en"])
    @pytest.mark.parametrize(
        ("topic", "params"),
        [
            (Topic.REPORT_READY, {"version": 2, "valid": 0}),
            (Topic.REPORT_READY, {"version": 1, "valid": 1}),
            (Topic.RETURNED_FOR_CORRECTION, {"deadline": "2019-12-16"}),
            (Topic.ASSIGNED_TO_REVIEW, {"name": "Ingrid Sæther-Nowak"}),
            (Topic.THIRD_EXPERT_NEEDED, {"name": "Grzegorz Ślusarczyk"}),
            (Topic.DECISION, {"outcome": "shortlisted"}),
            (Topic.DECISION, {"outcome": "selected"}),
            (Topic.DECISION, {"outcome": "reserve"}),
            (Topic.DECISION, {"outcome": "rejected"}),
            (Topic.DECISION, {"outcome": "formally_rejected"}),
            (Topic.RESERVE_MOVED_UP, {}),
            (Topic.MATCH_PROPOSED, {"donor": "Bodø kommune"}),
            (Topic.AGREEMENT_READY, {}),
            (Topic.AGREEMENT_READY, {"donor": "Bodø kommune"}),
            (Topic.REMINDER, {"kind": "call", "stage": 2, "deadline": "2020-10-30"}),
            (Topic.REMINDER, {"kind": "correction", "deadline": "2019-12-16"}),
            (Topic.REMINDER, {"kind": "review", "deadline": "2019-11-29"}),
            (Topic.REMINDER, {"kind": "partner_search", "deadline": "2021-12-31"}),
            (Topic.REMINDER, {"kind": "final_report", "deadline": "2024-05-15"}),
        ],
    )
    def test_each_message_has_a_subject_a_text_and_an_html_part_in_its_language(
        self, topic: Topic, params: dict[str, str | int], lang: str
    ) -> None:
        notification = Notification(
            key=f"{topic}:1",
            topic=topic,
            to="rozwoj@chelm.pl",
            lang=lang,
            link="/city/applications/1",
            params={"city": "Chełm", "call": "stage2-proposal", **params},
        )
        message = COMPOSER.compose(notification)
        english = COMPOSER.compose(Notification(**{**notification.__dict__, "lang": "en"}))
        named = "2" if params.get("kind") == "call" else "Chełm"
        assert message.subject and named in message.text
        assert message.text.count("\n\n") >= 2  # the paragraphs, the link, the footer
        assert message.html.count("<p>") >= 2 and "https://portal" in message.html
        if lang != "en":
            assert message.text != english.text, "a msgid is not translated"
