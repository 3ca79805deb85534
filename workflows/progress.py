"""How far the flows running in this process have got, for whoever watches them.

A command that runs flows in its own process (``grantflow demo``, ``grantflow
submit``) draws progress bars from what the flows report here: a step
begins, so many items are expected, so many are done. With nobody watching
(a Prefect worker, a test) reporting costs nothing. The flows' log lines
are for the log file and the Prefect UI; these counts are for the screen.

One watcher per process, set by the command for as long as its flows run:
the flows report from their own threads (Prefect's task threads), which
would not see a context variable set by the command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Watcher(Protocol):
    def step(self, title: str) -> None:
        """A new step begins; the previous one is over."""

    def expect(self, total: int) -> None:
        """The current step has ``total`` items to do."""

    def advance(self, done: int) -> None:
        """``done`` more items of the current step are done."""


_watcher: Watcher | None = None


@contextmanager
def watched_by(watcher: Watcher) -> Iterator[None]:
    global _watcher
    _watcher = watcher
    try:
        yield
    finally:
        _watcher = None


def step(title: str) -> None:
    if _watcher is not None:
        _watcher.step(title)


def expect(total: int) -> None:
    if _watcher is not None:
        _watcher.expect(total)


def advance(done: int = 1) -> None:
    if _watcher is not None:
        _watcher.advance(done)
