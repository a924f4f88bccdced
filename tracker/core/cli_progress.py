"""Progress of a long command: a bar on a terminal, plain lines when the output is piped or logged.

Written here rather than taken from click: ``click.progressbar`` prints only its label when the output is not a
terminal, and a cron job's log then shows nothing of a twenty-minute import; a job's total may also be
unknown at first or change as the work goes (validation, then writing), which a fixed-length bar does not allow.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30
#: When piped, a line at most this often (and at the end).
LINE_SECONDS = 2.0


class CommandProgress:
    """Call with ``(done, total, message)`` as the work goes; ``close()`` ends the bar's line."""

    def __init__(self, label: str, stream: TextIO | None = None, line_seconds: float = LINE_SECONDS) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self.line_seconds = line_seconds
        self._last_line: float | None = None  # the first step is always printed
        self._last_text = ""
        self._drawn = False

    def __call__(self, done: int, total: int | None, message: str | None = "") -> None:
        text = self._text(done, total, message or "")
        if self.terminal:
            self.stream.write("\r" + text.ljust(len(self._last_text)))
            self.stream.flush()
            self._drawn = True
        else:
            now = time.monotonic()
            finished = bool(total) and done >= (total or 0)
            due = self._last_line is None or now - self._last_line >= self.line_seconds
            if text != self._last_text and (due or finished):
                self.stream.write(text + "\n")
                self.stream.flush()
                self._last_line = now
        self._last_text = text

    def _text(self, done: int, total: int | None, message: str) -> str:
        if total:
            share = min(max(done / total, 0.0), 1.0)
            counts = f"{done}/{total} ({share:.0%})"
            if self.terminal:
                filled = int(share * BAR_WIDTH)
                counts = "[" + "#" * filled + "." * (BAR_WIDTH - filled) + "] " + counts
        else:
            counts = str(done) if done else ""
        return " ".join(part for part in (self.label + ":", counts, message) if part)

    def close(self) -> None:
        if self.terminal and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
