"""Pins the private TextArea API the finding marks rely on (`_build_highlight_map`, byte offsets).

If a Textual upgrade changes it, this fails before an operator sees
unmarked findings.
"""
from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult

from replydesk.linting.findings import Finding, Severity
from replydesk.tui.widgets.draft_editor import DraftEditor


class EditorApp(App):
    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield DraftEditor(self.text)


def finding(text: str, needle: str, severity=Severity.ERROR) -> Finding:
    start = text.index(needle)
    return Finding("X001", "tone", severity, "m", start, start + len(needle))


async def test_korean_span_is_marked_at_utf8_byte_offsets():
    text = "주문번호 22000009546234 배송지연!"
    app = EditorApp(text)
    async with app.run_test() as pilot:
        editor = app.query_one(DraftEditor)
        editor.set_findings(text, [finding(text, "배송지연")])
        await pilot.pause()
        start = len("주문번호 22000009546234 ".encode("utf-8"))
        assert (start, start + len("배송지연".encode("utf-8")), "finding.error") in editor._highlights[0]


async def test_span_across_lines_is_marked_on_each_line():
    text = "first line\nsecond line"
    app = EditorApp(text)
    async with app.run_test() as pilot:
        editor = app.query_one(DraftEditor)
        editor.set_findings(text, [finding(text, "line\nsecond", Severity.WARNING)])
        await pilot.pause()
        assert (6, 10, "finding.warning") in editor._highlights[0]
        assert (0, 6, "finding.warning") in editor._highlights[1]


async def test_marks_survive_an_edit_until_the_next_lint():
    text = "Shipped!"
    app = EditorApp(text)
    async with app.run_test() as pilot:
        editor = app.query_one(DraftEditor)
        editor.set_findings(text, [finding(text, "!", Severity.WARNING)])
        editor.insert("X", (0, 0))  # edit() rebuilds the highlight map
        await pilot.pause()
        assert any(name == "finding.warning" for _s, _e, name in editor._highlights[0])


async def test_the_marked_line_renders_underlined():
    text = "Shipped!"
    app = EditorApp(text)
    async with app.run_test() as pilot:
        editor = app.query_one(DraftEditor)
        editor.set_findings(text, [finding(text, "Shipped")])
        await pilot.pause()
        strip = editor.render_line(0)
        underlined = "".join(seg.text for seg in strip if seg.style and seg.style.underline)
        assert "Shipped" in underlined and "!" not in underlined


async def test_control_characters_in_a_draft_are_drawn_as_pictures_and_the_text_is_kept():
    """Issue 11: an ESC in a draft is shown (␛), not sent to the terminal; marks stay on their characters."""
    text = "\x1b]52;c;aGk=\x07 배송지연 \x9b2J ok!"
    app = EditorApp(text)
    async with app.run_test() as pilot:
        editor = app.query_one(DraftEditor)
        editor.set_findings(text, [finding(text, "배송지연"), finding(text, "ok", Severity.WARNING)])
        await pilot.pause()
        drawn = "".join(seg.text for seg in editor.render_line(0))
        assert "\u241b]52;c;aGk=\u2407 배송지연 \ufffd2J ok!" in drawn
        assert not any(c in drawn for c in "\x1b\x07\x9b")
        underlined = [seg.text for seg in editor.render_line(0) if seg.style and seg.style.underline]
        assert "".join(underlined) == "배송지연ok"
        assert editor.text == text  # what is edited and saved is what was read


async def test_a_line_of_control_characters_wraps_as_drawn_and_hides_nothing():
    """Pictures take a cell where the control took none: wrapping must count them, or the line's tail is cut off."""

    class NarrowEditorApp(EditorApp):
        CSS = "DraftEditor { width: 40; height: 10; }"

    text = "\x1b" * 30 + "ABCDEFGHIJ HIDDEN-TAIL and more words here\nnext"
    app = NarrowEditorApp(text)
    async with app.run_test(size=(60, 12)) as pilot:
        editor = app.query_one(DraftEditor)
        await pilot.pause()
        width = editor.scrollable_content_region.width
        rows = ["".join(seg.text for seg in editor.render_line(y)) for y in range(4)]
        assert all(cell_len(row.rstrip()) <= width for row in rows), rows
        assert "HIDDEN-TAIL" in "".join(rows)
        editor.move_cursor((0, 30))  # just after the last ESC: the drawn column, not the raw one
        assert editor.get_column_width(0, 30) == 30
