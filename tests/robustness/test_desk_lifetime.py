"""A real desk that loses its terminal, or its queue, still ends and keeps what was typed.

Started inside tmux (through `su -`) and cut off by killing the window, the
desk used to keep running with no terminal at ~50 % CPU: Textual's input
thread reads EOF from a hung-up terminal and loops, and its writer thread
dies on EIO, after which the 31st screen update blocks the event loop for
good, so SIGTERM, handled on that loop, was never acted on. These tests
run `replydesk` under a pseudo-terminal that is not its controlling
terminal (as under `su`: no SIGHUP arrives when the terminal goes away).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from replydesk.tui.queue.location import install_demo

from .test_queue_faults import _pty_desk, _read_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def _open_case_and_type(queue: Path, tmp_path: Path, word: bytes):
    install_demo(queue)
    env = dict(
        os.environ,
        TERM="xterm-256color",
        REPLYDESK_OPERATOR="lifer",
        REPLYDESK_CACHE_DIR=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    env.pop("NO_COLOR", None)
    proc, master = _pty_desk(queue, env)
    try:
        assert _read_until(master, b"CP-240520", 60), "the queue never appeared"
        os.write(master, b"jjjj")
        time.sleep(0.3)
        os.write(master, b"\r")
        assert _read_until(master, b"Findings", 60), "the case never opened"
        time.sleep(0.3)
        os.write(master, b"e")  # a case opens outside the editor: e goes in
        time.sleep(0.2)
        os.write(master, word)
        assert _read_until(master, word, 30), "the typed text never reached the editor"
        assert list((queue / ".locks").glob("*.lock")), "the open case holds a lock"
    except BaseException:
        proc.kill()
        proc.wait()
        os.close(master)
        raise
    return proc, master


def _wait_exit(proc, seconds: float) -> int | None:
    try:
        return proc.wait(timeout=seconds)
    except Exception:
        return None


DEMO_DRAFTS = Path(__file__).resolve().parents[2] / "tui" / "demo_queue" / "drafts"


def _typed(entries: list[dict], word: str) -> list[str]:
    """What each journal holds beyond its case's demo draft: the typed word at the start.

    The case is the fifth row, and rows sorted by deadline change order with the time of
    day (end-of-day windows in KST), so the draft it opens with is not always empty."""
    out = []
    for e in entries:
        draft = (DEMO_DRAFTS / f"{e['case']}.txt").read_text(encoding="utf-8")
        out.append(e["text"][: -len(draft)] if draft and e["text"].endswith(draft) else e["text"])
    return out


def _journals(*folders: Path) -> list[dict]:
    out = []
    for folder in folders:
        if folder.is_dir():
            out.extend(json.loads(p.read_text(encoding="utf-8")) for p in folder.rglob("*.json") if "discarded" not in p.parts)
    return out


def test_closing_the_terminal_ends_the_desk_journals_and_releases_the_lock(tmp_path):
    queue = tmp_path / "queue"
    proc, master = _open_case_and_type(queue, tmp_path, b"Lostterminal")
    try:
        started = time.monotonic()
        os.close(master)  # the tmux window is killed: the terminal hangs up, no SIGHUP reaches the desk
        master = None
        returncode = _wait_exit(proc, 8)
        elapsed = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if master is not None:
            os.close(master)
    assert returncode is not None, "the desk kept running without its terminal"
    assert elapsed < 5, f"took {elapsed:.1f} s to notice the terminal was gone"
    assert returncode == 128 + signal.SIGHUP  # treated as a hang-up, not a crash
    entries = _journals(queue / ".recovery")
    assert [e["who"] for e in entries] == ["lifer"] and _typed(entries, "Lostterminal") == ["Lostterminal"]
    assert not list((queue / ".locks").glob("*.lock"))


def test_sigterm_ends_the_desk_even_when_its_queue_directory_is_gone(tmp_path):
    queue = tmp_path / "queue"
    proc, master = _open_case_and_type(queue, tmp_path, b"Queuegone")
    try:
        shutil.rmtree(queue)
        time.sleep(0.5)
        started = time.monotonic()
        os.kill(proc.pid, signal.SIGTERM)
        returncode = _wait_exit(proc, 8)
        elapsed = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert returncode is not None, "SIGTERM was ignored"
    assert elapsed < 5, f"took {elapsed:.1f} s to end on SIGTERM"
    assert returncode == 128 + signal.SIGTERM
    assert not queue.exists(), "ending the desk must not re-create a queue someone removed"
    # The typed text went to the operator's own recovery folder instead.
    assert _typed(_journals(tmp_path / "data" / "replydesk" / "recovery"), "Queuegone") == ["Queuegone"]


def test_sigterm_ends_the_desk_after_its_terminal_and_its_queue_are_gone(tmp_path):
    """The reported case: window killed, queue directory removed, then `kill PID` (SIGTERM)."""
    queue = tmp_path / "queue"
    proc, master = _open_case_and_type(queue, tmp_path, b"Bothgone")
    try:
        shutil.rmtree(queue)
        os.close(master)
        master = None
        time.sleep(2.0)  # a few clock ticks repaint the screen into a terminal that is gone
        started = time.monotonic()
        if proc.poll() is None:  # the fixed desk has already ended on the hang-up
            os.kill(proc.pid, signal.SIGTERM)
        returncode = _wait_exit(proc, 8)
        elapsed = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if master is not None:
            os.close(master)
    assert returncode is not None, "SIGTERM was ignored"
    assert elapsed < 5, f"took {elapsed:.1f} s to end on SIGTERM"
    assert not queue.exists()
    assert _typed(_journals(tmp_path / "data" / "replydesk" / "recovery"), "Bothgone") == ["Bothgone"]
