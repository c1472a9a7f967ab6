"""Ignoring a finding in one case from the desk (`d`): asked for a reason, kept in the case file,
its history and the export, and the linter quiet there from then on."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from replydesk.tui.queue import workflow

from .conftest import open_case, settle

RETURN_DISPUTE = "CP-240518-0003"  # "… The delivery delay was caused by your system …"
KST = timezone(timedelta(hours=9))


def rules(screen) -> list[tuple[str, str]]:
    text = screen.editor.text
    return [(f.rule, text[f.start:f.end]) for f in screen.findings.findings]


async def opened(pilot):
    """The return dispute's case screen, linted (the real linter)."""
    await settle(pilot)
    screen = await open_case(pilot, RETURN_DISPUTE)
    await settle(pilot)
    return screen


async def answer(pilot, text: str) -> None:
    """Type the reason into the dialog and press enter."""
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await pilot.press("enter")
    await settle(pilot)


async def highlight(pilot, screen, rule: str, span: str) -> None:
    await pilot.press("escape")  # out of the editor, onto the findings panel
    findings = screen.findings
    assert pilot.app.focused is findings
    text = screen.editor.text
    findings.highlighted = next(i for i, f in enumerate(findings.findings) if f.rule == rule and text[f.start:f.end] == span)


async def test_d_ignores_the_highlighted_finding_with_a_reason(make_app, real_linter, queue_dir):
    app = make_app(linter=real_linter)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await opened(pilot)
        assert ("TERM001", "delivery delay") in rules(screen)
        await highlight(pilot, screen, "TERM001", "delivery delay")
        await pilot.press("d")
        await settle(pilot)
        dialog = pilot.app.screen
        assert dialog.id == "ignore-dialog"
        assert "Ignore it in “delivery delay”?" in dialog.message
        await answer(pilot, "the buyer's words, quoted")
        assert ("TERM001", "delivery delay") not in rules(screen)
        assert screen.findings.border_subtitle == "1 ignored here (history: h)"
        data = json.loads((queue_dir / "cases" / f"{RETURN_DISPUTE}.json").read_text(encoding="utf-8"))
        entry = data["ignore"][-1]
        assert {k: entry[k] for k in ("rule", "text", "reason", "by")} == {
            "rule": "TERM001", "text": "delivery delay", "reason": "the buyer's words, quoted", "by": "alice"}
        assert entry["when"].endswith("+09:00")
        record = data["history"][-1]
        assert record["event"] == "ignored" and record["who"] == "alice"
        assert record["text"] == "alice ignored TERM001 in “delivery delay”: the buyer's words, quoted"
        # The draft itself is unchanged: the reply goes to the platform verbatim.
        assert "The delivery delay was caused" in screen.editor.text


async def test_ignoring_needs_a_reason(make_app, real_linter, queue_dir):
    app = make_app(linter=real_linter)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await opened(pilot)
        before = (queue_dir / "cases" / f"{RETURN_DISPUTE}.json").read_bytes()
        await highlight(pilot, screen, "TERM001", "delivery delay")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("space", "enter")
        await settle(pilot)
        assert ("TERM001", "delivery delay") in rules(screen)
        assert (queue_dir / "cases" / f"{RETURN_DISPUTE}.json").read_bytes() == before
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert (queue_dir / "cases" / f"{RETURN_DISPUTE}.json").read_bytes() == before


def test_workflow_records_once_and_export_shows_it(queue_dir):
    from replydesk.tui.queue.export import chain, to_html
    from replydesk.tui.queue.store import QueueStore

    store = QueueStore(queue_dir)
    store.load()
    when = datetime(2024, 5, 19, 10, 0, tzinfo=KST)
    case = store.ignore_finding(RETURN_DISPUTE, "term001", "delivery delay", "quoted from the buyer", "op1", when)
    again = store.ignore_finding(RETURN_DISPUTE, "TERM001", "delivery delay", "twice", "op2", when)
    assert again.raw == case.raw  # the same rule and quote: nothing new
    assert [e for e in case.raw["ignore"] if isinstance(e, dict)] == [
        {"rule": "TERM001", "text": "delivery delay", "reason": "quoted from the buyer", "by": "op1", "when": "2024-05-19T10:00:00+09:00"}]
    # The linter reads it as a suppression of the case.
    assert [(s.rule, s.text) for s in case.context.ignore] == [("TERM001", "delivery delay")]
    exported = chain(case)
    assert exported["ignored"] == [{"rule": "TERM001", "text": "delivery delay", "reason": "quoted from the buyer",
                                    "by": "op1", "when": "2024-05-19T10:00:00+09:00"}]
    assert exported["history"][-1]["type"] == "ignored"
    html = to_html([exported])
    assert "TERM001 in “delivery delay” by op1: quoted from the buyer" in html
    assert "finding ignored" in html
    with pytest.raises(ValueError, match="reason is needed"):
        workflow.ignore_finding(case.raw, "TONE004", None, "  ", "op1", when)
    whole = workflow.ignore_finding(case.raw, "TONE004", None, "our house style", "op1", when)
    assert whole["ignore"][-1]["rule"] == "TONE004" and "text" not in whole["ignore"][-1]
    assert whole["history"][-1]["text"] == "op1 ignored TONE004 in this case: our house style"


async def test_a_draft_saved_with_a_byte_order_mark_is_quoted_exactly(make_app, real_linter, queue_dir):
    # parse_draft drops a BOM, so the linter's offsets start after it; with the BOM in the
    # editor every span (and the quote recorded here) was one character off: "delivery dela".
    path = queue_dir / "drafts" / f"{RETURN_DISPUTE}.txt"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    app = make_app(linter=real_linter)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await opened(pilot)
        assert not screen.editor.text.startswith("\ufeff")
        await highlight(pilot, screen, "TERM001", "delivery delay")
        await pilot.press("d")
        await settle(pilot)
        assert "Ignore it in “delivery delay”?" in pilot.app.screen.message
        await answer(pilot, "quoted")
        data = json.loads((queue_dir / "cases" / f"{RETURN_DISPUTE}.json").read_text(encoding="utf-8"))
        assert data["ignore"][-1]["text"] == "delivery delay"
        assert ("TERM001", "delivery delay") not in rules(screen)


def test_export_keeps_hand_written_entries_it_cannot_read_visible():
    from replydesk.tui.queue.export import ignored_entries

    assert ignored_entries({"rule": "tone001"}) == [{"rule": "TONE001", "text": None, "reason": None, "by": None, "when": None}]
    assert ignored_entries([{"rule": None, "text": "x"}, 5])[0]["rule"] == "(no rule)"
    assert ignored_entries([5])[0]["rule"] == "(not an entry: 5)"
    assert ignored_entries(None) == []
