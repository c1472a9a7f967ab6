"""The language server's linting process: `analysis` behind a pipe.

Why a second process: start-up. The protocol library (pygls and
lsprotocol's thousand attrs classes) takes about 0.7 s of CPU to import,
and building a linter (packs, glossaries, regex safety checks) about as
long again; in one process they add up, past the one second an editor
should wait for its first diagnostics. Started first, this process builds
the linter on one core while the server imports pygls on the other. It
also keeps a crash or a runaway lint from taking the editor's server down:
the server restarts it (`Worker.call`) and says so.

Frames on stdin and stdout are a 4-byte big-endian length and a pickle of
(request id, function name, arguments) one way, (request id, ok, result
or error text) the other. Pickle is safe here: both ends are this
package, on a pipe no one else holds.
"""
from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import traceback
from pathlib import Path

_HEADER = struct.Struct(">I")


def _read_exact(stream, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _write_frame(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_frame(stream):
    head = _read_exact(stream, _HEADER.size)
    if head is None:
        return None
    body = _read_exact(stream, _HEADER.unpack(head)[0])
    return None if body is None else pickle.loads(body)


# --- the worker side ------------------------------------------------------------------------

def serve(stdin, stdout, prebuild: Path | None) -> int:
    from .analysis import Projects, analyse, explain, glossary_check_problems, term_edit, write_term

    projects = Projects()
    functions = {
        "analyse": lambda path, text, kind: analyse(projects, path, text, kind),
        "glossary_check": lambda path: glossary_check_problems(projects, path),
        "term_edit": lambda draft, term, current=None: term_edit(projects, draft, term, current),
        "write_term": write_term,
        "forget": lambda: projects.forget(),
        "explain": lambda codes: explain(codes),
        "ping": lambda: os.getpid(),
    }
    if prebuild is not None:
        # The folder the editor started the server in is usually the one its drafts are under:
        # build that linter now, and lint once, while the server is still importing pygls.
        try:
            from ..document import parse_draft

            project = projects.project_for(prebuild)
            project.linter.lint(parse_draft("Order 1 was delivered."), project.linter.context_for(parse_draft("x")))
        except Exception:
            pass  # a broken configuration is reported when a draft under it is linted
    while True:
        request = _read_frame(stdin)
        if request is None:
            return 0
        ident, name, args = request
        try:
            result = (ident, True, functions[name](*args))
        except Exception as exc:  # reported to the server, which shows it; the worker lives on
            result = (ident, False, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}")
        _write_frame(stdout, result)


def main() -> int:
    prebuild = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by accident may corrupt the frames
    return serve(stdin, stdout, prebuild)


# --- the server side ------------------------------------------------------------------------

class WorkerError(RuntimeError):
    """The worker failed a call: its error, or that it died or ran out of time."""


class Worker:
    """A handle on the linting process; `call` is blocking and one at a time (the server's
    single lint thread calls it), and restarts the process when it has died."""

    def __init__(self, prebuild: Path | None = None, *, timeout: float = 60.0):
        self.prebuild = prebuild
        self.timeout = timeout
        self._lock = threading.Lock()
        self._ident = 0
        self.restarts = 0
        self.closed = False
        self.proc: subprocess.Popen | None = None
        self._start()

    def _start(self) -> None:
        # -P: the editor starts the server in the workspace, and `-m` would put that folder first
        # on sys.path, so a `replydesk/` or `pickle.py` there would run in the linting process.
        args = [sys.executable, "-P", "-m", "replydesk.linting.lsp.worker"]
        if self.prebuild is not None:
            args.append(str(self.prebuild))
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)

    def call(self, name: str, *args):
        with self._lock:
            for attempt in (1, 2):
                if self.closed:
                    raise WorkerError("the language server is shutting down")
                if self.proc is None or self.proc.poll() is not None:
                    self.restarts += 1
                    self._start()
                self._ident += 1
                try:
                    _write_frame(self.proc.stdin, (self._ident, name, args))
                    reply = self._reply()
                except WorkerError:  # out of time: its answer will never be read, so it goes
                    self._kill()
                    raise
                except (BrokenPipeError, OSError, EOFError, pickle.UnpicklingError):
                    reply = None
                if reply is None:
                    self._kill()
                    if attempt == 2:
                        raise WorkerError(f"the linting process stopped during {name}")
                    continue
                ident, ok, value = reply
                if not ok:
                    raise WorkerError(value)
                return value
        raise WorkerError(f"the linting process stopped during {name}")  # pragma: no cover

    def _reply(self):
        out = self.proc.stdout
        ready, _, _ = select.select([out], [], [], self.timeout)
        if not ready:
            raise WorkerError(f"a lint took more than {self.timeout:.0f} s; the linting process was restarted")
        return _read_frame(out)

    def _kill(self) -> None:
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except Exception:
                pass
        self.proc = None

    def close(self, grace: float = 2.0) -> None:
        """Stop the linting process: end of its input, then a kill after `grace` seconds (a lint
        still running is not worth waiting for once the editor has gone); never restarted after."""
        self.closed = True
        proc = self.proc
        if proc is None:
            return
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
