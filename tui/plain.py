"""Data into widget content: shown as written, never obeyed as markup or as a terminal control.

Case subjects, messages and attachment names come from buyers (through
`import`); drafts, lock and journal files from whoever can write the
queue; pack and glossary strings from data files; error messages quote
all of these. Two things go wrong when such a string becomes widget
content directly:

* Textual parses a plain `str` given to `Static`, `notify`, the command
  palette or a dialog as content markup, so `[/b]` raises a MarkupError
  and `[bold red]x` restyles the screen;
* control characters (ESC, C1, BEL, BS, CR…) are passed through to the
  terminal, which obeys them: an OSC 52 in a subject writes the operator's
  clipboard on every repaint.

So every such string goes through one of the functions here at the point
where it is turned into a widget (the desk's boundary), and nowhere else:
`shown` for a plain string a widget draws as is (the queue table's cells,
which are Segments), `plain` for a `rich.text.Text` (never parsed as
markup), and `as_markup` for the few Textual APIs that only take markup
(the command palette's help line). The draft editor shows its text through
`control_pictures` instead (draft_editor.py), which keeps every column.
What counts as a control character, and how it is shown, is defined once
in `replydesk.linting.display`, shared with the CLI.
"""
from __future__ import annotations

from rich.text import Text
from textual.markup import escape

from replydesk.linting.display import visible_controls


def shown(value: object, *, multiline: bool = False) -> str:
    """`str(value)` with control characters made visible (LF and TAB kept when `multiline`)."""
    return visible_controls(value if isinstance(value, str) else str(value), keep_newlines=multiline)


def plain(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """A Text showing `value` literally: no markup, no raw control characters."""
    return Text(shown(value, multiline=multiline), style=style)


def as_markup(value: object) -> str:
    """`value` as a markup string that renders literally, for APIs that parse what they are given."""
    return escape(shown(value))
