"""The work of the day on a shared queue, driven with keys: assignment, guarded sent and undo,
urgency navigation and alarms, the updated mark, and keys that match habits."""
from __future__ import annotations

import json
from datetime import timedelta

from replydesk.tui.queue.deadlines import SOON, Urgency, urgency
from replydesk.tui.queue.store import QueueStore

from .conftest import open_case, settle, type_text, wait_for

RETURN_DISPUTE = "CP-240518-0003"  # a saved draft with findings
CLEAN_READY = "CP-240517-0005"  # ready, no errors in its draft (stub linter)
EMPTY_CANCEL = "CP-240520-0002"  # an empty draft


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def case_file(queue_dir, case_id) -> dict:
    return json.loads((queue_dir / "cases" / f"{case_id}.json").read_text(encoding="utf-8"))


async def cursor_to(pilot, case_id: str):
    table = pilot.app.screen.query_one("QueueTable")
    target = next(i for i, c in enumerate(table.rows) if c.id == case_id)
    table.set_cursor(target)
    await pilot.pause()
    return table


def next_to_cross(app, now):
    """The unsent case whose deadline is nearest while still more than 2 h away."""
    waiting = [c for c in app.view.cases if c.status != "sent" and urgency(c.deadline, now) is Urgency.NORMAL]
    return min(waiting, key=lambda c: c.deadline)


# --- assignment ----------------------------------------------------------------------------


async def test_a_takes_the_case_m_shows_mine_and_the_history_records_it(make_app, queue_dir, clock):
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        table = await cursor_to(pilot, RETURN_DISPUTE)
        await pilot.press("a")
        await settle(pilot)
        assert table.current.assignee == "alice"
        line = table.render_line(table.cursor - int(table.scroll_offset.y) + 1).text
        assert " me " in line  # the assignee column says it is mine
        record = case_file(queue_dir, RETURN_DISPUTE)["history"][-1]
        assert (record["event"], record["who"], record["to"], record["when"]) == ("assigned", "alice", "alice", "2024-05-20T12:00:00+09:00")
        await pilot.press("m")
        await settle(pilot)
        assert [c.id for c in table.rows] == [RETURN_DISPUTE]
        await pilot.press("m")
        assert len(table.rows) == app.view.total
        await cursor_to(pilot, RETURN_DISPUTE)
        await pilot.press("a")  # again: back to nobody
        await settle(pilot)
        assert case_file(queue_dir, RETURN_DISPUTE)["assignee"] is None


async def test_shift_a_assigns_to_a_named_operator(make_app, queue_dir):
    from replydesk.tui.screens.dialogs import AskText

    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await cursor_to(pilot, EMPTY_CANCEL)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AskText))
        await type_text(pilot, "bob")
        await pilot.press("enter")
        await settle(pilot)
    data = case_file(queue_dir, EMPTY_CANCEL)
    assert data["assignee"] == "bob"
    assert data["history"][-1]["text"] == "alice assigned the case to bob"


# --- guarded sent, undo ---------------------------------------------------------------------


async def test_ctrl_t_asks_while_errors_remain_then_freezes_the_sent_text(make_app, queue_dir):
    from replydesk.tui.screens.dialogs import ChoiceDialog
    from replydesk.tui.screens.queue import QueueScreen

    draft = (queue_dir / "drafts" / f"{RETURN_DISPUTE}.txt").read_text(encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        assert any(f.severity.label == "error" for f in screen.current_findings())
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        assert "Mark it sent anyway?" in pilot.app.screen.message
        await pilot.press("n")  # keep editing: nothing changes
        await settle(pilot)
        assert case_file(queue_dir, RETURN_DISPUTE)["status"] == "drafting"
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: pilot.app.screen.id == "receipt-dialog")
        await pilot.press("enter")  # no receipt: the send is recorded without one
        await settle(pilot)
        assert isinstance(pilot.app.screen, QueueScreen)  # sent: back to the queue, the lock released
        assert any("marked sent by alice at 2024-05-20 12:00 KST" in m for m in messages(app))
    data = case_file(queue_dir, RETURN_DISPUTE)
    assert data["status"] == "sent"
    message, record = data["history"][-2:]
    assert (message["who"], message["text"], message["sent_by"]) == ("seller", draft, "alice")
    assert (record["event"], record["from"], record["to"]) == ("status", "drafting", "sent")
    assert not (queue_dir / "drafts" / f"{RETURN_DISPUTE}.txt").exists()
    assert not (queue_dir / ".locks" / f"{RETURN_DISPUTE}.lock").exists()


async def test_u_undoes_a_send_after_asking_and_the_draft_comes_back(make_app, queue_dir, clock):
    from replydesk.tui.screens.dialogs import ChoiceDialog

    draft = (queue_dir / "drafts" / f"{CLEAN_READY}.txt").read_text(encoding="utf-8")
    QueueStore(queue_dir, index_path=False).mark_sent(CLEAN_READY, draft, "bob", clock())
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await cursor_to(pilot, CLEAN_READY)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        assert "bob marked the case sent (was ready) at 2024-05-20 12:00 KST" in pilot.app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert app.case_by_id(CLEAN_READY).status == "ready"
    assert (queue_dir / "drafts" / f"{CLEAN_READY}.txt").read_text(encoding="utf-8") == draft
    data = case_file(queue_dir, CLEAN_READY)
    assert data["history"][-1]["event"] == "undo" and data["history"][-1]["who"] == "alice"
    assert not [m for m in data["history"] if m.get("sent_by")]


async def test_u_undoes_ready_at_once_and_says_when_there_is_nothing_to_undo(make_app, queue_dir):
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, CLEAN_READY, edit=False)
        await pilot.press("u")  # ready came from the demo file, not from a recorded change
        await settle(pilot)
        assert any("no status change to undo" in m for m in messages(app))
        await pilot.press("ctrl+r")  # ready already: nothing recorded
        screen.set_status("drafting")
        await pilot.press("u")
        await settle(pilot)
        assert screen.case.status == "ready"
    assert [m["event"] for m in case_file(queue_dir, CLEAN_READY)["history"] if m.get("event")] == ["status", "undo"]


async def test_a_saved_draft_on_a_sent_case_is_a_follow_up(make_app, queue_dir, clock):
    draft = (queue_dir / "drafts" / f"{CLEAN_READY}.txt").read_text(encoding="utf-8")
    QueueStore(queue_dir, index_path=False).mark_sent(CLEAN_READY, draft, "alice", clock())
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, CLEAN_READY)
        assert screen.editor.text == ""
        assert "What you write here is a follow-up" in str(screen.editor.placeholder)
        await type_text(pilot, "Follow-up: any update on the review?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.case.status == "drafting"
    record = case_file(queue_dir, CLEAN_READY)["history"][-1]
    assert record["text"] == "alice marked the case drafting (was sent): a follow-up"


# --- urgency ---------------------------------------------------------------------------------


async def test_n_goes_to_the_next_overdue_case_then_to_those_due_within_2_h(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("QueueTable")
        now = clock()
        await pilot.press("o")  # sort by priority: the urgent ones are no longer on top in order
        overdue = [i for i, c in enumerate(table.rows) if c.status != "sent" and urgency(c.deadline, now) is Urgency.OVERDUE]
        assert len(overdue) >= 2
        table.set_cursor(overdue[0])
        await pilot.press("n")
        assert table.cursor == overdue[1]
        await pilot.press("N")
        assert table.cursor == overdue[0]
        # No overdue case shown: n goes to the ones due within two hours.
        app.screen.view.set_query("cancel")
        app.screen.rows_changed()
        await pilot.pause()
        soon = [i for i, c in enumerate(table.rows) if c.status != "sent" and urgency(c.deadline, now) is Urgency.SOON]
        late = [i for i, c in enumerate(table.rows) if c.status != "sent" and urgency(c.deadline, now) is Urgency.OVERDUE]
        table.set_cursor(0)
        await pilot.press("n")
        assert table.cursor in (late or soon)


async def test_a_case_crossing_2_h_and_then_its_deadline_is_told_once_each_with_the_bell(make_app, clock):
    app = make_app(bell=True)
    rings = []
    app.bell = lambda: rings.append(clock())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        upcoming = next_to_cross(app, clock())
        await pilot.pause(1.2)
        assert not [m for m in messages(app) if "due within 2 h" in m or "overdue" in m]  # already-late cases: quiet at start
        clock.moment = upcoming.deadline - SOON + timedelta(seconds=30)
        await wait_for(pilot, lambda: any(f"{upcoming.id} is due within 2 h" in m for m in messages(app)), timeout=5)
        assert len(rings) == 1
        clock.moment = upcoming.deadline + timedelta(seconds=1)
        # Two hours on, other cases crossed too: one notification names them all.
        told = lambda: [m for m in messages(app) if upcoming.id in m and "overdue" in m]  # noqa: E731
        await wait_for(pilot, told, timeout=5)
        await pilot.pause(1.2)
        assert len(told()) == 1
        assert len(rings) == 2


async def test_a_colleagues_case_does_not_ring(make_app, queue_dir, clock):
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        upcoming = next_to_cross(app, clock())
        app.assign_case(upcoming.id, "bob")
        clock.moment = upcoming.deadline + timedelta(seconds=1)
        await pilot.pause(1.5)
        assert not any(f"{upcoming.id} is" in m for m in messages(app))


async def test_a_case_changed_by_someone_else_is_marked_until_opened(make_app, queue_dir, clock):
    from replydesk.tui.widgets.queue_table import UPDATED_MARK

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_case(pilot, RETURN_DISPUTE, edit=False)
        await pilot.press("q")
        await settle(pilot)
        table = app.screen.query_one("QueueTable")
        case = app.case_by_id(RETURN_DISPUTE)
        assert not app.seen.is_updated(case)
        QueueStore(queue_dir, index_path=False).assign(RETURN_DISPUTE, "bob", "bob", clock())
        await wait_for(pilot, lambda: app.case_by_id(RETURN_DISPUTE).assignee == "bob", timeout=5)
        row = next(i for i, c in enumerate(table.rows) if c.id == RETURN_DISPUTE)
        table.set_cursor(row)
        await pilot.pause()
        assert UPDATED_MARK in table.render_line(row - int(table.scroll_offset.y) + 1).text
        never_opened = next(c for c in table.rows if c.id == EMPTY_CANCEL)
        assert not app.seen.is_updated(never_opened)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert not app.seen.is_updated(app.case_by_id(RETURN_DISPUTE))


async def test_due_soon_and_overdue_differ_without_colour(make_app, monkeypatch, clock):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("QueueTable")
        now = clock()

        def due_style(level):
            row = next(i for i, c in enumerate(table.rows) if c.status != "sent" and urgency(c.deadline, now) is level)
            table.set_cursor(len(table.rows) - 1)  # the cursor's reverse is not on these rows
            strip = table.render_line(row - int(table.scroll_offset.y) + 1)
            return next(seg.style for seg in strip if seg.text.strip())

        overdue, soon = due_style(Urgency.OVERDUE), due_style(Urgency.SOON)
        assert app.no_color  # Textual strips the colour on output; the text styles are what is left
        assert overdue.reverse and not soon.reverse
        assert soon.underline and not overdue.underline


# --- keys that match habits -------------------------------------------------------------------


async def test_a_case_opens_outside_the_editor_and_q_goes_back(make_app):
    from replydesk.tui.screens.queue import QueueScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE, edit=False)
        before = screen.editor.text
        assert pilot.app.focused is not screen.editor
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QueueScreen) and app.is_running
        screen = await open_case(pilot, RETURN_DISPUTE)  # e: into the editor, where q is a letter
        await pilot.press("q")
        assert screen.editor.text != before and pilot.app.screen is screen


async def test_the_unsaved_dialog_discards_and_sets_the_text_aside(make_app, queue_dir):
    from replydesk.tui.screens.dialogs import ChoiceDialog
    from replydesk.tui.screens.queue import QueueScreen

    saved = (queue_dir / "drafts" / f"{RETURN_DISPUTE}.txt").read_text(encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await open_case(pilot, RETURN_DISPUTE)
        await type_text(pilot, "a mistake ")
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QueueScreen)
    assert (queue_dir / "drafts" / f"{RETURN_DISPUTE}.txt").read_text(encoding="utf-8") == saved
    aside = list((queue_dir / ".recovery" / "discarded").glob(f"{RETURN_DISPUTE}.*.json"))
    assert len(aside) == 1 and "a mistake" in json.loads(aside[0].read_text(encoding="utf-8"))["text"]


async def test_ctrl_a_selects_all_and_ctrl_home_goes_to_the_top(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        editor = screen.editor
        await pilot.press("ctrl+end")
        assert editor.cursor_location == editor.document.end
        await pilot.press("ctrl+home")
        assert editor.cursor_location == (0, 0)
        await pilot.press("ctrl+a")
        assert editor.selected_text == editor.text


async def test_ctrl_f_applies_every_concrete_replacement_in_one_undoable_edit(make_app, real_linter):
    app = make_app(linter=real_linter)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, EMPTY_CANCEL)
        await type_text(pilot, "Handed to the carrier on 2024-05-12 23:30 Beijing time!")
        await settle(pilot)
        rules = {f.rule for f in screen.current_findings() if f.fix is not None}
        assert {"TIME002", "TONE004"} <= rules
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert screen.editor.text == "Handed to the carrier on 2024-05-13 00:30 KST."
        assert not [f for f in screen.current_findings() if f.fix is not None]
        await pilot.press("ctrl+z")
        assert screen.editor.text == "Handed to the carrier on 2024-05-12 23:30 Beijing time!"


async def test_history_is_in_time_order_and_searchable_at_80x24(make_app, queue_dir, clock):
    from replydesk.tui.screens.history import HistoryScreen

    store = QueueStore(queue_dir, index_path=False)
    store.assign(RETURN_DISPUTE, "bob", "alice", clock())
    data = case_file(queue_dir, RETURN_DISPUTE)
    data["history"].insert(0, {"who": "customer", "when": "2024-05-19T08:00:00+09:00", "text": "Where is my parcel, the blue kettle?"})
    (queue_dir / "cases" / f"{RETURN_DISPUTE}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_case(pilot, RETURN_DISPUTE, edit=False)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
        history = pilot.app.screen
        whens = [when for _entry, when in history.entries]
        assert whens == sorted(whens)  # the customer's later message, written first in the file, comes after the notice
        assert history.entries[-1][0]["event"] == "assigned"
        await pilot.press("slash")
        await type_text(pilot, "blue kettle")
        await pilot.pause()
        assert [history.entries[i][0]["text"] for i in history.shown] == ["Where is my parcel, the blue kettle?"]
        assert "1 of" in str(history.query_one("#history-title").render())
        await pilot.press("enter", "q")
        assert not isinstance(pilot.app.screen, HistoryScreen)


async def test_E_lists_the_unreadable_case_files(make_app, queue_dir):
    from replydesk.tui.screens.dialogs import ListDialog

    (queue_dir / "cases" / "BROKEN-1.json").write_text("{not json", encoding="utf-8")
    (queue_dir / "cases" / "BROKEN-2.json").write_text('{"id": "BROKEN-2"}', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "2 unreadable case file(s) (E lists them)" in str(app.screen.query_one("#queue-status").render())
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ListDialog))
        lines = pilot.app.screen.lines
        assert any("BROKEN-1.json:1: invalid JSON" in line for line in lines)
        assert any("BROKEN-2.json" in line and "missing required key" in line for line in lines)


async def test_the_palette_names_places_not_classes(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        helps = {c.help for c in app.get_system_commands(app.screen)}
        assert "Queue · key c" in helps
        assert not [h for h in helps if h and ("Screen" in h or "Table:" in h)]
