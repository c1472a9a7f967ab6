"""`pip install .` must work outside the checkout: packs, glossaries, demo queue and
stylesheet ship inside the wheel, under the one import package `replydesk`."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip()[-300:]}")
    (wheel,) = out.glob("replydesk-*.whl")
    return zipfile.ZipFile(wheel).namelist()


def test_everything_lives_under_the_replydesk_package(wheel_names):
    top = {name.split("/", 1)[0] for name in wheel_names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"replydesk"}


def test_data_files_ship_inside_the_package(wheel_names):
    names = set(wheel_names)
    for path in (REPO / "linting" / "packs").glob("*.toml"):
        assert f"replydesk/linting/packs/{path.name}" in names
    for path in (REPO / "glossaries").glob("*.toml"):
        assert f"replydesk/glossaries/{path.name}" in names
    assert "replydesk/linting/language_data.toml" in names
    for path in (REPO / "linting" / "rules").glob("*.toml"):  # the rule records and their fixtures
        assert f"replydesk/linting/rules/{path.name}" in names
    for path in (REPO / "linting" / "references").glob("*.md"):  # the pages `explain --reference` prints
        assert f"replydesk/linting/references/{path.name}" in names
    assert "replydesk/tui/app.tcss" in names
    demo = [n for n in names if n.startswith("replydesk/tui/demo_queue/cases/")]
    assert len(demo) >= 20
    assert any(n.startswith("replydesk/linting/examples/") and n.endswith(".txt") for n in names)
