"""A text progress bar for the commands that import and export (rows done of total)."""

import sys
import time


class ProgressBar:
    """``bar(done, total)`` redraws one line on the terminal: [#########-----------]  45%  90,000 / 200,000 行.

    At most ten redraws a second; a line per 10 % when the output is not a terminal (a log)."""

    WIDTH = 30

    def __init__(self, stream=None, *, unit="行", label=""):
        self.stream = stream or sys.stderr
        self.unit, self.label = unit, label
        self.total = None
        self._last, self._logged = 0.0, -1
        self._tty = getattr(self.stream, "isatty", lambda: False)()

    def __call__(self, done, total=None):
        if total is not None:
            self.total = total
        now = time.monotonic()
        if self._tty and now - self._last < 0.1:
            return
        self._last = now
        if self.total:
            share = min(1.0, done / self.total)
            filled = int(self.WIDTH * share)
            line = (f"{self.label}[{'#' * filled}{'-' * (self.WIDTH - filled)}] {share:4.0%}  "
                    f"{done:,} / {self.total:,} {self.unit}")
        else:
            line = f"{self.label}已处理 {done:,} {self.unit}"
        if self._tty:
            self.stream.write("\r" + line)
        else:
            step = int(10 * done / self.total) if self.total else done // 100000
            if step == self._logged:
                return
            self._logged = step
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self, done=None):
        if done is not None:
            self.total = self.total or done
            self._last = 0.0
            self(done)
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()
