"""The compiled form of a large glossary set, cached on disk and keyed by the files' contents.

Parsing TOML is slow in Python (tomllib: ~0.35 s for a 10,000-entry
file), so a large set is compiled once and then unpickled (~0.1 s). The key
hashes every file's bytes, the platform list, the Python version and this
package's own source, so an edited glossary or an upgraded replydesk never
reads a stale entry. Small sets skip the cache: they load
faster than a pickle (see MIN_BYTES). `REPLYDESK_CACHE_DIR=off` disables it.

A pickle runs code when it is loaded, and the file name is predictable (a
digest of files everyone can read), so a cache file is only unpickled when
nobody else could have written it:

- its directory is opened and checked (owned by this user, not writable by
  group or others), then the file is opened inside it with O_NOFOLLOW and
  checked the same way (a regular file, owned by this user, not writable by
  group or others);
- its last 32 bytes are an HMAC-SHA256, under a per-user secret key, of the
  slot name and the pickle, compared with `hmac.compare_digest` before
  `pickle.loads`. The key is 32 random bytes created 0600 in the user's own
  data directory ($XDG_DATA_HOME or ~/.local/share, `replydesk/cache-key`).

A file failing any check is ignored (never an exception), and the set is
rebuilt. When the cache directory itself is shared (group- or
world-writable, or someone else's), the cache moves to a private
`user-<uid>` folder inside it, used only if that folder passes the same
checks; otherwise nothing is cached.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import stat
import sys
import tempfile
from pathlib import Path

from .glossary_set import GlossarySet
from .matcher import collector_paused

# Below this, compiling is about as fast as unpickling. Since glossary forms pass the regex
# safety checks at load, the shipped set (125 KB) compiles in ~0.47 s and loads from the cache in
# ~0.03 s (+0.1 s more to warm), so it is cached too: `replydesk lint`, the desk and the language
# server each start about 0.35 s sooner.
MIN_BYTES = 32 * 1024
KEEP = 4  # cached sets kept per directory (the most recently written)
_PREFIX = "glossary-"
_TAG_BYTES = 32  # HMAC-SHA256
_KEY_BYTES = 32
_UNSAFE_BITS = stat.S_IWGRP | stat.S_IWOTH
_CHECKABLE = hasattr(os, "O_NOFOLLOW") and hasattr(os, "geteuid") and hasattr(os, "O_DIRECTORY")


def cache_dir() -> Path | None:
    configured = os.environ.get("REPLYDESK_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "replydesk"


def key_path() -> Path:
    """Where this user's cache key lives: the user's own data directory, never the (maybe shared) cache."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "replydesk" / "cache-key"


def _owned_and_private(st: os.stat_result) -> bool:
    return st.st_uid == os.geteuid() and not st.st_mode & _UNSAFE_BITS


def _safe_dir(path: Path) -> bool:
    try:
        return _owned_and_private(os.stat(path))
    except OSError:
        return False


def user_key() -> bytes | None:
    """This user's secret cache key, created on first use; None when it cannot be had safely."""
    path = key_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if not _safe_dir(path.parent):
        return None
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            _create_key(path)
            continue
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
                return None
            key = os.read(fd, _KEY_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return key if len(key) == _KEY_BYTES else None
    return None


def _create_key(path: Path) -> None:
    """Write a new key under a temporary name, then link it into place, so that two processes
    starting at once agree on one key and none ever reads a half-written one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(_KEY_BYTES))
        os.link(tmp, path)
    except OSError:
        pass  # another process linked its key first, or the directory is read-only
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def private_cache_dir(folder: Path) -> Path | None:
    """`folder` if only this user can write there, else a private `user-<uid>` folder inside it, else None."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if _safe_dir(folder):
        return folder
    own = folder / f"user-{os.geteuid()}"
    try:
        own.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    try:
        st = os.lstat(own)  # a planted symlink here is someone else's choice of directory
    except OSError:
        return None
    return own if stat.S_ISDIR(st.st_mode) and _owned_and_private(st) else None


def _source_digest() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def _tag(key: bytes, name: str, payload) -> bytes:
    mac = hmac.new(key, name.encode() + b"\0", hashlib.sha256)
    mac.update(payload)
    return mac.digest()


class CompileCache:
    """One cache slot: the pickle for exactly these file contents and platforms."""

    def __init__(self, path: Path, key: bytes):
        self.path = path  # in the configured directory; see _places
        self._key = key

    def _places(self) -> list[Path]:
        """Where this slot may be: the configured directory, then the private folder used when that one is shared."""
        return [self.path, self.path.parent / f"user-{os.geteuid()}" / self.path.name]

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
        if not _CHECKABLE:
            return None  # no O_NOFOLLOW or no user ids (Windows): ownership cannot be checked, so no pickle
        key = user_key()
        if key is None:
            return None  # no key to be had safely: run without the cache
        digest = hashlib.sha256()
        digest.update(sys.version.encode())
        digest.update(_source_digest())
        digest.update(repr(sorted(platforms)).encode())
        for name, data in contents:
            digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big"))
            digest.update(data)
        return cls(folder / f"{_PREFIX}{digest.hexdigest()[:32]}.pickle", key)

    def _read_verified(self, path: Path) -> bytes | memoryview | None:
        """The pickle bytes if the directory, the file and the HMAC all check out, else None."""
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            if not _owned_and_private(os.fstat(dir_fd)):
                return None
            fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
        except OSError:
            return None
        finally:
            os.close(dir_fd)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _owned_and_private(st) or st.st_size <= _TAG_BYTES:
                return None
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = fh.read()
        except OSError:
            return None
        finally:
            os.close(fd)
        view = memoryview(data)
        payload, tag = view[:-_TAG_BYTES], view[-_TAG_BYTES:]
        if not hmac.compare_digest(_tag(self._key, self.path.name, payload), tag):
            return None
        return payload

    def load(self) -> GlossarySet | None:
        payload = next(filter(None, map(self._read_verified, self._places())), None)
        if payload is None:
            return None
        try:
            with collector_paused():
                found = pickle.loads(payload)
        except Exception:  # our own file, but from a build that pickled differently: rebuild it
            return None
        return found if isinstance(found, GlossarySet) else None

    def store(self, glossary: GlossarySet) -> None:
        """Write atomically (0600, then renamed into place); a cache that cannot be written is simply not used."""
        tmp = None
        folder = private_cache_dir(self.path.parent)
        if folder is None:
            return
        try:
            data = pickle.dumps(glossary, protocol=pickle.HIGHEST_PROTOCOL)
            fd, name = tempfile.mkstemp(prefix=".tmp-", dir=folder)
            tmp = Path(name)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.write(_tag(self._key, self.path.name, data))
            os.replace(tmp, folder / self.path.name)
            tmp = None
            self._prune(folder)
        except Exception:  # unwritable directory, full disk, unpicklable object: run without the cache
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    def _prune(self, folder: Path) -> None:
        entries = sorted(folder.glob(f"{_PREFIX}*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            try:
                old.unlink()
            except OSError:
                pass
