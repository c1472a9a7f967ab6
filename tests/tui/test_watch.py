"""The queue watch: nothing read while nothing changes; exactly the moved names when something does."""
from __future__ import annotations

import os

import pytest

from replydesk.tui.queue.watch import FolderWatch


@pytest.mark.parametrize("use_inotify", [True, False], ids=["inotify", "mtime"])
def test_the_watch_reports_new_rewritten_and_removed_entries_and_nothing_else(tmp_path, use_inotify, monkeypatch):
    (tmp_path / "CP-1.json").write_text("1", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("other files are not watched", encoding="utf-8")
    watch = FolderWatch(tmp_path, ".json", use_inotify=use_inotify)
    watch.prime()
    if use_inotify and watch.signal != "inotify":
        pytest.skip("no inotify on this system")
    assert watch.signal == ("inotify" if use_inotify else "mtime")
    listings = []
    real = watch._listing
    monkeypatch.setattr(watch, "_listing", lambda: listings.append(1) or real())
    for _ in range(5):
        assert watch.changes() is None
    assert listings == [], "the folder was listed although nothing changed"
    (tmp_path / ".CP-2.json.tmp").write_text("a write in progress", encoding="utf-8")
    os.replace(tmp_path / ".CP-2.json.tmp", tmp_path / "CP-2.json")  # how every queue writer writes
    assert watch.changes() == ({"CP-2.json"}, set())
    (tmp_path / "CP-1.json").unlink()
    assert watch.changes() == (set(), {"CP-1.json"})
    assert watch.changes() is None


def test_a_full_listing_catches_an_in_place_edit_that_no_signal_reports(tmp_path):
    path = tmp_path / "CP-1.json"
    path.write_text("1", encoding="utf-8")
    watch = FolderWatch(tmp_path, ".json", use_inotify=False, full_every=3)
    watch.prime()
    folder_mtime = os.stat(tmp_path).st_mtime_ns
    path.write_text("rewritten in place, longer", encoding="utf-8")  # the folder's mtime does not move
    assert os.stat(tmp_path).st_mtime_ns == folder_mtime
    seen = [watch.changes() for _ in range(3)]
    assert seen[:2] == [None, None] and seen[2] == ({"CP-1.json"}, set())


def test_closing_a_watch_gives_its_inotify_descriptor_back(tmp_path):
    """Each desk holds three; the default limit is 128 per user, and tests start hundreds of desks."""
    fds_before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    watches = [FolderWatch(tmp_path, ".json") for _ in range(40)]
    for watch in watches:
        watch.prime()
    for watch in watches:
        watch.close()
        assert watch.signal == "mtime" and watch.changes() is None  # still works, by mtime
    if fds_before is not None:
        assert len(os.listdir("/proc/self/fd")) <= fds_before
