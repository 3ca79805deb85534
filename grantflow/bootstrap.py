"""The composition root: what every entrypoint works with, built from ``Settings``.

The command line, the flows and (next) the portal get the store, the
programme, the clock, the file store and the document renderer here, and
nowhere else: which class implements which port is decided once, in this
module. An entrypoint builds one ``Wiring`` per command, task or request,
uses it, and closes it (it is a context manager)::

    with bootstrap.build(programme_file=path, as_of=moment) as wiring:
        uow = wiring.unit_of_work()
        lifecycle.formal_check(uow, 7, correct=True, at=wiring.clock.now(), ...)

Nothing here knows Prefect or Typer, so a flow on a worker and a command at
a terminal are wired the same way.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Engine

from grantflow import config
from grantflow.adapters.clock import FixedClock, SystemClock
from grantflow.adapters.files import LocalFileStore
from grantflow.adapters.store import SqlUnitOfWork, make_engine, migrate
from grantflow.adapters.store.engine import is_sqlite
from grantflow.domain.programme import Programme
from grantflow.services.ports.clock import Clock
from grantflow.validation.programme_file import load_programme

if TYPE_CHECKING:
    from grantflow.adapters.documents.renderer import TemplateRenderer
    from grantflow.adapters.passwords import Argon2Hasher
    from grantflow.services.notifications import DeliveryRound
    from grantflow.services.ports.mail import Composer, Mailer


class Wiring:
    """The adapters behind the services' ports for one command, task or request.

    Everything is built on first use: a command that never touches the store
    opens no database, and one that renders nothing never imports WeasyPrint.
    """

    def __init__(
        self,
        settings: config.Settings,
        *,
        programme_file: Path | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.programme_file = programme_file
        self.clock: Clock = clock or SystemClock()
        self._engine: Engine | None = None
        self._reader: Engine | None = None

    @cached_property
    def programme(self) -> Programme:
        """The programme file's content (the reference programme by default);
        ConfigurationError naming what is wrong with the file."""
        return load_programme(self.programme_file)

    def migrate(self) -> None:
        """Bring the store's schema up to date (Alembic head); safe to repeat."""
        migrate(self.settings.database_url)

    def unit_of_work(self) -> SqlUnitOfWork:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return SqlUnitOfWork(self._engine)

    def reading(self) -> SqlUnitOfWork:
        """A unit of work that only reads (a page): on SQLite it takes no write lock, so
        it never waits for a writer; it cannot write. PostgreSQL's readers never wait
        for writers, so there it is the writers' engine."""
        if not is_sqlite(self.settings.database_url):
            return self.unit_of_work()
        if self._reader is None:
            self._reader = make_engine(self.settings.database_url, read_only=True)
        return SqlUnitOfWork(self._reader)

    @cached_property
    def files(self) -> LocalFileStore:
        return LocalFileStore(self.settings.home)

    @cached_property
    def renderer(self) -> TemplateRenderer:
        return make_renderer()

    @cached_property
    def mailer(self) -> Mailer:
        """SMTP when ``GRANTFLOW_SMTP_URL`` is set, else the Maildir ``GRANTFLOW_HOME/outbox``;
        ConfigurationError for a malformed URL."""
        from grantflow.adapters.mail import MaildirMailer, SmtpMailer, SmtpServer

        if self.settings.smtp_url:
            server = SmtpServer.from_url(self.settings.smtp_url)
            return SmtpMailer(server, self.settings.mail_from)
        return MaildirMailer(self.settings.outbox_dir, self.settings.mail_from)

    @cached_property
    def composer(self) -> Composer:
        from grantflow.adapters.mail_composer import TemplateComposer

        return TemplateComposer(self.settings.portal_url)

    def deliver_outbox(self) -> DeliveryRound:
        """Send what the outbox holds (after the commands' and flows' commits)."""
        from grantflow.services.notifications import deliver

        return deliver(self.unit_of_work(), self.composer, self.mailer, at=self.clock.now())

    @cached_property
    def passwords(self) -> Argon2Hasher:
        """The portal's password hasher (Argon2id)."""
        from grantflow.adapters.passwords import Argon2Hasher

        return Argon2Hasher()

    def close(self) -> None:
        for engine in (self._engine, self._reader):
            if engine is not None:
                engine.dispose()
        self._engine = self._reader = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def make_renderer() -> TemplateRenderer:
    """The document renderer, for a wiring or a worker process that renders only."""
    # Imported on first use: WeasyPrint takes about a second to import, and most
    # commands render nothing.
    from grantflow.adapters.documents.renderer import TemplateRenderer

    return TemplateRenderer()


def clock_at(as_of: datetime | None) -> Clock:
    """The system's clock, or one standing still at ``as_of`` (timezone-aware)."""
    return SystemClock() if as_of is None else FixedClock(as_of)


def build(
    *,
    settings: config.Settings | None = None,
    programme_file: str | Path | None = None,
    as_of: datetime | None = None,
) -> Wiring:
    """The wiring of the configured home (``GRANTFLOW_HOME``, ``GRANTFLOW_DATABASE_URL``
    unless ``settings`` are given), at ``as_of`` or the system's now."""
    return Wiring(
        settings or config.load(),
        programme_file=Path(programme_file) if programme_file else None,
        clock=clock_at(as_of),
    )
