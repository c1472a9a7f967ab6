"""The desk's and the importer's own messages carry file names and arguments: never raw control characters.

A file name with a newline and `::error ...`, or with ESC ] 52 (a clipboard
write), is printed with its control characters made visible, so it can
neither start a GitHub Actions command nor act on the operator's terminal.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HOSTILE = "evil\n::error file=x::pwned\x1b]52;c;aGk=\x07"


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "replydesk.tui.entry", *args],
        capture_output=True, text=True, timeout=120, cwd=cwd,
    )


def assert_safe(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output
    assert not any(line.startswith("::") for line in output.splitlines()), output


def test_the_desk_entry_point_shows_a_hostile_argument_visibly():
    proc = run("--" + HOSTILE)
    assert proc.returncode == 2
    assert_safe(proc.stderr)
    assert "␛]52" in proc.stderr


def test_import_messages_show_hostile_file_names_visibly(tmp_path):
    bad = tmp_path / HOSTILE.replace("/", "_")
    bad.write_text('{"platform": "coupang", "kind": "return-dispute"}\n[[[\n', encoding="utf-8")
    queue = tmp_path / "queue"
    proc = run("import", str(bad), "--queue", str(queue))
    assert proc.returncode != 0
    assert_safe(proc.stdout + proc.stderr)
    assert "␊::error" in proc.stderr
    missing = run("import", str(tmp_path / ("gone" + HOSTILE)), "--queue", str(queue))
    assert missing.returncode == 2 and "␛]52" in missing.stderr
    assert_safe(missing.stderr)
