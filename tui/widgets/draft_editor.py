"""The draft editor: a TextArea that underlines the spans the linter found.

TextArea has no public API for extra highlights in Textual 8.2.8, so this
extends the private `_build_highlight_map` (called after every edit) and
adds (start_byte, end_byte, name) spans per row. Offsets there are UTF-8
BYTES within the line, not characters: Korean and Chinese text takes 3
bytes a character. `tests/tui/test_draft_editor.py` pins this private API.

TextArea hands each line to the terminal as it is, so an ESC in a draft
(`\x1b]52;…` writes the clipboard) would be obeyed, not shown. `get_line`
(TextArea's documented hook for how a line looks) shows the line through
`control_pictures`: one visible character per control character, so
columns, selection and cursor still index the real text, and the text
edited and saved is untouched. Highlight byte offsets are therefore
measured on the shown line. Soft wrapping and cursor movement measure the
lines too (a control character is 0 cells wide, its picture 1): the
wrapped view and navigator are given `DrawnLines`, a read-only view of the
document as drawn, else a line of ESCs would push its tail out of sight.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import TextArea
from textual.expand_tabs import expand_tabs_inline
from textual.widgets.text_area import Selection, TextAreaTheme, WrappedDocument

from replydesk.linting.display import control_pictures
from replydesk.linting.document import LineIndex
from replydesk.linting.findings import Finding

THEME_NAME = "replydesk"
SEVERITY_HIGHLIGHT = {2: "finding.error", 1: "finding.warning", 0: "finding.info"}

# Underline (and bold/italic) carries the meaning under NO_COLOR; colour only adds to it.
FINDING_STYLES = {
    "finding.error": Style(underline=True, bold=True, color="#ff6b6b"),
    "finding.warning": Style(underline=True, color="#f0c05a"),
    "finding.info": Style(underline=True, italic=True),
}


def replydesk_theme() -> TextAreaTheme:
    base = TextAreaTheme.get_builtin_theme("css")
    styles = dict(base.syntax_styles) if base is not None else {}
    styles.update(FINDING_STYLES)
    return TextAreaTheme(name=THEME_NAME, syntax_styles=styles)


@dataclass(frozen=True)
class Span:
    """A finding's extent in editor coordinates: (row, column) pairs, 0-based, characters."""

    start: tuple[int, int]
    end: tuple[int, int]
    name: str


def offset_to_location(text: str, line_starts: list[int], offset: int) -> tuple[int, int]:
    """Character offset in the whole text → (row, column) as TextArea counts them."""
    import bisect

    offset = max(0, min(offset, len(text)))
    row = bisect.bisect_right(line_starts, offset) - 1
    return row, offset - line_starts[row]


def line_starts_of(text: str) -> list[int]:
    return LineIndex(text).starts


class DrawnLines:
    """A document's lines as the editor draws them (control pictures), for measuring only.

    Same line count and the same number of characters per line as the real
    document, so every location means the same in both; everything but the
    line text is the real document's. Nothing edits through it.
    """

    def __init__(self, document):
        self.document = document

    def __getattr__(self, name):
        return getattr(self.document, name)

    @property
    def lines(self) -> list[str]:
        return [control_pictures(line) for line in self.document.lines]

    def get_line(self, index: int) -> str:
        return control_pictures(self.document.get_line(index))

    def __getitem__(self, index):
        return control_pictures(self.document[index])


class DraftEditor(TextArea):
    """Plain-text reply editor with finding marks; Tab moves focus, as a form field should."""

    PLACE = "Draft editor"

    BINDINGS = [
        Binding("escape", "leave", "Done", tooltip="Leave the editor (to the findings); esc again goes back", id="editor.leave"),
        # Habits from every other editor: ctrl+a selects all (home still goes to the line start, as does f7's
        # select-all); ctrl+home / ctrl+end go to the top and the end of the draft.
        Binding("ctrl+a", "select_all", "Select all", show=False, tooltip="Select the whole draft", id="editor.select-all"),
        Binding("ctrl+home", "go_to_top", "Top", show=False, tooltip="Go to the top of the draft", id="editor.top"),
        Binding("ctrl+end", "go_to_end", "End", show=False, tooltip="Go to the end of the draft", id="editor.end"),
    ]

    def __init__(self, text: str = "", **kwargs):
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("show_line_numbers", True)
        super().__init__(text, **kwargs)
        self.register_theme(replydesk_theme())
        self.theme = THEME_NAME
        self._finding_spans: list[Span] = []

    def action_go_to_top(self) -> None:
        self.move_cursor((0, 0))

    def action_go_to_end(self) -> None:
        self.move_cursor(self.document.end)

    def set_findings(self, text: str, findings: list[Finding]) -> None:
        """Mark findings computed for `text` (must be the editor's current text)."""
        starts = line_starts_of(text)
        spans = []
        for f in findings:
            if f.end <= f.start:
                continue  # whole-reply findings have no span to underline
            name = SEVERITY_HIGHLIGHT.get(int(f.severity), "finding.info")
            spans.append(
                Span(offset_to_location(text, starts, f.start), offset_to_location(text, starts, f.end), name)
            )
        self._finding_spans = spans
        self._build_highlight_map()
        self.refresh()

    def clear_findings(self) -> None:
        self.set_findings(self.text, [])

    @property
    def finding_spans(self) -> list[Span]:
        return list(self._finding_spans)

    @property
    def wrapped_document(self) -> WrappedDocument:
        return self._drawn_wrapped

    @wrapped_document.setter
    def wrapped_document(self, wrapped: WrappedDocument) -> None:
        """TextArea builds its wrapped view (and navigator) from the raw document: measure drawn lines instead."""
        if not isinstance(wrapped.document, DrawnLines):
            wrapped = WrappedDocument(DrawnLines(wrapped.document), tab_width=getattr(wrapped, "_tab_width", 4))
        self._drawn_wrapped = wrapped

    def get_column_width(self, row: int, column: int) -> int:
        """Cells from the start of the row to `column`, as drawn (TextArea's own, on the drawn line)."""
        return cell_len(expand_tabs_inline(control_pictures(self.document[row])[:column], self.indent_width))

    def get_line(self, line_index: int) -> Text:
        """The line as drawn: control characters as pictures, one for one (see the module docstring)."""
        return Text(control_pictures(self.document.get_line(line_index)), end="", no_wrap=True)

    def _build_highlight_map(self) -> None:
        super()._build_highlight_map()
        if not getattr(self, "_finding_spans", None):
            return
        document = self.document
        line_count = document.line_count
        highlights = self._highlights
        for span in self._finding_spans:
            (start_row, start_col), (end_row, end_col) = span.start, span.end
            if start_row >= line_count:
                continue
            end_row = min(end_row, line_count - 1)
            for row in range(start_row, end_row + 1):
                line = control_pictures(document.get_line(row))  # bytes as `get_line` draws them
                first = start_col if row == start_row else 0
                last = end_col if row == end_row else len(line)
                first, last = min(first, len(line)), min(last, len(line))
                if last <= first:
                    continue
                start_byte = len(line[:first].encode("utf-8"))
                end_byte = start_byte + len(line[first:last].encode("utf-8"))
                highlights[row].append((start_byte, end_byte, span.name))

    def select_span(self, text: str, start: int, end: int) -> None:
        """Put the cursor on a finding: select its span (cursor at its end) and scroll to it."""
        starts = line_starts_of(text)
        self.selection = Selection(offset_to_location(text, starts, start), offset_to_location(text, starts, end))
        self.scroll_cursor_visible(center=True)

    def cursor_offset(self) -> int:
        """The cursor as a character offset into `self.text` (what findings use)."""
        row, column = self.cursor_location
        starts = line_starts_of(self.text)
        return starts[row] + column

    def action_leave(self) -> None:
        self.screen.focus_next()
