"""The page a diagnostic's documentation link opens: `replydesk explain CODE`, as a file.

There is no website to link to, and a link must open in every editor, so
each rule's explanation is written once (per installed version) into the
user's cache as Markdown and linked with a file:// URI; a team with a wiki
sets `ruleDocs` to its own URL template instead.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

_lock = threading.Lock()
_written: dict[str, Path | None] = {}


def _folder() -> Path:
    from importlib.metadata import PackageNotFoundError, version

    try:
        own = version("replydesk")
    except PackageNotFoundError:  # pragma: no cover - a bare checkout
        own = "0"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "replydesk" / "rules" / own


def rule_page(code: str) -> Path | None:
    """The rule's page (written on first use); None for an unknown rule or an unwritable cache."""
    with _lock:
        if code in _written:
            return _written[code]
        page = None
        try:
            from ..explain import explain_text

            text = explain_text(code)
        except KeyError:
            text = None
        if text is not None:
            folder = _folder()
            target = folder / f"{code}.md"
            try:
                if not target.is_file():
                    from ..atomicfile import atomic_write_text

                    folder.mkdir(parents=True, exist_ok=True)
                    atomic_write_text(target, f"# {code}\n\n```text\n{text}\n```\n")
                page = target
            except OSError:
                page = None
        _written[code] = page
        return page
