"""`replydesk doctor QUEUE`: each way a shared queue fails its team is named, with the command that fixes it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from replydesk.tui.queue.doctor import check_queue
from replydesk.tui.queue.locks import Operator


@pytest.fixture
def team_queue(tmp_path):
    queue = tmp_path / "team"
    for folder in (queue, queue / "cases", queue / "drafts", queue / ".locks", queue / ".recovery"):
        folder.mkdir()
        os.chmod(folder, 0o2770)
    case = queue / "cases" / "CP-1.json"
    case.write_text(json.dumps({"id": "CP-1"}), encoding="utf-8")
    os.chmod(case, 0o660)
    return queue


def fixes(queue, **kw) -> dict[str, str]:
    _fine, problems = check_queue(queue, **kw)
    return {f"{p.path.relative_to(queue) if p.path != queue else '.'}: {p.what}": p.fix for p in problems}


def test_a_ready_team_queue_has_nothing_to_fix(team_queue):
    fine, problems = check_queue(team_queue)
    assert problems == [] and any("setgid, group-writable" in line for line in fine)


def test_each_problem_is_named_with_its_fix(team_queue):
    os.chmod(team_queue, 0o755)  # not setgid, not group-writable, open to others
    draft = team_queue / "drafts" / "CP-1.txt"
    draft.write_text("x", encoding="utf-8")
    os.chmod(draft, 0o644)  # written with umask 022 before the fix
    journal = team_queue / ".recovery" / "CP-1.json"
    journal.write_text("{}", encoding="utf-8")
    os.chmod(journal, 0o664)  # draft text readable by others
    os.chmod(team_queue / ".locks", 0o700)
    stale = team_queue / ".locks" / "CP-1.lock"
    stale.write_text(json.dumps({"case": "CP-1", "who": "op1", "host": "deskhost", "pid": 999_999_999, "token": "t"}), encoding="utf-8")
    os.chmod(stale, 0o660)
    future = time.time() + 3600
    os.utime(team_queue / "cases" / "CP-1.json", (future, future))

    found = fixes(team_queue, operator=Operator("doc", "deskhost", os.getpid(), "d"))
    text = "\n".join(f"{k} -> {v}" for k, v in found.items())
    assert f"chmod g+rwx {team_queue}" in text and f"chmod g+s {team_queue}" in text and f"chmod o-rwx {team_queue}" in text
    assert f"drafts/CP-1.txt: 0o644: the group cannot read and write it -> chmod g+rw {draft}" in text
    assert f".recovery/CP-1.json: 0o664: recovered draft text readable by others -> chmod o-rwx {journal}" in text
    assert f".locks: 0o700: the group cannot work in it -> chmod 2770 {team_queue / '.locks'}" in text
    assert "stale: op1@deskhost" in text and f"rm {stale}" in text
    assert "in the future of this host's clock" in text


def test_the_command_exits_1_with_problems_0_without_and_2_without_a_queue(team_queue, tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "replydesk.tui.entry", "doctor", *a], capture_output=True, text=True, timeout=60)  # noqa: E731
    ok = run(str(team_queue))
    assert ok.returncode == 0 and "the queue is ready for a team" in ok.stdout, ok.stdout + ok.stderr
    os.chmod(team_queue, 0o770)
    bad = run(str(team_queue))
    assert bad.returncode == 1 and f"→ chmod g+s {team_queue}" in bad.stdout and "1 thing(s) to fix" in bad.stdout
    missing = run(str(tmp_path / "nope"))
    assert missing.returncode == 2 and "No such file or directory" in missing.stderr and "Traceback" not in missing.stderr


def test_temp_files_a_killed_writer_left_are_named_once_they_are_old(team_queue):
    fresh = team_queue / "cases" / ".CP-2.json.a1b2c3.tmp"
    old = team_queue / "cases" / ".CP-3.json.d4e5f6.tmp"
    for path in (fresh, old):
        path.write_text("{", encoding="utf-8")
        os.chmod(path, 0o660)
    stamp = time.time() - 3600
    os.utime(old, (stamp, stamp))
    found = fixes(team_queue)
    leftovers = {k: v for k, v in found.items() if "killed mid-write" in k}
    assert list(leftovers) == ["cases/.CP-3.json.d4e5f6.tmp: a temp file a writer left when it was killed mid-write (60 min ago); nothing reads it"]
    assert leftovers[next(iter(leftovers))] == f"rm {old}"  # a write in progress (fresh) is left alone


def test_dead_letters_are_counted_with_the_newest_reason_and_how_to_replay_it(team_queue):
    folder = team_queue / "dead-letter"
    folder.mkdir()
    os.chmod(folder, 0o2770)
    for name, reason in (("20261201T010000-tiktok-aaaa.json", "data.return_id is missing"),
                         ("20261201T020000-relay-bbbb.json", "invalid JSON: Expecting value")):
        letter = folder / name
        letter.write_text(json.dumps({"received_at": "x", "endpoint": "relay", "reason": reason, "body": "{"}), encoding="utf-8")
        os.chmod(letter, 0o660)
    found = fixes(team_queue)
    (what,) = [k for k in found if k.startswith("dead-letter")]
    assert what == "dead-letter: 2 deliveries that replydesk receive rejected wait here (newest: 20261201T020000-relay-bbbb.json: invalid JSON: Expecting value)"
    assert found[what].startswith("fix the sender or sources.toml, then: replydesk import --queue")


def test_a_fifo_planted_as_the_newest_dead_letter_does_not_hang_doctor(team_queue):
    folder = team_queue / "dead-letter"
    folder.mkdir()
    os.chmod(folder, 0o2770)
    os.mkfifo(folder / "99991231T235959-relay-ffff.json")
    found = fixes(team_queue)  # would block forever on open() of the FIFO
    (what,) = [k for k in found if k.startswith("dead-letter: ")]
    assert "99991231T235959-relay-ffff.json: unreadable:" in what and "not a regular file" in what
    assert any("not a regular file or folder" in k for k in found)  # and the plant itself is named
