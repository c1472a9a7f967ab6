"""Other operators' changes reach every desk within ~2 s, without a key (Pilot, real files, real time).

The second operator is simulated by writing the queue's files the way a
desk does (QueueStore, Locks) from the test; the desk under test only
watches its folders (tui/queue/watch.py).
"""
from __future__ import annotations

import json
import time

from replydesk.tui.queue.locks import Locks
from replydesk.tui.queue.store import QueueStore

from .conftest import settle, wait_for
from .test_desk_io import messages, open_case

RETURN_DISPUTE = "CP-240518-0003"


def row_of(app, case_id):
    return next((c for c in app.screen.query_one("QueueTable").rows if c.id == case_id), None)


async def test_another_desks_status_change_new_case_removal_and_save_show_without_a_key(make_app, queue_dir):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: RETURN_DISPUTE in app.draft_counts)
        other = QueueStore(queue_dir, index_path=False)
        started = time.monotonic()
        other.set_status(RETURN_DISPUTE, "ready", "op2", app.clock())
        new = json.loads((queue_dir / "cases" / f"{RETURN_DISPUTE}.json").read_text(encoding="utf-8"))
        new.update(id="CP-NEW-1", subject="a case imported by someone else")
        other.write_case(new)
        (queue_dir / "cases" / "CP-240520-0002.json").unlink()
        before = app.draft_counts[RETURN_DISPUTE]
        other.save_draft(RETURN_DISPUTE, "Order 22000009480112 was delivered on 2024-05-12 14:22 KST!!!")
        await wait_for(pilot, lambda: row_of(app, RETURN_DISPUTE).status == "ready" and row_of(app, "CP-NEW-1") is not None
                       and row_of(app, "CP-240520-0002") is None and app.draft_counts.get(RETURN_DISPUTE) != before, timeout=10)
        assert time.monotonic() - started < 4, "the desk took too long to see the other desk's changes"


async def test_a_lock_taken_elsewhere_shows_in_the_lock_column_at_once(make_app, queue_dir, bob):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("QueueTable")
        Locks(queue_dir / ".locks", bob).acquire(RETURN_DISPUTE)
        await wait_for(pilot, lambda: RETURN_DISPUTE in table.locks, timeout=5)
        Locks(queue_dir / ".locks", bob).release(RETURN_DISPUTE)
        await wait_for(pilot, lambda: RETURN_DISPUTE not in table.locks, timeout=5)


async def test_a_read_only_view_follows_the_owners_saves_and_offers_the_case_when_they_leave(make_app, queue_dir, bob):
    owner = Locks(queue_dir / ".locks", bob)
    assert owner.acquire(RETURN_DISPUTE).acquired
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        assert screen.read_only
        QueueStore(queue_dir, index_path=False).save_draft(RETURN_DISPUTE, "bob's newest text")
        await wait_for(pilot, lambda: screen.editor.text == "bob's newest text", timeout=5)
        assert any("bob saved" in m for m in messages(app)), messages(app)
        owner.release(RETURN_DISPUTE)
        await wait_for(pilot, lambda: app.screen.id == "take-dialog", timeout=5)
        await pilot.press("t")
        await settle(pilot)
        taken = app.screen
        assert taken.case.id == RETURN_DISPUTE and not taken.read_only
        assert app.locks.is_mine(app.locks.read(RETURN_DISPUTE))
        assert taken.editor.text == "bob's newest text"


async def test_a_lock_whose_process_is_gone_shows_as_stale(make_app, queue_dir):
    from replydesk.tui.queue.locks import Operator

    gone = Operator("carol", "desk-host", 999_999_999, "token-carol")  # no such pid on this host
    Locks(queue_dir / ".locks", gone).acquire(RETURN_DISPUTE)
    app = make_app()  # alice on desk-host
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("QueueTable")
        assert RETURN_DISPUTE in table.stale_locks
        row = table.rows.index(row_of(app, RETURN_DISPUTE))
        line = "".join(seg.text for seg in table.render_line(row + 1 - table.scroll_offset.y))  # +1: the header line
        assert "stale carol" in line, line


async def test_the_details_pane_counts_down_with_the_clock(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, "CP-240520-0002")  # a cancellation appeal: a 2-hour window
        details = screen.query_one("#case-details")
        before = str(details.render())
        clock.advance(minutes=30)
        await wait_for(pilot, lambda: str(details.render()) != before, timeout=5)


async def test_a_cut_id_in_a_narrow_terminal_ends_in_an_ellipsis(make_app, queue_dir):
    long_id = "CP-CANCEL-2200000954623412345678"
    data = json.loads((queue_dir / "cases" / f"{RETURN_DISPUTE}.json").read_text(encoding="utf-8"))
    data["id"] = long_id
    (queue_dir / "cases" / f"{long_id}.json").write_text(json.dumps(data), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("QueueTable")
        row = table.rows.index(row_of(app, long_id))
        while row - table.scroll_offset.y >= table.size.height - 1:
            await pilot.press("j")
            row = table.rows.index(row_of(app, long_id))
            if table.cursor >= row:
                break
        line = "".join(seg.text for seg in table.render_line(row + 1 - table.scroll_offset.y))
        assert "CP-CANCEL-220…" in line and long_id not in line, line
