"""The real `pre-commit` tool runs this checkout's hooks (.pre-commit-hooks.yaml) in a new git repository.

`pre-commit try-repo` installs the hook repository as a user's
`.pre-commit-config.yaml` would (a virtualenv with replydesk pip-installed
from this checkout, uncommitted changes included) and runs its hooks on
the repository's files, so the test covers the manifest, the entries, the
`files` patterns and the exit codes together. The first run installs the
environment (about 40 s with a warm pip cache); a second run on a clean
checkout reuses it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout: pre-commit needs one as the hook repository"),
]

BAD = '+++\nplatform = "coupang"\norder_ids = ["22000009546234"]\n+++\nOrder 22000009546235 was delivered at 14:22! The recipient signed for the parcel.\n'
FIXABLE = ('+++\nplatform = "coupang"\n+++\nOrder 22000009546234 was delivered on 2024-05-12 14:22 KST. '
           'We apologise for the delivery delay; proof of delivery is attached.\n')
CLEAN = "Order 22000009546234 was delivered on 2024-05-12 14:22 KST; proof of delivery attached.\n"
BROKEN_GLOSSARY = '[glossary]\nname = "Team"\nlanguages = ["en"]\n\n[[entry]]\nid = "parcel"\nen = "parcel"\nmust_flag = ["The [package] arrived."]\n'


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def try_repo(cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", "SKIP": ""}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--all-files", "--color", "never"],
                          cwd=cwd, capture_output=True, text=True, env=env, timeout=1200)


def test_the_hooks_run_under_pre_commit(tmp_path):
    pytest.importorskip("pre_commit")
    repo = tmp_path / "sellers-replies"
    (repo / "drafts").mkdir(parents=True)
    (repo / "glossaries").mkdir()
    (repo / "drafts" / "bad.txt").write_text(BAD, encoding="utf-8")
    (repo / "drafts" / "fixable.txt").write_text(FIXABLE, encoding="utf-8")
    (repo / "drafts" / "ok.txt").write_text(CLEAN, encoding="utf-8")
    (repo / "glossaries" / "team.toml").write_text(BROKEN_GLOSSARY, encoding="utf-8")
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")  # TOML, but no glossary
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "drafts")
    home = tmp_path / "pre-commit-home"

    first = try_repo(repo, home)
    out = first.stdout + first.stderr
    assert first.returncode == 1, out
    sections = _sections(first.stdout)
    # replydesk-lint: the wrong order ID in bad.txt, and nothing about ok.txt.
    assert sections["replydesk lint"][0] == "Failed"
    assert "drafts/bad.txt:5:7: ID001" in sections["replydesk lint"][1]
    assert "ok.txt" not in sections["replydesk lint"][1]
    # replydesk-fix: the safe fix is written into fixable.txt (pre-commit reports the file modified).
    assert sections["replydesk fix"][0] == "Failed"
    assert "files were modified by this hook" in sections["replydesk fix"][1]
    assert "We apologise for the shipping delay" in (repo / "drafts" / "fixable.txt").read_text(encoding="utf-8")
    # replydesk-glossary-check: the failing self-test at its line; pyproject.toml is not passed to it.
    assert sections["replydesk glossary check"][0] == "Failed"
    assert "glossaries/team.toml:8:14: error self-test" in sections["replydesk glossary check"][1]
    assert "pyproject.toml" not in sections["replydesk glossary check"][1]

    # Fixed: every hook passes.
    (repo / "drafts" / "bad.txt").write_text(CLEAN, encoding="utf-8")
    (repo / "glossaries" / "team.toml").write_text(BROKEN_GLOSSARY.replace(
        'must_flag = ["The [package] arrived."]',
        'avoid = [{ form = "package", reason = "we say parcel" }]\n'
        'must_flag = [{ text = "The [package] arrived.", suggestion = "parcel" }]\nmust_pass = ["The parcel arrived."]'),
        encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "fixed")
    second = try_repo(repo, home)
    assert second.returncode == 0, second.stdout + second.stderr
    assert {name: status for name, (status, _) in _sections(second.stdout).items()} == {
        "replydesk lint": "Passed", "replydesk fix": "Passed", "replydesk glossary check": "Passed"}


def _sections(stdout: str) -> dict[str, tuple[str, str]]:
    """pre-commit's report: hook name → (Passed/Failed/Skipped, the lines under it)."""
    out: dict[str, tuple[str, str]] = {}
    name = None
    body: list[str] = []
    for line in stdout.splitlines():
        if "..." in line and line.rstrip().endswith(("Passed", "Failed", "Skipped")) and not line.startswith(" "):
            if name is not None:
                out[name] = (out[name][0], "\n".join(body))
            head, _, status = line.rpartition(".")
            name = head.rstrip(".")
            for suffix in ("(no files to check)",):
                name = name.replace(suffix, "").rstrip(".")
            out[name] = (status.strip(), "")
            body = []
        elif name is not None:
            body.append(line)
    if name is not None:
        out[name] = (out[name][0], "\n".join(body))
    return out
