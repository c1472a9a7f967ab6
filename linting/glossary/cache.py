"""The compiled form of a large glossary set, cached on disk and keyed by the files' contents.

Parsing TOML is slow in Python (tomllib: ~0.35 s for a 10,000-entry
file), so a large set is compiled once and then unpickled (~0.1 s). The key
hashes every file's bytes, the platform list, the Python version and this
package's own source, so an edited glossary or an upgraded replydesk never
reads a stale entry. Small sets (the shipped ones) skip the cache: they load
faster than a pickle. `REPLYDESK_CACHE_DIR=off` disables it.

The cache lives in the user's own cache directory ($XDG_CACHE_HOME or
~/.cache, `replydesk/`); like any pickle it must not be writable by others.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .glossary_set import GlossarySet
from .matcher import collector_paused

MIN_BYTES = 256 * 1024  # below this, compiling is faster than unpickling
KEEP = 4  # cached sets kept per directory (the most recently written)
_PREFIX = "glossary-"


def cache_dir() -> Path | None:
    configured = os.environ.get("REPLYDESK_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "replydesk"


def _source_digest() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


class CompileCache:
    """One cache slot: the pickle for exactly these file contents and platforms."""

    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def for_files(cls, paths: list[Path], platforms: tuple[str, ...]) -> "CompileCache | None":
        folder = cache_dir()
        if folder is None:
            return None
        contents = []
        total = 0
        for p in paths:
            try:
                data = Path(p).read_bytes()
            except OSError:
                return None
            contents.append((str(p), data))
            total += len(data)
        if total < MIN_BYTES:
            return None
        digest = hashlib.sha256()
        digest.update(sys.version.encode())
        digest.update(_source_digest())
        digest.update(repr(sorted(platforms)).encode())
        for name, data in contents:
            digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big"))
            digest.update(data)
        return cls(folder / f"{_PREFIX}{digest.hexdigest()[:32]}.pickle")

    def load(self) -> GlossarySet | None:
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        try:
            with collector_paused():
                found = pickle.loads(data)
        except Exception:  # a truncated or foreign file: rebuild it
            return None
        return found if isinstance(found, GlossarySet) else None

    def store(self, glossary: GlossarySet) -> None:
        """Write atomically; a cache that cannot be written is simply not used."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = pickle.dumps(glossary, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            tmp = Path(tmp)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.path)
            self._prune()
        except Exception:  # unwritable directory, full disk, unpicklable object: run without the cache
            try:
                os.unlink(tmp)
            except (OSError, UnboundLocalError):
                pass

    def _prune(self) -> None:
        entries = sorted(self.path.parent.glob(f"{_PREFIX}*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            try:
                old.unlink()
            except OSError:
                pass
