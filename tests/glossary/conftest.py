"""Glossary fixtures: the shipped set (loaded once) and small glossaries written for one test."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from replydesk.linting.glossary import load_glossary_set
from replydesk.linting.loading import builtin_glossary_dir

PLATFORMS = ("general", "coupang", "amazon", "tiktok", "shopee")


@pytest.fixture(autouse=True)
def no_user_cache(monkeypatch, tmp_path_factory):
    """Tests never read or write the user's compile cache, nor its key."""
    monkeypatch.setenv("REPLYDESK_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="session")
def shipped():
    return load_glossary_set((builtin_glossary_dir(),), platforms=PLATFORMS)


@pytest.fixture
def glossary_dir(tmp_path):
    """write(name, toml) → the directory, which also holds the shipped Korean particle list."""
    folder = tmp_path / "glossaries"
    folder.mkdir()
    shutil.copy(builtin_glossary_dir() / "ko-particles.toml", folder / "ko-particles.toml")

    def write(name: str, text: str) -> Path:
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return folder

    return write


@pytest.fixture
def scan_with(glossary_dir):
    """scan_with(toml, text, platform=…, kind=…) → [(rule, flagged substring, suggestion, replacement)]."""

    def run(toml: str, text: str, platform: str = "coupang", kind: str = "general"):
        gs = load_glossary_set((glossary_dir("t.toml", toml),), platforms=PLATFORMS)
        return [(h.rule, text[h.start:h.end], h.suggestion, h.replacement) for h in gs.scan(text, platform=platform, kind=kind)]

    return run


def hits(gs, text: str, platform: str = "coupang", kind: str = "general", rule: str | None = None):
    """[(rule, flagged substring, suggestion)] of a glossary set's scan."""
    return [
        (h.rule, text[h.start:h.end], h.suggestion)
        for h in gs.scan(text, platform=platform, kind=kind)
        if rule is None or h.rule == rule
    ]
