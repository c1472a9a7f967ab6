"""Make control characters in untrusted text visible before a terminal sees it.

Case subjects, buyers' messages, attachment names, drafts, lock owners and
pack or glossary strings are written by strangers (or by whoever can write
the queue directory). A terminal does not show a control character, it
*obeys* it: ``ESC ] 52 ; c ; … BEL`` writes the operator's clipboard,
``ESC ] 8 ;;`` makes a hidden hyperlink, ``ESC ] 0 ;`` retitles the window,
CSI sequences (``ESC [`` or the single-byte C1 ``\\x9b``) move the cursor or
erase what the operator reads, and BS/CR overwrite text already shown. So
every string of that kind is passed through :func:`visible_controls` at the
place where it is turned into terminal output (the desk's widgets, the CLI's
reporters), and the operator sees the sequence instead of suffering it.

The replacement is chosen so that what was there stays readable and is
never itself a control:

* C0 controls U+0000-U+001F become the Unicode control pictures
  U+2400-U+241F (ESC → ``␛``, BEL → ``␇``, CR → ``␍``, BS → ``␈``);
  DEL U+007F becomes ``␡`` (U+2421).
* C1 controls U+0080-U+009F (which some terminals obey as 8-bit
  ESC-sequences: ``\\x9b`` is CSI, ``\\x9d`` is OSC) have no pictures;
  they become the literal four characters ``\\x9b``.
* With ``keep_newlines=True`` LF and TAB are kept as they are, for widgets
  that lay out several lines (the draft editor, a history message); CR is
  still made visible because it returns the cursor and lets the rest of a
  line overwrite its start.

:func:`control_pictures` is the same with one character for one character
(C1 becomes U+FFFD), for a widget that must keep every column where it is:
the desk's draft editor shows the draft through it while the text it
edits and saves stays exactly what was read.

The functions are pure and lives in the core (no terminal, no Textual) so the
CLI and the desk use one definition of "control character". It does not
try to be a general sanitiser: bidi overrides and zero-width characters
are printable and are a matter for the rules that inspect a reply, and a
text that already contains ``␛`` looks the same as one that contained ESC
(the point is that nothing reaches the terminal raw, not a reversible
encoding).
"""
from __future__ import annotations

import re

__all__ = ["CONTROL_CHARS", "DEL_AND_C1", "control_pictures", "visible_controls"]

#: Every character a terminal may act on instead of printing: C0, DEL, C1
#: (Unicode general category Cc, exactly).
CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f]")

#: DEL and the C1 controls: the part of CONTROL_CHARS that json.dumps leaves raw.
DEL_AND_C1 = re.compile("[\x7f-\x9f]")

# The same set without LF and TAB, for multi-line widgets.
_CONTROL_CHARS_BUT_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}"


def visible_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Return *text* with every control character replaced by a visible form.

    ``keep_newlines`` keeps LF and TAB (multi-line widgets); everything else
    in :data:`CONTROL_CHARS`, CR included, is always replaced. Text without
    control characters is returned unchanged (the same object), so calling
    this on every repaint costs one regex search.
    """
    pattern = _CONTROL_CHARS_BUT_LAYOUT if keep_newlines else CONTROL_CHARS
    if pattern.search(text) is None:
        return text
    return pattern.sub(_picture, text)


def _one_picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    return _picture(match) if code < 0x80 else "\ufffd"


def control_pictures(text: str) -> str:
    """*text* with each control character replaced by ONE visible character; LF and TAB kept.

    Same as ``visible_controls(text, keep_newlines=True)`` except that a C1
    control becomes U+FFFD (�) rather than four characters, so that
    character ``i`` of the result shows character ``i`` of *text*. For
    widgets that index the original text by column (selection, cursor,
    highlights), not for output where a precise picture matters.
    """
    if _CONTROL_CHARS_BUT_LAYOUT.search(text) is None:
        return text
    return _CONTROL_CHARS_BUT_LAYOUT.sub(_one_picture, text)
