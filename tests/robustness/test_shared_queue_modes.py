"""A team's queue (setgid, group-writable): what one desk creates, every other desk of the group can use.

Whatever the operator's umask (022 and 077 both, as reported: with 077
`.locks` became 0700 and every other desk crashed; a 0600 lock read as a
dead desk's and was taken over), each file and folder the desk creates in
the queue gets the queue directory's mode; journals (draft text) never
reach others. Real files, real modes; the two-account test is in
test_team_accounts.py.
"""
from __future__ import annotations

import json
import os
import stat

import pytest

from replydesk.tui.queue.locks import Locks, Operator
from replydesk.tui.queue.recovery import Journal
from replydesk.tui.queue.sharing import QueueModes
from replydesk.tui.queue.store import QueueStore

CASE = {"id": "CP-1", "platform": "coupang", "kind": "return-dispute", "subject": "s", "received_at": "2024-05-18T14:30:00+09:00"}


@pytest.fixture
def team_queue(tmp_path):
    queue = tmp_path / "team"
    (queue / "cases").mkdir(parents=True)
    (queue / "drafts").mkdir()
    (queue / "cases" / "CP-1.json").write_text(json.dumps(CASE), encoding="utf-8")
    for folder in (queue, queue / "cases", queue / "drafts"):
        os.chmod(folder, 0o2770)
    return queue


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_everything_the_desk_creates_takes_the_queue_mode_whatever_the_umask(team_queue, umask):
    old = os.umask(umask)
    try:
        store = QueueStore(team_queue, index_path=False)
        store.save_draft("CP-1", "draft text")
        store.save_draft_copy("CP-1", "mine", "op1", __import__("datetime").datetime(2024, 5, 18, 15, 0))
        locks = Locks(store.locks_dir, Operator("op1", "h", os.getpid(), "t1"))
        assert locks.acquire("CP-1").acquired
        journal = Journal(store.recovery_dir, Operator("op1", "h", os.getpid(), "t1"))
        journal.write("CP-1", "unsaved text", "draft text")
        journal.discard("CP-1")
    finally:
        os.umask(old)
    assert _mode(team_queue / ".locks") == 0o2770
    assert _mode(team_queue / ".locks" / "CP-1.lock") == 0o660
    assert _mode(team_queue / "drafts" / "CP-1.txt") == 0o660
    copies = [p for p in (team_queue / "drafts").iterdir() if p.name.startswith("CP-1.op1.")]
    assert copies and _mode(copies[0]) == 0o660
    assert _mode(team_queue / ".recovery") == 0o2770  # the group's; others have no way in
    discarded = team_queue / ".recovery" / "discarded"
    assert _mode(discarded) == 0o2770
    kept = list(discarded.iterdir())
    assert kept and _mode(kept[0]) == 0o660 and not _mode(kept[0]) & 0o007


def test_a_personal_queue_keeps_its_owner_only_modes(tmp_path):
    queue = tmp_path / "mine"
    queue.mkdir()
    os.chmod(queue, 0o700)
    modes = QueueModes.of(queue)
    assert (modes.file, modes.folder, modes.private_file) == (0o600, 0o700, 0o600)
    os.chmod(queue, 0o755)
    assert QueueModes.of(queue).file == 0o644 and QueueModes.of(queue).private_file == 0o640


def test_a_lock_that_cannot_be_read_is_never_stale(team_queue, monkeypatch):
    """Taken for a dead desk's after 10 s, an unreadable lock was taken over and both desks saved over each other.

    The lock is an hour old and names a pid that is gone on this host; only
    its being unreadable (EACCES, as for another account's 0600 file) is
    simulated, because root, which runs CI, reads every file.
    """
    from replydesk.tui.queue import locks as locks_module

    locks = Locks(team_queue / ".locks", Operator("op2", "h", os.getpid(), "t2"))
    (team_queue / ".locks").mkdir()
    lock = team_queue / ".locks" / "CP-1.lock"
    lock.write_text(json.dumps({"case": "CP-1", "who": "op1", "host": "h", "pid": 999999, "token": "t1"}), encoding="utf-8")
    old = os.stat(lock).st_mtime - 3600
    os.utime(lock, (old, old))
    assert locks.is_stale(locks.read("CP-1"))  # readable: provably a dead desk's, so it may be taken over

    def unreadable(path, **_kw):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(locks_module, "read_regular", unreadable)
    info = locks.read("CP-1")
    assert info is not None and not locks.is_stale(info)
    outcome = locks.acquire("CP-1")
    assert not outcome.acquired and outcome.took_over is None
    assert lock.exists()
