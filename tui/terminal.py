"""Textual's Linux driver, told what to do when the terminal goes away.

Killing a tmux window (or dropping SSH under `su -`, which does not pass
SIGHUP on) hangs up the terminal without signalling the desk. Textual's
driver (textual/drivers/linux_driver.py) then misbehaves in two ways:

* its input thread reads EOF (`os.read` returns b"") and, finding no
  data, goes straight back to `select`, which reports the fd readable
  again at once: a busy loop, ~50 % of a 2-core machine, forever;
* its writer thread gets EIO on the first write, dies, and the bounded
  output queue (30 entries) then fills; the next screen update blocks the
  event loop for good, so even SIGTERM, handled on that loop, is ignored.

This driver keeps the output side from ever raising or blocking (writes
to a terminal that is gone are dropped), watches the terminal for a
hang-up with `poll` (POLLHUP/POLLERR/POLLNVAL; no CPU while waiting) and
treats EIO on input the same way. Either calls the app's
`terminal_lost(why)` once, from a thread, which ends the desk like SIGHUP.
"""
from __future__ import annotations

import select
import threading
from typing import Any, Callable

from textual.drivers.linux_driver import LinuxDriver


class _TerminalOutput:
    """The driver's output file: write/flush never raise; after the first failure, writes are dropped."""

    def __init__(self, file: Any, on_lost: Callable[[str], None]):
        self._file = file
        self._on_lost = on_lost
        self.lost = False

    def _fail(self, exc: BaseException) -> None:
        self.lost = True
        self._on_lost(f"writing to the terminal failed: {exc}")

    def write(self, text: str) -> int:
        if self.lost:
            return len(text)
        try:
            return self._file.write(text)
        except (OSError, ValueError) as exc:
            self._fail(exc)
            return len(text)

    def flush(self) -> None:
        if self.lost:
            return
        try:
            self._file.flush()
        except (OSError, ValueError) as exc:
            self._fail(exc)

    def __getattr__(self, name: str) -> Any:  # fileno, isatty, encoding...
        return getattr(self._file, name)


class DeskDriver(LinuxDriver):
    """LinuxDriver plus: a terminal that hangs up ends the desk instead of spinning."""

    POLL_MS = 500

    def __init__(self, app, **kwargs):
        super().__init__(app, **kwargs)
        self._lost_once = threading.Lock()
        self._lost_reported = False
        self._watching = False
        self._file = _TerminalOutput(self._file, self._terminal_lost)

    def start_application_mode(self) -> None:
        super().start_application_mode()
        self._watching = True
        threading.Thread(target=self._watch_hangup, name="replydesk-hangup", daemon=True).start()

    def stop_application_mode(self) -> None:
        self._watching = False
        super().stop_application_mode()

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError as exc:  # EIO from a hung-up terminal: not a bug to show a traceback for
            self._terminal_lost(f"reading the terminal failed: {exc}")

    def _watch_hangup(self) -> None:
        """Block in poll() until the terminal hangs up (or the driver stops)."""
        poller = select.poll()
        try:
            poller.register(self.fileno, 0)  # no events asked: only HUP/ERR/NVAL wake it
        except (OSError, ValueError):
            return
        gone = select.POLLHUP | select.POLLERR | select.POLLNVAL
        while self._watching:
            try:
                events = poller.poll(self.POLL_MS)
            except OSError:
                events = [(self.fileno, select.POLLERR)]
            if self._watching and any(mask & gone for _fd, mask in events):
                self._terminal_lost("the terminal hung up")
                return

    def _terminal_lost(self, why: str) -> None:
        with self._lost_once:
            if self._lost_reported:
                return
            self._lost_reported = True
        if isinstance(self._file, _TerminalOutput):
            self._file.lost = True  # nothing more is sent to a terminal that is gone
        hook = getattr(self._app, "terminal_lost", None)
        if hook is not None:
            hook(why)
