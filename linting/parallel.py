"""Lint a large batch on every core: forked helpers plus the calling process itself.

Why not multiprocessing.Pool: on a two-core machine a pool leaves the
parent idle while its three handler threads compete with the two workers,
and each forked worker runs ~10 % slower than the process that built the
linter (copy-on-write pages). Here the parent lints too, so `jobs`
processes do the work; chunks are handed out through a pipe of chunk
numbers (reads of a few bytes from a pipe are atomic), so a slow process
simply takes fewer chunks; each helper sends back its rendered reports in
one pickle when the pipe runs dry. A helper that dies loses nothing: the
parent lints whatever chunks came back missing.
"""
from __future__ import annotations

import os
import pickle
import signal
import struct
from typing import Callable, TypeVar

R = TypeVar("R")

_INDEX = struct.Struct("<I")


def _chunks(items: list, jobs: int, chunk_size: int) -> list[list]:
    size = max(1, min(chunk_size, -(-len(items) // (jobs * 4))))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _take(fd: int) -> int | None:
    """The next chunk number from the shared pipe, or None when none are left."""
    data = os.read(fd, _INDEX.size)
    return _INDEX.unpack(data)[0] if len(data) == _INDEX.size else None


def _work(fd: int, chunks: list[list], task: Callable) -> dict[int, list]:
    done: dict[int, list] = {}
    while (k := _take(fd)) is not None:
        done[k] = [task(item) for item in chunks[k]]
    return done


def _read_all(fd: int) -> bytes:
    parts = []
    while part := os.read(fd, 1 << 20):
        parts.append(part)
    return b"".join(parts)


def _could_not_start(warn: Callable[[str], None] | None, exc: OSError, started: int) -> None:
    if warn is not None:
        who = "in this process" if not started else f"with {started + 1} processes"
        warn(f"cannot start a worker process ({exc.strerror or exc}); linting {who}")


def _alone(task: Callable, items: list, before: Callable[[], None] | None) -> list:
    if before is not None:
        before()
    return [task(x) for x in items]


def map_forked(
    task: Callable[[str], R],
    items: list,
    jobs: int,
    chunk_size: int = 40,
    warn: Callable[[str], None] | None = None,
    before: Callable[[], None] | None = None,
) -> list[R]:
    """[task(x) for x in items], in order, spread over `jobs` processes (this one included).

    `task` runs in forked children, so it may use anything built before the
    call; its results must pickle. Needs os.fork (POSIX). A helper that
    cannot be started (fork fails under RLIMIT_NPROC or low memory) is not
    an error: the processes that did start, this one at least, do all the
    chunks, and `warn` is told once.

    `before` runs once in this process, after the helpers have started and
    before it takes chunks itself (first thing when none is started): work
    only this process needs afterwards, such as a slow import, done while
    the helpers work instead of before they start; they simply take more
    chunks meanwhile.
    """
    chunks = _chunks(items, jobs, chunk_size)
    if jobs <= 1 or len(chunks) <= 1:
        return _alone(task, items, before)
    # The chunk numbers go into a pipe up front; everyone reads from it until it is dry.
    try:
        take_r, take_w = os.pipe()
    except OSError as exc:
        _could_not_start(warn, exc, 0)
        return _alone(task, items, before)
    payload = b"".join(_INDEX.pack(k) for k in range(len(chunks)))
    if len(payload) > 60_000:  # beyond one pipe buffer the write would block: larger chunks instead
        os.close(take_r)
        os.close(take_w)
        return map_forked(task, items, jobs, chunk_size=-(-len(items) // 10_000), warn=warn, before=before)
    os.write(take_w, payload)
    helpers: list[tuple[int, int]] = []  # (pid, read end of its result pipe)
    try:
        for _ in range(jobs - 1):
            try:
                res_r, res_w = os.pipe()
            except OSError as exc:  # out of descriptors: go on with the helpers we have
                _could_not_start(warn, exc, len(helpers))
                break
            try:
                pid = os.fork()
            except OSError as exc:  # EAGAIN under RLIMIT_NPROC, ENOMEM: the work is done here instead
                os.close(res_r)
                os.close(res_w)
                _could_not_start(warn, exc, len(helpers))
                break
            if pid == 0:  # helper: work, send the results, leave without running any cleanup
                code = 1
                try:
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    os.close(take_w)
                    os.close(res_r)
                    for _, other in helpers:
                        os.close(other)
                    data = pickle.dumps(_work(take_r, chunks, task), protocol=pickle.HIGHEST_PROTOCOL)
                    view = memoryview(data)
                    while view:
                        view = view[os.write(res_w, view) :]
                    code = 0
                finally:
                    os._exit(code)
            os.close(res_w)
            helpers.append((pid, res_r))
        os.close(take_w)
        take_w = -1
        if before is not None:
            before()
        results = _work(take_r, chunks, task)
        for pid, fd in helpers:
            data = _read_all(fd)
            os.close(fd)
            os.waitpid(pid, 0)
            try:
                results.update(pickle.loads(data))
            except Exception:  # noqa: BLE001 - a helper that died mid-write: its chunks are redone below
                pass
        helpers = []
    finally:
        for pid, fd in helpers:  # interrupted: stop the helpers, do not leave them running
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
            os.close(fd)
        os.close(take_r)
        if take_w != -1:
            os.close(take_w)
    out: list[R] = []
    for k, chunk in enumerate(chunks):
        got = results.get(k)
        out.extend(got if got is not None else [task(x) for x in chunk])
    return out
