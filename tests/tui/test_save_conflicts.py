"""A save never overwrites someone else's newer draft: it asks first.

The editor remembers the draft it loaded (mtime, size, SHA-256); when the
file on disk is another text by save time, or the case's lock is no longer
this desk's, ctrl+s writes nothing and asks: keep mine as a copy, load
theirs, or compare.
"""
from __future__ import annotations

import json
import os

from replydesk.tui.queue.locks import Locks

from .conftest import settle, wait_for
from .test_desk_io import open_case, type_text

CASE = "CP-240518-0003"  # has a saved draft
THEIRS = "Bob's newer reply, saved while alice was typing.\n"


def draft_path(queue_dir):
    return queue_dir / "drafts" / f"{CASE}.txt"


async def start_conflict(pilot, queue_dir, typed: str = "MINE ", screen=None):
    """Open the case, type, let someone else save, press ctrl+s: returns (screen, my text)."""
    from replydesk.tui.screens.conflict import ConflictDialog

    screen = screen or await open_case(pilot, CASE)
    await type_text(pilot, typed)
    mine = screen.editor.text
    draft_path(queue_dir).write_text(THEIRS, encoding="utf-8")  # bob saves behind the desk's back
    await pilot.press("ctrl+s")
    await settle(pilot)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConflictDialog))
    assert draft_path(queue_dir).read_text(encoding="utf-8") == THEIRS  # nothing written yet
    return screen, mine


async def test_a_touched_but_identical_draft_saves_and_a_changed_one_asks_keep_mine_as_a_copy(make_app, queue_dir):
    from replydesk.tui.screens.case import CaseScreen

    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, CASE)
        await type_text(pilot, "A ")
        st = draft_path(queue_dir).stat()
        os.utime(draft_path(queue_dir), ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, same text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CaseScreen) and not screen.is_dirty()

        screen, mine = await start_conflict(pilot, queue_dir, screen=screen)
        await pilot.press("m")
        await settle(pilot)
        assert pilot.app.screen is screen
        [copy] = list((queue_dir / "drafts").glob(f"{CASE}.alice.*.txt"))
        assert copy.read_text(encoding="utf-8") == mine
        assert draft_path(queue_dir).read_text(encoding="utf-8") == THEIRS
        assert screen.editor.text == THEIRS and not screen.is_dirty()
        assert any(str(copy) in n.message for n in app._notifications)
        await pilot.press("ctrl+s")  # now based on theirs: saves without asking
        await settle(pilot)
        assert pilot.app.screen is screen


async def test_load_theirs_puts_their_text_in_the_editor_and_sets_mine_aside(make_app, queue_dir):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen, mine = await start_conflict(pilot, queue_dir)
        await pilot.press("t")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.editor.text == THEIRS and not screen.is_dirty()
        assert draft_path(queue_dir).read_text(encoding="utf-8") == THEIRS
        [aside] = list((queue_dir / ".recovery" / "discarded").glob(f"{CASE}.*.json"))
        assert json.loads(aside.read_text(encoding="utf-8"))["text"] == mine


async def test_compare_shows_both_texts_and_cancel_writes_nothing(make_app, queue_dir):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen, mine = await start_conflict(pilot, queue_dir, typed="ZQX ")
        dialog = pilot.app.screen
        await pilot.press("d")
        await settle(pilot)
        assert pilot.app.screen is dialog and dialog.showing_diff
        diff = str(dialog.query_one("#conflict-diff-text").render())
        assert "-Bob's newer reply" in diff and "+ZQX " in diff
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.editor.text == mine and screen.is_dirty()
        assert draft_path(queue_dir).read_text(encoding="utf-8") == THEIRS
        journal = json.loads((queue_dir / ".recovery" / f"{CASE}.json").read_text(encoding="utf-8"))
        assert journal["text"] == mine  # kept while the question was open


async def test_a_lock_taken_by_someone_else_stops_the_save(make_app, queue_dir, bob):
    from replydesk.tui.screens.conflict import ConflictDialog

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, CASE)
        before = draft_path(queue_dir).read_bytes()
        await type_text(pilot, "MINE ")
        lock = queue_dir / ".locks" / f"{CASE}.lock"
        lock.unlink()
        assert Locks(queue_dir / ".locks", bob).acquire(CASE).acquired  # bob took the case over
        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConflictDialog))
        assert "bob@" in pilot.app.screen.title_text
        assert draft_path(queue_dir).read_bytes() == before
        await pilot.press("escape")
        await settle(pilot)
        assert screen.is_dirty()


def test_a_save_that_lands_while_ours_is_being_written_is_not_overwritten(queue_dir, monkeypatch):
    """The race read → write → rename: their save arrives after our check, before our rename."""
    import pytest

    import replydesk.linting.atomicfile as atomicfile
    from replydesk.tui.queue.store import DraftConflict, QueueStore

    store = QueueStore(queue_dir, index_path=False)
    _text, loaded = store.read_draft_stamped(CASE)
    real_fsync = atomicfile.os.fsync

    def their_save_lands(fd):
        real_fsync(fd)
        if not draft_path(queue_dir).read_text(encoding="utf-8") == THEIRS:
            draft_path(queue_dir).write_text(THEIRS, encoding="utf-8")

    monkeypatch.setattr(atomicfile.os, "fsync", their_save_lands)
    with pytest.raises(DraftConflict) as info:
        store.save_draft(CASE, "mine", expected=loaded)
    assert info.value.theirs == THEIRS
    assert draft_path(queue_dir).read_text(encoding="utf-8") == THEIRS
    assert not list((queue_dir / "drafts").glob(".*.tmp"))


def test_the_conflict_diff_shows_control_characters_visibly():
    """Both drafts are data others may have written: no ESC reaches the dialog's diff."""
    from replydesk.tui.screens.conflict import diff_text

    diff = diff_text("theirs \x1b]52;c;aGk=\x07\n", "mine \x1b]0;title\x07\n")
    assert "\x1b" not in diff.plain and "\x07" not in diff.plain and "␛]52" in diff.plain
