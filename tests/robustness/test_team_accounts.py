"""Two real OS accounts in one group, umask 022, one setgid group-writable queue.

Run as root, the test creates the group and the two users (and removes them
after); otherwise it is skipped. Each operator's work runs in a forked child
that has dropped to that user's uid and gid (setgroups/setgid/setuid), so
every open, rename and unlink is checked by the kernel exactly as for an
operator logged in over SSH. (Forked, not exec'ed: the interpreter of this
checkout may live where the test accounts cannot reach, such as /root.)

What used to happen, as reported: the second operator's desk ended with a
PermissionError on `.locks/.<id>.<tmp>` when it opened a case, and again
when it discarded recovered text (`.recovery/discarded/`).
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import traceback
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from replydesk.tui.queue.cases import KST
from replydesk.tui.queue.locks import Locks, Operator
from replydesk.tui.queue.recovery import Journal
from replydesk.tui.queue.store import QueueStore

pytestmark = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="needs root and useradd to create the two operator accounts",
)

CASE = {"id": "CP-1", "platform": "coupang", "kind": "return-dispute", "subject": "s",
        "received_at": "2024-05-18T14:30:00+09:00", "order_ids": ["22000009546234"]}


@pytest.fixture
def team(tmp_path):
    """(queue, (uid_a, gid), (uid_b, gid)): two fresh accounts in a fresh group, and their queue."""
    tag = uuid.uuid4().hex[:6]
    group, users = f"rdteam{tag}", (f"rdopa{tag}", f"rdopb{tag}")
    subprocess.run(["groupadd", group], check=True, capture_output=True)
    made: list[str] = []
    try:
        for user in users:
            subprocess.run(["useradd", "-M", "-N", "-g", group, "-s", "/usr/sbin/nologin", user], check=True, capture_output=True)
            made.append(user)
        import grp
        import pwd

        gid = grp.getgrnam(group).gr_gid
        ids = [(pwd.getpwnam(u).pw_uid, gid) for u in users]
        base = Path(tempfile.mkdtemp(prefix="rdteam-", dir="/tmp"))
        os.chmod(base, 0o711)  # reachable, not listable
        queue = base / "queue"
        for folder in (queue, queue / "cases", queue / "drafts"):
            folder.mkdir()
            os.chown(folder, 0, gid)
            os.chmod(folder, 0o2770)
        case_file = queue / "cases" / "CP-1.json"
        case_file.write_text(json.dumps(CASE), encoding="utf-8")
        os.chown(case_file, 0, gid)
        os.chmod(case_file, 0o660)
        yield queue, ids[0], ids[1]
        shutil.rmtree(base, ignore_errors=True)
    finally:
        for user in made:
            subprocess.run(["userdel", user], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)


def as_operator(account: tuple[int, int], work) -> str:
    """Run `work()` as that account with umask 022 in a forked child; '' or the child's traceback."""
    uid, gid = account
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: become the operator, do the work, report
        os.close(read_end)
        code = 0
        try:
            os.setgroups([gid])
            os.setgid(gid)
            os.setuid(uid)
            os.umask(0o022)
            work()
        except BaseException:
            os.write(write_end, traceback.format_exc().encode("utf-8", "replace"))
            code = 1
        os._exit(code)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    report = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0 or report, "the operator's process died without a report"
    return report


DESK_PID = os.getpid()  # a live process: each operator's desk is still open while the other works


def _operator(name: str, token: str) -> Operator:
    return Operator(name, "deskhost", DESK_PID, token)


def _scenario(queue: Path):
    """The four steps of two operators' day on one case, each opening the queue itself."""
    store_for = lambda: QueueStore(queue, index_path=False)  # noqa: E731

    def alice_opens_types_and_leaves():
        store = store_for()
        assert store.load().cases, "alice cannot read the cases"
        locks = Locks(store.locks_dir, _operator("alice", "ta"))
        assert locks.acquire("CP-1").acquired
        Journal(store.recovery_dir, _operator("alice", "ta")).write("CP-1", "alice's unsaved text", "")
        store.save_draft("CP-1", "alice's draft", expected=None)
        store.set_status("CP-1", "drafting", "alice", datetime.now(KST))
        # alice's desk stays open (her lock is live); her unsaved text is in the journal

    def bob_sees_her_lock_then_discards_her_journal():
        store = store_for()
        locks = Locks(store.locks_dir, _operator("bob", "tb"))
        held = locks.acquire("CP-1")
        assert not held.acquired and held.holder is not None and held.holder.who == "alice"
        journal = Journal(store.recovery_dir, _operator("bob", "tb"))
        recovered = journal.read("CP-1")
        assert recovered is not None and recovered.text == "alice's unsaved text"
        assert journal.discard("CP-1") is not None

    def alice_releases():
        store = store_for()
        assert Locks(store.locks_dir, _operator("alice", "ta")).release("CP-1")

    def bob_takes_the_case_saves_and_marks_it_ready():
        store = store_for()
        locks = Locks(store.locks_dir, _operator("bob", "tb"))
        assert locks.acquire("CP-1").acquired
        text, stamp = store.read_draft_stamped("CP-1")
        assert text == "alice's draft"
        store.save_draft("CP-1", text + "\nbob's line", expected=stamp)
        Journal(store.recovery_dir, _operator("bob", "tb")).write("CP-1", "bob typing", text)
        store.set_status("CP-1", "ready", "bob", datetime.now(KST))
        store.assign("CP-1", "alice", "bob", datetime.now(KST))
        sent = store.mark_sent("CP-1", text + "\nbob's line", "bob", datetime.now(KST))
        assert sent.status == "sent" and sent.assignee == "alice" and not store.draft_exists("CP-1")
        assert locks.release("CP-1")

    return (alice_opens_types_and_leaves, bob_sees_her_lock_then_discards_her_journal,
            alice_releases, bob_takes_the_case_saves_and_marks_it_ready)


def test_two_operators_share_one_queue_with_umask_022(team, tmp_path):
    queue, alice, bob = team
    # A rehearsal as root on a copy imports every module the steps need: a child that has become an
    # operator may not be able to read this interpreter's standard library to import it lazily.
    rehearsal = tmp_path / "rehearsal"
    shutil.copytree(queue, rehearsal)
    for step in _scenario(rehearsal):
        step()
    for who, step in zip((alice, bob, alice, bob), _scenario(queue)):
        report = as_operator(who, step)
        assert report == "", report

    case = json.loads((queue / "cases" / "CP-1.json").read_text(encoding="utf-8"))
    assert case["status"] == "sent" and case["assignee"] == "alice"
    # Both operators' records, in order, and the sent text frozen in the history; the draft is cleared.
    records = [(m.get("event"), m["who"]) for m in case["history"]]
    assert records == [("status", "alice"), ("status", "bob"), ("assigned", "bob"), (None, "seller"), ("status", "bob")]
    assert case["history"][3]["text"] == "alice's draft\nbob's line" and case["history"][3]["sent_by"] == "bob"
    assert not (queue / "drafts" / "CP-1.txt").exists()
    assert (queue / ".locks" / ".case-writes").exists()  # the writers' flock file, shared like the rest
    gid = alice[1]
    for path in [queue, *queue.rglob("*")]:
        st = os.lstat(path)
        mode = stat.S_IMODE(st.st_mode)
        assert st.st_gid == gid, f"{path}: group {st.st_gid}, not the queue's"
        assert mode & 0o007 == 0, f"{path}: {oct(mode)} lets others in"
        if stat.S_ISDIR(st.st_mode):
            assert mode & 0o070 == 0o070 and st.st_mode & stat.S_ISGID, f"{path}: {oct(mode)} is not the group's"
        else:
            assert mode & 0o060 == 0o060, f"{path}: {oct(mode)} is not group read/write"
