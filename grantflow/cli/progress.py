"""Progress bars for commands that run flows in their own process: one bar per step.

The flows report their steps and items through ``workflows.progress``; the
bars are drawn on standard error (the answer goes to standard output). On a
terminal they move; in a file or a pipe each bar is written once, finished.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class StepBars:
    """A ``workflows.progress.Watcher`` drawing a bar per step, with its items done."""

    def __init__(self) -> None:
        console = Console(stderr=True)
        if not console.is_terminal:
            # A file or a pipe has no width: rich's 80 columns would cut the times off.
            console.width = 120
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            TextColumn("{task.fields[count]:>9}"),
            TimeElapsedColumn(),
            console=console,
        )
        self._current: TaskID | None = None

    def __enter__(self) -> StepBars:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            self._finish()
        self._progress.stop()

    def step(self, title: str) -> None:
        self._finish()
        self._current = self._progress.add_task(title, total=None, count="")

    def expect(self, total: int) -> None:
        if self._current is not None:
            self._progress.update(self._current, total=total, count=f"0/{total}")

    def advance(self, done: int) -> None:
        if self._current is None:
            return
        self._progress.advance(self._current, done)
        task = self._progress.tasks[self._current]
        if task.total is not None:
            self._progress.update(self._current, count=f"{task.completed:.0f}/{task.total:.0f}")

    def _finish(self) -> None:
        """The current step is over: its bar full, its clock stopped."""
        if self._current is None:
            return
        task = self._progress.tasks[self._current]
        total = task.total or 1  # a step without items: a full bar
        self._progress.update(self._current, total=total, completed=total)
        self._progress.stop_task(self._current)
        self._current = None
