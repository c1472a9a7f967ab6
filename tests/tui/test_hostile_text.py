"""Case, lock, journal, pack and glossary strings are data: never parsed as markup, never raw controls (issue 11).

Textual reads a plain `str` given to `notify`, `Static`, a dialog or the
command palette as content markup. Each test here puts markup (`[/b]`
closes a tag that was never opened: a MarkupError; `[bold red]` restyles)
into one place a stranger controls and checks that the desk keeps running
and shows the literal text. Each failed before tui/plain.py: the desk
crashed, or (for the palette) rendered the subject as markup.
The bytes a real terminal receives are tested in
tests/robustness/test_terminal_escapes.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from replydesk.linting.display import CONTROL_CHARS
from replydesk.tui.queue.locks import Locks, Operator

from .conftest import settle, wait_for

HOSTILE_ID = "CP-MARKUP-0001"


def add_case(queue: Path, case_id: str = HOSTILE_ID, **fields) -> Path:
    data = {
        "id": case_id,
        "platform": "coupang",
        "kind": "general",
        "subject": "Ordinary subject",
        "received_at": "2024-05-20T08:30:00+09:00",
        "deadline": "2024-05-01T00:00:00+09:00",  # long overdue: the first row of the queue
    }
    data.update(fields)
    path = queue / "cases" / f"{case_id}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def toast_texts(app) -> list[str]:
    from textual.widgets._toast import Toast

    return [str(toast.render()) for toast in app.screen.query(Toast)]


async def open_first_case(pilot, case_id: str = HOSTILE_ID):
    from replydesk.tui.screens.case import CaseScreen

    table = pilot.app.screen.query_one("QueueTable")
    assert table.rows[0].id == case_id
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseScreen) and pilot.app.screen.case.id == case_id
    return pilot.app.screen


@pytest.mark.parametrize("key", ["platform", "status"])
async def test_a_case_value_that_is_markup_shows_literally_in_the_load_error_notice(make_app, queue_dir, key):
    add_case(queue_dir, **{key: "[/b]"})
    app = make_app()
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: toast_texts(pilot.app))
        shown = " ".join(toast_texts(pilot.app))
        assert "Skipped an unreadable case file" in shown and "'[/b]'" in shown
        assert HOSTILE_ID in shown
        assert pilot.app.screen.query_one("QueueTable").rows  # the rest of the queue is there


async def test_a_stale_lock_whose_owner_is_markup_is_taken_over_with_a_literal_notice(make_app, queue_dir, alice):
    add_case(queue_dir)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    ghost = Operator(who="[/i]carol[bold red]", host=alice.host, pid=dead.pid, token="token-carol")
    assert Locks(queue_dir / ".locks", ghost).acquire(HOSTILE_ID).acquired
    app = make_app(operator=alice)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_first_case(pilot)
        assert screen.took_over is not None and not screen.read_only
        await wait_for(pilot, lambda: any("stale lock" in t for t in toast_texts(pilot.app)))
        assert any("[/i]carol[bold red]@desk-host" in t for t in toast_texts(pilot.app))


async def test_a_live_lock_whose_owner_is_markup_opens_read_only_with_a_literal_banner(make_app, queue_dir, alice):
    add_case(queue_dir)
    elsewhere = Operator(who="[/i]", host="[b]other-host", pid=1, token="token-other")  # another host: live
    assert Locks(queue_dir / ".locks", elsewhere).acquire(HOSTILE_ID).acquired
    app = make_app(operator=alice)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = await open_first_case(pilot)
        assert screen.read_only
        assert "Read-only: [/i]@[b]other-host (pid 1)" in str(screen.query_one("#lock-banner").render())


async def test_recovered_text_from_a_journal_owner_that_is_markup_is_offered_literally(make_app, queue_dir, alice):
    from replydesk.tui.queue.recovery import Journal
    from replydesk.tui.screens.dialogs import ChoiceDialog

    add_case(queue_dir)
    typist = Operator(who="[/b]", host="[/u]host", pid=1, token="token-typist")
    Journal(queue_dir / ".recovery", typist).write(HOSTILE_ID, "typed [/b] before the crash", "")
    app = make_app(operator=alice)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        message = str(pilot.app.screen.query_one(".dialog-message").render())
        assert "[/b]@[/u]host, autosaved" in message


async def test_a_linter_that_fails_with_markup_in_its_error_is_reported_literally(make_app, queue_dir):
    def broken(store):
        raise ValueError("packs/x.toml:3: bad value '[/b]' [bold red]here")

    app = make_app(linter=None)
    app.linter_factory = broken
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: toast_texts(pilot.app))
        assert any("bad value '[/b]' [bold red]here" in t for t in toast_texts(pilot.app))


async def test_a_subject_that_is_markup_is_literal_in_the_palette_queue_and_case(make_app, queue_dir):
    from textual.command import CommandList, CommandPalette

    subject = "[bold red]x[/] [link=http://evil.example]y"
    add_case(queue_dir, subject=subject, attachments=[{"name": "[/b].jpg"}],
             history=[{"who": "[/u]", "text": "[/]"}], order_ids=["[/i]"])
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("QueueTable")
        assert subject in "".join(segment.text for segment in table.render_line(1))
        pilot.app.action_command_palette()
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
        for ch in "Open CP-MARKUP":
            await pilot.press("space" if ch == " " else ch)
        commands = pilot.app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 0)
        prompt = commands.get_option_at_index(0).prompt
        assert subject in str(prompt)
        assert not [span for span in prompt.spans if "link" in str(span.style) or "red" in str(span.style)]
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_first_case(pilot)
        details = str(screen.query_one("#case-details").render())
        for literal in (subject, "[/b].jpg", "[/u]", "[/]", "[/i]"):
            assert literal in details


def test_glossary_and_finding_strings_have_no_raw_control_characters():
    """Pack and glossary files are data too: what the findings list and glossary screen draw has none."""
    from replydesk.linting.findings import Finding, Severity
    from replydesk.tui.queue.terms import TermRow
    from replydesk.tui.screens.glossary import term_detail, term_label
    from replydesk.tui.widgets.findings import finding_label

    osc = "\x1b]52;c;aGVsbG8=\x07"
    row = TermRow(ko=f"배송{osc}", en=f"delivery{osc}", zh=f"配送\x9b2J", avoid=f"\x1b]0;t\x07", note=f"n\x1b[2J", source="s")
    finding = Finding(rule="TERM001", category="terms", severity=Severity.WARNING, message=f"use {osc}", start=0, end=0,
                      suggestion=f"\x1b]8;;http://x\x1b\\")
    for text in (term_label(row), term_detail(row), finding_label(finding, None)):
        assert CONTROL_CHARS.search(text.plain.replace("\n", "")) is None, repr(text.plain)
        assert "␛]" in text.plain


async def test_palette_names_from_pack_values_render_literally(make_app, monkeypatch):
    """A kind is whatever a pack file (the queue's own `pack_dirs`) names it; the palette reads names as markup."""
    from textual.content import Content

    from replydesk.tui.commands import queue_commands

    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(pilot.app.view, "facet_values", lambda facet: ["[/b]", "\x1b]0;k\x07"])
        names = [c.title for c in queue_commands(pilot.app.screen) if c.title.startswith("Show kind")]
        assert [Content.from_markup(name).plain for name in names] == ["Show kind: all", "Show kind: [/b]", "Show kind: ␛]0;k␇"]


async def test_a_draft_with_control_characters_is_saved_exactly_as_read_plus_what_was_typed(make_app, queue_dir):
    """Guard for the editor's pictures: they are drawn, never written (passes before and after the fix)."""
    add_case(queue_dir)
    draft = queue_dir / "drafts" / f"{HOSTILE_ID}.txt"
    draft.write_text("Hello \x1b]52;c;aGk=\x07 there \x9b2J\tend\n", encoding="utf-8", newline="")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = await open_first_case(pilot)
        await pilot.press("e", "end", "x", "ctrl+s")
        await settle(pilot)
        assert not screen.is_dirty()
    assert draft.read_text(encoding="utf-8") == "Hello \x1b]52;c;aGk=\x07 there \x9b2J\tendx\n"


async def test_dead_letters_waiting_in_the_queue_are_told_once_at_start(make_app, queue_dir):
    folder = queue_dir / "dead-letter"
    folder.mkdir()
    for n in range(2):
        (folder / f"20261201T01000{n}-tiktok-{n:016x}.json").write_text(
            json.dumps({"received_at": "x", "endpoint": "tiktok", "reason": "[b]bad[/b]", "body": "{"}), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: any("webhook receiver" in t for t in toast_texts(pilot.app)))
        (shown,) = [t for t in toast_texts(pilot.app) if "webhook receiver" in t]
        assert shown.startswith("2 deliveries the webhook receiver rejected wait in dead-letter/")
        assert "replydesk doctor" in shown


async def test_a_queue_without_dead_letters_says_nothing_of_them(make_app, queue_dir):
    (queue_dir / "dead-letter").mkdir()
    (queue_dir / "dead-letter" / ".20261201T010000-tiktok-aaaa.json.x1.tmp").write_text("{")  # a write in progress
    app = make_app()
    looked = []
    look = app.tell_dead_letters
    app.tell_dead_letters = lambda: (looked.append(True), look())
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: looked)  # the desk did look, and found none
        await settle(pilot)
        assert not any("webhook receiver" in t for t in toast_texts(pilot.app))
