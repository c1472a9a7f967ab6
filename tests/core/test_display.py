"""visible_controls: no control character survives, printable text is untouched."""
from __future__ import annotations

from replydesk.linting.display import CONTROL_CHARS, visible_controls


def test_osc52_clipboard_write_is_shown_not_obeyed():
    shown = visible_controls("hi \x1b]52;c;aGVsbG8=\x07 there")
    assert shown == "hi \u241b]52;c;aGVsbG8=\u2407 there"
    assert CONTROL_CHARS.search(shown) is None


def test_c0_del_and_c1_each_get_a_visible_form():
    assert visible_controls("\x00\x08\r\x7f") == "\u2400\u2408\u240d\u2421"
    assert visible_controls("a\x9b31mb\x9d") == "a\\x9b31mb\\x9d"


def test_every_control_character_is_replaced():
    every = "".join(chr(c) for c in range(0xA0))
    assert CONTROL_CHARS.search(visible_controls(every)) is None
    kept = visible_controls(every, keep_newlines=True)
    assert [c for c in kept if CONTROL_CHARS.match(c)] == ["\t", "\n"]


def test_keep_newlines_keeps_layout_but_not_carriage_return():
    assert visible_controls("a\nb\tc\r\n", keep_newlines=True) == "a\nb\tc\u240d\n"
    assert visible_controls("a\nb\tc") == "a\u240ab\u2409c"


def test_printable_text_is_returned_as_is():
    text = "배송 완료 — ␛ already a picture, 😀, \u200b"
    assert visible_controls(text) is text
