"""The compile cache never unpickles a file someone else could have written (issue 11).

The slot name is a digest of glossary files everyone can read, so anyone who
can write into the cache directory can plant `glossary-<digest>.pickle`. A
planted pickle here makes a directory when it is unpickled; every test checks
that the directory never appears, and that the glossary still loads.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import pwd
import shutil
import stat
import subprocess

import pytest

from replydesk.linting.glossary import cache as cache_module
from replydesk.linting.glossary import load_glossary_set
from replydesk.linting.glossary.cache import CompileCache
from replydesk.linting.glossary.loader import glossary_paths

from .test_cache_and_scale import synthetic_glossary

PLANTER = "replydesk-planter"


class Planted:
    """Unpickling this runs os.mkdir(marker): the proof that a planted file was executed."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


@pytest.fixture
def setup(tmp_path, monkeypatch, glossary_dir):
    """(glossary folder, cache dir, marker, the slot's file name) with a per-test data dir for the key."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(cache_module, "MIN_BYTES", 0)
    folder = synthetic_glossary(glossary_dir("x.toml", '[glossary]\nname = "x"\nlanguages = ["en"]\n'), 40)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o755)
    os.chmod(cache, 0o755)
    monkeypatch.setenv("REPLYDESK_CACHE_DIR", str(cache))
    name = CompileCache.for_files(glossary_paths((folder,)), ()).path.name
    return folder, cache, tmp_path / "ran", name


def evil_bytes(marker, name: str, signed: bool) -> bytes:
    """A planted pickle; `signed`: with a correct HMAC under this user's key (as if the attacker had it),
    so that only the ownership checks stand between it and pickle.loads."""
    data = pickle.dumps(Planted(marker))
    user_key = getattr(cache_module, "user_key", None)  # absent before the fix: then a bare pickle
    if signed and user_key is not None:
        data += hmac.new(user_key(), name.encode() + b"\0" + data, hashlib.sha256).digest()
    return data


def assert_not_run_and_loads(folder, marker):
    gs = load_glossary_set((folder,))
    assert len(gs) == 40
    assert not marker.exists(), "the planted pickle was executed"


def test_a_bare_pickle_in_the_users_own_cache_is_not_run(setup):
    folder, cache, marker, name = setup
    (cache / name).write_bytes(evil_bytes(marker, name, signed=False))
    os.chmod(cache / name, 0o600)
    assert_not_run_and_loads(folder, marker)


def test_a_pickle_with_a_wrong_hmac_is_not_run(setup):
    folder, cache, marker, name = setup
    (cache / name).write_bytes(pickle.dumps(Planted(marker)) + os.urandom(32))
    os.chmod(cache / name, 0o600)
    assert_not_run_and_loads(folder, marker)


def test_a_signed_pickle_in_a_group_writable_cache_dir_is_not_run(setup):
    folder, cache, marker, name = setup
    (cache / name).write_bytes(evil_bytes(marker, name, signed=True))
    os.chmod(cache / name, 0o600)
    os.chmod(cache, 0o775)
    assert_not_run_and_loads(folder, marker)
    # ... and the set was cached in a private folder instead, which serves the next load
    private = cache / f"user-{os.geteuid()}"
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    assert list(private.glob("glossary-*.pickle"))
    assert CompileCache.for_files(glossary_paths((folder,)), ()).load() is not None


def test_a_signed_group_writable_pickle_is_not_run(setup):
    folder, cache, marker, name = setup
    (cache / name).write_bytes(evil_bytes(marker, name, signed=True))
    os.chmod(cache / name, 0o664)
    assert_not_run_and_loads(folder, marker)


def test_a_symlink_to_a_signed_pickle_is_not_followed(setup, tmp_path):
    folder, cache, marker, name = setup
    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(evil_bytes(marker, name, signed=True))
    os.chmod(elsewhere, 0o600)
    (cache / name).symlink_to(elsewhere)
    assert_not_run_and_loads(folder, marker)


def _planter_uid() -> int:
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd to create the other user who owns the planted file")
    try:
        return pwd.getpwnam(PLANTER).pw_uid
    except KeyError:
        made = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PLANTER],
                              capture_output=True)
        try:
            return pwd.getpwnam(PLANTER).pw_uid
        except KeyError:
            pytest.skip(f"could not create the user {PLANTER}: {made.stderr.decode(errors='replace').strip()}")


def test_a_signed_pickle_owned_by_another_user_is_not_run(setup, tmp_path, monkeypatch):
    folder, _, marker, name = setup
    uid = _planter_uid()
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    os.chmod(shared, 0o755)
    (shared / name).write_bytes(evil_bytes(marker, name, signed=True))
    os.chmod(shared / name, 0o644)
    os.chown(shared / name, uid, -1)
    os.chown(shared, uid, -1)  # the other user's directory, not writable by us... except that root writes anywhere
    monkeypatch.setenv("REPLYDESK_CACHE_DIR", str(shared))
    assert_not_run_and_loads(folder, marker)


def test_a_signed_pickle_owned_by_another_user_in_our_dir_is_not_run(setup):
    folder, cache, marker, name = setup
    uid = _planter_uid()
    (cache / name).write_bytes(evil_bytes(marker, name, signed=True))
    os.chmod(cache / name, 0o644)
    os.chown(cache / name, uid, -1)
    assert_not_run_and_loads(folder, marker)


def test_the_key_is_private_and_a_good_cache_still_loads(setup, tmp_path):
    folder, cache, marker, name = setup
    first = load_glossary_set((folder,))
    assert (cache / name).exists()
    key = tmp_path / "data" / "replydesk" / "cache-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == 32
    assert stat.S_IMODE((cache / name).stat().st_mode) == 0o600
    loaded = CompileCache.for_files(glossary_paths((folder,)), ()).load()
    assert loaded is not None and len(loaded) == len(first)
    # a key readable by others is not a secret: no cache then (and no exception)
    os.chmod(key, 0o644)
    assert CompileCache.for_files(glossary_paths((folder,)), ()) is None
    assert len(load_glossary_set((folder,))) == 40
