"""Control characters in case text never reach the operator's terminal raw (issue 11).

A buyer writes the subject, the messages and the attachment names of a
case (through `import`); whoever can write the queue writes drafts and
lock files. Here a real `replydesk` desk runs under a pseudo-terminal on
a queue whose one case carries terminal escapes in every such place, and
the test reads the BYTES the desk writes: the clipboard write (OSC 52),
the hidden link (OSC 8), the title change (OSC 0), a cursor move (CSI),
the 8-bit CSI (C1 `\\x9b`), BEL, backspace and CR must each appear only in
their visible form (`␛`, `␇`, `␈`, `␍`, `\\x9b`), never as the control.
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

CASE_ID = "CP-ESC-0001"

# Each payload carries its own marker, so a failure says which place leaked.
PAYLOADS = {
    "subject": "\x1b]52;c;U1VCSkVDVA==\x07subj-osc52",
    "history": "\x1b]8;;http://evil.example/\x1b\\hist-osc8\x1b]8;;\x1b\\ \x9b2Jhist-c1",
    "history-who": "\x1b]0;who-title\x07",
    "attachment": "\x1b]0;att-title\x07.jpg\rcr-att\x08bs-att",
    "order": "\x1b[1;1Hord-csi",
    "draft": "\x1b]52;c;RFJBRlQ=\x07draft-osc52 \x9b2Jdraft-c1 bell\x07draft-bel bs\x08draft-bs cr\rdraft-cr",
    "lock-who": "\x1b]0;lockwho-title\x07",
    "lock-host": "\x1b]52;c;SE9TVA==\x07lockhost-osc52",
    "case-file-name": "\x1b]0;fname-title\x07",  # a file in cases/ that is not a case: named in a notice
}

# (raw bytes that must never be written, visible bytes that must be).
EXPECTED = {
    "subject": (b"\x1b]52;c;U1VCSkVDVA==", "␛]52;c;U1VCSkVDVA==␇subj-osc52".encode()),
    "history": (b"\x1b]8;;http://evil.example/", "␛]8;;http://evil.example/␛\\hist-osc8".encode()),
    "history-c1": ("\x9b2Jhist-c1".encode(), b"\\x9b2Jhist-c1"),
    "history-who": (b"\x1b]0;who-title", "␛]0;who-title␇".encode()),
    "attachment": (b"\x1b]0;att-title", "␛]0;att-title␇.jpg␍cr-att␈bs-att".encode()),
    "order": (b"\x1b[1;1Hord-csi", "␛[1;1Hord-csi".encode()),
    "draft-osc52": (b"\x1b]52;c;RFJBRlQ=", "␛]52;c;RFJBRlQ=␇draft-osc52".encode()),
    # The editor keeps one character per character (columns index the real text): C1 is shown as U+FFFD.
    "draft-c1": ("\x9b2Jdraft-c1".encode(), "\ufffd2Jdraft-c1".encode()),
    "draft-bel": (b"bell\x07draft-bel", "bell␇draft-bel".encode()),
    "draft-bs": (b"bs\x08draft-bs", "bs␈draft-bs".encode()),
    # Textual's Document splits lines at CR, so in the editor a CR is a line break (never a raw CR).
    "draft-cr": (b"cr\rdraft-cr", None),
    "lock-who": (b"\x1b]0;lockwho-title", "␛]0;lockwho-title␇".encode()),
    "lock-host": (b"\x1b]52;c;SE9TVA==", "␛]52;c;SE9TVA==␇lockhost-osc52".encode()),
    "case-file-name": (b"\x1b]0;fname-title", "␛]0;fname-title␇.json".encode()),
}


def hostile_queue(root: Path) -> Path:
    """One Coupang case with escapes everywhere, locked by a desk on another host (so it stays live)."""
    for sub in ("cases", "drafts", ".locks"):
        (root / sub).mkdir(parents=True)
    case = {
        "id": CASE_ID,
        "platform": "coupang",
        "kind": "general",
        "subject": PAYLOADS["subject"],
        "received_at": "2024-05-20T08:30:00+09:00",
        "order_ids": [PAYLOADS["order"]],
        "attachments": [{"name": PAYLOADS["attachment"], "bytes": 1000}],
        "history": [{"who": PAYLOADS["history-who"], "when": "2024-05-20T08:30:00+09:00", "text": PAYLOADS["history"]}],
    }
    (root / "cases" / f"{CASE_ID}.json").write_text(json.dumps(case), encoding="utf-8")
    (root / "cases" / f"{PAYLOADS['case-file-name']}.json").write_text("{}", encoding="utf-8")
    (root / "drafts" / f"{CASE_ID}.txt").write_text(PAYLOADS["draft"] + "\n", encoding="utf-8", newline="")
    lock = {"case": CASE_ID, "who": PAYLOADS["lock-who"], "host": PAYLOADS["lock-host"], "pid": 1,
            "since": "2024-05-20T09:00:00+09:00", "token": "someone-else"}
    (root / ".locks" / f"{CASE_ID}.lock").write_text(json.dumps(lock), encoding="utf-8")
    return root


class PtyDesk:
    """`replydesk QUEUE` on a pseudo-terminal; `read_until` keeps every byte it ever wrote."""

    def __init__(self, queue: Path, env: dict, rows: int = 50, cols: int = 200):
        pty = pytest.importorskip("pty")
        import fcntl
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "replydesk"), str(queue)],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = b""

    def read_until(self, marker: bytes, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.output:
                return True
            self.read_for(0.1)
        return marker in self.output

    def read_for(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.master], [], [], max(left, 0))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.output += chunk
            if left <= 0:
                return

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_escapes_in_case_draft_and_lock_reach_the_terminal_only_as_visible_pictures(tmp_path):
    queue = hostile_queue(tmp_path / "queue")
    env = dict(os.environ, TERM="xterm-256color", REPLYDESK_OPERATOR="viewer", REPLYDESK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("NO_COLOR", None)
    desk = PtyDesk(queue, env)
    try:
        assert desk.read_until(CASE_ID.encode(), 60), "the queue never appeared"
        desk.read_until(b"subj-osc52", 10)
        desk.read_until(b"fname-title", 10)  # the load-error notice
        os.write(desk.master, b"\r")
        assert desk.read_until(b"Read-only", 60), "the case never opened read-only"
        desk.read_until(b"draft-cr", 10)
        desk.read_for(2.0)  # a few repaints (the clock ticks every second)
    finally:
        desk.close()
    out = desk.output
    leaked = {name: raw for name, (raw, _) in EXPECTED.items() if raw in out}
    missing = {name: shown.decode() for name, (_, shown) in EXPECTED.items() if shown is not None and shown not in out}
    assert not leaked, f"raw control sequences written to the terminal: {leaked} (not shown: {missing})"
    assert not missing, f"not shown in visible form: {missing}"
    assert "\x9b".encode() not in out  # no 8-bit CSI (U+009B) anywhere
