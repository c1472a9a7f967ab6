"""Fault tests for the queue with real processes and real signals.

The desk's own tests simulate crashes in-process; here a separate Python
process saves through the real `QueueStore.save_draft` (atomic write) and
is SIGKILLed at random moments, two processes save the same case at once,
and a real `replydesk` desk under a pseudo-terminal receives SIGHUP.
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from replydesk.linting.loading import load_packs
from replydesk.tui.queue.cases import CaseFileError, checked_id
from replydesk.tui.queue.location import install_demo
from replydesk.tui.queue.locks import Locks, Operator
from replydesk.tui.queue.recovery import Journal
from replydesk.tui.queue.store import QueueStore

REPO = Path(__file__).resolve().parents[2]
PACKS = load_packs()
CASE_ID = "CP-1"

# Version i of the draft: a header naming i and its length, then a body only version i has.
# Big enough (~0.3-1 MB) that a write is not instantaneous, so kills land mid-write.
VERSION_CODE = textwrap.dedent(
    """
    def version(i, who="a"):
        body = ("%s%d 배송완료 订单 " % (who, i)) * (20000 + 7919 * (i % 5))
        return "v %s %d %d\\n%s" % (who, i, len(body), body)
    """
)
_ns: dict = {}
exec(VERSION_CODE, _ns)
version = _ns["version"]


def assert_complete_version(text: str, who: tuple[str, ...] = ("a",)) -> tuple[str, int]:
    """The text is exactly one whole version (never a prefix, never two writers' bytes mixed)."""
    head, _, _ = text.partition("\n")
    parts = head.split()
    assert len(parts) == 4 and parts[0] == "v" and parts[1] in who, f"not a version header: {head[:80]!r}"
    i = int(parts[2])
    assert text == version(i, parts[1]), f"version {parts[1]}{i} is truncated or interleaved ({len(text)} chars)"
    return parts[1], i


def case_file(case_id: str = CASE_ID) -> dict:
    return {
        "id": case_id,
        "platform": "coupang",
        "kind": "return-dispute",
        "subject": "Return dispute",
        "received_at": "2024-05-18T14:30:00+09:00",
    }


@pytest.fixture
def queue(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("REPLYDESK_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "queue"
    (root / "cases").mkdir(parents=True)
    (root / "drafts").mkdir()
    (root / "cases" / f"{CASE_ID}.json").write_text(json.dumps(case_file()), encoding="utf-8")
    return root


SAVER = VERSION_CODE + textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from replydesk.tui.queue.store import QueueStore

    store = QueueStore(Path(sys.argv[1]), index_path=False)
    who, first, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    texts = [version(i, who) for i in range(first, first + 5)]
    store.save_draft("CP-1", texts[0])
    print("READY", flush=True)
    n = 1
    while count < 0 or n < count:
        store.save_draft("CP-1", texts[n % 5])
        n += 1
    print("DONE", flush=True)
    """
)


def start_saver(queue: Path, who: str, first: int, count: int = -1) -> subprocess.Popen:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.Popen(
        [sys.executable, "-c", SAVER, str(queue), who, str(first), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(proc: subprocess.Popen, word: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if word in line:
            return
        if not line and proc.poll() is not None:
            break
    pytest.fail(f"saver never said {word}: {proc.stderr.read()}")


def test_a_save_killed_at_random_moments_leaves_the_old_or_the_new_draft_never_a_truncated_one(queue):
    rng = random.Random(20240520)
    draft = queue / "drafts" / f"{CASE_ID}.txt"
    seen_versions = set()
    for round_no in range(8):
        proc = start_saver(queue, "a", first=round_no * 5)
        wait_for(proc, "READY")
        time.sleep(rng.uniform(0.0, 0.12))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        text = draft.read_bytes().decode("utf-8")  # strict: a cut multi-byte character would fail here
        seen_versions.add(assert_complete_version(text))
        # Whatever the kill left behind is a hidden temp file: never a draft `replydesk lint drafts/` picks up.
        assert [p.name for p in draft.parent.iterdir() if not p.name.startswith(".")] == [draft.name]
    assert len(seen_versions) >= 2  # the kills did land at different moments


def test_two_processes_saving_the_same_case_never_interleave(queue):
    draft = queue / "drafts" / f"{CASE_ID}.txt"
    procs = [start_saver(queue, who, first=0, count=25) for who in ("a", "b")]
    reads = 0
    writers: set[str] = set()
    try:
        for proc in procs:
            wait_for(proc, "READY")
        while any(p.poll() is None for p in procs):
            writers.add(assert_complete_version(draft.read_bytes().decode("utf-8"), ("a", "b"))[0])
            reads += 1
    finally:
        for proc in procs:
            proc.wait(timeout=60)
    assert [p.returncode for p in procs] == [0, 0], [p.stderr.read() for p in procs]
    assert_complete_version(draft.read_text(encoding="utf-8"), ("a", "b"))
    assert reads >= 5
    assert [p.name for p in draft.parent.iterdir()] == [draft.name]  # no temp file left by a finished save


# --- SIGHUP to a real desk -----------------------------------------------------------------------

def _pty_desk(queue: Path, env: dict):
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "replydesk"), str(queue)],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True,
    )
    os.close(slave)
    return proc, master


def _read_until(master: int, marker: bytes, timeout: float) -> bool:
    import select

    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                return False
            if marker in seen:
                return True
    return False


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal and SIGHUP")
def test_sighup_to_a_real_desk_journals_the_unsaved_text_and_releases_the_lock(tmp_path):
    """A dropped SSH connection: the terminal hangs up on `replydesk` while text is unsaved."""
    queue = tmp_path / "queue"
    install_demo(queue)  # shifted to now, as a first run does
    drafts_before = {p.name: p.read_bytes() for p in (queue / "drafts").iterdir()}
    env = dict(
        os.environ,
        TERM="xterm-256color",
        REPLYDESK_OPERATOR="hupper",
        REPLYDESK_CACHE_DIR=str(tmp_path / "cache"),
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
        os.write(master, b"Hupsurvivor")
        assert _read_until(master, b"Hupsurvivor", 30), "the typed text never reached the editor"
        assert list((queue / ".locks").glob("*.lock")), "the open case holds a lock"
        os.kill(proc.pid, signal.SIGHUP)
        returncode = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert returncode == 128 + signal.SIGHUP  # the desk's own handler ran, not the default death
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in (queue / ".recovery").glob("*.json")]
    # The fifth row's draft (rows sorted by deadline change order with the time of day in KST)
    # may be empty or not: the journal holds it with the typed word at the start.
    assert [(e["who"], e["text"]) for e in entries] == [
        ("hupper", "Hupsurvivor" + drafts_before[f"{e['case']}.txt"].decode("utf-8")) for e in entries
    ] and len(entries) == 1
    assert not list((queue / ".locks").glob("*.lock"))  # released on the way out
    assert {p.name: p.read_bytes() for p in (queue / "drafts").iterdir()} == drafts_before  # nothing saved over


# --- broken case files ---------------------------------------------------------------------------

BROKEN_CASES = {
    "truncated": (lambda good: good[: len(good) // 2], "invalid JSON"),
    "not-json": (lambda good: "id: CP-X\nplatform: coupang\n", "invalid JSON"),
    "empty": (lambda good: "", "invalid JSON"),
    "array": (lambda good: "[" + good + "]", "one JSON object"),
    "wrong-type-subject": (lambda good: good.replace('"Return dispute"', "42"), "subject must be a non-empty string"),
    "wrong-type-received": (lambda good: good.replace('"2024-05-18T14:30:00+09:00"', "20240518"), "received_at"),
    "wrong-type-status": (lambda good: good.replace('"kind"', '"status": ["new"],\n  "kind"'), "status must be one of"),
    "wrong-type-priority": (lambda good: good.replace('"kind"', '"priority": 1,\n  "kind"'), "priority must be one of"),
    "wrong-type-id": (lambda good: re.sub(r'"id": ("[^"]*")', r'"id": [\1]', good), "id must be"),
    "missing-platform": (lambda good: good.replace('"platform": "coupang",', ""), "missing required key 'platform'"),
    "latin1": (lambda good: good.replace("Return dispute", "R\udce9turn"), "not UTF-8"),
}


def test_broken_case_files_are_reported_with_file_and_line_and_the_rest_of_the_queue_opens(tmp_path):
    root = tmp_path / "q"
    (root / "cases").mkdir(parents=True)
    good_ids = [f"CP-GOOD-{i}" for i in range(3)]
    for case_id in good_ids:
        (root / "cases" / f"{case_id}.json").write_text(json.dumps(case_file(case_id), indent=2), encoding="utf-8")
    for n, (name, (breakage, _message)) in enumerate(BROKEN_CASES.items()):
        case_id = f"CP-BAD-{n}"
        good = json.dumps(case_file(case_id), indent=2)
        (root / "cases" / f"{case_id}.json").write_bytes(breakage(good).encode("utf-8", "surrogateescape"))
    report = QueueStore(root, index_path=False).load()
    assert sorted(c.id for c in report.cases) == good_ids
    by_file = {Path(e.path).name: e for e in report.errors}
    assert len(by_file) == len(BROKEN_CASES)
    for n, (name, (_breakage, message)) in enumerate(BROKEN_CASES.items()):
        error = by_file[f"CP-BAD-{n}.json"]
        assert message in error.message, (name, str(error))
        assert str(error).startswith(f"{root / 'cases' / f'CP-BAD-{n}.json'}:"), (name, str(error))
        if name not in ("array", "missing-platform"):  # whole-file problems have no single line
            assert error.line and error.line >= 1, (name, str(error))


def test_a_case_file_named_like_a_path_is_skipped_not_followed(tmp_path):
    root = tmp_path / "q"
    (root / "cases").mkdir(parents=True)
    (root / "cases" / "evil .json").write_text(json.dumps(case_file("evil ")), encoding="utf-8")
    (root / "cases" / "x.json").write_text(json.dumps(case_file("../x")), encoding="utf-8")
    (root / "cases" / f"{CASE_ID}.json").write_text(json.dumps(case_file()), encoding="utf-8")
    report = QueueStore(root, index_path=False).load()
    assert [c.id for c in report.cases] == [CASE_ID]
    assert sorted("id must be" in e.message for e in report.errors) == [True, True]


# --- ids that would escape the queue ---------------------------------------------------------------

ESCAPING_IDS = ["../x", "../../etc/passwd", "/etc/passwd", "a\x00b", "..", ".", "", "a/b", "a\\b", "x" * 81, "C1\n", " C1"]


@pytest.mark.parametrize("bad", ESCAPING_IDS, ids=repr)
def test_store_locks_and_journal_refuse_ids_that_would_escape_the_queue(tmp_path, bad):
    root = tmp_path / "q"
    root.mkdir()
    store = QueueStore(root, packs=PACKS, index_path=False)
    op = Operator("alice", "h", os.getpid(), "a")
    locks, journal = Locks(store.locks_dir, op), Journal(store.recovery_dir, op)
    actions = [
        lambda: store.case_path(bad),
        lambda: store.draft_path(bad),
        lambda: store.save_draft(bad, "text"),
        lambda: store.read_draft(bad),
        lambda: store.write_case(case_file(bad)),
        lambda: locks.acquire(bad),
        lambda: locks.path(bad),
        lambda: journal.write(bad, "text", ""),
        lambda: journal.read(bad),
    ]
    for action in actions:
        with pytest.raises(CaseFileError, match="id"):
            action()
    leftovers = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert leftovers == []  # nothing written anywhere, inside or outside the queue


def test_ordinary_ids_are_accepted_unchanged():
    for good in ("CP-240520-0001", "a", "A.b_c-9", "x" * 80):
        assert checked_id(good) == good


def test_import_refuses_escaping_ids_and_records_without_id_with_file_and_line(tmp_path, capsys, monkeypatch):
    from replydesk.tui.queue.importer import main as import_main

    monkeypatch.setenv("REPLYDESK_CACHE_DIR", str(tmp_path / "cache"))
    queue = tmp_path / "q"
    base = {k: v for k, v in case_file().items() if k != "id"}
    records = [dict(base, id=bad) for bad in ("../evil", "/etc/passwd", "a\x00b", "..", "x" * 81, ["CP-1"])]
    records.append(base)  # a case record without an id
    records.append(dict(base, id="CP-OK"))
    source = tmp_path / "notices.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    code = import_main([str(source), "--queue", str(queue)])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert [line.split(": ", 1)[0] for line in err] == [f"{source}:{n}" for n in range(1, 8)]
    assert all("id must be" in line for line in err[:6]), err
    assert "missing required key 'id'" in err[6]
    assert sorted(p.name for p in (queue / "cases").iterdir()) == ["CP-OK.json"]
    outside = sorted(
        p.name for p in tmp_path.rglob("*") if p.is_file() and queue not in p.parents and tmp_path / "cache" not in p.parents
    )
    assert outside == ["notices.jsonl"]


def test_a_lock_is_readable_by_other_operators_accounts(tmp_path):
    """A 0600 lock cannot be read by a second operator's desk, which then takes it for a dead one's."""
    queue = tmp_path / "q"
    queue.mkdir()
    os.chmod(queue, 0o755)
    old = os.umask(0o022)
    try:
        Locks(queue / ".locks", Operator("alice", "h", os.getpid(), "a")).acquire("C1")
    finally:
        os.umask(old)
    assert (queue / ".locks" / "C1.lock").stat().st_mode & 0o044 == 0o044


def test_a_new_draft_is_readable_by_other_operators_accounts(queue):
    old = os.umask(0o022)
    try:
        QueueStore(queue, index_path=False).save_draft(CASE_ID, "text")
    finally:
        os.umask(old)
    assert (queue / "drafts" / f"{CASE_ID}.txt").stat().st_mode & 0o777 == 0o644
