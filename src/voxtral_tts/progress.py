"""Progress lines with rate and ETA for long data jobs, on stderr."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def hms(seconds: float) -> str:
    """A duration for humans: 42s, 3m07s, 1h02m03s."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s" if m else f"{s}s"


class Progress:
    """Counts finished items of `total` and reports `label: done/total (pct), rate, ETA`.

    On a terminal the line is redrawn in place every `every` seconds; in a log file a new line is
    written every `log_every` seconds, so that a job of hours leaves a readable log, not megabytes.
    """

    def __init__(
        self,
        total: int,
        label: str,
        stream: TextIO | None = None,
        every: float = 0.5,
        log_every: float = 30.0,
        enabled: bool = True,
    ) -> None:
        self.total, self.label = total, label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = every if self.tty else log_every
        self.enabled = enabled and total > 0
        self.done = 0
        self.note = ""
        self.t0 = time.monotonic()
        self._last = -float("inf")

    def line(self) -> str:
        elapsed = time.monotonic() - self.t0
        rate = self.done / elapsed if elapsed > 0 else 0.0
        pct = 100.0 * self.done / self.total if self.total else 100.0
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = hms(left) if left != float("inf") else "?"
        note = f", {self.note}" if self.note else ""
        return f"{self.label}: {self.done}/{self.total} ({pct:.0f}%), {rate:.1f}/s, ETA {eta}{note}"

    def update(self, n: int = 1, note: str | None = None) -> None:
        self.done += n
        if note is not None:
            self.note = note
        now = time.monotonic()
        if self.enabled and (now - self._last >= self.every or self.done >= self.total):
            self._last = now
            self._write()

    def _write(self) -> None:
        end = "\r" if self.tty and self.done < self.total else "\n"
        self.stream.write(("\r" if self.tty else "") + self.line() + end)
        self.stream.flush()

    def close(self) -> None:
        """Finish the line; called also when a job stops early, so the terminal is left tidy."""
        if self.enabled and self.tty and self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()
