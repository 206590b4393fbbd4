"""Progress for long operations wherever they run: an updating HTML bar in Jupyter, Rich in a terminal."""

from __future__ import annotations

import html
import sys
from typing import Any


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython()  # type: ignore[attr-defined]
    return ip is not None and hasattr(ip, "kernel")


class ProgressBar:
    """`start(total)`, `advance(label)`, `close()`; renders in a notebook cell or on stderr."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.total = 0
        self.done = 0
        self._handle: Any = None
        self._rich: Any = None
        self._task: Any = None

    def start(self, total: int) -> None:
        self.total = total
        if _in_notebook():
            from IPython.display import HTML, display

            self._handle = display(HTML(self._html("")), display_id=True)  # type: ignore[no-untyped-call]
        else:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._rich = Progress(TextColumn(f"[bold]{self.title}[/]"), BarColumn(), MofNCompleteColumn(),
                                  TimeRemainingColumn(), transient=True)
            self._rich.start()
            self._task = self._rich.add_task(self.title, total=total)

    def _html(self, label: str) -> str:
        share = 100 * self.done / self.total if self.total else 100
        return (f"<div style='font-family:sans-serif;font-size:12px'>{html.escape(self.title)}: {self.done}/{self.total}"
                f"<div style='background:#eee;width:320px;height:8px'><div style='background:#1e88e5;height:8px;"
                f"width:{share:.0f}%'></div></div><span style='color:#777'>{html.escape(label)}</span></div>")

    def advance(self, label: str = "") -> None:
        self.done += 1
        if self._handle is not None:
            from IPython.display import HTML

            self._handle.update(HTML(self._html(label)))  # type: ignore[no-untyped-call]
        elif self._rich is not None:
            self._rich.update(self._task, advance=1)

    def close(self) -> None:
        if self._rich is not None:
            self._rich.stop()
