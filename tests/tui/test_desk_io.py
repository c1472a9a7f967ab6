"""The desk against its file system: planted files, a full disk, someone else's newer draft.

Pilot runs the real app in-process on a copy of the demo queue; the disk
faults are injected at the write boundary (runs everywhere) and, when the
tests run as root, produced for real on a 64 KB tmpfs.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest


from .conftest import open_case, settle, type_text, wait_for

RETURN_DISPUTE = "CP-240518-0003"  # has a saved draft
EMPTY_CANCEL = "CP-240520-0002"  # empty draft






def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def unblock_fifo_readers(fifo: Path, after: float) -> None:
    """After `after` s, give any reader stuck on the FIFO an EOF, so a frozen desk fails the test, not the run."""

    def run():
        time.sleep(after)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # ENXIO: nobody is reading (any more)
                pass
            time.sleep(0.05)

    threading.Thread(target=run, daemon=True).start()


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def fallback_entries(data_home: Path) -> list[Path]:
    root = data_home / "replydesk" / "recovery"
    return sorted(p for p in root.rglob("*.json") if "discarded" not in p.parts) if root.is_dir() else []


# --- planted files ------------------------------------------------------------------------------


async def test_a_symlinked_draft_is_not_opened_and_nothing_of_its_target_is_journaled(make_app, queue_dir, tmp_path, data_home):
    secret = tmp_path / "id_rsa"
    secret.write_bytes(b"-----BEGIN OPENSSH PRIVATE KEY-----\nsecretsecret\n")
    draft = queue_dir / "drafts" / f"{RETURN_DISPUTE}.txt"
    draft.unlink()
    draft.symlink_to(secret)
    app = make_app(autosave_interval=0.05)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        await pilot.pause(0.2)
        assert type(screen).__name__ == "QueueScreen"  # refused: not opened
        assert any(str(draft) in m and "symbolic link" in m for m in messages(app)), messages(app)
        assert not any("secretsecret" in m for m in messages(app))
    journaled = [p.read_bytes() for p in queue_dir.rglob("*.json") if ".recovery" in p.parts]
    assert not any(b"secretsecret" in data for data in journaled)
    assert not (queue_dir / ".locks" / f"{RETURN_DISPUTE}.lock").exists()


async def test_a_fifo_draft_does_not_freeze_the_desk(make_app, queue_dir):
    draft = queue_dir / "drafts" / f"{RETURN_DISPUTE}.txt"
    draft.unlink()
    os.mkfifo(draft)
    unblock_fifo_readers(draft, after=6)
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        started = time.monotonic()
        await open_case(pilot, RETURN_DISPUTE)
        assert time.monotonic() - started < 5, "opening the case blocked on the FIFO"
        assert any(str(draft) in m and "FIFO" in m for m in messages(app)), messages(app)
        await open_case(pilot, EMPTY_CANCEL)  # the desk still answers
        assert pilot.app.screen.case.id == EMPTY_CANCEL


# --- disk full, injected (everywhere) -------------------------------------------------------------


@pytest.fixture
def full_queue(monkeypatch, queue_dir):
    """Every write into the queue fails with ENOSPC (or `state["errno"]`); writes elsewhere work.

    `state["elsewhere"] = True` makes those fail too (one disk for everything).
    """
    import replydesk.linting.atomicfile as atomicfile

    real = atomicfile.atomic_write_bytes
    state = {"on": False, "elsewhere": False, "failed": [], "errno": errno.ENOSPC}

    def failing(path, data, **kwargs):
        path = Path(path)
        inside = queue_dir in path.parents
        if state["on"] and (inside or state["elsewhere"]):
            state["failed"].append(path)
            raise OSError(state["errno"], os.strerror(state["errno"]), str(path))
        return real(path, data, **kwargs)

    monkeypatch.setattr(atomicfile, "atomic_write_bytes", failing)
    return state


@pytest.mark.parametrize("code", ["ENOSPC", "EDQUOT", "EROFS"])
async def test_a_save_on_a_full_disk_keeps_the_text_the_old_draft_and_journals_privately(
    make_app, queue_dir, data_home, full_queue, code
):
    full_queue["errno"] = getattr(errno, code)
    draft = queue_dir / "drafts" / f"{RETURN_DISPUTE}.txt"
    before = draft.read_bytes()
    app = make_app(autosave_interval=0.05)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        full_queue["on"] = True
        await type_text(pilot, " Disk full words")
        typed = screen.editor.text
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)  # several autosave ticks, all failing in the queue
        assert app.is_running and app.screen is screen
        assert screen.editor.text == typed and screen.is_dirty()
        notes = messages(app)
        said = f"{os.strerror(getattr(errno, code))} ({code})"
        assert any("Save failed" in m and str(draft) in m and said in m for m in notes), notes
        [entry] = fallback_entries(data_home)
        assert json.loads(entry.read_text(encoding="utf-8"))["text"] == typed
        assert str(entry) in " ".join(notes)
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
        assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(entry.parent.parent.stat().st_mode) == 0o700
        # One disk for everything: the timer keeps failing and never raises; the text stays.
        full_queue["elsewhere"] = True
        await type_text(pilot, " more")
        await pilot.pause(0.3)
        assert app.is_running and "Disk full words more" in screen.editor.text
        assert any("Autosave failed" in m for m in messages(app))
        assert len([m for m in messages(app) if "Autosave failed" in m]) == 1  # told once, not every 5 s
        full_queue["on"] = False
        await pilot.press("escape")  # leave without saving: the journal works again
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
    assert draft.read_bytes() == before
    assert not list(draft.parent.glob(".*.tmp"))


async def test_recovered_text_from_the_private_folder_is_offered_on_the_next_start(
    make_app, queue_dir, data_home, full_queue, alice
):
    from replydesk.tui.screens.dialogs import ChoiceDialog

    app = make_app(autosave_interval=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, EMPTY_CANCEL)
        full_queue["on"] = True
        await type_text(pilot, "Typed on a full disk")
        await pilot.pause(0.3)
        assert app.is_running
        app.emergency_save()  # what SIGHUP runs; the lock is released too
    assert not (queue_dir / ".recovery" / f"{EMPTY_CANCEL}.json").exists()
    assert len(fallback_entries(data_home)) == 1
    full_queue["on"] = False
    app = make_app(operator=alice)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_case(pilot, EMPTY_CANCEL)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("r")
        await settle(pilot)
        assert pilot.app.screen.editor.text == "Typed on a full disk"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (queue_dir / "drafts" / f"{EMPTY_CANCEL}.txt").read_text(encoding="utf-8") == "Typed on a full disk"
    assert fallback_entries(data_home) == []  # saved: the private journal is cleared too


async def test_quitting_while_no_journal_can_be_written_does_not_lose_the_text(make_app, queue_dir, data_home, full_queue):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, EMPTY_CANCEL)
        await type_text(pilot, "Nowhere to go")
        full_queue.update(on=True, elsewhere=True)
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("k")  # "quit, keep for later": nothing can keep it
        await settle(pilot)
        assert app.is_running and screen.editor.text == "Nowhere to go"
        assert any("could not be kept anywhere" in m for m in messages(app))
        assert (queue_dir / ".locks" / f"{EMPTY_CANCEL}.lock").exists()  # still this desk's case


# --- disk full, for real (root: a 64 KB tmpfs) ------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mountpoint)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mountpoint
    finally:
        if subprocess.run(["umount", str(mountpoint)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        try:  # the last partial page
            while handle.write(b"\0"):
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


async def test_on_a_really_full_disk_the_desk_keeps_running_and_the_text_survives(tiny_disk, data_home, clock, alice):
    from replydesk.tui.app import ReplydeskApp
    from replydesk.tui.queue.store import QueueStore

    from .fakes import stub_linter_factory

    queue = tiny_disk / "queue"
    (queue / "cases").mkdir(parents=True)
    (queue / "drafts").mkdir()
    case = {
        "id": "CP-FULL-1",
        "platform": "coupang",
        "kind": "return-dispute",
        "subject": "Return dispute",
        "received_at": "2024-05-18T14:30:00+09:00",
    }
    (queue / "cases" / "CP-FULL-1.json").write_text(json.dumps(case), encoding="utf-8")
    draft = queue / "drafts" / "CP-FULL-1.txt"
    draft.write_text("The old draft, which must survive.\n", encoding="utf-8")
    before = draft.read_bytes()
    app = ReplydeskApp(
        QueueStore(queue), clock=clock, operator=alice, linter_factory=stub_linter_factory,
        autosave_interval=0.05, cursor_blink=False, lint_delay=0.01,
    )
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.case.id == "CP-FULL-1" and not screen.read_only
        fill(tiny_disk)
        await type_text(pilot, " New words on a full disk")
        typed = screen.editor.text
        await pilot.press("ctrl+s")
        await pilot.pause(0.4)  # autosave ticks against the full disk
        assert app.is_running and pilot.app.screen is screen
        assert screen.editor.text == typed
        assert any("ENOSPC" in m and str(draft) in m for m in messages(app)), messages(app)
        [entry] = fallback_entries(data_home)
        assert json.loads(entry.read_text(encoding="utf-8"))["text"] == typed
        app.emergency_save()
    assert draft.read_bytes() == before
    assert not [p.name for p in draft.parent.iterdir() if p.name.endswith(".tmp")]


# --- a shared queue whose permissions change under the desk ----------------------------------------


@pytest.mark.parametrize("step", ["lock", "release", "reload"])
async def test_an_oserror_on_lock_release_or_reload_is_a_message_not_the_end_of_the_desk(make_app, queue_dir, monkeypatch, step):
    """Another operator's umask or a chmod on the queue: EACCES where the desk locks, unlocks or re-reads.

    The error is injected at that call (root, which runs the tests, is never refused); the desk
    must say which file and keep running, with the editor's text intact.
    """
    from replydesk.tui.queue.locks import Locks
    from replydesk.tui.queue.store import QueueStore

    def refused(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(queue_dir / ".locks"))

    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        if step == "lock":
            monkeypatch.setattr(Locks, "acquire", refused)
            await open_case(pilot, RETURN_DISPUTE)
            assert pilot.app.screen.__class__.__name__ == "QueueScreen"
            assert any("Cannot open" in m and "Permission denied" in m for m in messages(app)), messages(app)
        elif step == "release":
            await open_case(pilot, RETURN_DISPUTE)
            monkeypatch.setattr(Locks, "release", refused)
            await pilot.press("escape", "escape")
            await settle(pilot)
            assert any("Could not remove your lock" in m for m in messages(app)), messages(app)
        else:
            monkeypatch.setattr(QueueStore, "load", refused)
            await pilot.press("R")
            await settle(pilot)
            assert any("Could not re-read" in m for m in messages(app)), messages(app)
        assert app.is_running
        if step != "lock":
            assert (await open_case(pilot, EMPTY_CANCEL)).case.id == EMPTY_CANCEL  # the desk still answers
