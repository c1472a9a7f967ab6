"""Pilot tests for what an operator does at the desk, keyboard only.

The real linter drives the finding flows, through rules the brief calls
robust: an exclamation mark is TONE004 (fixable to '.'), a Chinese
sentence under Coupang is LANG001.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from replydesk.tui.queue.locks import Locks, Operator

from .conftest import open_case, settle, type_text, wait_for

RETURN_DISPUTE = "CP-240518-0003"  # row 9 of the demo queue at the anchor time
EMPTY_CANCEL = "CP-240520-0002"  # row 5, empty draft, overdue
REPO = Path(__file__).resolve().parents[2]






def finding_rules(screen) -> list[tuple[str, str]]:
    text = screen.editor.text
    return [(f.rule, text[f.start : f.end]) for f in screen.result.findings]


# --- queue ------------------------------------------------------------------------------

DEMO_CASES = 30  # tui/demo_queue/cases


async def test_queue_opens_sorted_by_deadline_with_overdue_first(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rows = pilot.app.screen.query_one("QueueTable").rows
        assert [c.id for c in rows[:3]] == ["AMZ-CASE-0015", "CP-240518-0004", "CP-240513-0010"]
        assert rows[-1].answered and not rows[0].answered  # answered cases sink to the bottom
        assert [c.status for c in rows[-3:]] == ["closed"] * 3  # closed ones last


async def test_slash_filters_the_queue_as_you_type_and_escape_clears(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("QueueTable")
        await pilot.press("slash")
        await type_text(pilot, "shopee")
        assert {c.platform for c in table.rows} == {"shopee"}
        assert len(table.rows) == 3
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
        await type_text(pilot, "22000009480112")  # an order ID matches exactly, not fuzzily
        assert [c.id for c in table.rows] == [RETURN_DISPUTE]
        await pilot.press("escape")
        assert len(table.rows) == DEMO_CASES
        assert pilot.app.focused is table


async def test_fuzzy_filter_tolerates_a_typo(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("QueueTable")
        await pilot.press("slash")
        await type_text(pilot, "chargebak")
        assert {c.kind for c in table.rows} == {"chargeback"}
        await pilot.press("enter")
        assert pilot.app.focused is table


async def test_platform_status_and_kind_keys_cycle_facets(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("QueueTable")
        await pilot.press("p")  # platforms in name order: amazon first
        assert {c.platform for c in table.rows} == {"amazon"}
        await pilot.press("s")  # statuses in workflow order: new first
        assert [c.id for c in table.rows] == ["AMZ-CB-0014"]
        await pilot.press("c")
        assert len(table.rows) == DEMO_CASES
        await pilot.press("t")
        assert {c.kind for c in table.rows} == {"atoz-review"}


async def test_sort_key_cycles_and_keeps_the_cursor_on_the_same_case(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("QueueTable")
        await pilot.press("j", "j")
        chosen = table.current.id
        await pilot.press("o")
        assert pilot.app.view.sort == "priority"
        assert table.current.id == chosen


async def test_queue_shows_draft_error_and_warning_counts(make_app, real_linter):
    app = make_app(linter=real_linter)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=5)
        counts = pilot.app.draft_counts
        assert counts[EMPTY_CANCEL] == (-1, 0)  # empty draft: "-"
        errors, warnings = counts["CP-240518-0004"]
        assert errors >= 1  # the Chinese sentence (LANG001)


# --- case: type, find, jump, fix, save, ready ----------------------------------------------


async def test_typing_an_exclamation_mark_shows_a_finding_marked_in_the_editor(make_app, real_linter):
    app = make_app(linter=real_linter)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, EMPTY_CANCEL)
        await type_text(pilot, "Order 22000009551870 shipped on 2024-05-20 09:10 KST!")
        await settle(pilot)
        assert ("TONE004", "!") in finding_rules(screen)
        spans = screen.editor.finding_spans
        assert any(s.start == (0, 52) and s.end == (0, 53) and s.name == "finding.warning" for s in spans)
        # the mark reaches the TextArea's highlight map as UTF-8 byte offsets
        assert (52, 53, "finding.warning") in screen.editor._highlights[0]


async def test_chinese_sentence_under_coupang_is_flagged_lang001(make_app, real_linter):
    app = make_app(linter=real_linter)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, "CP-240518-0004")
        rules = finding_rules(screen)
        lang = [span for rule, span in rules if rule == "LANG001"]
        assert lang and lang[0].startswith("我们已经确认买家签收了包裹")


async def test_next_finding_moves_the_cursor_onto_its_span_and_ctrl_f_applies_the_fix(make_app, real_linter):
    app = make_app(linter=real_linter)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, EMPTY_CANCEL)
        await type_text(pilot, "Order 22000009551870 shipped!\nWaybill 340010913442.")
        await settle(pilot)
        await pilot.press("ctrl+home")
        await pilot.press("ctrl+n")
        editor = screen.editor
        selected = editor.selected_text
        assert selected == "!"
        assert editor.selection.start == (0, 28) and editor.selection.end == (0, 29)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert editor.text.splitlines()[0] == "Order 22000009551870 shipped."
        assert "TONE004" not in [rule for rule, _ in finding_rules(screen)]
        # undo still works: the fix is an ordinary edit
        await pilot.press("ctrl+z")
        assert editor.text.splitlines()[0] == "Order 22000009551870 shipped!"


async def test_enter_in_the_findings_panel_jumps_to_the_finding(make_app):
    app = make_app()  # stub linter: 'delivery delay' is a fixable TERM001
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        findings = screen.findings
        index = next(i for i, f in enumerate(findings.findings) if f.rule == "TERM001")
        await pilot.press("escape")  # leave the editor: focus goes to the findings panel
        assert pilot.app.focused is findings
        findings.highlighted = index
        await pilot.press("enter")
        assert pilot.app.focused is screen.editor
        assert screen.editor.selected_text == "delivery delay"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "shipping delay was caused" in screen.editor.text


async def test_fix_one_without_a_fix_at_the_cursor_changes_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        before = screen.editor.text
        await pilot.press("ctrl+home", "ctrl+o")
        await settle(pilot)
        assert screen.editor.text == before


async def test_ctrl_s_saves_the_draft_and_n_sets_status_drafting(make_app, queue_dir):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, EMPTY_CANCEL)
        await type_text(pilot, "Order 22000009551870 was dispatched.")
        assert screen.is_dirty()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (queue_dir / "drafts" / f"{EMPTY_CANCEL}.txt").read_text(encoding="utf-8") == (
            "Order 22000009551870 was dispatched."
        )
        assert not screen.is_dirty()
        data = json.loads((queue_dir / "cases" / f"{EMPTY_CANCEL}.json").read_text(encoding="utf-8"))
        assert data["status"] == "drafting"
        assert data["order_ids"] == ["22000009551870"]  # other keys untouched
        assert not list((queue_dir / "drafts").glob(".*.tmp"))  # no temp files left behind


async def test_mark_ready_with_errors_asks_and_keep_editing_leaves_status(make_app, queue_dir):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)  # stub: TERM001 error remains
        from replydesk.tui.screens.dialogs import ChoiceDialog

        case_file = queue_dir / "cases" / f"{RETURN_DISPUTE}.json"
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("n")
        await wait_for(pilot, lambda: pilot.app.screen is screen)
        await settle(pilot)
        assert json.loads(case_file.read_text(encoding="utf-8"))["status"] == "drafting"
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: json.loads(case_file.read_text(encoding="utf-8"))["status"] == "ready")
        assert screen.case.status == "ready"


async def test_mark_ready_without_errors_does_not_ask(make_app, queue_dir):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_case(pilot, EMPTY_CANCEL)
        await type_text(pilot, "Order 22000009551870 was dispatched.")
        await pilot.press("ctrl+r")
        await settle(pilot)
        data = json.loads((queue_dir / "cases" / f"{EMPTY_CANCEL}.json").read_text(encoding="utf-8"))
        assert data["status"] == "ready"
        assert (queue_dir / "drafts" / f"{EMPTY_CANCEL}.txt").read_text(encoding="utf-8").startswith("Order")


async def test_y_copies_the_draft_to_the_clipboard(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        await pilot.press("escape")  # out of the editor, so 'y' is a command, not a letter
        await pilot.press("y")
        assert pilot.app.clipboard == screen.editor.text


async def test_escape_with_unsaved_text_offers_save_keep_or_cancel(make_app, queue_dir):
    from replydesk.tui.screens.case import CaseScreen
    from replydesk.tui.screens.dialogs import ChoiceDialog
    from replydesk.tui.screens.queue import QueueScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_case(pilot, EMPTY_CANCEL)
        await type_text(pilot, "Draft in progress")
        await pilot.press("escape", "escape")  # leave the editor, then the case
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("c")
        assert isinstance(pilot.app.screen, CaseScreen)
        await pilot.press("escape")
        await pilot.press("k")  # keep for later: journal, not draft
        await settle(pilot)
        assert isinstance(pilot.app.screen, QueueScreen)
        journal = json.loads((queue_dir / ".recovery" / f"{EMPTY_CANCEL}.json").read_text(encoding="utf-8"))
        assert journal["text"] == "Draft in progress"
        assert (queue_dir / "drafts" / f"{EMPTY_CANCEL}.txt").read_text(encoding="utf-8") == ""
        assert not (queue_dir / ".locks" / f"{EMPTY_CANCEL}.lock").exists()


async def test_q_with_unsaved_text_asks_before_quitting(make_app, queue_dir):
    from replydesk.tui.screens.dialogs import ChoiceDialog

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_case(pilot, EMPTY_CANCEL)
        await type_text(pilot, "Half a reply")
        await pilot.press("escape", "q")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("s")
        await settle(pilot)
    assert (queue_dir / "drafts" / f"{EMPTY_CANCEL}.txt").read_text(encoding="utf-8") == "Half a reply"
    assert not (queue_dir / ".locks" / f"{EMPTY_CANCEL}.lock").exists()


async def test_help_lists_every_key_of_the_floor(make_app):
    from replydesk.tui.screens.help import help_sections

    keys = {single for _title, rows in help_sections() for k, _d in rows for single in k.split(" / ")}
    for floor in ["j", "down", "k", "up", "enter", "esc", "/", "ctrl+s", "ctrl+r", "ctrl+t", "n", "N", "ctrl+f", "ctrl+o", "y", "g", "?", "q", "a", "m", "u", "h", "e"]:
        assert floor in keys, floor
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        from replydesk.tui.screens.help import HelpScreen

        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


async def test_command_palette_offers_the_case_actions(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        titles = {c.title for c in pilot.app.get_system_commands(screen)}
        for title in ("Save", "Ready", "Sent", "Fix all", "Fix one", "Next", "History", "Copy", "Back", "Glossary", "Help", "Quit"):
            assert title in titles, title


# --- two operators, locks ------------------------------------------------------------------


async def test_second_desk_opens_a_locked_case_read_only(make_app, alice, bob):
    first = make_app(operator=alice)
    second = make_app(operator=bob)
    async with first.run_test(size=(100, 30)) as pilot_a:
        await settle(pilot_a)
        await open_case(pilot_a, RETURN_DISPUTE)
        async with second.run_test(size=(100, 30)) as pilot_b:
            await settle(pilot_b)
            table = pilot_b.app.screen.query_one("QueueTable")
            table.locks = pilot_b.app.locks.all()
            assert table.locks[RETURN_DISPUTE].who == "alice"
            screen_b = await open_case(pilot_b, RETURN_DISPUTE)
            assert screen_b.read_only
            assert screen_b.editor.read_only
            assert "alice@desk-host" in str(screen_b.query_one("#lock-banner").render())
            before = screen_b.editor.text
            await pilot_b.press("x", "ctrl+s")
            assert screen_b.editor.text == before
            # the read-only desk releases nothing on the way out
            await pilot_b.press("escape")
            await settle(pilot_b)
        assert Locks(first.store.locks_dir, alice).read(RETURN_DISPUTE).who == "alice"


async def test_a_stale_lock_of_a_dead_process_is_taken_over_with_a_notice(make_app, queue_dir, alice):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    ghost = Operator(who="carol", host=alice.host, pid=dead.pid, token="token-carol")
    assert Locks(queue_dir / ".locks", ghost).acquire(RETURN_DISPUTE).acquired
    app = make_app(operator=alice)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        assert not screen.read_only
        assert screen.took_over is not None and screen.took_over.who == "carol"
        assert any("stale lock" in n.message for n in pilot.app._notifications)
        assert Locks(queue_dir / ".locks", alice).read(RETURN_DISPUTE).token == alice.token


# --- autosave and recovery --------------------------------------------------------------------

DESK_SCRIPT = textwrap.dedent(
    """
    import asyncio, os, sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from replydesk.tui.app import ReplydeskApp
    from replydesk.tui.clock import FixedClock
    from replydesk.tui.queue.location import demo_anchor
    from replydesk.tui.queue.locks import Operator
    from replydesk.tui.queue.store import QueueStore
    from tui.fakes import stub_linter_factory

    async def main():
        app = ReplydeskApp(QueueStore(Path({queue!r})), clock=FixedClock(demo_anchor()),
                           operator=Operator("dave", "{host}", os.getpid(), "token-dave"),
                           linter_factory=stub_linter_factory, autosave_interval=0.2, cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.2)
            table = app.screen.query_one("QueueTable")
            target = next(i for i, c in enumerate(table.rows) if c.id == {case!r})
            for _ in range(target):
                await pilot.press("j")
            await pilot.press("enter")
            await pilot.pause(0.3)
            await pilot.press("e")  # a case opens outside the editor
            for ch in "Typed before the line dropped":
                await pilot.press("space" if ch == " " else ch)
            await pilot.pause(0.6)  # a few autosave ticks
            print("TYPED", flush=True)
            if {mode!r} == "term":
                app.on_terminate_signal(15)  # what the SIGTERM handler runs
                await pilot.pause(0.2)
                print("EXITED", flush=True)
            else:
                await asyncio.sleep(60)  # killed here

    asyncio.run(main())
    """
)


def run_desk_and_stop(queue_dir: Path, host: str, mode: str) -> None:
    script = DESK_SCRIPT.format(tests=str(REPO / "tests"), queue=str(queue_dir), host=host, case=EMPTY_CANCEL, mode=mode)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "TYPED" in line or not line:
            break
    assert "TYPED" in line, proc.stderr.read()
    if mode == "kill":
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.parametrize("mode", ["kill", "term"])
async def test_text_typed_before_the_desk_died_is_offered_on_next_open(make_app, queue_dir, alice, mode):
    from replydesk.tui.screens.dialogs import ChoiceDialog

    run_desk_and_stop(queue_dir, alice.host, mode)
    assert (queue_dir / "drafts" / f"{EMPTY_CANCEL}.txt").read_text(encoding="utf-8") == ""
    journal = json.loads((queue_dir / ".recovery" / f"{EMPTY_CANCEL}.json").read_text(encoding="utf-8"))
    assert journal["text"] == "Typed before the line dropped"
    lock_left = (queue_dir / ".locks" / f"{EMPTY_CANCEL}.lock").exists()
    assert lock_left == (mode == "kill")  # SIGTERM releases its lock; SIGKILL cannot

    app = make_app(operator=alice)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press(*["j"] * 4, "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        assert "dave@" in str(pilot.app.screen.message)
        await pilot.press("r")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.case.id == EMPTY_CANCEL and not screen.read_only
        assert screen.editor.text == "Typed before the line dropped"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (queue_dir / "drafts" / f"{EMPTY_CANCEL}.txt").read_text(encoding="utf-8") == "Typed before the line dropped"
    assert not (queue_dir / ".recovery" / f"{EMPTY_CANCEL}.json").exists()


async def test_keeping_the_saved_draft_sets_the_recovered_text_aside(make_app, queue_dir, alice):
    from replydesk.tui.queue.recovery import Journal

    Journal(queue_dir / ".recovery", alice).write(RETURN_DISPUTE, "older typing", base_text="")
    app = make_app(operator=alice)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*["j"] * 8, "enter")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert pilot.app.screen.editor.text.startswith("Dear Coupang team")
    aside = list((queue_dir / ".recovery" / "discarded").glob(f"{RETURN_DISPUTE}.*.json"))
    assert len(aside) == 1
    assert json.loads(aside[0].read_text(encoding="utf-8"))["text"] == "older typing"


async def test_n_and_shift_n_walk_findings_outside_the_editor(make_app):
    app = make_app()  # stub: '!' (TONE004) on line 3, 'delivery delay' (TERM001) right after it
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, RETURN_DISPUTE)
        await pilot.press("escape")  # findings panel has focus: n is a command, not a letter
        await pilot.press("n")
        assert screen.editor.selected_text == "!"
        await pilot.press("n")
        assert screen.editor.selected_text == "delivery delay"
        await pilot.press("N")
        assert screen.editor.selected_text == "!"
        assert screen.editor.text == screen.saved_text  # nothing was typed
